package handlers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"cnsbot"
	"cnsbot/ask"
	"cnsbot/locales"

	"github.com/go-telegram/bot/models"
)

// /chuabaocao [period]: the teams of the caller's scope with no report in
// the period, grouped by the unit one level down (silent.go), the reporting rate (reported ÷ expected) and the on-time rate,
// and for leaders a button that reminds exactly those teams now.

// maxMissingLines bounds the list in the message; /xuat has all of it on
// its silent teams' sheet.
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

type missing struct {
	*base
	// remindMu makes a confirm's look at the last reminder and its queueing
	// one step in this process, so that two leaders confirming at once
	// queue one reminder.
	remindMu sync.Mutex
}

func (f *missing) features() []Feature {
	return []Feature{
		{Name: "missing", VI: "chuabaocao", Groups: true, Help: "help.cmd_chuabaocao",
			Command: f.askCommand(ask.IntentMissing, f.answer), Intent: ask.IntentMissing, Answer: f.answer},
		{Name: featureRemind, Roles: leaderRoles, Groups: true, Prefix: prefixRemind, Button: f.remind},
	}
}

// featureRemind is the button under /chuabaocao that reminds the silent
// teams now.
const featureRemind = "remind"

func (f *missing) answer(ctx context.Context, req *Request, q ask.Question, _ bool) error {
	return f.show(ctx, req, unitOf(q), f.periodOr(q, cnsbot.PeriodWeek))
}

// show shows /chuabaocao for the caller's scope.
func (f *missing) show(ctx context.Context, req *Request, unitID int64, p cnsbot.Period) error {
	if unitID == 0 {
		unitID = req.member.UnitID
	}
	unit, err := f.inScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	res, err := f.computeMissing(ctx, unit.ID, p)
	if err != nil {
		return err
	}
	groups, err := f.groupSilent(ctx, unit, res)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(req.T("missing.header", "Unit", unit.DisplayName(), "Period", req.periodLabel(p),
		"Reported", res.Reported, "Expected", res.Expected, "Rate", rate(res.Reported, res.Expected),
		"OnTime", res.OnTime, "OnTimeRate", rate(res.OnTime, res.Expected)))
	if len(res.Silent) == 0 {
		b.WriteString("\n\n" + req.T("missing.all_reported"))
		return req.Reply(ctx, b.String(), nil)
	}
	b.WriteString("\n\n" + req.T("missing.list_header", "Count", len(res.Silent)))
	f.writeSilent(&b, req, groups, len(res.Silent), p)
	var kb models.ReplyMarkup
	if f.table.allowed(req, featureRemind) {
		kb = inlineKeyboard([]models.InlineKeyboardButton{button(req.T("missing.remind_button", "Count", len(res.Silent)),
			Callback{Feature: prefixRemind, Action: p.Code(), ID: unit.ID}.String())})
	}
	return req.Reply(ctx, b.String(), kb)
}

// writeSilent lists up to maxMissingLines silent teams, under the name of
// the unit one level down when they lie deeper (a province's districts),
// then how many more and where to find them all.
func (f *missing) writeSilent(b *strings.Builder, req *Request, groups []silentGroup, total int, p cnsbot.Period) {
	withGroups, n := grouped(groups), 0
	for _, g := range groups {
		if n == maxMissingLines {
			break
		}
		if withGroups {
			b.WriteString("\n" + req.T("missing.group", "Unit", g.Unit.DisplayName(), "Count", len(g.Teams)))
		}
		for _, t := range g.Teams {
			if n == maxMissingLines {
				break
			}
			b.WriteString("\n• " + locales.Escape(t.Label))
			n++
		}
	}
	if n < total {
		command := "/xuat"
		if ex := f.table.command("export"); ex != nil {
			command = "/" + ex.command(req.lang)
		}
		b.WriteString("\n" + req.T("missing.more", "Count", total-n, "Command", command, "Args", exportArgs(p, f.today())))
	}
}

// rate is part ÷ whole in percent, 0 when there is no whole.
func rate(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return cnsbot.RoundHalfUp(float64(part)/float64(whole)*100, 1)
}

// remindAgainAfter: a unit's silent teams are reminded for a period at
// most once within it, whoever asks. The rule reads the outbox (the
// reminder batches carry their unit and period as subject), so it holds
// across restarts and processes.
const remindAgainAfter = time.Hour

// remindConfirm marks the confirm button's action: "rem:yPERIOD:UNIT".
const remindConfirm = "y"

// remindSubject is the subject of the reminder batches of unit for p.
func remindSubject(unitID int64, p cnsbot.Period) string {
	return fmt.Sprintf("remind:%d:%s", unitID, p.Code())
}

// remind is the button under /chuabaocao ("rem:PERIOD:UNIT"): it shows
// how many members of the silent teams a reminder reaches and how many it
// cannot, and asks for a confirm ("rem:yPERIOD:UNIT") that queues it.
// Leaders and admins only, inside their scope; nothing is sent twice
// within remindAgainAfter. The reminder batch is keyed by the confirm's
// press: the press handled again after a crash finds it, passes the rule
// it set and answers as the first time.
func (f *missing) remind(ctx context.Context, req *Request, cb Callback) error {
	code, confirmed := strings.CutPrefix(cb.Action, remindConfirm)
	p, err := cnsbot.ParsePeriodCode(code)
	if err != nil {
		return req.staleButton(ctx)
	}
	unit, err := f.inScope(ctx, req, cb.ID)
	if err != nil {
		return err
	}
	if confirmed {
		f.remindMu.Lock()
		defer f.remindMu.Unlock()
	}
	subject := remindSubject(unit.ID, p)
	last, err := f.lastReminder(ctx, subject)
	if err != nil {
		return err
	} else if last != nil && !(confirmed && last.Key == pressKey(req)) {
		return req.answer(ctx, req.T("missing.already_reminded", "Time", last.CreatedAt.In(f.Location).Format("15:04")))
	}
	r, err := f.silentTeamReach(ctx, unit.ID, p, nil)
	if err != nil {
		return err
	}
	args := []any{"Members", len(r.Members), "Teams", r.Teams, "Silent", r.Silent,
		"Uncovered", r.Silent - r.Teams, "Unreachable", r.unreachable(req)}
	if len(r.Members) == 0 {
		// Nobody to send to: the text says so and whom to turn to.
		if confirmed {
			return req.show(ctx, true, req.T("missing.remind_nobody", args...), nil)
		}
		if err := req.Reply(ctx, req.T("missing.remind_nobody", args...), nil); err != nil {
			return err
		}
		return req.answer(ctx, "")
	}
	if !confirmed {
		kb := inlineKeyboard([]models.InlineKeyboardButton{button(req.T("missing.remind_confirm_button", "Count", len(r.Members)),
			Callback{Feature: prefixRemind, Action: remindConfirm + p.Code(), ID: unit.ID}.String())})
		if err := req.Reply(ctx, req.T("missing.remind_confirm", args...), kb); err != nil {
			return err
		}
		return req.answer(ctx, "")
	}
	b := &cnsbot.OutboxBatch{Kind: "reminder", Title: req.T("missing.remind_title", "Unit", unit.DisplayName()),
		CreatedBy: req.member.ID, ReportChatID: req.ChatID, ReportLocale: req.lang, Key: pressKey(req), Subject: subject}
	if err := f.queueReminders(ctx, b, r.Members, p); err != nil {
		return err
	}
	return req.show(ctx, true, req.T("missing.reminding", args...), nil)
}

// lastReminder returns the reminder batch about subject queued within
// remindAgainAfter, nil when there is none.
func (f *missing) lastReminder(ctx context.Context, subject string) (*cnsbot.OutboxBatch, error) {
	b, err := f.Outbox.FindLatestBatch(ctx, subject)
	if cnsbot.ErrorCode(err) == cnsbot.ENOTFOUND {
		return nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find the last reminder: %w", err)
	}
	if f.Now().Sub(b.CreatedAt) >= remindAgainAfter {
		return nil, nil
	}
	return b, nil
}
