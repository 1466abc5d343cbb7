package cnsbot_test

import (
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
