package chart

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestFit(t *testing.T) {
	f, err := newFaces()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	for _, tt := range []struct {
		name, in string
		width    int
		want     string
	}{
		{"Short", "Bắc Hà", 330, "Bắc Hà"},
		{"NFD", "Ba\u0306\u0301c Ha\u0300", 330, "Bắc Hà"},
		{"Spaces", "  Bắc   Hà ", 330, "Bắc Hà"},
		{"Long", "CT01 Tỷ lệ hồ sơ công việc cấp tỉnh xử lý hoàn toàn trên môi trường mạng", 330, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := fit(f.label, tt.in, tt.width)
			if tt.want != "" && got != tt.want {
				t.Fatalf("fit(%q)=%q, want %q", tt.in, got, tt.want)
			}
			if w := measure(f.label, got); w > tt.width {
				t.Fatalf("fit(%q)=%q is %d px, over %d", tt.in, got, w, tt.width)
			}
			if tt.want == "" {
				if !strings.HasSuffix(got, "…") || !strings.HasPrefix(tt.in, strings.TrimSuffix(got, "…")) {
					t.Fatalf("fit(%q)=%q, want a prefix and …", tt.in, got)
				}
				if n := utf8.RuneCountInString(got); n < 20 {
					t.Fatalf("fit(%q)=%q: only %d characters", tt.in, got, n)
				}
			}
		})
	}
}

func TestAxisMax(t *testing.T) {
	for _, tt := range []struct {
		values    []float64
		top, step float64
	}{
		{[]float64{50}, 100, 20},
		{[]float64{102.5}, 125, 25},
		{[]float64{130}, 150, 50},
		{[]float64{500}, 200, 50}, // cut off at twice the target
		{[]float64{2400}, 200, 50},
	} {
		c := &Chart{Target: 100}
		for _, v := range tt.values {
			c.Bars = append(c.Bars, Bar{Value: v})
		}
		if top, step := axisMax(c); top != tt.top || step != tt.step {
			t.Errorf("axisMax(%v)=%v,%v, want %v,%v", tt.values, top, step, tt.top, tt.step)
		}
	}
}

func TestAxisMaxNoTarget(t *testing.T) {
	c := &Chart{Bars: []Bar{{Value: 300}, {Value: 40}}}
	if top, step := axisMax(c); top != 200 || step != 50 {
		t.Fatalf("axisMax=%v,%v, want 200,50", top, step)
	}
}
