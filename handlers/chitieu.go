package handlers

import (
	"context"
	"strconv"
	"strings"

	"cnsbot"
	"cnsbot/locales"
)

// /chitieu: the sector indicators for the year — "5/10 chỉ tiêu đạt và
// vượt kế hoạch năm", then one line each; /chitieu CT02 gives the detail.

// chitieu answers /chitieu [CODE] [unit] [year] for unitID (0: the
// caller's scope).
func (r *Router) chitieu(ctx context.Context, req *request, unitID int64, code string, year int) error {
	set, unit, err := r.figureScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	today := r.today().Format("2006-01-02")
	explicit := year != 0
	if year == 0 {
		year = r.today().Year()
	}
	rows, err := r.sectorRows(ctx, set, unit.ID, year, today)
	if err != nil {
		return err
	}
	if !explicit && !anyValue(rows) {
		// Early in a year nothing is entered yet: last year's figures
		// answer "how did we do", and the text says which year it is.
		if prev, err := r.sectorRows(ctx, set, unit.ID, year-1, today); err != nil {
			return err
		} else if anyValue(prev) {
			rows, year = prev, year-1
		}
	}
	if code != "" {
		for _, row := range rows {
			if strings.EqualFold(row.Ind.Code, code) {
				return req.reply(ctx, r.chitieuDetail(req, unit, row, year), nil)
			}
		}
		return cnsbot.Errorf(cnsbot.EINVALID, "chitieu.unknown", "Code", code)
	}
	if len(rows) == 0 {
		return req.reply(ctx, req.t("chitieu.none", "Unit", unit.DisplayName(), "Year", year), nil)
	}
	met := 0
	var lines []string
	for _, row := range rows {
		if row.Status.Met() {
			met++
		}
		lines = append(lines, r.chitieuLine(req, row))
	}
	text := req.t("chitieu.header", "Met", met, "Total", len(rows), "Year", year, "Unit", unit.DisplayName()) +
		"\n" + strings.Join(lines, "\n") + "\n\n" + req.t("chitieu.footer")
	return req.reply(ctx, text, nil)
}

func anyValue(rows []figureRow) bool {
	for _, row := range rows {
		if row.Value != nil {
			return true
		}
	}
	return false
}

// valueText renders a sector value: "156/163 (95,7%)" for a ratio kept with
// its parts, "97,4%" for a percentage, "1.562 tổ" for a count.
func valueText(lang string, ind *cnsbot.Indicator, v *cnsbot.Report) string {
	if v == nil {
		return "—"
	}
	if v.Numerator != nil && v.Denominator != nil && *v.Denominator != 0 {
		return locales.FormatNumber(lang, *v.Numerator) + "/" + locales.FormatNumber(lang, *v.Denominator) +
			" (" + locales.FormatPercent(lang, cnsbot.RoundHalfUp(v.Actual(), 1)) + ")"
	}
	return quantityText(lang, ind, v.Value)
}

// quantityText renders a number with its unit of measure: "97,4%", "1.562 tổ".
func quantityText(lang string, ind *cnsbot.Indicator, v float64) string {
	if ind.Unit == "%" {
		return locales.FormatPercent(lang, v)
	}
	return locales.FormatNumber(lang, v) + " " + ind.Unit
}

// pctText renders a completion as a whole percentage, the way reports say
// it ("đạt 103%"): rounded half up for display only.
func pctText(lang string, row figureRow) string {
	if !row.HasPct {
		return "—"
	}
	return locales.FormatPercent(lang, cnsbot.RoundHalfUp(row.Pct, 0))
}

// planText renders a plan; a rank plan reads "≤ 5".
func planText(lang string, row figureRow) string {
	if !row.HasPlan {
		return "—"
	}
	s := quantityText(lang, row.Ind, row.Plan)
	if row.Ind.Direction == cnsbot.DirLower {
		s = "≤ " + s
	}
	return s
}

func (r *Router) chitieuLine(req *request, row figureRow) string {
	pct := pctText(req.lang, row)
	if row.Ind.Direction == cnsbot.DirLower {
		pct = "—" // a rank has no meaningful percentage; its status says it all
	}
	return req.t("chitieu.line", "Code", row.Ind.Code, "Name", row.Ind.Name(req.lang),
		"Actual", valueText(req.lang, row.Ind, row.Value), "Plan", planText(req.lang, row),
		"Pct", pct, "Status", req.t("status."+string(row.Status)), "Icon", statusIcon(row.Status))
}

func (r *Router) chitieuDetail(req *request, unit *cnsbot.Unit, row figureRow, year int) string {
	date := ""
	if row.Value != nil {
		date = row.Value.Date
	}
	return req.t("chitieu.detail", "Code", row.Ind.Code, "Name", row.Ind.Name(req.lang), "Unit", unit.DisplayName(),
		"Measure", row.Ind.Unit, "Actual", valueText(req.lang, row.Ind, row.Value), "Plan", planText(req.lang, row),
		"Pct", pctText(req.lang, row), "Status", req.t("status."+string(row.Status)), "Icon", statusIcon(row.Status),
		"Date", date, "Year", year, "Numerator", row.Ind.NumeratorLabel, "Denominator", row.Ind.DenominatorLabel,
		"Behind", strconv.FormatFloat(r.Thresholds.Behind, 'f', -1, 64))
}

// statusIcon marks a status at a glance on a small screen.
func statusIcon(s cnsbot.Status) string {
	switch s {
	case cnsbot.StatusExceeded:
		return "🟢"
	case cnsbot.StatusMet:
		return "✅"
	case cnsbot.StatusInProgress:
		return "🟡"
	case cnsbot.StatusBehind:
		return "🔴"
	}
	return "⚪"
}
