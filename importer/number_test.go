package importer

import (
	"errors"
	"testing"

	"cnsbot"
	"cnsbot/textvi"
)

func TestParseNumberError(t *testing.T) {
	if v, err := ParseNumber("1.562"); err != nil || v != 1562 {
		t.Fatalf("ParseNumber(1.562)=%v,%v, want 1562", v, err)
	}
	_, err := ParseNumber("abc")
	var e *cnsbot.Error
	if !errors.As(err, &e) {
		t.Fatalf("ParseNumber(abc) error %T, want *cnsbot.Error", err)
	}
	if got, want := e.Code, cnsbot.EINVALID; got != want {
		t.Errorf("Code=%v, want %v", got, want)
	}
	if got, want := e.Key, "error.invalid_number"; got != want {
		t.Errorf("Key=%q, want %q", got, want)
	}
	if !errors.Is(err, textvi.ErrNotNumber) {
		t.Errorf("error %v does not wrap textvi.ErrNotNumber", err)
	}
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
