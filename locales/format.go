package locales

import (
	"fmt"
	"html"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Number formats are written by hand rather than with
// golang.org/x/text/message: the bot needs exact control over the decimal
// count and over rounding (half up on the decimal digits people see, so
// 0.15 shows as 0.2 although the float is 0.1499…), and the tests pin the
// exact strings.

// separators returns the thousands and decimal separators of lang.
func separators(lang string) (group, decimal byte) {
	if Normalize(lang) == "en" {
		return ',', '.'
	}
	return '.', ','
}

// FormatInt formats n with thousands grouped: vi "1.562", en "1,562".
func FormatInt(lang string, n int64) string {
	group, _ := separators(lang)
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + groupDigits(s[1:], group)
	}
	return groupDigits(s, group)
}

func formatUint(lang string, n uint64) string {
	group, _ := separators(lang)
	return groupDigits(strconv.FormatUint(n, 10), group)
}

// FormatNumber formats v with thousands grouped and at most two decimals,
// rounded half away from zero, trailing zeros dropped: vi "1.234.567,89",
// "97,4", "0,5"; en "1,234,567.89", "97.4", "0.5".
func FormatNumber(lang string, v float64) string {
	return formatDecimal(lang, v, 2)
}

// FormatPercent formats v, already in percent, with at most one decimal and
// a percent sign without a space: vi "97,4%", en "97.4%".
func FormatPercent(lang string, v float64) string {
	return formatDecimal(lang, v, 1) + "%"
}

// FormatDate formats the calendar date of t in t's own location: vi
// "21/07/2023", en "2023-07-21". Convert instants to Asia/Ho_Chi_Minh first.
func FormatDate(lang string, t time.Time) string {
	if Normalize(lang) == "en" {
		return t.Format("2006-01-02")
	}
	return t.Format("02/01/2006")
}

// FormatDateTime formats t in t's own location on the 24-hour clock: vi
// "21/07/2023 16:05", en "2023-07-21 16:05".
func FormatDateTime(lang string, t time.Time) string {
	return FormatDate(lang, t) + " " + t.Format("15:04")
}

// formatDecimal rounds v to at most places decimals, half away from zero on
// its shortest decimal representation, and formats it for lang.
func formatDecimal(lang string, v float64, places int) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	}
	group, decimal := separators(lang)
	digits := strconv.FormatFloat(math.Abs(v), 'f', -1, 64)
	intPart, frac, _ := strings.Cut(digits, ".")
	if len(frac) > places {
		up := frac[places] >= '5'
		frac = frac[:places]
		if up {
			intPart, frac = increment(intPart, frac)
		}
	}
	frac = strings.TrimRight(frac, "0")
	var b strings.Builder
	if v < 0 && (strings.Trim(intPart, "0") != "" || frac != "") {
		b.WriteByte('-')
	}
	b.WriteString(groupDigits(intPart, group))
	if frac != "" {
		b.WriteByte(decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// increment adds one unit in the last place of intPart.frac, both decimal
// digit strings.
func increment(intPart, frac string) (string, string) {
	d := []byte(intPart + frac)
	i := len(d) - 1
	for ; i >= 0; i-- {
		if d[i] == '9' {
			d[i] = '0'
			continue
		}
		d[i]++
		break
	}
	s := string(d)
	if i < 0 {
		s = "1" + s
	}
	n := len(s) - len(frac)
	return s[:n], s[n:]
}

// groupDigits inserts sep between groups of three digits from the right.
func groupDigits(s string, sep byte) string {
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3)
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(s[:first])
	for i := first; i < len(s); i += 3 {
		b.WriteByte(sep)
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Template functions accept what handlers naturally pass: any integer or
// float type, and for dates a time.Time or a "YYYY-MM-DD" string. Anything
// else is printed escaped rather than failing the whole message.

func formatAny(lang string, v any, places int) (string, bool) {
	switch n := v.(type) {
	case int:
		return FormatInt(lang, int64(n)), true
	case int8:
		return FormatInt(lang, int64(n)), true
	case int16:
		return FormatInt(lang, int64(n)), true
	case int32:
		return FormatInt(lang, int64(n)), true
	case int64:
		return FormatInt(lang, n), true
	case uint:
		return formatUint(lang, uint64(n)), true
	case uint8:
		return FormatInt(lang, int64(n)), true
	case uint16:
		return FormatInt(lang, int64(n)), true
	case uint32:
		return FormatInt(lang, int64(n)), true
	case uint64:
		return formatUint(lang, n), true
	case float32:
		return formatDecimal(lang, float64(n), places), true
	case float64:
		return formatDecimal(lang, n, places), true
	}
	return "", false
}

func funcNum(lang string) func(any) string {
	return func(v any) string {
		if s, ok := formatAny(lang, v, 2); ok {
			return s
		}
		return escape(v)
	}
}

func funcPct(lang string) func(any) string {
	return func(v any) string {
		if s, ok := formatAny(lang, v, 1); ok {
			return s + "%"
		}
		return escape(v)
	}
}

func funcDate(lang string) func(any) string {
	return func(v any) string {
		switch d := v.(type) {
		case time.Time:
			return FormatDate(lang, d)
		case *time.Time:
			if d != nil {
				return FormatDate(lang, *d)
			}
			return ""
		case string:
			if t, err := time.Parse(time.DateOnly, d); err == nil {
				return FormatDate(lang, t)
			}
		}
		return escape(v)
	}
}

func funcDateTime(lang string) func(any) string {
	return func(v any) string {
		switch d := v.(type) {
		case time.Time:
			return FormatDateTime(lang, d)
		case *time.Time:
			if d != nil {
				return FormatDateTime(lang, *d)
			}
			return ""
		}
		return escape(v)
	}
}

// escape prints v HTML-escaped for Telegram's HTML parse mode; nil (an arg
// the caller left out) prints nothing.
func escape(v any) string {
	switch s := v.(type) {
	case nil:
		return ""
	case string:
		return html.EscapeString(s)
	case fmt.Stringer:
		return html.EscapeString(s.String())
	}
	return html.EscapeString(fmt.Sprint(v))
}

// Escape makes user or database text safe inside a message sent in HTML
// parse mode — the same escaping as the templates' esc.
func Escape(s string) string { return escape(s) }

// htmlTag matches the HTML tags locale texts and answers use.
var htmlTag = regexp.MustCompile(`</?(b|i|u|s|code|pre|a|tg-spoiler|blockquote)( [^>]*)?>`)

// PlainText turns the HTML of a text into plain text: the tags dropped and
// the entities unescaped. Callback answers and the terminal shell show
// plain text.
func PlainText(s string) string { return html.UnescapeString(htmlTag.ReplaceAllString(s, "")) }
