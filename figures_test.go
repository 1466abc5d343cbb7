package cnsbot_test

import (
	"math"
	"math/rand"
	"testing"

	"cnsbot"
)

// The seed article's mid-year figures: 5 of 10 met or exceeded.
func TestCompletionSeedFigures(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	th := cnsbot.DefaultThresholds()
	for _, tt := range []struct {
		code   string
		dir    cnsbot.Direction
		r      cnsbot.Report
		plan   float64
		pct    float64 // rounded for display
		status cnsbot.Status
	}{
		{"CT01", cnsbot.DirHigher, cnsbot.Report{Value: 97.4}, 95, 103, cnsbot.StatusExceeded},
		{"CT02", cnsbot.DirHigher, cnsbot.Report{Numerator: f(156), Denominator: f(163)}, 100, 96, cnsbot.StatusInProgress},
		{"CT03", cnsbot.DirHigher, cnsbot.Report{Value: 100}, 100, 100, cnsbot.StatusMet},
		{"CT04", cnsbot.DirHigher, cnsbot.Report{Value: 1562}, 1562, 100, cnsbot.StatusMet},
		{"CT05", cnsbot.DirLower, cnsbot.Report{Value: 1}, 5, 500, cnsbot.StatusExceeded},
		{"CT06", cnsbot.DirHigher, cnsbot.Report{Value: 85}, 100, 85, cnsbot.StatusInProgress},
		{"CT07", cnsbot.DirHigher, cnsbot.Report{Numerator: f(24), Denominator: f(50)}, 80, 60, cnsbot.StatusBehind},
		{"CT08", cnsbot.DirHigher, cnsbot.Report{Value: 3}, 8, 38, cnsbot.StatusBehind},
		{"CT09", cnsbot.DirHigher, cnsbot.Report{Numerator: f(1525), Denominator: f(1562)}, 99, 99, cnsbot.StatusInProgress},
		{"CT10", cnsbot.DirHigher, cnsbot.Report{Numerator: f(9), Denominator: f(9)}, 100, 100, cnsbot.StatusMet},
	} {
		pct, ok := cnsbot.Completion(tt.dir, tt.r.Actual(), tt.plan)
		if got := cnsbot.RoundHalfUp(pct, 0); got != tt.pct {
			t.Fatalf("%s completion=%v (%v), want %v", tt.code, got, pct, tt.pct)
		}
		if got := cnsbot.StatusOf(pct, ok, th); got != tt.status {
			t.Fatalf("%s status=%s, want %s", tt.code, got, tt.status)
		}
	}
	if got := cnsbot.RoundHalfUp(95.705, 1); got != 95.7 {
		t.Fatalf("RoundHalfUp=%v", got)
	}
	if _, ok := cnsbot.Completion(cnsbot.DirHigher, 5, 0); ok {
		t.Fatal("a zero plan must not compare")
	}
	if got := cnsbot.StatusOf(0, false, th); got != cnsbot.StatusNoPlan {
		t.Fatalf("no plan status=%s", got)
	}
}

// A displayed completion never reads as another status than the exact one:
// 99,99% is not shown as 100%, 79,75% not as 80%.
func TestThresholds_DisplayPercent(t *testing.T) {
	th := cnsbot.DefaultThresholds()
	for _, tt := range []struct {
		pct    float64
		places int
		want   float64
	}{
		{34997.0 / 35000 * 100, 0, 99.9},
		{99.99, 0, 99.9},
		{99.5, 0, 99.5},
		{99.4, 0, 99},
		{79.75, 0, 79.8},
		{1914.0 / 2400 * 100, 0, 79.8},
		{405.0 / 505 * 100, 0, 80},
		{79.96, 0, 79.9},
		{80, 0, 80},
		{100, 0, 100},
		{1562.0 / 1562 * 100, 0, 100},
		{100.004, 0, 100.1},
		{100.4, 0, 100.4},
		{102.5263, 0, 103},
		{95.71, 0, 96},
		{37.5, 0, 38},
		{99.96, 1, 99.96},
		{99.999, 1, 99.99},
		{0, 0, 0},
	} {
		if got := th.DisplayPercent(tt.pct, tt.places); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("DisplayPercent(%v, %d)=%v, want %v", tt.pct, tt.places, got, tt.want)
		}
	}
}

// Property: over many random completions and thresholds, the displayed
// value has the exact value's status, lies within one step of the finer
// precision of it, and has at most places+1 decimals.
func TestThresholds_DisplayPercentKeepsStatus(t *testing.T) {
	rng := rand.New(rand.NewSource(10))
	for i := 0; i < 200000; i++ {
		th := cnsbot.Thresholds{Behind: float64(rng.Intn(99) + 1)}
		if rng.Intn(3) == 0 {
			th.Behind += math.Round(rng.Float64()*100) / 100
		}
		places := rng.Intn(3)
		var pct float64
		switch rng.Intn(4) {
		case 0: // near 100
			pct = 100 + (rng.Float64()-0.5)*2
		case 1: // near Behind
			pct = th.Behind + (rng.Float64()-0.5)*2
		case 2:
			pct = rng.Float64() * 300
		default: // a ratio of counts
			plan := float64(rng.Intn(5000) + 1)
			pct = math.Floor(rng.Float64()*plan*1.3) / plan * 100
		}
		got := th.DisplayPercent(pct, places)
		if a, b := cnsbot.StatusOf(pct, true, th), cnsbot.StatusOf(got, true, th); a != b {
			t.Fatalf("DisplayPercent(%v, %d) with Behind %v = %v: status %s, exact %s", pct, places, th.Behind, got, b, a)
		}
		step := math.Pow(10, -float64(places+1))
		if math.Abs(got-pct) > 10*step/2+1e-9 {
			t.Fatalf("DisplayPercent(%v, %d)=%v: too far", pct, places, got)
		}
		if scaled := got / step; math.Abs(scaled-math.Round(scaled)) > 1e-6 {
			t.Fatalf("DisplayPercent(%v, %d)=%v: more than %d decimals", pct, places, got, places+1)
		}
	}
}

// Property: a displayed ratio (156/163 as 95,7%) keeps its completion's
// status against the plan.
func TestThresholds_DisplayActualKeepsStatus(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	th := cnsbot.DefaultThresholds()
	for i := 0; i < 100000; i++ {
		plan := float64(rng.Intn(100) + 1)
		actual := plan * (0.7 + rng.Float64()*0.4)
		if rng.Intn(2) == 0 {
			actual = plan + (rng.Float64()-0.5)*0.1
		}
		got := th.DisplayActual(cnsbot.DirHigher, actual, plan, 1)
		want, _ := cnsbot.Completion(cnsbot.DirHigher, actual, plan)
		have, _ := cnsbot.Completion(cnsbot.DirHigher, got, plan)
		if a, b := cnsbot.StatusOf(want, true, th), cnsbot.StatusOf(have, true, th); a != b {
			t.Fatalf("DisplayActual(%v of %v)=%v: status %s, exact %s", actual, plan, got, b, a)
		}
	}
	if got := th.DisplayActual(cnsbot.DirHigher, 99.96, 100, 1); got != 99.96 {
		t.Fatalf("DisplayActual(99.96 of 100)=%v, want 99.96", got)
	}
}
