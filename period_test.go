package cnsbot_test

import (
	"testing"
	"time"

	"cnsbot"
)

func TestPeriods(t *testing.T) {
	d := time.Date(2026, 7, 21, 10, 0, 0, 0, time.UTC) // a Tuesday
	for _, tt := range []struct {
		p              cnsbot.Period
		code, from, to string
	}{
		{cnsbot.WeekPeriod(d), "2026-W30", "2026-07-20", "2026-07-26"},
		{cnsbot.MonthPeriod(2026, 2), "2026-02", "2026-02-01", "2026-02-28"},
		{cnsbot.AdminMonthOf(d), "2026-A08", "2026-07-15", "2026-08-14"},
		{cnsbot.AdminMonthPeriod(2026, 1), "2026-A01", "2025-12-15", "2026-01-14"},
		{cnsbot.QuarterPeriod(2026, 3), "2026-Q3", "2026-07-01", "2026-09-30"},
		{cnsbot.HalfPeriod(2026, 1), "2026-H1", "2026-01-01", "2026-06-30"},
		{cnsbot.YearPeriod(2026), "2026", "2026-01-01", "2026-12-31"},
		{cnsbot.WeekPeriod(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)), "2026-W53", "2026-12-28", "2027-01-03"},
	} {
		if tt.p.Code() != tt.code || tt.p.From != tt.from || tt.p.To != tt.to {
			t.Fatalf("period=%+v, want %s %s..%s", tt.p, tt.code, tt.from, tt.to)
		}
		back, err := cnsbot.ParsePeriodCode(tt.code)
		if err != nil || back != tt.p {
			t.Fatalf("ParsePeriodCode(%q)=%+v, %v; want %+v", tt.code, back, err, tt.p)
		}
	}
	if got := cnsbot.QuarterPeriod(2026, 1).Prev().Code(); got != "2025-Q4" {
		t.Fatalf("Prev=%s", got)
	}
	if got := cnsbot.MonthPeriod(2026, 7).SameLastYear().Code(); got != "2025-07" {
		t.Fatalf("SameLastYear=%s", got)
	}
	if got := cnsbot.MonthPeriod(2026, 7).YearToDate(); got.From != "2026-01-01" || got.To != "2026-07-31" {
		t.Fatalf("YearToDate=%+v", got)
	}
	for _, bad := range []string{"", "26", "2026-13", "2026-Q5", "2026-H3", "2026-W54", "abc", "2026-07-32"} {
		if _, err := cnsbot.ParsePeriodCode(bad); err == nil {
			t.Fatalf("ParsePeriodCode(%q) accepted", bad)
		}
	}
}
