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
		{"", false, false},
	}
	for _, tt := range tests {
		ok, last := NoActivity(tt.text)
		if ok != tt.ok || last != tt.last {
			t.Errorf("NoActivity(%q) = %v, %v; want %v, %v", tt.text, ok, last, tt.ok, tt.last)
		}
	}
}
