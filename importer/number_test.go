package importer

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want float64
	}{
		{"0", 0},
		{"15", 15},
		{"1.562", 1562},
		{"7.363", 7363},
		{"97,4", 97.4},
		{"97.4", 97.4},
		{"95,71", 95.71},
		{"1.234.567", 1234567},
		{"1,234,567", 1234567},
		{"1.234,5", 1234.5},
		{"1,234.5", 1234.5},
		{"1.234.567,89", 1234567.89},
		{"0,125", 0.125},
		{"0.125", 0.125},
		{"1234.567", 1234.567},
		{"12.3456", 12.3456},
		{",5", 0.5},
		{"97,4%", 97.4},
		{" 1.562 ", 1562},
		{"-3", -3},
		{"+2,5", 2.5},
		{"1\u00a0", 1},
	} {
		got, err := ParseNumber(tt.in)
		if err != nil {
			t.Errorf("ParseNumber(%q): %v", tt.in, err)
		} else if got != tt.want {
			t.Errorf("ParseNumber(%q)=%v, want %v", tt.in, got, tt.want)
		}
	}
	for _, in := range []string{
		"", " ", "abc", "12ab", ".", ",", "1.2.3", "1.23.456", "1,2.5", "1.234,5,6",
		"1.234.5", "--1", "1e5", "0x10", "NaN", "Inf", "1 562", "%", "-", "1,5.234,5",
	} {
		if v, err := ParseNumber(in); err == nil {
			t.Errorf("ParseNumber(%q)=%v, want an error", in, v)
		}
	}
}

func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"1.562", "97,4", "97.4", "1.234.567", "1.234,5", "0,125", "-3", "97,4%", "", "1e5", ",5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseNumber(s)
		if err != nil {
			return
		}
		// The value must be the input's digits, in order, with a decimal
		// point put somewhere: parsing never invents or drops a digit.
		var digits strings.Builder
		for _, r := range s {
			if r >= '0' && r <= '9' {
				digits.WriteRune(r)
			}
		}
		d := digits.String()
		if d == "" {
			t.Fatalf("ParseNumber(%q)=%v from no digits", s, v)
		}
		for k := 0; k <= len(d); k++ {
			ip, frac := d[:len(d)-k], d[len(d)-k:]
			w, err := strconv.ParseFloat("0"+ip+".0"+frac, 64)
			if frac != "" {
				w, err = strconv.ParseFloat("0"+ip+"."+frac, 64)
			}
			if err == nil && (w == v || -w == v) {
				return
			}
		}
		t.Fatalf("ParseNumber(%q)=%v is not made of the digits %q", s, v, d)
	})
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{
		"2026-07-21":           "2026-07-21",
		"21/07/2026":           "2026-07-21",
		"21/7/2026":            "2026-07-21",
		"1/1/2026":             "2026-01-01",
		"21-07-2026":           "2026-07-21",
		"21.07.2026":           "2026-07-21",
		"29/02/2024":           "2024-02-29",
		"2026-07-21T00:00:00Z": "2026-07-21",
		"29/02/2026":           "",
		"31/04/2026":           "",
		"2026/07/21":           "",
		"07/21/2026":           "",
		"21/07/26":             "",
		"21/07":                "",
		"hôm nay":              "",
		"":                     "",
		"2026-7-21":            "",
	} {
		got, ok := parseDate(in)
		if ok != (want != "") || got != want {
			t.Errorf("parseDate(%q)=%q,%v, want %q", in, got, ok, want)
		}
	}
}

func TestParsePeriod(t *testing.T) {
	for in, want := range map[string]string{
		"2026":      "2026",
		"2026-H1":   "2026-H1",
		"2026-h2":   "2026-H2",
		"2026-Q3":   "2026-Q3",
		"2026-07":   "2026-07",
		"2026-7":    "2026-07",
		"2026-12":   "2026-12",
		"2026-W30":  "2026-W30",
		"2026-W5":   "2026-W05",
		"2026-W53":  "2026-W53", // 2026 has 53 ISO weeks
		"2025-W53":  "",
		"2026-H3":   "",
		"2026-Q5":   "",
		"2026-Q0":   "",
		"2026-13":   "",
		"2026-00":   "",
		"2026-W00":  "",
		"26":        "",
		"2026-":     "",
		"2026Q3":    "",
		"năm 2026":  "",
		"2026-W300": "",
	} {
		got, ok := parsePeriod(in)
		if ok != (want != "") || got != want {
			t.Errorf("parsePeriod(%q)=%q,%v, want %q", in, got, ok, want)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Họ và tên":       "ho va ten",
		"ĐVT":             "dvt",
		"Số  điện thoại ": "so dien thoai",
		"Hoà":             "hoa",
		"Hòa":             "hoa",
		"Thuỷ":            "thuy",
		"Thủy":            "thuy",
		"Ho\u0300a":       "hoa", // NFD input
		"Từ khoá":         "tu khoa",
		"MÃ ĐƠN VỊ":       "ma don vi",
		"sđt":             "sdt",
	} {
		if got := fold(in); got != want {
			t.Errorf("fold(%q)=%q, want %q", in, got, want)
		}
	}
	if got, want := headerKey("Họ và tên (*)"), "ho va ten"; got != want {
		t.Errorf("headerKey=%q, want %q", got, want)
	}
	if got, want := headerKey("parent_code"), "parent code"; got != want {
		t.Errorf("headerKey=%q, want %q", got, want)
	}
}
