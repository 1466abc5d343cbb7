package ask

import (
	"fmt"
	"time"

	"cnsbot"
	"cnsbot/textvi"
)

// ParsePeriod finds the first period expression in text and returns the
// period with the expression's byte span: text[start:end]. It reads, with or
// without diacritics:
//
//   - days: "hôm nay", "hôm qua", "21/7", "ngày 21/7/2026", "thứ hai" (see
//     textvi.MatchDate), as a day period;
//   - weeks: "tuần này", "tuần trước", "tuần qua" (the ISO week before this
//     one), "tuần 30";
//   - months: "tháng này", "tháng trước", "tháng 7", "tháng bảy",
//     "tháng 7/2025", "tháng 7 năm 2025", "tháng 7 năm ngoái", and the chat
//     short form "t7", "t7/2025" (a month here, not textvi's Saturday);
//   - quarters: "quý này", "quý trước", "quý 3", "quý III", "quý 3/2025";
//   - halves: "6 tháng đầu năm", "6 tháng cuối năm", "nửa đầu năm" (and
//     "3 tháng đầu năm" as the first quarter, "9 tháng đầu năm" as a range);
//   - years: "năm nay", "năm ngoái", "năm trước", "năm 2025";
//   - ranges: "từ 1/7 đến 15/7", "từ 1/7 đến nay", "từ đầu năm (đến nay)".
//
// A month, quarter or half named without a year is the latest one that does
// not start after today; today is the current time in Asia/Ho_Chi_Minh. The
// numbers of "5/10 chỉ tiêu" are a fraction, not a date.
func ParsePeriod(text string, today time.Time) (p cnsbot.Period, start, end int, ok bool) {
	toks := textvi.Tokens(text)
	p, i, j, ok := findPeriod(toks, today, nil)
	if !ok {
		return cnsbot.Period{}, 0, 0, false
	}
	return p, toks[i].Start, toks[j].End, true
}

// findPeriod returns the first period expression of toks with the indexes of
// its first and last token. An expression may not hold a token marked in
// skip (the words of a unit name: "Bảo Thắng từ…" is no "tháng tư"); skip
// may be nil.
func findPeriod(toks []textvi.Token, today time.Time, skip []bool) (cnsbot.Period, int, int, bool) {
	y, m, d := today.Date()
	base := time.Date(y, m, d, 0, 0, 0, 0, today.Location())
next:
	for i := range toks {
		if skip != nil && skip[i] {
			continue
		}
		if p, j, ok := matchPeriod(toks, i, base); ok {
			for k := i; k <= j && skip != nil; k++ {
				if skip[k] {
					continue next
				}
			}
			return p, i, j, true
		}
	}
	return cnsbot.Period{}, 0, 0, false
}

// pastWords say "the one before this": "tuần trước", "tháng qua", "năm ngoái".
var pastWords = map[string]bool{"truoc": true, "qua": true, "roi": true, "ngoai": true}

// monthWords are the months written in words after "tháng".
var monthWords = map[string]int{
	"gieng": 1, "mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "nam": 5,
	"bay": 7, "tam": 8, "chin": 9, "muoi": 10, "chap": 12,
	// "sáu" is left out: folded it is "sau", and "tháng sau" is next month.
}

// romans are the quarter numbers as Roman numerals.
var romans = map[string]int{"i": 1, "ii": 2, "iii": 3, "iv": 4}

// fractionNouns follow a fraction that looks like a date: "5/10 chỉ tiêu",
// "9/9 đơn vị".
var fractionNouns = map[string]string{"chi": "tieu", "don": "vi", "san": "pham", "he": "thong"}

// matchPeriod tries a period expression starting at toks[i]; base is today
// at midnight. It returns the period and the index of its last token.
func matchPeriod(toks []textvi.Token, i int, base time.Time) (cnsbot.Period, int, bool) {
	word := func(j int) string {
		if j >= 0 && j < len(toks) && toks[j].Kind == textvi.Word {
			return toks[j].Key
		}
		return ""
	}
	num := func(j int) (int, bool) {
		if j < len(toks) && toks[j].Kind == textvi.Digits && len(toks[j].Key) <= 4 {
			n := 0
			for _, c := range toks[j].Key {
				n = n*10 + int(c-'0')
			}
			return n, true
		}
		return 0, false
	}
	year := base.Year()
	t := toks[i]
	switch t.Kind {
	case textvi.Word:
		switch t.Key {
		case "tu":
			// "từ đầu năm (đến nay)"
			if word(i+1) == "dau" && word(i+2) == "nam" {
				return ytd(base), untilNow(toks, i+2), true
			}
			if d1, j, ok := matchDay(toks, i+1, base); ok {
				if j+1 < len(toks) && (toks[j+1].Key == "den" || toks[j+1].Key == "toi" || toks[j+1].Key == "-") {
					if word(j+2) == "nay" {
						return dayRange(d1, base), j + 2, true
					}
					if d2, k, ok := matchDay(toks, j+2, base); ok {
						return dayRange(d1, d2), k, true
					}
				}
			}
		case "dau":
			// "đầu năm đến nay"
			if word(i+1) == "nam" && (word(i+2) == "den" || word(i+2) == "toi") && word(i+3) == "nay" {
				return ytd(base), i + 3, true
			}
		case "tuan":
			if w := word(i + 1); w == "nay" {
				return cnsbot.WeekPeriod(base), i + 1, true
			} else if pastWords[w] {
				return cnsbot.WeekPeriod(base.AddDate(0, 0, -7)), i + 1, true
			}
			if n, ok := num(i + 1); ok && n >= 1 && n <= 53 && toks[i+1].Space {
				// The latest week n that has begun.
				for y := year; y >= year-1; y-- {
					p, err := cnsbot.ParsePeriodCode(fmt.Sprintf("%04d-W%02d", y, n))
					if err == nil && p.From <= base.Format(time.DateOnly) {
						return p, i + 1, true
					}
				}
			}
		case "thang":
			if w := word(i + 1); w == "nay" {
				return cnsbot.MonthPeriod(year, base.Month()), i + 1, true
			} else if pastWords[w] && w != "ngoai" {
				prev := time.Date(year, base.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
				return cnsbot.MonthPeriod(prev.Year(), prev.Month()), i + 1, true
			}
			m, j := 0, i+1
			if n, ok := num(i + 1); ok && n >= 1 && n <= 12 {
				m = n
			} else if n, ok := monthWords[word(i+1)]; ok {
				m = n
				// "tháng mười một", "tháng mười hai"
				if n == 10 {
					if w := word(i + 2); w == "mot" || w == "hai" {
						m, j = 10+monthWords[w], i+2
					}
				}
			}
			if m == 0 {
				break
			}
			y, last, ok := yearSuffix(toks, j, base)
			if !ok {
				y, last = year, j
				if m > int(base.Month()) {
					y--
				}
			}
			return cnsbot.MonthPeriod(y, time.Month(m)), last, true
		case "quy":
			w := word(i + 1)
			if w == "nay" {
				return cnsbot.PeriodOf(cnsbot.PeriodQuarter, base), i + 1, true
			} else if pastWords[w] && w != "ngoai" {
				return cnsbot.PeriodOf(cnsbot.PeriodQuarter, base).Prev(), i + 1, true
			}
			q, ok := romans[w]
			if !ok {
				if n, isNum := num(i + 1); isNum && n >= 1 && n <= 4 {
					q, ok = n, true
				}
			}
			if !ok {
				break
			}
			y, last, ok := yearSuffix(toks, i+1, base)
			if !ok {
				y, last = year, i+1
				if 3*(q-1)+1 > int(base.Month()) {
					y--
				}
			}
			return cnsbot.QuarterPeriod(y, q), last, true
		case "t":
			// "t7", "t7/2025": in a question about figures this is tháng 7,
			// not textvi's Saturday.
			if i+1 < len(toks) && !toks[i+1].Space {
				if n, ok := num(i + 1); ok && n >= 1 && n <= 12 {
					y, last, ok := yearSuffix(toks, i+1, base)
					if !ok {
						if i+2 < len(toks) && !toks[i+2].Space && toks[i+2].Kind != textvi.Punct {
							break
						}
						y, last = year, i+1
						if n > int(base.Month()) {
							y--
						}
					}
					return cnsbot.MonthPeriod(y, time.Month(n)), last, true
				}
			}
		case "nua":
			// "nửa đầu năm", "nửa cuối năm", "nửa năm đầu"
			h, j := 0, i
			switch {
			case word(i+1) == "dau" && word(i+2) == "nam", word(i+1) == "nam" && word(i+2) == "dau":
				h, j = 1, i+2
			case word(i+1) == "cuoi" && word(i+2) == "nam", word(i+1) == "nam" && word(i+2) == "cuoi":
				h, j = 2, i+2
			}
			if h > 0 {
				return half(toks, h, j, base), lastOfYear(toks, j, base), true
			}
		case "sau":
			if word(i+1) == "thang" {
				if p, j, ok := firstMonths(toks, 6, i+2, base); ok {
					return p, j, true
				}
			}
		case "nam":
			if w := word(i + 1); w == "nay" {
				return cnsbot.YearPeriod(year), i + 1, true
			} else if pastWords[w] {
				return cnsbot.YearPeriod(year - 1), i + 1, true
			}
			if n, ok := num(i + 1); ok && len(toks[i+1].Key) == 4 && n >= 2000 && n <= 2100 {
				return cnsbot.YearPeriod(n), i + 1, true
			}
		}
	case textvi.Digits:
		if n, ok := num(i); ok && word(i+1) == "thang" && (i == 0 || toks[i].Space || toks[i-1].Kind != textvi.Punct) {
			if p, j, ok := firstMonths(toks, n, i+2, base); ok {
				return p, j, true
			}
		}
	}
	d, j, ok := matchDay(toks, i, base)
	if !ok {
		return cnsbot.Period{}, 0, false
	}
	// "1/7 - 15/7", "1/7 đến 15/7"
	if j+2 < len(toks) && (toks[j+1].Key == "den" || toks[j+1].Key == "toi" || toks[j+1].Key == "-" && toks[j+1].Space) {
		if d2, k, ok := matchDay(toks, j+2, base); ok {
			return dayRange(d, d2), k, true
		}
	}
	return cnsbot.DayPeriod(d), j, true
}

// matchDay is textvi.MatchDate, refusing a fraction such as "5/10 chỉ tiêu".
func matchDay(toks []textvi.Token, i int, base time.Time) (time.Time, int, bool) {
	if i >= len(toks) {
		return time.Time{}, 0, false
	}
	d, j, ok := textvi.MatchDate(toks, i, base)
	if !ok {
		return time.Time{}, 0, false
	}
	if toks[i].Kind == textvi.Digits && j+2 < len(toks) {
		if second, isNoun := fractionNouns[toks[j+1].Key]; isNoun && toks[j+2].Key == second {
			return time.Time{}, 0, false
		}
	}
	return d, j, true
}

// firstMonths reads "đầu năm" or "cuối năm" after "N tháng" (toks[j] is the
// word after "tháng"): the first or last 3, 6, 9 or 12 months of a year.
func firstMonths(toks []textvi.Token, n, j int, base time.Time) (cnsbot.Period, int, bool) {
	if j >= len(toks) || toks[j].Kind != textvi.Word || toks[j].Key != "dau" && toks[j].Key != "cuoi" {
		return cnsbot.Period{}, 0, false
	}
	first := toks[j].Key == "dau"
	last := j
	if j+1 < len(toks) && toks[j+1].Key == "nam" {
		last = j + 1
	}
	y, end, ok := yearSuffix(toks, last, base)
	if !ok {
		y, end = base.Year(), last
		// The last months of this year have not started yet: last year's.
		if !first && 12-n+1 > int(base.Month()) {
			y--
		}
	}
	switch {
	case n == 6 && first:
		return cnsbot.HalfPeriod(y, 1), end, true
	case n == 6:
		return cnsbot.HalfPeriod(y, 2), end, true
	case n == 3 && first:
		return cnsbot.QuarterPeriod(y, 1), end, true
	case n == 3:
		return cnsbot.QuarterPeriod(y, 4), end, true
	case n == 12:
		return cnsbot.YearPeriod(y), end, true
	case n >= 1 && n < 12 && first:
		to := time.Date(y, time.Month(n+1), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)
		return cnsbot.RangePeriod(fmt.Sprintf("%04d-01-01", y), to.Format(time.DateOnly)), end, true
	case n >= 1 && n < 12:
		from := time.Date(y, time.Month(12-n+1), 1, 0, 0, 0, 0, time.UTC)
		return cnsbot.RangePeriod(from.Format(time.DateOnly), fmt.Sprintf("%04d-12-31", y)), end, true
	}
	return cnsbot.Period{}, 0, false
}

// half is half h of the year written after toks[j] ("nửa đầu năm 2025"), or
// of the latest such year.
func half(toks []textvi.Token, h, j int, base time.Time) cnsbot.Period {
	y, _, ok := yearSuffix(toks, j, base)
	if !ok {
		y = base.Year()
		if h == 2 && base.Month() < 7 {
			y--
		}
	}
	return cnsbot.HalfPeriod(y, h)
}

// lastOfYear returns the index of the last token of the year written after
// toks[j], or j when there is none.
func lastOfYear(toks []textvi.Token, j int, base time.Time) int {
	if _, last, ok := yearSuffix(toks, j, base); ok {
		return last
	}
	return j
}

// yearSuffix reads a year written after toks[j]: "/2025", "-2025",
// "năm 2025", "năm nay", "năm ngoái" (also "nay" straight after "năm" in
// "6 tháng đầu năm nay"). It returns the year and its last token.
func yearSuffix(toks []textvi.Token, j int, base time.Time) (int, int, bool) {
	four := func(k int) (int, bool) {
		if k < len(toks) && toks[k].Kind == textvi.Digits && len(toks[k].Key) == 4 {
			n := 0
			for _, c := range toks[k].Key {
				n = n*10 + int(c-'0')
			}
			if n >= 2000 && n <= 2100 {
				return n, true
			}
		}
		return 0, false
	}
	if j+1 >= len(toks) {
		return 0, 0, false
	}
	n := toks[j+1]
	switch {
	case n.Kind == textvi.Punct && (n.Key == "/" || n.Key == "-" || n.Key == ".") && !n.Space:
		if j+2 < len(toks) && !toks[j+2].Space {
			if y, ok := four(j + 2); ok {
				return y, j + 2, true
			}
		}
	case n.Kind == textvi.Word && n.Key == "nam":
		if y, ok := four(j + 2); ok {
			return y, j + 2, true
		}
		if j+2 < len(toks) && toks[j+2].Kind == textvi.Word {
			if toks[j+2].Key == "nay" {
				return base.Year(), j + 2, true
			}
			if pastWords[toks[j+2].Key] {
				return base.Year() - 1, j + 2, true
			}
		}
	case n.Kind == textvi.Word && n.Key == "nay" && toks[j].Key == "nam":
		return base.Year(), j + 1, true
	case n.Kind == textvi.Word && n.Key == "ngoai" && toks[j].Key == "nam":
		return base.Year() - 1, j + 1, true
	case n.Kind == textvi.Digits && toks[j].Key == "nam":
		if y, ok := four(j + 1); ok {
			return y, j + 1, true
		}
	}
	return 0, 0, false
}

// untilNow extends a "từ đầu năm" ending at toks[j] over "đến nay",
// "đến hôm nay" or "tới nay".
func untilNow(toks []textvi.Token, j int) int {
	if j+2 < len(toks) && (toks[j+1].Key == "den" || toks[j+1].Key == "toi") {
		if toks[j+2].Key == "nay" {
			return j + 2
		}
		if j+3 < len(toks) && toks[j+2].Key == "hom" && toks[j+3].Key == "nay" {
			return j + 3
		}
	}
	return j
}

// ytd is 1 January to today.
func ytd(base time.Time) cnsbot.Period {
	return cnsbot.RangePeriod(fmt.Sprintf("%04d-01-01", base.Year()), base.Format(time.DateOnly))
}

// dayRange is the days from..to. A from after to was written without its
// year across a new year ("từ 20/12 đến 10/1"): it is the year before.
func dayRange(from, to time.Time) cnsbot.Period {
	if from.After(to) {
		from = from.AddDate(-1, 0, 0)
	}
	if from.After(to) {
		from, to = to, from
	}
	return cnsbot.RangePeriod(from.Format(time.DateOnly), to.Format(time.DateOnly))
}
