package handlers

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"cnsbot"
	"cnsbot/textvi"
)

// Leaders' figures: what /chitieu, /tiendo, /chuabaocao, /xuat and /bieudo
// share — the caller's scope, the plans, the rows of a table, period labels.

// scope returns the unit a caller's figures cover: a leader's or admin's
// unit, a member's or team lead's team unit. Everything they see lies in its
// subtree.
func (b *base) scope(ctx context.Context, req *Request) (*cnsbot.Unit, error) {
	u, err := b.Units.FindUnitByID(ctx, req.member.UnitID)
	if err != nil {
		return nil, fmt.Errorf("find scope unit %d: %w", req.member.UnitID, err)
	}
	return u, nil
}

// inScope returns the unit if it lies in the caller's scope, EFORBIDDEN
// otherwise — the one check every figure command, button and question
// passes through.
func (b *base) inScope(ctx context.Context, req *Request, unitID int64) (*cnsbot.Unit, error) {
	ok, err := b.Units.IsUnitWithin(ctx, unitID, req.member.UnitID)
	if err != nil {
		return nil, fmt.Errorf("check scope of unit %d: %w", unitID, err)
	} else if !ok {
		return nil, cnsbot.Errorf(cnsbot.EFORBIDDEN, "figures.out_of_scope")
	}
	u, err := b.Units.FindUnitByID(ctx, unitID)
	if err != nil {
		return nil, fmt.Errorf("find unit %d: %w", unitID, err)
	}
	return u, nil
}

// figureScope is what every figure command starts with: the indicators,
// and the unit asked about (0: the caller's scope) once it passed inScope.
func (b *base) figureScope(ctx context.Context, req *Request, unitID int64) (*activitySet, *cnsbot.Unit, error) {
	set, err := b.activities.get(ctx, b.Indicators)
	if err != nil {
		return nil, nil, err
	}
	if unitID == 0 {
		unitID = req.member.UnitID
	}
	unit, err := b.inScope(ctx, req, unitID)
	if err != nil {
		return nil, nil, err
	}
	return set, unit, nil
}

// plans returns the yearly plan of each indicator for the unit.
func (b *base) plans(ctx context.Context, unitID int64, year int) (map[int64]float64, error) {
	ts, err := b.Targets.FindTargets(ctx, cnsbot.TargetFilter{UnitID: unitID, Period: strconv.Itoa(year)})
	if err != nil {
		return nil, fmt.Errorf("find plans of unit %d: %w", unitID, err)
	}
	out := make(map[int64]float64, len(ts))
	for _, t := range ts {
		out[t.IndicatorID] = t.Value
	}
	return out, nil
}

// figureRow is one indicator's line in a leader's table.
type figureRow struct {
	Ind      *cnsbot.Indicator
	Period   float64 // TH kỳ này: the sum (activity) or the latest value (sector)
	YTD      float64 // lũy kế: from 1 January to the period's end
	LastYear float64 // cùng kỳ: the same period a year earlier (its elapsed days while p runs)
	// HasLastYear is false when the subtree has no report at all in the
	// same period last year: no data, shown "—", unlike a real 0.
	HasLastYear bool
	Plan        float64 // KH năm
	HasPlan     bool
	Pct         float64 // completion against the yearly plan
	HasPct      bool
	Status      cnsbot.Status
	Value       *cnsbot.Report // the sector value behind Period, nil for activity
	// Source is the ancestor whose sector value and plan these are, when the
	// unit itself has neither (sector indicators are often kept only at the
	// province); nil: the unit's own.
	Source *cnsbot.Unit
}

// activityRows are the activity indicators of the unit's subtree for p.
func (b *base) activityRows(ctx context.Context, set *activitySet, unitID int64, p cnsbot.Period) ([]figureRow, error) {
	sums, err := b.Figures.SumByIndicator(ctx, unitID, p.From, p.To)
	if err != nil {
		return nil, fmt.Errorf("sum period: %w", err)
	}
	ytd := sums
	if y := p.YearToDate(); y.From != p.From || y.To != p.To {
		if ytd, err = b.Figures.SumByIndicator(ctx, unitID, y.From, y.To); err != nil {
			return nil, fmt.Errorf("sum year to date: %w", err)
		}
	}
	ly := p.SameLastYear(b.today())
	lastYear, err := b.Figures.SumByIndicator(ctx, unitID, ly.From, ly.To)
	if err != nil {
		return nil, fmt.Errorf("sum same period last year: %w", err)
	}
	plans, err := b.plans(ctx, unitID, p.Year)
	if err != nil {
		return nil, err
	}
	rows := make([]figureRow, 0, len(set.list))
	for _, ind := range set.list {
		row := figureRow{Ind: ind, Period: sums[ind.ID], YTD: ytd[ind.ID], LastYear: lastYear[ind.ID], HasLastYear: len(lastYear) > 0}
		row.Plan, row.HasPlan = plans[ind.ID]
		row.Pct, row.HasPct = cnsbot.Completion(ind.Direction, row.YTD, row.Plan)
		row.HasPct = row.HasPct && row.HasPlan
		row.Status = cnsbot.StatusOf(row.Pct, row.HasPct, b.Thresholds)
		rows = append(rows, row)
	}
	return rows, nil
}

// sectorRows are the sector indicators of the unit for the year: the
// latest value of the year up to asOf against the yearly plan.
func (b *base) sectorRows(ctx context.Context, set *activitySet, unitID int64, year int, asOf string) ([]figureRow, error) {
	y := cnsbot.YearPeriod(year)
	to := min(y.To, asOf)
	last, err := b.Figures.LastValues(ctx, unitID, y.From, to)
	if err != nil {
		return nil, fmt.Errorf("latest sector values: %w", err)
	}
	plans, err := b.plans(ctx, unitID, year)
	if err != nil {
		return nil, err
	}
	rows := make([]figureRow, 0, len(set.sector))
	for _, ind := range set.sector {
		row := figureRow{Ind: ind, Value: last[ind.ID]}
		row.Plan, row.HasPlan = plans[ind.ID]
		if row.Value != nil {
			row.Period = row.Value.Actual()
			row.YTD = row.Period
			row.Pct, row.HasPct = cnsbot.Completion(ind.Direction, row.Period, row.Plan)
			row.HasPct = row.HasPct && row.HasPlan
		}
		row.Status = cnsbot.StatusOf(row.Pct, row.HasPct, b.Thresholds)
		rows = append(rows, row)
	}
	return rows, nil
}

// periodLabel names a period in the request's language: "Tháng 7/2026",
// "Quý III/2026", "Tuần 30 (20/07–26/07/2026)".
func (req *Request) periodLabel(p cnsbot.Period) string {
	switch p.Kind {
	case cnsbot.PeriodWeek:
		return req.T("period.week", "N", p.N, "Year", p.Year, "From", p.From, "To", p.To)
	case cnsbot.PeriodMonth:
		return req.T("period.month", "N", p.N, "Year", p.Year)
	case cnsbot.PeriodAdminMonth:
		return req.T("period.admin_month", "N", p.N, "Year", p.Year, "From", p.From, "To", p.To)
	case cnsbot.PeriodQuarter:
		return req.T("period.quarter", "Roman", roman(p.N), "Year", p.Year)
	case cnsbot.PeriodHalf:
		return req.T("period.half", "N", p.N, "Year", p.Year)
	case cnsbot.PeriodYear:
		return req.T("period.year", "Year", p.Year)
	case cnsbot.PeriodDay:
		return req.T("period.day", "Date", p.From)
	}
	return req.T("period.range", "From", p.From, "To", p.To)
}

func roman(n int) string {
	if n >= 1 && n <= 4 {
		return []string{"I", "II", "III", "IV"}[n-1]
	}
	return strconv.Itoa(n)
}

// defaultPeriod is the period a figure command means when none is named:
// the month (or the administrative month when configured), or the week for
// /chuabaocao.
func (b *base) defaultPeriod(kind cnsbot.PeriodKind) cnsbot.Period {
	if kind == cnsbot.PeriodMonth && b.AdminMonth {
		kind = cnsbot.PeriodAdminMonth
	}
	return cnsbot.PeriodOf(kind, b.today())
}

// children returns the direct children of a unit, sorted the Vietnamese way.
func (b *base) children(ctx context.Context, unitID int64) ([]*cnsbot.Unit, error) {
	id := unitID
	us, err := b.Units.FindUnits(ctx, cnsbot.UnitFilter{ParentID: &id})
	if err != nil {
		return nil, fmt.Errorf("find children of %d: %w", unitID, err)
	}
	textvi.SortBy(us, func(u *cnsbot.Unit) string { return u.Name })
	return us, nil
}

// childScore ranks a child unit: its mean completion of the year to date
// against its own yearly plans, over the activity indicators it has a plan
// for. Adding people, accounts and sessions together means nothing, so a
// child without plans is not ranked.
type childScore struct {
	Unit  *cnsbot.Unit
	Score float64 // mean completion, percent
}

// Why children could not be ranked.
const (
	rankOK     = ""
	rankNoPlan = "no_plan" // no child has a yearly plan to compare with
	rankNoData = "no_data" // no child reported anything in the year to date
)

// rankChildren scores the children of a unit that have plans for p's year,
// best first, by mean completion against plan; when none can be scored it
// says why (rankNoPlan, rankNoData) instead.
func (b *base) rankChildren(ctx context.Context, set *activitySet, unitID int64, p cnsbot.Period, kids []*cnsbot.Unit) ([]childScore, string, error) {
	if len(kids) == 0 {
		return nil, rankOK, nil
	}
	ytd := p.YearToDate()
	sums, err := b.Figures.SumByChild(ctx, unitID, ytd.From, ytd.To)
	if err != nil {
		return nil, rankOK, fmt.Errorf("sum by child: %w", err)
	}
	if len(sums) == 0 {
		return nil, rankNoData, nil
	}
	var scores []childScore
	for _, k := range kids {
		plans, err := b.plans(ctx, k.ID, p.Year)
		if err != nil {
			return nil, rankOK, err
		}
		var total float64
		n := 0
		for _, ind := range set.list {
			plan, ok := plans[ind.ID]
			if !ok {
				continue
			}
			if pct, ok := cnsbot.Completion(ind.Direction, sums[k.ID][ind.ID], plan); ok {
				total += pct
				n++
			}
		}
		if n > 0 {
			scores = append(scores, childScore{Unit: k, Score: total / float64(n)})
		}
	}
	if len(scores) == 0 {
		return nil, rankNoPlan, nil
	}
	sort.SliceStable(scores, func(i, j int) bool { return scores[i].Score > scores[j].Score })
	return scores, rankOK, nil
}
