package cnsbot_test

import (
	"testing"

	"cnsbot"
)

func TestUnitTypedName(t *testing.T) {
	for _, tt := range []struct{ name, full, want string }{
		{"Lào Cai", "Thành phố Lào Cai", "TP Lào Cai"},
		{"Lào Cai", "Tỉnh Lào Cai", "Tỉnh Lào Cai"},
		{"Sa Pa", "Thị xã Sa Pa", "TX Sa Pa"},
		{"Bắc Hà", "Thị trấn Bắc Hà", "Thị trấn Bắc Hà"},
		{"Bắc Hà", "Xã Bắc Hà", "Xã Bắc Hà"},
		{"1", "Tổ dân phố 1", "TDP 1"},
		{"Bắc Hà", "", "Bắc Hà"},
		{"Bắc Hà", "Huyện Bắc Hà cũ", "Huyện Bắc Hà cũ"},
	} {
		u := &cnsbot.Unit{Name: tt.name, FullName: tt.full}
		if got := u.TypedName(); got != tt.want {
			t.Errorf("TypedName(%q, %q)=%q, want %q", tt.name, tt.full, got, tt.want)
		}
	}
}
