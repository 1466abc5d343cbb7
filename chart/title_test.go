package chart

import (
	"strings"
	"testing"
)

// A long title is wrapped onto a second line, whole, instead of being cut.
func TestTitleWraps(t *testing.T) {
	const long = "CT04 Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình được xử lý đúng hạn trên tổng số hồ sơ"
	short := &Chart{Title: "Tiến độ chỉ tiêu", Bars: []Bar{{Label: "Bắc Hà", Value: 50}}}
	wrapped := &Chart{Title: long, Bars: short.Bars}
	if got, want := wrapped.Height(), short.Height()+titleSize+titleGap; got != want {
		t.Fatalf("Height=%d, want %d: a second title line", got, want)
	}
	f, err := newFaces()
	if err != nil {
		t.Fatal(err)
	}
	defer f.close()
	lines := wrapLines(f.title, long, Width-2*margin, maxTitleLines)
	if len(lines) != 2 || strings.Join(lines, " ") != long {
		t.Fatalf("lines=%q, want the whole title on two lines", lines)
	}
	for _, l := range lines {
		if w := measure(f.title, l); w > Width-2*margin {
			t.Fatalf("line %q is %d px, over %d", l, w, Width-2*margin)
		}
	}
	// Beyond two lines the last one is cut with "…".
	lines = wrapLines(f.title, strings.Repeat(long+" ", 3), Width-2*margin, maxTitleLines)
	if len(lines) != 2 || !strings.HasSuffix(lines[1], "…") {
		t.Fatalf("very long title lines=%q", lines)
	}
	if _, err := wrapped.Draw(); err != nil {
		t.Fatal(err)
	}
}
