package textvi

import (
	"strings"
	"time"
)

// ParseDate reads a day as people type it in chat, with or without
// diacritics: "hôm nay", "hôm qua", "hôm kia" (also "sáng nay", "tối qua",
// "hq"), "14/7", "14-7", "ngày 14/7", "ngày 14.7" (a dot only after "ngày",
// since 14.7 alone is a decimal), "21/07/2026", "21/7/26", "21.07.2026",
// "2026-07-21", "14 tháng 7 năm 2026", and a weekday "thứ hai" … "thứ bảy",
// "thứ 2" … "thứ 7", "t2" … "t7", "chủ nhật", "cn" (the most recent such
// day, today or before).
//
// today is the current day in Asia/Ho_Chi_Minh; the result is midnight of
// the day in today's Location. A date written without a year that would lie
// after today means last year. A written year between minYear and maxYear
// is read as written, however far from today: the caller decides whether
// the day may be used and says why not (a report's open window), rather
// than the date's digits being read as something else. Impossible dates
// (31/2) are refused. The whole of s must be the date,
// apart from surrounding white space and trailing punctuation.
func ParseDate(s string, today time.Time) (d time.Time, ok bool) {
	d, start, end, ok := FindDate(s, today)
	if !ok || strings.TrimSpace(s[:start]) != "" || strings.Trim(s[end:], " \t\r\n.,:;!?") != "" {
		return time.Time{}, false
	}
	return d, true
}

// FindDate finds the first date expression in text, in the forms ParseDate
// reads, and returns the day with the expression's byte span in text: the
// expression is text[start:end], "ngày" included when it comes first. The
// report parsers use it so that the numbers of "ngày 14/7" are not read as
// values.
func FindDate(text string, today time.Time) (d time.Time, start, end int, ok bool) {
	toks := Tokens(text)
	for i := range toks {
		if d, j, ok := MatchDate(toks, i, today); ok {
			return d, toks[i].Start, toks[j].End, true
		}
	}
	return time.Time{}, 0, 0, false
}

// MatchDate reports whether a date expression, in the forms ParseDate reads,
// starts at toks[i] (toks from Tokens), and returns the day and the index of
// the expression's last token. Parsers that already hold the tokens of a
// text use it to find every date in one pass.
func MatchDate(toks []Token, i int, today time.Time) (d time.Time, last int, ok bool) {
	return matchDate(toks, i, today)
}

// minYear and maxYear bound the years a written date may name.
const (
	minYear = 1900
	maxYear = 2199
)

// relWords are the words that can come before nay/qua/kia to name a day.
var relWords = map[string]bool{
	"hom": true, "bua": true, "sang": true, "trua": true, "chieu": true, "toi": true, "dem": true,
}

// fewBefore are words that make "hôm nay" a span of days: "mấy hôm nay".
var fewBefore = map[string]bool{"may": true, "nhung": true, "cac": true, "vai": true}

// relOne are the one-word spellings of today, yesterday and the day before.
var relOne = map[string]int{
	"homnay": 0, "hnay": 0, "homqua": -1, "hqua": -1, "hq": -1, "homkia": -2,
}

// weekdayWords name the days after "thứ": thứ hai is Monday.
var weekdayWords = map[string]time.Weekday{
	"hai": time.Monday, "ba": time.Tuesday, "tu": time.Wednesday,
	"nam": time.Thursday, "sau": time.Friday, "bay": time.Saturday,
	"2": time.Monday, "3": time.Tuesday, "4": time.Wednesday,
	"5": time.Thursday, "6": time.Friday, "7": time.Saturday,
}

// ordinalBefore are words after which "thứ hai" means "second", not Monday.
var ordinalBefore = map[string]bool{
	"lan": true, "buoi": true, "dot": true, "lop": true, "nguoi": true,
	"ho": true, "hang": true, "so": true, "tuan": true, "ngay": true, "la": true,
}

// matchDate tries a date expression starting at toks[i] and returns the day
// and the index of its last token.
func matchDate(toks []Token, i int, today time.Time) (time.Time, int, bool) {
	t := toks[i]
	y, m, dd := today.Date()
	base := time.Date(y, m, dd, 0, 0, 0, 0, today.Location())
	next := func(j int) (Token, bool) {
		if j < len(toks) {
			return toks[j], true
		}
		return Token{}, false
	}
	switch t.Kind {
	case Word:
		if off, ok := relOne[t.Key]; ok {
			return base.AddDate(0, 0, off), i, true
		}
		// "mấy hôm nay", "mấy hôm qua": the past few days, not one day.
		if relWords[t.Key] && !(i > 0 && toks[i-1].Kind == Word && fewBefore[toks[i-1].Key]) {
			if n, ok := next(i + 1); ok && n.Kind == Word {
				switch {
				case n.Key == "nay":
					return base, i + 1, true
				case n.Key == "qua":
					return base.AddDate(0, 0, -1), i + 1, true
				case n.Key == "kia" && (t.Key == "hom" || t.Key == "bua"):
					return base.AddDate(0, 0, -2), i + 1, true
				}
			}
		}
		prev := ""
		if i > 0 && toks[i-1].Kind == Word {
			prev = toks[i-1].Key
		}
		switch t.Key {
		case "thu":
			if n, ok := next(i + 1); ok && n.Space && (n.Kind == Word || n.Kind == Digits) && !ordinalBefore[prev] {
				if wd, ok := weekdayWords[n.Key]; ok && !followedByDigits(toks, i+1) {
					return lastWeekday(base, wd), i + 1, true
				}
			}
		case "chu":
			if n, ok := next(i + 1); ok && n.Kind == Word && n.Key == "nhat" {
				return lastWeekday(base, time.Sunday), i + 1, true
			}
		case "cn":
			if n, ok := next(i + 1); prev != "to" && !(ok && n.Kind == Word && n.Key == "so") {
				return lastWeekday(base, time.Sunday), i, true
			}
		case "t":
			if n, ok := next(i + 1); ok && n.Kind == Digits && !n.Space && len(n.Key) == 1 && !followedByDigits(toks, i+1) {
				if nn, ok := next(i + 2); !ok || nn.Space || nn.Kind == Punct {
					if wd, ok := weekdayWords[n.Key]; ok {
						return lastWeekday(base, wd), i + 1, true
					}
				}
			}
		case "ngay":
			if n, ok := next(i + 1); ok && n.Kind == Digits && n.Space {
				if d, j, ok := matchNumericDate(toks, i+1, base, true); ok {
					return d, j, true
				}
			}
		}
	case Digits:
		if i > 0 && !t.Space {
			if p := toks[i-1]; p.Kind == Digits || p.Kind == Punct && strings.Contains("/-.,:", p.Key) {
				return time.Time{}, 0, false
			}
		}
		return matchNumericDate(toks, i, base, false)
	}
	return time.Time{}, 0, false
}

// followedByDigits reports whether toks[j] is directly followed by a slash,
// dash, dot, comma or colon and more digits: "thứ 2/7" is not a weekday.
func followedByDigits(toks []Token, j int) bool {
	if j+2 >= len(toks) {
		return false
	}
	p, d := toks[j+1], toks[j+2]
	return !p.Space && p.Kind == Punct && strings.Contains("/-.,:", p.Key) && !d.Space && d.Kind == Digits
}

// matchNumericDate reads 14/7, 14-7, 21/07/2026, 21/7/26, 2026-07-21,
// 21.07.2026 and "14 tháng 7 [năm 2026]" at toks[i]; 14.7 only when
// afterNgay.
func matchNumericDate(toks []Token, i int, base time.Time, afterNgay bool) (time.Time, int, bool) {
	adj := func(j int) bool { return j < len(toks) && !toks[j].Space }
	digitsAt := func(j, minLen, maxLen int) (int, bool) {
		if j >= len(toks) || toks[j].Kind != Digits || len(toks[j].Key) < minLen || len(toks[j].Key) > maxLen {
			return 0, false
		}
		return atoiDigits(toks[j].Key), true
	}
	// The expression must not run on into more digits: 1/2/345, 14/7.5.
	endsClean := func(j int) bool {
		if !adj(j + 1) {
			return true
		}
		n := toks[j+1]
		if n.Kind == Digits || n.Kind == Word {
			return false
		}
		return !(strings.Contains("/-.,:", n.Key) && adj(j+2) && toks[j+2].Kind == Digits)
	}
	first := toks[i]
	// 2026-07-21
	if len(first.Key) == 4 {
		if adj(i+1) && toks[i+1].Key == "-" && adj(i+2) && adj(i+3) && adj(i+4) && i+4 < len(toks) && toks[i+3].Key == "-" {
			yy, _ := digitsAt(i, 4, 4)
			mm, ok1 := digitsAt(i+2, 1, 2)
			dd, ok2 := digitsAt(i+4, 1, 2)
			if ok1 && ok2 && endsClean(i+4) {
				if d, ok := makeDate(base, yy, mm, dd, true); ok {
					return d, i + 4, true
				}
			}
		}
		return time.Time{}, 0, false
	}
	dd, ok := digitsAt(i, 1, 2)
	if !ok {
		return time.Time{}, 0, false
	}
	// 14 tháng 7 [năm 2026]
	if i+2 < len(toks) && toks[i+1].Kind == Word && toks[i+1].Key == "thang" && toks[i+2].Space {
		mm, ok := digitsAt(i+2, 1, 2)
		if !ok || !endsClean(i+2) {
			return time.Time{}, 0, false
		}
		if i+4 < len(toks) && toks[i+3].Kind == Word && toks[i+3].Key == "nam" {
			if yy, ok := digitsAt(i+4, 4, 4); ok {
				d, ok := makeDate(base, yy, mm, dd, true)
				return d, i + 4, ok
			}
		}
		d, ok := makeDate(base, 0, mm, dd, false)
		return d, i + 2, ok
	}
	if !adj(i+1) || toks[i+1].Kind != Punct || !adj(i+2) {
		return time.Time{}, 0, false
	}
	sep := toks[i+1].Key
	if sep != "/" && sep != "-" && sep != "." {
		return time.Time{}, 0, false
	}
	mm, ok := digitsAt(i+2, 1, 2)
	if !ok {
		return time.Time{}, 0, false
	}
	if adj(i+3) && toks[i+3].Key == sep && adj(i+4) {
		yy, ok := digitsAt(i+4, 2, 4)
		if !ok || len(toks[i+4].Key) == 3 || !endsClean(i+4) {
			return time.Time{}, 0, false
		}
		if sep == "." && len(toks[i+4].Key) != 4 && !afterNgay {
			return time.Time{}, 0, false
		}
		if yy < 100 {
			yy += 2000
		}
		d, ok := makeDate(base, yy, mm, dd, true)
		return d, i + 4, ok
	}
	if sep == "." && !afterNgay || !endsClean(i+2) {
		return time.Time{}, 0, false
	}
	d, ok := makeDate(base, 0, mm, dd, false)
	return d, i + 2, ok
}

// makeDate checks a day and month (and year when hasYear) and puts a date
// without a year in the most recent year that keeps it on or before today.
func makeDate(base time.Time, y, m, d int, hasYear bool) (time.Time, bool) {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	if hasYear {
		if y < minYear || y > maxYear {
			return time.Time{}, false
		}
	} else {
		y = base.Year()
		if m > int(base.Month()) || m == int(base.Month()) && d > base.Day() {
			y--
		}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, base.Location())
	if t.Day() != d || t.Month() != time.Month(m) {
		return time.Time{}, false // 31/2
	}
	return t, true
}

// lastWeekday returns the most recent wd on or before base.
func lastWeekday(base time.Time, wd time.Weekday) time.Time {
	back := (int(base.Weekday()) - int(wd) + 7) % 7
	return base.AddDate(0, 0, -back)
}

// atoiDigits returns the value of a short run of ASCII digits.
func atoiDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
