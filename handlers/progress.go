package handlers

import (
	"context"
	"strings"

	"cnsbot"
	"cnsbot/ask"
	"cnsbot/locales"

	"github.com/go-telegram/bot/models"
)

// progress: /tiendo [unit] [period], activity indicators against the yearly plan for a
// unit's subtree, with buttons that drill into child units and switch the
// period by editing the message in place, and the top and bottom units.

// maxChildButtons bounds the drill-down buttons (a commune has 5–20 villages).
const maxChildButtons = 24

type progress struct{ *base }

func (f *progress) features() []Feature {
	return []Feature{{Name: "progress", VI: "tiendo", Groups: true, Help: "help.cmd_tiendo",
		Command: f.askCommand(ask.IntentProgress, f.answer), Prefix: prefixProgress, Button: f.button, Intent: ask.IntentProgress, Answer: f.answer}}
}

func (f *progress) answer(ctx context.Context, req *Request, q ask.Question, _ bool) error {
	return f.show(ctx, req, unitOf(q), f.periodOr(q, cnsbot.PeriodMonth), false)
}

// show shows /tiendo for unitID (0: the caller's scope) and p.
func (f *progress) show(ctx context.Context, req *Request, unitID int64, p cnsbot.Period, edit bool) error {
	set, unit, err := f.figureScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	rows, err := f.activityRows(ctx, set, unit.ID, p)
	if err != nil {
		return err
	}
	kids, err := f.children(ctx, unit.ID)
	if err != nil {
		return err
	}
	ranked, why, err := f.rankChildren(ctx, set, unit.ID, p, kids)
	if err != nil {
		return err
	}
	ly := p.SameLastYear(f.today())
	labels := unitLabels(append([]*cnsbot.Unit{unit}, kids...)...)
	var b strings.Builder
	b.WriteString(req.T("progress.header", "Unit", unit.DisplayName(), "Period", req.periodLabel(p)))
	b.WriteString("\n" + req.T("progress.same_period", "From", ly.From, "To", ly.To))
	for _, row := range rows {
		lastYear := "—" // no report at all then: no data, not 0
		if row.HasLastYear {
			lastYear = locales.FormatNumber(req.lang, row.LastYear)
		}
		b.WriteString("\n")
		b.WriteString(req.T("progress.line", "Name", row.Ind.Name(req.lang), "Period", quantityText(req, row.Ind, row.Period),
			"YTD", locales.FormatNumber(req.lang, row.YTD), "Plan", planText(req, row), "Pct", f.pctText(req.lang, row),
			"HasPlan", row.HasPlan, "Icon", statusIcon(row.Status), "LastYear", lastYear))
	}
	if t := f.rankText(req, ranked, why, labels); t != "" {
		b.WriteString("\n\n" + t)
	}
	kb := f.keyboard(ctx, req, unit, p, kids, labels)
	return req.show(ctx, edit, b.String(), kb)
}

// rankText names the best and the worst child by mean completion against
// plan, or says why there is no ranking; "" for fewer than two children.
func (f *progress) rankText(req *Request, ranked []childScore, why string, labels map[int64]string) string {
	if why != rankOK {
		return req.T("progress.rank_" + why)
	}
	if len(ranked) < 2 {
		return ""
	}
	score := func(cs childScore) string {
		return locales.FormatPercent(req.lang, f.Thresholds.DisplayPercent(cs.Score, 0))
	}
	top, bottom := ranked[0], ranked[len(ranked)-1]
	return req.T("progress.top_bottom", "Top", labels[top.Unit.ID], "TopScore", score(top),
		"Bottom", labels[bottom.Unit.ID], "BottomScore", score(bottom))
}

// keyboard: children to drill into (labelled by unitLabels), the parent
// (inside the scope), the period kinds and the previous period. Callback data "td:PERIOD:UNIT"
// stays well under 64 bytes.
func (f *progress) keyboard(ctx context.Context, req *Request, unit *cnsbot.Unit, p cnsbot.Period, kids []*cnsbot.Unit, labels map[int64]string) *models.InlineKeyboardMarkup {
	cb := func(p cnsbot.Period, unitID int64) string {
		return Callback{Feature: prefixProgress, Action: p.Code(), ID: unitID}.String()
	}
	var rows [][]models.InlineKeyboardButton
	var row []models.InlineKeyboardButton
	for i, k := range kids {
		if i == maxChildButtons {
			break
		}
		row = append(row, button(labels[k.ID], cb(p, k.ID)))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if unit.ID != req.member.UnitID && unit.ParentID != 0 {
		if ok, err := f.Units.IsUnitWithin(ctx, unit.ParentID, req.member.UnitID); err == nil && ok {
			rows = append(rows, []models.InlineKeyboardButton{button(req.T("progress.up_button"), cb(p, unit.ParentID))})
		}
	}
	today := f.today()
	month := cnsbot.PeriodMonth
	if f.AdminMonth {
		month = cnsbot.PeriodAdminMonth
	}
	rows = append(rows, []models.InlineKeyboardButton{
		button(req.T("progress.week_button"), cb(cnsbot.PeriodOf(cnsbot.PeriodWeek, today), unit.ID)),
		button(req.T("progress.month_button"), cb(cnsbot.PeriodOf(month, today), unit.ID)),
		button(req.T("progress.quarter_button"), cb(cnsbot.PeriodOf(cnsbot.PeriodQuarter, today), unit.ID)),
		button(req.T("progress.year_button"), cb(cnsbot.PeriodOf(cnsbot.PeriodYear, today), unit.ID)),
	}, []models.InlineKeyboardButton{
		button(req.T("progress.prev_button"), cb(p.Prev(), unit.ID)),
	})
	return inlineKeyboard(rows...)
}

// button handles "td:PERIOD:UNIT": the unit is checked against
// the caller's scope like a typed one — a forged button gets nothing.
func (f *progress) button(ctx context.Context, req *Request, cb Callback) error {
	p, err := cnsbot.ParsePeriodCode(cb.Action)
	if err != nil {
		return req.staleButton(ctx)
	}
	return f.show(ctx, req, cb.ID, p, true)
}
