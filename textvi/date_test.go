package textvi

import (
	"testing"
	"time"
)

// testToday is Wednesday 22 July 2026 in Vietnam.
func testToday(tb testing.TB) time.Time {
	tb.Helper()
	loc := time.FixedZone("ICT", 7*3600)
	return time.Date(2026, 7, 22, 0, 0, 0, 0, loc)
}

func TestParseDate(t *testing.T) {
	today := testToday(t)
	tests := []struct {
		in, want string // want "" = refused
	}{
		{"hôm nay", "2026-07-22"},
		{"Hôm nay", "2026-07-22"},
		{"hom nay", "2026-07-22"},
		{"hôm qua", "2026-07-21"},
		{"hom qua", "2026-07-21"},
		{"hq", "2026-07-21"},
		{"hôm kia", "2026-07-20"},
		{"tối qua", "2026-07-21"},
		{"chiều nay", "2026-07-22"},
		{"ngày 14/7", "2026-07-14"},
		{"ngay 14/7", "2026-07-14"},
		{"14/7", "2026-07-14"},
		{"14/07", "2026-07-14"},
		{"14-7", "2026-07-14"},
		{"ngày 14.7", "2026-07-14"},
		{"14.7", ""},
		{"21/07/2026", "2026-07-21"},
		{"21/7/26", "2026-07-21"},
		{"21.07.2026", "2026-07-21"},
		{"2026-07-21", "2026-07-21"},
		{"14 tháng 7", "2026-07-14"},
		{"ngày 14 tháng 7 năm 2026", "2026-07-14"},
		{"22/7", "2026-07-22"},
		{"23/7", "2025-07-23"}, // in the future without a year: last year
		{"1/12", "2025-12-01"},
		{"31/2", ""},
		{"29/2", ""}, // 2026 and 2025 are not leap years
		{"30/2/2026", ""},
		{"31/4", ""},
		{"0/7", ""},
		{"14/13", ""},
		// A year far from today's is still a date (04/12/2026, issue 10):
		// the report flow refuses it with the open window instead of
		// reading the digits as values.
		{"21/7/2030", "2030-07-21"},
		{"21/7/1999", "1999-07-21"},
		{"1/1/2020", "2020-01-01"},
		{"01/01/2020", "2020-01-01"},
		{"ngày 1 tháng 1 năm 2020", "2020-01-01"},
		{"21/7/1899", ""},
		{"1/2/345", ""},
		{"thứ hai", "2026-07-20"},
		{"thu hai", "2026-07-20"},
		{"Thứ 2", "2026-07-20"},
		{"thứ ba", "2026-07-21"},
		{"thứ tư", "2026-07-22"}, // today
		{"thứ năm", "2026-07-16"},
		{"thứ sáu", "2026-07-17"},
		{"thứ bảy", "2026-07-18"},
		{"thu 7", "2026-07-18"},
		{"chủ nhật", "2026-07-19"},
		{"CN", "2026-07-19"},
		{"t2", "2026-07-20"},
		{"T7", "2026-07-18"},
		{"t8", ""},
		{"thứ", ""},
		{"hôm", ""},
		{"", ""},
		{"15", ""},
		{"1.562", ""},
		{"vneid 15", ""},
		{"14/7 vneid", ""},
	}
	for _, tt := range tests {
		d, ok := ParseDate(tt.in, today)
		got := ""
		if ok {
			got = d.Format(time.DateOnly)
			if d.Location() != today.Location() || d.Hour() != 0 || d.Minute() != 0 {
				t.Errorf("ParseDate(%q) = %v, want midnight in %v", tt.in, d, today.Location())
			}
		}
		if got != tt.want {
			t.Errorf("ParseDate(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFindDate(t *testing.T) {
	today := testToday(t)
	tests := []struct {
		in, raw, want string
	}{
		{"ngày 14/7 thôn 3 đến 20 hộ", "ngày 14/7", "2026-07-14"},
		{"ngày 1/1/2020 hướng dẫn 5 người", "ngày 1/1/2020", "2020-01-01"}, // 04/12/2026, issue 10
		{"vneid 15 người hôm qua", "hôm qua", "2026-07-21"},
		{"Báo cáo ngày 15.7: DVC 3", "ngày 15.7", "2026-07-15"},
		{"21/7: vneid 10, dvc 4", "21/7", "2026-07-21"},
		{"thu hai tham 15 ho", "thu hai", "2026-07-20"},
		{"lần thứ hai hướng dẫn", "", ""},
		{"em ốm mấy hôm nay", "", ""},
		{"tổ CN số cộng đồng", "", ""},
		{"VNEID 3 DVC 2", "", ""},
		{"97,4% hồ sơ", "", ""},
		{"đạt 1.562 tổ", "", ""},
		{"lúc 14:30", "", ""},
		{"sđt 0912.345.678", "", ""},
		{"vneid 15/dvc 3", "", ""},
		{"T7/2026 bc", "", ""},
		{"Hôm\u200b qua cài vneid", "Hôm\u200b qua", "2026-07-21"},
	}
	for _, tt := range tests {
		d, start, end, ok := FindDate(tt.in, today)
		if !ok {
			if tt.want != "" {
				t.Errorf("FindDate(%q) found nothing, want %q", tt.in, tt.raw)
			}
			continue
		}
		if tt.want == "" {
			t.Errorf("FindDate(%q) = %q (%v), want nothing", tt.in, tt.in[start:end], d.Format(time.DateOnly))
			continue
		}
		if got := tt.in[start:end]; got != tt.raw {
			t.Errorf("FindDate(%q) raw = %q, want %q", tt.in, got, tt.raw)
		}
		if got := d.Format(time.DateOnly); got != tt.want {
			t.Errorf("FindDate(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTokens(t *testing.T) {
	text := "HD 15ng\u200b cài VNeID, 3 tk 🙏\r\nKỹ"
	var keys []string
	for _, tok := range Tokens(text) {
		keys = append(keys, tok.Key)
	}
	want := []string{"hd", "15", "ng", "cai", "vneid", ",", "3", "tk", "\n", "ki"}
	if len(keys) != len(want) {
		t.Fatalf("Tokens keys = %q, want %q", keys, want)
	}
	for i := range want {
		if keys[i] != want[i] {
			t.Fatalf("Tokens keys = %q, want %q", keys, want)
		}
	}
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"hôm nay", "14/7", "ngày 14.7", "21/07/2026", "21/7/26", "2026-07-21",
		"thứ hai", "cn", "t7", "31/2", "29/2/2028", "ngày 14 tháng 7 năm 2026", "1/2/345", "14/7/", "t2/"} {
		f.Add(s)
	}
	today := testToday(f)
	f.Fuzz(func(t *testing.T, s string) {
		check := func(d time.Time) {
			if d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 || d.Location() != today.Location() {
				t.Fatalf("%q: %v is not midnight in %v", s, d, today.Location())
			}
			if d.Year() < minYear || d.Year() > maxYear {
				t.Fatalf("%q: %v is outside the years %d–%d", s, d, minYear, maxYear)
			}
		}
		if d, ok := ParseDate(s, today); ok {
			check(d)
		}
		if d, start, end, ok := FindDate(s, today); ok {
			check(d)
			if start < 0 || end > len(s) || start >= end {
				t.Fatalf("%q: span [%d,%d) out of range", s, start, end)
			}
		}
	})
}
