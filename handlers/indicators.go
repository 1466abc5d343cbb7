package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"cnsbot"
	"cnsbot/ask"
	"cnsbot/locales"
	"cnsbot/textvi"
)

// indicators: /chitieu, the sector indicators for the year — "5/10 chỉ tiêu đạt và
// vượt kế hoạch năm", then one line each; /chitieu CT02 gives the detail.

type indicators struct{ *base }

func (f *indicators) features() []Feature {
	return []Feature{{Name: "indicators", VI: "chitieu", Roles: leaderRoles, Groups: true, Help: "help.cmd_chitieu",
		Command: f.command, Intent: ask.IntentIndicators, Answer: f.answer}}
}

// command is /chitieu [CODE] [unit] [year]: a year typed as a bare number,
// the rest read like a question.
func (f *indicators) command(ctx context.Context, req *Request) error {
	var rest []string
	year := 0
	for _, w := range strings.Fields(req.Args) {
		if y, err := strconv.Atoi(w); err == nil && y >= 2000 && y <= 2100 {
			year = y
		} else {
			rest = append(rest, w)
		}
	}
	q := ask.Question{Intent: ask.IntentIndicators}
	if len(rest) > 0 {
		p, err := f.askParser(ctx)
		if err != nil {
			return err
		}
		text := strings.Join(rest, " ")
		q = p.Parse(text, f.today())
		if q.Unit == nil && q.Indicator == "" {
			return cnsbot.Errorf(cnsbot.EINVALID, "chitieu.unknown", "Code", text)
		}
	}
	if year == 0 && q.HasPeriod {
		year = q.Period.Year
	}
	return f.show(ctx, req, unitOf(q), q.Indicator, year)
}

// answer answers a question about the sector indicators.
func (f *indicators) answer(ctx context.Context, req *Request, q ask.Question, _ bool) error {
	year := 0
	if q.HasPeriod {
		year = q.Period.Year
	}
	return f.show(ctx, req, unitOf(q), q.Indicator, year)
}

// show answers /chitieu [CODE] [unit] [year] for unitID (0: the
// caller's scope).
func (f *indicators) show(ctx context.Context, req *Request, unitID int64, code string, year int) error {
	set, unit, err := f.figureScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	today := f.today().Format("2006-01-02")
	explicit := year != 0
	if year == 0 {
		year = f.today().Year()
	}
	rows, err := f.sectorRowsUp(ctx, set, unit, year, today)
	if err != nil {
		return err
	}
	if !explicit && !anyValue(rows) {
		// Early in a year nothing is entered yet: last year's figures
		// answer "how did we do", and the text says which year it is.
		if prev, err := f.sectorRowsUp(ctx, set, unit, year-1, today); err != nil {
			return err
		} else if anyValue(prev) {
			rows, year = prev, year-1
		}
	}
	if code != "" {
		for _, row := range rows {
			if strings.EqualFold(row.Ind.Code, code) {
				return req.Reply(ctx, f.detail(req, unit, row, year), nil)
			}
		}
		return cnsbot.Errorf(cnsbot.EINVALID, "chitieu.unknown", "Code", code)
	}
	if len(rows) == 0 {
		return req.Reply(ctx, req.T("chitieu.none", "Unit", unit.DisplayName(), "Year", year), nil)
	}
	// Only indicators with both a plan and a value count: "0/10" built
	// from missing figures would read as ten failures.
	met, total := 0, 0
	var lines []string
	// When every figure is one ancestor's, say so once, not on each line.
	common := sourceText(req, rows[0])
	for _, row := range rows {
		if sourceText(req, row) != common {
			common = ""
		}
	}
	for _, row := range rows {
		if row.Status.Met() {
			met++
		}
		if row.HasPct {
			total++
		}
		if common != "" {
			row.Source = nil
		}
		lines = append(lines, f.line(req, row))
	}
	text := req.T("chitieu.header", "Met", met, "Total", total, "Uncounted", len(rows)-total, "Year", year, "Unit", unit.DisplayName())
	if common != "" {
		text += "\n" + req.T("chitieu.source_all", "Source", common, "Unit", unit.DisplayName())
	}
	text += "\n" + strings.Join(lines, "\n") + "\n\n" + req.T("chitieu.footer")
	return req.Reply(ctx, text, nil)
}

func anyValue(rows []figureRow) bool {
	for _, row := range rows {
		if row.Value != nil {
			return true
		}
	}
	return false
}

// valueText renders a row's sector value in the request's language:
// "156/163 (95,7%)" for a ratio kept with its parts, "97,4%" for a
// percentage, "1.562 tổ" for a count. A percentage is rounded so that it
// never reads as another status against the plan than the exact value has
// (99,96% of a 100% plan is not "100%").
func (b *base) valueText(req *Request, row figureRow) string {
	v, ind, lang := row.Value, row.Ind, req.lang
	if v == nil {
		return "—"
	}
	// One decimal, two where one would cross: FormatNumber shows up to two.
	shown := func(x float64) string {
		if row.HasPlan {
			x = b.Thresholds.DisplayActual(ind.Direction, x, row.Plan, 1)
		} else {
			x = cnsbot.RoundHalfUp(x, 1)
		}
		return locales.FormatNumber(lang, x) + "%"
	}
	if v.Numerator != nil && v.Denominator != nil && *v.Denominator != 0 {
		return locales.FormatNumber(lang, *v.Numerator) + "/" + locales.FormatNumber(lang, *v.Denominator) +
			" (" + shown(v.Actual()) + ")"
	}
	if ind.Unit == "%" {
		return shown(v.Value)
	}
	return quantityText(req, ind, v.Value)
}

// quantityText renders a number with its unit of measure in the request's
// language: "97,4%", "1.562 tổ", "1,562 teams".
func quantityText(req *Request, ind *cnsbot.Indicator, v float64) string {
	if ind.Unit == "%" {
		return locales.FormatPercent(req.lang, v)
	}
	return locales.FormatNumber(req.lang, v) + " " + req.measure(ind.Unit)
}

// measure names a unit of measure as the database holds it ("người",
// "tài khoản") in the request's language: the locale text measure.KEY where
// KEY is the folded unit with "_" between words ("measure.tai_khoan"), or
// the unit as written when the locales have no such key.
func (req *Request) measure(unit string) string {
	key := strings.Trim(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, textvi.Fold(unit)), "_")
	if key == "" || !req.b.Catalog.Has("measure."+key) {
		return unit
	}
	return req.T("measure." + key)
}

// pctText renders a completion as a whole percentage, the way reports say
// it ("đạt 103%"), with one decimal where a whole number would read as
// another status ("99,9%", never "100%" for 99,99%): Thresholds.DisplayPercent.
func (b *base) pctText(lang string, row figureRow) string {
	if !row.HasPct {
		return "—"
	}
	return locales.FormatPercent(lang, b.Thresholds.DisplayPercent(row.Pct, 0))
}

// planText renders a plan; a rank plan reads "≤ 5".
func planText(req *Request, row figureRow) string {
	if !row.HasPlan {
		return "—"
	}
	s := quantityText(req, row.Ind, row.Plan)
	if row.Ind.Direction == cnsbot.DirLower {
		s = "≤ " + s
	}
	return s
}

func (f *indicators) line(req *Request, row figureRow) string {
	return req.T("chitieu.line", "Code", row.Ind.Code, "Name", row.Ind.Name(req.lang),
		"Actual", f.valueText(req, row), "Plan", planText(req, row),
		"Result", f.resultText(req, row), "Source", sourceText(req, row), "Icon", statusIcon(row.Status))
}

func (f *indicators) detail(req *Request, unit *cnsbot.Unit, row figureRow, year int) string {
	date := ""
	if row.Value != nil {
		date = row.Value.Date
	}
	return req.T("chitieu.detail", "Code", row.Ind.Code, "Name", row.Ind.Name(req.lang), "Unit", unit.DisplayName(),
		"Measure", req.measure(row.Ind.Unit), "Actual", f.valueText(req, row), "Plan", planText(req, row),
		"Result", f.resultText(req, row), "Source", sourceText(req, row), "Icon", statusIcon(row.Status),
		"Date", date, "Year", year, "Numerator", row.Ind.NumeratorLabel, "Denominator", row.Ind.DenominatorLabel,
		"Behind", strconv.FormatFloat(f.Thresholds.Behind, 'f', -1, 64))
}

// resultText is where an indicator stands, the same words in the list and
// the detail: "đạt 103% (vượt)"; a rank, whose percentage means nothing
// (plan ≤ 5, rank 1 is not "500%"), says "vượt kế hoạch theo thứ hạng";
// a plan without a value says there is no data yet.
func (b *base) resultText(req *Request, row figureRow) string {
	status := req.T("status." + string(row.Status))
	if !row.HasPct && row.HasPlan {
		status = req.T("figures.no_data")
	}
	return req.T("chitieu.result", "HasPct", row.HasPct, "Rank", row.Ind.Direction == cnsbot.DirLower,
		"Pct", b.pctText(req.lang, row), "Status", status)
}

// sourceText says whose figures a row shows when not the unit's own:
// "số liệu cấp tỉnh — Tỉnh Lào Cai"; "" for the unit's own.
func sourceText(req *Request, row figureRow) string {
	if row.Source == nil {
		return ""
	}
	return req.T("chitieu.source", "Level", row.Source.Level, "Unit", row.Source.DisplayName())
}

// sectorRowsUp are the unit's sector rows where each indicator the unit
// neither measures nor plans is taken from the nearest ancestor that does,
// marked with it: sector indicators are kept where they are measured,
// often only at the province, and a district leader asking must see them.
func (b *base) sectorRowsUp(ctx context.Context, set *activitySet, unit *cnsbot.Unit, year int, asOf string) ([]figureRow, error) {
	rows, err := b.sectorRows(ctx, set, unit.ID, year, asOf)
	if err != nil {
		return nil, err
	}
	for u := unit; u.ParentID != 0 && slices.ContainsFunc(rows, noFigures); {
		parent, err := b.Units.FindUnitByID(ctx, u.ParentID)
		if err != nil {
			return nil, fmt.Errorf("find parent unit %d: %w", u.ParentID, err)
		}
		up, err := b.sectorRows(ctx, set, parent.ID, year, asOf)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			if noFigures(rows[i]) && !noFigures(up[i]) {
				rows[i], rows[i].Source = up[i], parent
			}
		}
		u = parent
	}
	return rows, nil
}

// noFigures reports whether a sector row has neither a value nor a plan.
func noFigures(row figureRow) bool { return row.Value == nil && !row.HasPlan }

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
