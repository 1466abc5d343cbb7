package importer

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"cnsbot"
)

// ParseNumber reads a number as Vietnamese people write it: "1.562" (a dot
// groups thousands), "97,4" (a comma is the decimal mark), and also "97.4",
// "1.234.567", "1.234,5" or "1,234.5". A single dot or comma followed by
// exactly three digits, after one to three leading digits that do not start
// with 0, groups thousands; otherwise it is the decimal mark. When both marks
// appear the last one is the decimal mark. A leading sign and a trailing %
// are allowed ("97,4%" reads as 97.4). The error is a *cnsbot.Error with code
// EINVALID and key error.invalid_number.
func ParseNumber(s string) (float64, error) {
	v, ok := parseNumber(s)
	if !ok {
		return 0, &cnsbot.Error{
			Code: cnsbot.EINVALID,
			Key:  "error.invalid_number",
			Args: map[string]any{"value": s},
			Err:  fmt.Errorf("parse number %q: %w", s, errNotNumber),
		}
	}
	return v, nil
}

var errNotNumber = errors.New("not a number")

func parseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && c != '.' && c != ',' {
			return 0, false
		}
	}
	var intPart, frac string
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	switch {
	case lastDot < 0 && lastComma < 0:
		intPart = s
	case lastDot >= 0 && lastComma >= 0:
		// Both marks: the later one is the decimal mark, the other groups.
		dec, group := byte('.'), byte(',')
		if lastComma > lastDot {
			dec, group = ',', '.'
		}
		i := strings.LastIndexByte(s, dec)
		if strings.IndexByte(s, dec) != i {
			return 0, false
		}
		var ok bool
		if intPart, ok = ungroup(s[:i], group); !ok {
			return 0, false
		}
		frac = s[i+1:]
	default:
		mark := byte('.')
		if lastComma >= 0 {
			mark = ','
		}
		if strings.Count(s, string(mark)) > 1 {
			var ok bool
			if intPart, ok = ungroup(s, mark); !ok {
				return 0, false
			}
			break
		}
		i := strings.IndexByte(s, mark)
		head, tail := s[:i], s[i+1:]
		if len(tail) == 3 && len(head) >= 1 && len(head) <= 3 && head[0] != '0' {
			intPart = head + tail
		} else {
			intPart, frac = head, tail
		}
	}
	if intPart == "" && frac == "" {
		return 0, false
	}
	if strings.ContainsAny(frac, ".,") {
		return 0, false
	}
	lit := intPart
	if lit == "" {
		lit = "0"
	}
	if frac != "" {
		lit += "." + frac
	}
	v, err := strconv.ParseFloat(lit, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	if neg {
		v = -v
	}
	return v, true
}

// ungroup removes the thousands mark from s, which must be one to three
// digits and then groups of exactly three.
func ungroup(s string, mark byte) (string, bool) {
	parts := strings.Split(s, string(mark))
	if len(parts[0]) < 1 || len(parts[0]) > 3 || parts[0][0] == '0' {
		return "", false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return "", false
		}
	}
	return strings.Join(parts, ""), true
}

// parseDate reads 2026-07-21, 21/07/2026, 21/7/2026 (also with - or . between
// day, month and year) and returns YYYY-MM-DD.
func parseDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 10 && s[4] == '-' && s[10] == 'T' {
		// An ISO date-time, as XLSX "d" cells hold.
		s = s[:10]
	}
	var y, m, d int
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-':
		y, m, d = atoi(s[:4]), atoi(s[5:7]), atoi(s[8:])
	default:
		sep := strings.IndexAny(s, "/-.")
		if sep < 0 {
			return "", false
		}
		parts := strings.Split(s, s[sep:sep+1])
		if len(parts) != 3 || len(parts[0]) > 2 || len(parts[1]) > 2 || len(parts[2]) != 4 {
			return "", false
		}
		d, m, y = atoi(parts[0]), atoi(parts[1]), atoi(parts[2])
	}
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > 31 {
		return "", false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", false // 31/02
	}
	return t.Format(time.DateOnly), true
}

// atoi returns the value of a string of ASCII digits, -1 for anything else.
func atoi(s string) int {
	if s == "" {
		return -1
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return -1
		}
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// parsePeriod validates a period written 2026, 2026-H1, 2026-Q3, 2026-07 or
// 2026-W30 and returns it in that canonical form (upper-case letter, two-digit
// month and week).
func parsePeriod(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if len(s) < 4 {
		return "", false
	}
	y := atoi(s[:4])
	if y < 1900 {
		return "", false
	}
	if len(s) == 4 {
		return s, true
	}
	if s[4] != '-' || len(s) < 6 {
		return "", false
	}
	rest := s[5:]
	switch rest[0] {
	case 'H':
		if rest == "H1" || rest == "H2" {
			return s, true
		}
	case 'Q':
		if n := atoi(rest[1:]); n >= 1 && n <= 4 && len(rest) == 2 {
			return s, true
		}
	case 'W':
		n := atoi(rest[1:])
		// ISO years have 52 or 53 weeks; 28 December always lies in the last.
		_, last := time.Date(y, 12, 28, 0, 0, 0, 0, time.UTC).ISOWeek()
		if len(rest) <= 3 && n >= 1 && n <= last {
			return fmt.Sprintf("%04d-W%02d", y, n), true
		}
	default:
		if n := atoi(rest); len(rest) <= 2 && n >= 1 && n <= 12 {
			return fmt.Sprintf("%04d-%02d", y, n), true
		}
	}
	return "", false
}
