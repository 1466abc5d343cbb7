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
	if got := cnsbot.MonthPeriod(2026, 7).SameLastYear(time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)).Code(); got != "2025-07" {
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

// SameLastYear is the same ISO week, month, administrative month, quarter,
// half or year of the year before; while p is still running (it ends after
// today) only its elapsed days are compared, clipped to last year's period.
func TestPeriod_SameLastYear(t *testing.T) {
	date := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	week := func(code string) cnsbot.Period {
		p, err := cnsbot.ParsePeriodCode(code)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tt := range []struct {
		name           string
		p              cnsbot.Period
		today          string
		code, from, to string
	}{
		{"WeekRunning", week("2026-W49"), "2026-12-04", "2025-W49", "2025-12-01", "2025-12-05"},
		{"WeekFinished", week("2026-W30"), "2026-12-04", "2025-W30", "2025-07-21", "2025-07-27"},
		{"Week1", week("2026-W01"), "2026-12-04", "2025-W01", "2024-12-30", "2025-01-05"},
		{"Week53NoWeek53LastYear", week("2026-W53"), "2027-02-01", "2025-W52", "2025-12-22", "2025-12-28"},
		{"Week53", week("2021-W01"), "2021-12-31", "2020-W01", "2019-12-30", "2020-01-05"},
		{"Week53In2015", week("2015-W53"), "2016-02-01", "2014-W52", "2014-12-22", "2014-12-28"},
		{"MonthRunning", cnsbot.MonthPeriod(2026, 12), "2026-12-04", "2025-12", "2025-12-01", "2025-12-04"},
		{"MonthFinished", cnsbot.MonthPeriod(2026, 7), "2026-12-04", "2025-07", "2025-07-01", "2025-07-31"},
		{"MonthLeapRunning", cnsbot.MonthPeriod(2028, 2), "2028-02-29", "2027-02", "2027-02-01", "2027-02-28"},
		{"AdminMonthRunning", cnsbot.AdminMonthPeriod(2027, 1), "2026-12-20", "2026-A01", "2025-12-15", "2025-12-20"},
		{"AdminMonthFinished", cnsbot.AdminMonthPeriod(2026, 1), "2026-12-04", "2025-A01", "2024-12-15", "2025-01-14"},
		{"QuarterRunning", cnsbot.QuarterPeriod(2026, 4), "2026-12-04", "2025-Q4", "2025-10-01", "2025-12-04"},
		{"QuarterFinished", cnsbot.QuarterPeriod(2026, 1), "2026-12-04", "2025-Q1", "2025-01-01", "2025-03-31"},
		{"HalfRunning", cnsbot.HalfPeriod(2026, 2), "2026-12-04", "2025-H2", "2025-07-01", "2025-12-04"},
		{"HalfFinished", cnsbot.HalfPeriod(2026, 1), "2026-12-04", "2025-H1", "2025-01-01", "2025-06-30"},
		// 1 January to 4 December 2026 is 338 days; so is 1/1–4/12/2025.
		{"YearRunning", cnsbot.YearPeriod(2026), "2026-12-04", "2025", "2025-01-01", "2025-12-04"},
		// 2028 is a leap year: 1/1–1/3/2028 is 61 days, so is 1/1–2/3/2027.
		{"YearRunningLeap", cnsbot.YearPeriod(2028), "2028-03-01", "2027", "2027-01-01", "2027-03-02"},
		{"YearFinished", cnsbot.YearPeriod(2025), "2026-12-04", "2024", "2024-01-01", "2024-12-31"},
		{"YearNotStarted", cnsbot.YearPeriod(2027), "2026-12-04", "2026", "2026-01-01", "2026-12-31"},
		{"Day", cnsbot.DayPeriod(date("2026-12-04")), "2026-12-04", "2025-12-04..2025-12-04", "2025-12-04", "2025-12-04"},
		{"DayLeap", cnsbot.DayPeriod(date("2028-02-29")), "2028-03-01", "2027-02-28..2027-02-28", "2027-02-28", "2027-02-28"},
		{"RangeRunning", cnsbot.RangePeriod("2026-11-20", "2026-12-20"), "2026-12-04", "2025-11-20..2025-12-04", "2025-11-20", "2025-12-04"},
		{"RangeFinished", cnsbot.RangePeriod("2026-01-10", "2026-02-10"), "2026-12-04", "2025-01-10..2025-02-10", "2025-01-10", "2025-02-10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.p.SameLastYear(date(tt.today))
			if got.Code() != tt.code && got.Kind != cnsbot.PeriodDay || got.From != tt.from || got.To != tt.to {
				t.Fatalf("SameLastYear(%s, today %s)=%s %s..%s, want %s %s..%s", tt.p.Code(), tt.today, got.Code(), got.From, got.To, tt.code, tt.from, tt.to)
			}
		})
	}
}
