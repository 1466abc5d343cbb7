package handlers

import (
	"context"
	"strings"

	"cnsbot"
	"cnsbot/locales"

	"github.com/go-telegram/bot/models"
)

// /tiendo [unit] [period]: activity indicators against the yearly plan for a
// unit's subtree, with buttons that drill into child units and switch the
// period by editing the message in place, and the top and bottom units.

// maxChildButtons bounds the drill-down buttons (a commune has 5–20 villages).
const maxChildButtons = 24

// progress shows /tiendo for unitID (0: the caller's scope) and p.
func (r *Router) progress(ctx context.Context, req *request, unitID int64, p cnsbot.Period, edit bool) error {
	set, unit, err := r.figureScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	rows, err := r.activityRows(ctx, set, unit.ID, p)
	if err != nil {
		return err
	}
	kids, err := r.children(ctx, unit.ID)
	if err != nil {
		return err
	}
	ranked, err := r.rankChildren(ctx, set, unit.ID, p, kids)
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(req.t("progress.header", "Unit", unit.DisplayName(), "Period", req.periodLabel(p)))
	for _, row := range rows {
		b.WriteString("\n")
		b.WriteString(req.t("progress.line", "Name", row.Ind.Name(req.lang), "Period", quantityText(req.lang, row.Ind, row.Period),
			"YTD", locales.FormatNumber(req.lang, row.YTD), "Plan", planText(req.lang, row), "Pct", pctText(req.lang, row),
			"HasPlan", row.HasPlan, "Icon", statusIcon(row.Status), "LastYear", locales.FormatNumber(req.lang, row.LastYear)))
	}
	if len(ranked) >= 2 {
		top, bottom := ranked[0], ranked[len(ranked)-1]
		b.WriteString("\n\n")
		b.WriteString(req.t("progress.top_bottom", "Top", top.Unit.Name, "TopScore", r.scoreText(req, top),
			"Bottom", bottom.Unit.Name, "BottomScore", r.scoreText(req, bottom)))
	}
	kb := r.progressKeyboard(ctx, req, unit, p, kids)
	if edit {
		if err := req.edit(ctx, b.String(), kb); err != nil {
			return err
		}
		return req.answer(ctx, "")
	}
	return req.reply(ctx, b.String(), kb)
}

func (r *Router) scoreText(req *request, cs childScore) string {
	if cs.HasPlan {
		return locales.FormatPercent(req.lang, cnsbot.RoundHalfUp(cs.Score, 0))
	}
	return locales.FormatNumber(req.lang, cs.Score)
}

// progressKeyboard: children to drill into, the parent (inside the scope),
// the period kinds and the previous period. Callback data "td:PERIOD:UNIT"
// stays well under 64 bytes.
func (r *Router) progressKeyboard(ctx context.Context, req *request, unit *cnsbot.Unit, p cnsbot.Period, kids []*cnsbot.Unit) *models.InlineKeyboardMarkup {
	cb := func(p cnsbot.Period, unitID int64) string {
		return Callback{Feature: "td", Action: p.Code(), ID: unitID}.String()
	}
	var rows [][]models.InlineKeyboardButton
	var row []models.InlineKeyboardButton
	for i, k := range kids {
		if i == maxChildButtons {
			break
		}
		row = append(row, button(k.Name, cb(p, k.ID)))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	if unit.ID != req.member.UnitID && unit.ParentID != 0 {
		if ok, err := r.Units.IsUnitWithin(ctx, unit.ParentID, req.member.UnitID); err == nil && ok {
			rows = append(rows, []models.InlineKeyboardButton{button(req.t("progress.up_button"), cb(p, unit.ParentID))})
		}
	}
	today := r.today()
	month := cnsbot.PeriodMonth
	if r.AdminMonth {
		month = cnsbot.PeriodAdminMonth
	}
	rows = append(rows, []models.InlineKeyboardButton{
		button(req.t("progress.week_button"), cb(cnsbot.PeriodOf(cnsbot.PeriodWeek, today), unit.ID)),
		button(req.t("progress.month_button"), cb(cnsbot.PeriodOf(month, today), unit.ID)),
		button(req.t("progress.quarter_button"), cb(cnsbot.PeriodOf(cnsbot.PeriodQuarter, today), unit.ID)),
		button(req.t("progress.year_button"), cb(cnsbot.PeriodOf(cnsbot.PeriodYear, today), unit.ID)),
	}, []models.InlineKeyboardButton{
		button(req.t("progress.prev_button"), cb(p.Prev(), unit.ID)),
	})
	return inlineKeyboard(rows...)
}

// progressCallback handles "td:PERIOD:UNIT": the unit is checked against
// the caller's scope like a typed one — a forged button gets nothing.
func (r *Router) progressCallback(ctx context.Context, req *request, cb Callback) error {
	p, err := cnsbot.ParsePeriodCode(cb.Action)
	if err != nil {
		return req.staleButton(ctx)
	}
	return r.progress(ctx, req, cb.ID, p, true)
}
