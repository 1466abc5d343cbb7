package textvi

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrNotNumber is the error ParseNumber wraps when its input is not a number.
var ErrNotNumber = errors.New("not a number")

// ParseNumber reads a number as Vietnamese people write it: "1.562" (a dot
// groups thousands), "97,4" (a comma is the decimal mark), and also "97.4",
// "1.234.567", "1.234,5" or "1,234.5". A single dot or comma followed by
// exactly three digits, after one to three leading digits that do not start
// with 0, groups thousands; otherwise it is the decimal mark. When both marks
// appear the last one is the decimal mark. A leading sign and a trailing %
// are allowed ("97,4%" reads as 97.4). The error wraps ErrNotNumber.
func ParseNumber(s string) (float64, error) {
	v, ok := parseNumber(s)
	if !ok {
		return 0, fmt.Errorf("parse number %q: %w", s, ErrNotNumber)
	}
	return v, nil
}

// ParseCount reads an answer to "how many?": a number as ParseNumber reads
// it, alone or followed by words naming what was counted, the unit or any
// noun ("15 người", "2 buổi", "15 nguoi"). Text before the number or a
// second number after it ("15 người 20") is not an answer: the error wraps
// ErrNotNumber.
func ParseCount(s string) (float64, error) {
	toks := Tokens(s)
	words := len(toks)
	for i, t := range toks {
		if t.Kind == Word {
			words = i
			break
		}
	}
	num := s
	if words < len(toks) {
		num = s[:toks[words].Start]
		for _, t := range toks[words:] {
			if t.Kind == Digits {
				return 0, fmt.Errorf("parse count %q: %w", s, ErrNotNumber)
			}
		}
	}
	v, ok := parseNumber(num)
	if !ok {
		return 0, fmt.Errorf("parse count %q: %w", s, ErrNotNumber)
	}
	return v, nil
}

// IsInteger reports whether v is a whole number: a count may be 15 but not
// 1,5.
func IsInteger(v float64) bool {
	return !math.IsInf(v, 0) && !math.IsNaN(v) && v == math.Trunc(v)
}

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
