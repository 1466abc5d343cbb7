package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"cnsbot"
)

// A schedule as an official reads it: "Thứ Sáu 16:00 — nhắc các tổ chưa
// báo cáo" rather than "weekly_missing 0 16 * * 5". The common cron
// shapes (daily, some weekdays, some days of the month, at one time) are
// put in words; anything else shows its cron spec.

// describeSchedule is when a schedule runs and what it does, in the
// request's language.
func (req *Request) describeSchedule(s *cnsbot.Schedule) string {
	return req.scheduleWhen(s.Cron) + " — " + req.T("lichnhac.what_"+s.Audience)
}

// scheduleWhen puts a five-field cron spec in words.
func (req *Request) scheduleWhen(spec string) string {
	raw := req.T("lichnhac.when_cron", "Cron", spec)
	f := strings.Fields(spec)
	if len(f) != 5 || f[3] != "*" {
		return raw
	}
	minute, err1 := strconv.Atoi(f[0])
	hour, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || minute < 0 || minute > 59 || hour < 0 || hour > 23 {
		return raw
	}
	at := fmt.Sprintf("%02d:%02d", hour, minute)
	switch dom, dow := f[2], f[4]; {
	case dom == "*" && dow == "*":
		return req.T("lichnhac.when_daily", "Time", at)
	case dom == "*":
		days, ok := cronWeekdays(dow)
		if !ok {
			return raw
		}
		names := make([]string, len(days))
		for i, d := range days {
			names[i] = req.T("lichnhac.dow_" + strconv.Itoa(d))
		}
		return req.T("lichnhac.when_weekly", "Days", strings.Join(names, ", "), "Time", at)
	case dow == "*":
		for _, d := range strings.Split(dom, ",") {
			if n, err := strconv.Atoi(d); err != nil || n < 1 || n > 31 {
				return raw
			}
		}
		return req.T("lichnhac.when_monthly", "Days", strings.ReplaceAll(dom, ",", ", "), "Time", at)
	}
	return raw
}

// cronDays are the day-of-week names cron accepts, Sunday first.
var cronDays = []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}

// cronWeekdays reads a day-of-week field of numbers (0 or 7 is Sunday),
// names, ranges and lists into days Monday first, Sunday last.
func cronWeekdays(field string) ([]int, bool) {
	day := func(s string) (int, bool) {
		for i, n := range cronDays {
			if strings.EqualFold(s, n) {
				return i, true
			}
		}
		n, err := strconv.Atoi(s)
		return n, err == nil && n >= 0 && n <= 7
	}
	var set [7]bool
	for _, part := range strings.Split(field, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, ok := day(lo)
		b := a
		if ok && isRange {
			b, ok = day(hi)
		}
		if !ok || b < a {
			return nil, false
		}
		for d := a; d <= b; d++ {
			set[d%7] = true
		}
	}
	var out []int
	for _, d := range []int{1, 2, 3, 4, 5, 6, 0} {
		if set[d] {
			out = append(out, d)
		}
	}
	return out, len(out) > 0
}
