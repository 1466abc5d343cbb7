package cnsbot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// PeriodKind is the length of a reporting period.
type PeriodKind string

// Period kinds. KindAdminMonth is the administrative month of Nghị định
// 09/2019: the 15th of the previous month to the 14th of this one.
const (
	PeriodDay        PeriodKind = "day"
	PeriodWeek       PeriodKind = "week" // ISO week, Monday first
	PeriodMonth      PeriodKind = "month"
	PeriodAdminMonth PeriodKind = "admin_month"
	PeriodQuarter    PeriodKind = "quarter"
	PeriodHalf       PeriodKind = "half"
	PeriodYear       PeriodKind = "year"
	PeriodRange      PeriodKind = "range" // explicit From..To dates
)

// Period is a span of whole days in Asia/Ho_Chi_Minh: From and To are
// inclusive dates (YYYY-MM-DD). Year and N say which one: N is the week,
// month, quarter or half number (0 for a year or a range).
type Period struct {
	Kind PeriodKind
	Year int
	N    int
	From string
	To   string
}

// dateOf is the calendar date of t in its own location, as YYYY-MM-DD.
func dateOf(t time.Time) string { return t.Format(time.DateOnly) }

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// DayPeriod is the single day of t.
func DayPeriod(t time.Time) Period {
	return Period{Kind: PeriodDay, Year: t.Year(), From: dateOf(t), To: dateOf(t)}
}

// WeekPeriod is the ISO week holding t.
func WeekPeriod(t time.Time) Period {
	d := day(t.Year(), t.Month(), t.Day())
	offset := (int(d.Weekday()) + 6) % 7 // Monday = 0
	mon := d.AddDate(0, 0, -offset)
	y, w := mon.ISOWeek()
	return Period{Kind: PeriodWeek, Year: y, N: w, From: dateOf(mon), To: dateOf(mon.AddDate(0, 0, 6))}
}

// MonthPeriod is month m of year y.
func MonthPeriod(y int, m time.Month) Period {
	first := day(y, m, 1)
	return Period{Kind: PeriodMonth, Year: y, N: int(m), From: dateOf(first), To: dateOf(first.AddDate(0, 1, -1))}
}

// AdminMonthPeriod is the administrative month m of year y: the 15th of
// the month before to the 14th of m.
func AdminMonthPeriod(y int, m time.Month) Period {
	to := day(y, m, 14)
	return Period{Kind: PeriodAdminMonth, Year: y, N: int(m), From: dateOf(day(y, m-1, 15)), To: dateOf(to)}
}

// AdminMonthOf is the administrative month holding t: from the 15th on, a
// date belongs to the next month's report.
func AdminMonthOf(t time.Time) Period {
	if t.Day() >= 15 {
		next := day(t.Year(), t.Month(), 1).AddDate(0, 1, 0)
		return AdminMonthPeriod(next.Year(), next.Month())
	}
	return AdminMonthPeriod(t.Year(), t.Month())
}

// QuarterPeriod is quarter q (1–4) of year y.
func QuarterPeriod(y, q int) Period {
	first := day(y, time.Month(3*(q-1)+1), 1)
	return Period{Kind: PeriodQuarter, Year: y, N: q, From: dateOf(first), To: dateOf(first.AddDate(0, 3, -1))}
}

// HalfPeriod is half h (1 or 2) of year y; the first is "6 tháng đầu năm".
func HalfPeriod(y, h int) Period {
	first := day(y, time.Month(6*(h-1)+1), 1)
	return Period{Kind: PeriodHalf, Year: y, N: h, From: dateOf(first), To: dateOf(first.AddDate(0, 6, -1))}
}

// YearPeriod is year y.
func YearPeriod(y int) Period {
	return Period{Kind: PeriodYear, Year: y, From: dateOf(day(y, 1, 1)), To: dateOf(day(y, 12, 31))}
}

// RangePeriod is the days from..to (YYYY-MM-DD, inclusive).
func RangePeriod(from, to string) Period {
	y, _ := strconv.Atoi(from[:min(4, len(from))])
	return Period{Kind: PeriodRange, Year: y, From: from, To: to}
}

// PeriodOf returns the period of kind holding t.
func PeriodOf(kind PeriodKind, t time.Time) Period {
	switch kind {
	case PeriodDay:
		return DayPeriod(t)
	case PeriodWeek:
		return WeekPeriod(t)
	case PeriodAdminMonth:
		return AdminMonthOf(t)
	case PeriodQuarter:
		return QuarterPeriod(t.Year(), (int(t.Month())-1)/3+1)
	case PeriodHalf:
		return HalfPeriod(t.Year(), (int(t.Month())-1)/6+1)
	case PeriodYear:
		return YearPeriod(t.Year())
	}
	return MonthPeriod(t.Year(), t.Month())
}

// Prev returns the period of the same kind just before p (the same span
// shifted back, for a range).
func (p Period) Prev() Period {
	from, _ := time.Parse(time.DateOnly, p.From)
	if p.Kind == PeriodRange {
		to, _ := time.Parse(time.DateOnly, p.To)
		days := int(to.Sub(from).Hours()/24) + 1
		return RangePeriod(dateOf(from.AddDate(0, 0, -days)), dateOf(from.AddDate(0, 0, -1)))
	}
	return PeriodOf(p.Kind, from.AddDate(0, 0, -1))
}

// SameLastYear is the same period a year earlier ("cùng kỳ"): the same ISO
// week number, month, administrative month, quarter, half or year of the
// year before, and for a day or a range the same dates (29 February becomes
// 28 February). ISO week 53 of a year whose previous year has only 52 weeks
// is compared with week 52, the last week of that year.
//
// While p is still running on today (it has started and ends after it),
// only its elapsed days are compared: last year's period from its first day
// for as many days as p has run, clipped to its end — on 4/12/2026 the
// month 1–4/12/2026 is compared with 1–4/12/2025, not the whole of
// December 2025. A period that has not started is compared whole.
func (p Period) SameLastYear(today time.Time) Period {
	from, _ := time.Parse(time.DateOnly, p.From)
	to, _ := time.Parse(time.DateOnly, p.To)
	var q Period
	switch p.Kind {
	case PeriodWeek:
		var ok bool
		if q, ok = isoWeekPeriod(p.Year-1, p.N); !ok {
			q, _ = isoWeekPeriod(p.Year-1, 52)
		}
	case PeriodMonth:
		q = MonthPeriod(p.Year-1, time.Month(p.N))
	case PeriodAdminMonth:
		q = AdminMonthPeriod(p.Year-1, time.Month(p.N))
	case PeriodQuarter:
		q = QuarterPeriod(p.Year-1, p.N)
	case PeriodHalf:
		q = HalfPeriod(p.Year-1, p.N)
	case PeriodYear:
		q = YearPeriod(p.Year - 1)
	default:
		q = RangePeriod(yearBefore(from), yearBefore(to))
		q.Kind = p.Kind
	}
	now := dateOf(day(today.Year(), today.Month(), today.Day()))
	if now >= p.From && now < p.To {
		elapsed := int(day(today.Year(), today.Month(), today.Day()).Sub(from).Hours() / 24)
		qFrom, _ := time.Parse(time.DateOnly, q.From)
		q.To = min(q.To, dateOf(qFrom.AddDate(0, 0, elapsed)))
	}
	return q
}

// yearBefore is the date a year before t, 29 February becoming 28 February.
func yearBefore(t time.Time) string {
	y := t.AddDate(-1, 0, 0)
	if y.Day() != t.Day() {
		y = y.AddDate(0, 0, -y.Day())
	}
	return dateOf(y)
}

// isoWeekPeriod is ISO week n of ISO year y; false when y has no week n.
func isoWeekPeriod(y, n int) (Period, bool) {
	jan4 := day(y, 1, 4) // ISO week 1 holds 4 January
	w := WeekPeriod(jan4.AddDate(0, 0, 7*(n-1)))
	return w, w.Year == y && w.N == n
}

// YearToDate is the year of p from 1 January to p's last day ("lũy kế").
func (p Period) YearToDate() Period {
	return RangePeriod(fmt.Sprintf("%04d-01-01", p.Year), p.To)
}

// Contains reports whether the date (YYYY-MM-DD) lies in p.
func (p Period) Contains(date string) bool { return date >= p.From && date <= p.To }

// Code is the period as target files write it: 2026, 2026-H1, 2026-Q3,
// 2026-07, 2026-W30; a day or a range gives "FROM..TO".
func (p Period) Code() string {
	switch p.Kind {
	case PeriodYear:
		return strconv.Itoa(p.Year)
	case PeriodHalf:
		return fmt.Sprintf("%04d-H%d", p.Year, p.N)
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	case PeriodMonth:
		return fmt.Sprintf("%04d-%02d", p.Year, p.N)
	case PeriodAdminMonth:
		return fmt.Sprintf("%04d-A%02d", p.Year, p.N)
	case PeriodWeek:
		return fmt.Sprintf("%04d-W%02d", p.Year, p.N)
	}
	return p.From + ".." + p.To
}

// ParsePeriodCode reads a Code: 2026, 2026-H1, 2026-Q3, 2026-07, 2026-A07,
// 2026-W30, 2026-07-21 or 2026-07-01..2026-07-21.
func ParsePeriodCode(s string) (Period, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("period %q: want 2026, 2026-H1, 2026-Q3, 2026-07, 2026-W30 or a date", s)
	if from, to, ok := strings.Cut(s, ".."); ok {
		f, err1 := time.Parse(time.DateOnly, from)
		t, err2 := time.Parse(time.DateOnly, to)
		if err1 != nil || err2 != nil || t.Before(f) {
			return Period{}, bad
		}
		return RangePeriod(from, to), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return DayPeriod(t), nil
	}
	if len(s) < 4 {
		return Period{}, bad
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1900 || y > 2999 {
		return Period{}, bad
	}
	rest := s[4:]
	if rest == "" {
		return YearPeriod(y), nil
	}
	if len(rest) < 3 || rest[0] != '-' {
		return Period{}, bad
	}
	n, err := strconv.Atoi(strings.TrimLeft(rest[1:], "HQAW"))
	if err != nil {
		return Period{}, bad
	}
	switch {
	case rest[1] == 'H' && n >= 1 && n <= 2:
		return HalfPeriod(y, n), nil
	case rest[1] == 'Q' && n >= 1 && n <= 4:
		return QuarterPeriod(y, n), nil
	case rest[1] == 'A' && n >= 1 && n <= 12:
		return AdminMonthPeriod(y, time.Month(n)), nil
	case rest[1] == 'W' && n >= 1 && n <= 53:
		w, ok := isoWeekPeriod(y, n)
		if !ok {
			return Period{}, bad
		}
		return w, nil
	case rest[1] >= '0' && rest[1] <= '9' && n >= 1 && n <= 12:
		return MonthPeriod(y, time.Month(n)), nil
	}
	return Period{}, bad
}
