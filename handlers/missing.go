package handlers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"cnsbot"
	"cnsbot/locales"
	"cnsbot/textvi"

	"github.com/go-telegram/bot/models"
)

// /chuabaocao [period]: the teams of the caller's scope with no report in
// the period, the reporting rate (reported ÷ expected) and the on-time rate,
// and for leaders a button that reminds exactly those teams now.

// maxMissingLines bounds the list in the message; /xuat has all of it.
const maxMissingLines = 30

// missingResult is one /chuabaocao computation.
type missingResult struct {
	Unit     *cnsbot.Unit
	Period   cnsbot.Period
	Expected int
	Reported int
	OnTime   int
	Silent   []cnsbot.TeamActivity
}

func (r *Router) computeMissing(ctx context.Context, unitID int64, p cnsbot.Period) (*missingResult, error) {
	acts, err := r.Figures.TeamActivity(ctx, unitID, p.From, p.To)
	if err != nil {
		return nil, fmt.Errorf("team activity: %w", err)
	}
	deadline := r.endOfDay(p.To)
	res := &missingResult{Period: p, Expected: len(acts)}
	for _, a := range acts {
		if a.Reports == 0 {
			res.Silent = append(res.Silent, a)
			continue
		}
		res.Reported++
		if !a.FirstSentAt.After(deadline) {
			res.OnTime++
		}
	}
	return res, nil
}

// missing shows /chuabaocao for the caller's scope.
func (r *Router) missing(ctx context.Context, req *request, unitID int64, p cnsbot.Period) error {
	if unitID == 0 {
		unitID = req.member.UnitID
	}
	unit, err := r.inScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	res, err := r.computeMissing(ctx, unit.ID, p)
	if err != nil {
		return err
	}
	if err := r.units.load(ctx, r.Units); err != nil {
		return err
	}
	labels := make([]string, 0, len(res.Silent))
	for _, a := range res.Silent {
		labels = append(labels, r.units.pathLabel(a.UnitID))
	}
	textvi.Sort(labels)
	var b strings.Builder
	b.WriteString(req.t("missing.header", "Unit", unit.DisplayName(), "Period", req.periodLabel(p),
		"Reported", res.Reported, "Expected", res.Expected, "Rate", rate(res.Reported, res.Expected),
		"OnTime", res.OnTime, "OnTimeRate", rate(res.OnTime, res.Expected)))
	if len(labels) == 0 {
		b.WriteString("\n\n" + req.t("missing.all_reported"))
		return req.reply(ctx, b.String(), nil)
	}
	b.WriteString("\n\n" + req.t("missing.list_header", "Count", len(labels)))
	for i, l := range labels {
		if i == maxMissingLines {
			b.WriteString("\n" + req.t("missing.more", "Count", len(labels)-maxMissingLines))
			break
		}
		b.WriteString("\n• " + locales.Escape(l))
	}
	var kb models.ReplyMarkup
	if req.member.Role == cnsbot.RoleLeader || req.member.Role == cnsbot.RoleAdmin {
		kb = inlineKeyboard([]models.InlineKeyboardButton{button(req.t("missing.remind_button", "Count", len(labels)),
			Callback{Feature: "rem", Action: p.Code(), ID: unit.ID}.String())})
	}
	return req.reply(ctx, b.String(), kb)
}

// rate is part ÷ whole in percent, 0 when there is no whole.
func rate(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return cnsbot.RoundHalfUp(float64(part)/float64(whole)*100, 1)
}

// reminded remembers which (unit, period) was reminded when, so that a
// second tap within remindAgainAfter sends nothing twice.
type reminded struct {
	mu sync.Mutex
	at map[string]time.Time
}

const remindAgainAfter = time.Hour

// remindCallback queues a reminder to every reachable member of the teams
// still silent for the period ("rem:PERIOD:UNIT"). Leaders and admins only,
// inside their scope.
func (r *Router) remindCallback(ctx context.Context, req *request, cb Callback) error {
	if req.member.Role != cnsbot.RoleLeader && req.member.Role != cnsbot.RoleAdmin {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	p, err := cnsbot.ParsePeriodCode(cb.Action)
	if err != nil {
		return req.staleButton(ctx)
	}
	unit, err := r.inScope(ctx, req, cb.ID)
	if err != nil {
		return err
	}
	key := fmt.Sprintf("%d|%s", unit.ID, p.Code())
	now := r.Now()
	r.remind.mu.Lock()
	if r.remind.at == nil {
		r.remind.at = make(map[string]time.Time)
	}
	if last, ok := r.remind.at[key]; ok && now.Sub(last) < remindAgainAfter {
		r.remind.mu.Unlock()
		return req.answer(ctx, req.t("missing.already_reminded", "Time", last.In(r.Location).Format("15:04")))
	}
	r.remind.at[key] = now
	r.remind.mu.Unlock()

	ms, err := r.silentTeamMembers(ctx, unit.ID, p, nil)
	if err != nil {
		return err
	}
	teams := map[int64]bool{}
	for _, m := range ms {
		teams[m.TeamID] = true
	}
	title := req.t("missing.remind_title", "Unit", unit.DisplayName())
	if _, err := r.queueReminders(ctx, "reminder", title, req.member.ID, req.ChatID, req.lang, ms, p); err != nil {
		return err
	}
	return req.answer(ctx, req.t("missing.reminding", "Members", len(ms), "Teams", len(teams)))
}

// queueReminders queues one reminder per member, in the member's language,
// as one outbox batch; the delivery report goes to reportChat when set.
func (r *Router) queueReminders(ctx context.Context, kind, title string, by, reportChat int64, reportLang string, ms []*cnsbot.Member, p cnsbot.Period) (int64, error) {
	if len(ms) == 0 {
		return 0, nil
	}
	msgs := make([]*cnsbot.OutboxMessage, 0, len(ms))
	for _, m := range ms {
		lang := r.memberLang(m)
		req := &request{r: r, lang: lang}
		msgs = append(msgs, &cnsbot.OutboxMessage{ChatID: m.TelegramID, MemberID: m.ID,
			Text: req.t("missing.reminder", "Name", m.FullName, "Period", req.periodLabel(p))})
	}
	b := &cnsbot.OutboxBatch{Kind: kind, Title: title, CreatedBy: by, ReportChatID: reportChat, ReportLocale: reportLang}
	if err := r.Outbox.CreateBatch(ctx, b, msgs); err != nil {
		return 0, fmt.Errorf("queue reminders: %w", err)
	}
	r.notifyOutbox()
	return b.ID, nil
}
