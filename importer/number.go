package importer

import (
	"fmt"
	"strings"
	"time"

	"cnsbot"
	"cnsbot/textvi"
)

// ParseNumber reads a number as Vietnamese people write it ("1.562",
// "97,4", "97.4"; see textvi.ParseNumber for the rules). The error is a
// *cnsbot.Error with code EINVALID and key error.invalid_number.
func ParseNumber(s string) (float64, error) {
	v, err := textvi.ParseNumber(s)
	if err != nil {
		return 0, &cnsbot.Error{
			Code: cnsbot.EINVALID,
			Key:  "error.invalid_number",
			Args: map[string]any{"value": s},
			Err:  err,
		}
	}
	return v, nil
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
