package handlers

import (
	"slices"
	"testing"
)

func TestCronWeekdays(t *testing.T) {
	for _, tt := range []struct {
		field string
		want  []int
		ok    bool
	}{
		{"5", []int{5}, true},
		{"FRI", []int{5}, true},
		{"1-5", []int{1, 2, 3, 4, 5}, true},
		{"mon,fri", []int{1, 5}, true},
		{"0", []int{0}, true},
		{"7", []int{0}, true},
		{"5-7", []int{5, 6, 0}, true},
		{"6,0", []int{6, 0}, true},
		{"5-1", nil, false},
		{"8", nil, false},
		{"*/2", nil, false},
		{"", nil, false},
	} {
		got, ok := cronWeekdays(tt.field)
		if ok != tt.ok || !slices.Equal(got, tt.want) {
			t.Errorf("cronWeekdays(%q)=%v %v, want %v %v", tt.field, got, ok, tt.want, tt.ok)
		}
	}
}
