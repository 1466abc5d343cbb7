package cnsbot

import (
	"context"
	"math"
	"time"
)

// FigureService answers leaders' questions from aggregates kept up to date
// as reports are written, so that a province-wide answer never scans raw
// reports. Every method counts live (not revoked) reports only, of units in
// the subtree rooted at unitID, dated from..to inclusive (YYYY-MM-DD).
type FigureService interface {
	// SumByIndicator returns the sum of report values per indicator id. An
	// indicator without a live report in the span is absent, one whose
	// reports sum to 0 is present with 0: absence is "no data" ("—").
	SumByIndicator(ctx context.Context, unitID int64, from, to string) (map[int64]float64, error)
	// SumByChild returns, per direct child of unitID, the sums per indicator:
	// map[child unit id]map[indicator id]sum. Children with nothing are absent.
	SumByChild(ctx context.Context, unitID int64, from, to string) (map[int64]map[int64]float64, error)
	// LastValues returns per indicator the latest report (greatest date, then
	// greatest id) — the value of a stock indicator (LAST aggregation).
	LastValues(ctx context.Context, unitID int64, from, to string) (map[int64]*Report, error)
	// TeamActivity returns every team of the subtree with how many reports it
	// made in the period and when the first of them was sent (zero: none).
	// A "no activity" declaration (NoActivity) counts as one report.
	TeamActivity(ctx context.Context, unitID int64, from, to string) ([]TeamActivity, error)
}

// TeamActivity is one team's reporting in a period.
type TeamActivity struct {
	TeamID      int64
	UnitID      int64
	Reports     int       // live reports and "no activity" declarations
	FirstSentAt time.Time // CreatedAt of the earliest of them; zero when none
}

// Status is where an indicator stands against its plan.
type Status string

// Statuses, from best to worst. "Đạt và vượt" counts the first two.
const (
	StatusExceeded   Status = "exceeded"    // vượt: above 100%
	StatusMet        Status = "met"         // đạt: exactly 100%
	StatusInProgress Status = "in_progress" // chưa đạt: from Thresholds.Behind to under 100%
	StatusBehind     Status = "behind"      // chậm: under Thresholds.Behind
	StatusNoPlan     Status = "no_plan"     // no plan to compare with
)

// Met reports whether s counts as "đạt và vượt".
func (s Status) Met() bool { return s == StatusExceeded || s == StatusMet }

// Thresholds place a completion percentage in a status.
type Thresholds struct {
	// Behind is the completion (%) under which an indicator is "chậm".
	Behind float64
}

// DefaultThresholds are the brief's: under 80% is behind.
func DefaultThresholds() Thresholds { return Thresholds{Behind: 80} }

// completionEpsilon absorbs float noise so that 1562/1562 is exactly met.
const completionEpsilon = 1e-9

// Completion is actual against plan in percent, the direction deciding what
// better means: higher → actual ÷ plan; lower (a rank) → plan ÷ actual, so a
// rank better than planned exceeds 100%; done → 100 when actual > 0, else 0.
// ok is false when there is nothing to compare (no plan, or rank 0).
func Completion(dir Direction, actual, plan float64) (pct float64, ok bool) {
	switch dir {
	case DirLower:
		if actual <= 0 || plan <= 0 {
			return 0, false
		}
		return plan / actual * 100, true
	case DirDone:
		if actual > 0 {
			return 100, true
		}
		return 0, true
	}
	if plan <= 0 {
		return 0, false
	}
	return actual / plan * 100, true
}

// StatusOf places a completion in a status. Compare exact values; round
// only for display.
func StatusOf(pct float64, ok bool, th Thresholds) Status {
	switch {
	case !ok:
		return StatusNoPlan
	case pct > 100+completionEpsilon:
		return StatusExceeded
	case pct >= 100-completionEpsilon:
		return StatusMet
	case pct >= th.Behind:
		return StatusInProgress
	}
	return StatusBehind
}

// Actual is the value a report stands for: the ratio in percent when it
// keeps a numerator and a denominator (156/163 → 95,71), else its value.
func (r *Report) Actual() float64 {
	if r.Numerator != nil && r.Denominator != nil && *r.Denominator != 0 {
		return *r.Numerator / *r.Denominator * 100
	}
	return r.Value
}

// RoundHalfUp rounds v to decimals places, halves away from zero — for
// display only ("đạt 102,53%" is shown as "103%").
func RoundHalfUp(v float64, decimals int) float64 {
	p := math.Pow(10, float64(decimals))
	return math.Round(v*p+math.Copysign(1e-9, v)) / p
}

// DisplayPercent is a completion rounded half up to places decimals for
// display; RoundHalfUp(pct, places) unless that would read as another
// status than the exact value's, as 99,99% shown as "100%" (met) or 79,75%
// as "80%" (in progress). Then it is rounded to one more decimal, and if
// even that crosses, cut to that decimal towards the exact value's side:
// 99,99% → 99,9%; 79,75% → 79,8%; 79,96% → 79,9%; 100,004% → 100,1%. The
// result never has more than places+1 decimals.
func (th Thresholds) DisplayPercent(pct float64, places int) float64 {
	return displayRound(pct, places, func(x float64) Status { return StatusOf(x, true, th) })
}

// DisplayActual is an actual value rounded for display like DisplayPercent:
// its completion against plan keeps the exact value's status (a ratio of
// 99,96% against a plan of 100% shows as 99,96%, not 100,0%).
func (th Thresholds) DisplayActual(dir Direction, actual, plan float64, places int) float64 {
	return displayRound(actual, places, func(x float64) Status {
		pct, ok := Completion(dir, x, plan)
		return StatusOf(pct, ok, th)
	})
}

// displayRound rounds v half up to places decimals, or to places+1 when
// that changes status(v), cutting towards v when even that does.
func displayRound(v float64, places int, status func(float64) Status) float64 {
	want := status(v)
	if r := RoundHalfUp(v, places); status(r) == want {
		return r
	}
	r := RoundHalfUp(v, places+1)
	if status(r) == want {
		return r
	}
	p := math.Pow(10, float64(places+1))
	if r > v {
		r = math.Floor(v*p) / p
	} else {
		r = math.Ceil(v*p) / p
	}
	if status(r) == want {
		return r
	}
	return v // the status's interval is narrower than a step: show it exactly
}
