package reportparse

import "testing"

// Messages saying the team did nothing (04/12/2026, issue 10), and some
// that do not.
func TestNoActivity(t *testing.T) {
	tests := []struct {
		text     string
		ok, last bool
	}{
		{"tuần này không có hoạt động", true, false},
		{"tuan nay khong co hoat dong", true, false},
		{"hôm nay không làm được gì vì mưa", true, false},
		{"hom nay ko lam dc gi vi mua", true, false},
		{"Tổ em tuần này chưa có hoạt động gì ạ", true, false},
		{"không có hoạt động", true, false},
		{"tuần trước không có hoạt động", true, true},
		{"tuan qua khong hoat dong", true, true},
		{"no activity this week", true, false},
		{"nothing to report", true, false},
		{"we did nothing last week", true, true},
		{"không có gì", false, false},
		{"chào anh", false, false},
		{"hd 15 người cài vneid", false, false},
		{"không có hoạt động nào của tổ khác", true, false},
		{"hoạt động tốt", false, false},
		// Questions about teams that did nothing are not declarations.
		{"tổ nào không có hoạt động?", false, false},
		{"xa nao khong co hoat dong", false, false},
		{"which teams had no activity", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		ok, last := NoActivity(tt.text)
		if ok != tt.ok || last != tt.last {
			t.Errorf("NoActivity(%q) = %v, %v; want %v, %v", tt.text, ok, last, tt.ok, tt.last)
		}
	}
}

// A date that cannot be a day is a problem, not numbers nor nothing
// (04/12/2026, issue 10).
func TestParseBadDate(t *testing.T) {
	p := NewParser(testIndicators(t))
	for _, tt := range []struct{ text, raw string }{
		{"ngày 31/2 hướng dẫn 5 người cài vneid", "ngày 31/2"},
		{"31/02/2026 hd 5 ng vneid", "31/02/2026"},
		{"ngay 1/13 hd 5 vneid", "ngay 1/13"},
		{"hd 5 ng vneid ngày 30-2", "ngày 30-2"},
		{"hd 5 ng vneid", ""},
		{"vneid 15/20 người", ""},
		{"ngày 14/7 hd 5 vneid", ""},
	} {
		r := p.Parse(tt.text, testToday(t))
		raw := ""
		for _, pr := range r.Problems {
			if pr.Kind == ProblemBadDate {
				raw = pr.Raw
			}
		}
		if raw != tt.raw {
			t.Errorf("Parse(%q) bad date %q, want %q (problems %+v)", tt.text, raw, tt.raw, r.Problems)
		}
	}
}
