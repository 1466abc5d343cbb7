package reportparse

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseQuick(t *testing.T) {
	p := NewParser(testIndicators(t))
	today := testToday(t)
	tests := []struct {
		args     string
		pairs    string
		date     string
		problems string // kinds, comma separated, in order
	}{
		{"vneid 15", "VNEID 15", "", ""},
		{"VNEID 3 DVC 2", "VNEID 3, DVC 2", "", ""},
		{"VNeID 3 dvc 2 tk 1", "VNEID 3, DVC 2, TKTT 1", "", ""},
		{"định danh 5 hôm qua", "VNEID 5", "2026-07-21", ""},
		{"dinh danh 5 21/7", "VNEID 5", "2026-07-21", ""},
		{"hôm qua vneid 5", "VNEID 5", "2026-07-21", ""},
		{"vneid 15 01/01/2020", "VNEID 15", "2020-01-01", ""}, // 04/12/2026, issue 10
		{"vneid 15 31/02/2026", "VNEID 15", "", "bad_date"},   // 04/12/2026, issue 10: refused, not dropped
		{"ngày 31/2 vneid 5", "VNEID 5", "", "bad_date"},
		{"vneid 15 người dvc 3", "VNEID 15, DVC 3", "", ""},
		{"qr 3 hộ", "QR 3", "", ""},
		{"vneid: 15, dvc: 3", "VNEID 15, DVC 3", "", ""},
		{"ho 20", "HO 20", "", ""},
		{"15 vneid 3 dvc", "VNEID 15, DVC 3", "", ""},
		{"vneid 1.250", "VNEID 1250", "", ""},
		{"vneid", "", "", "indicator_without_number"},
		{"15", "", "", "number_without_indicator"},
		{"xyz 3", "", "", "unknown_word,number_without_indicator"},
		{"vneid -2", "", "", "negative"},
		{"vneid 1,5", "", "", "decimal"},
		{"vneid 15 dvc", "VNEID 15", "", "indicator_without_number"},
		{"vneid 15 abc def dvc 2", "VNEID 15, DVC 2", "", "unknown_word"},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		r := p.ParseQuick(tt.args, today)
		checkResult(t, p, tt.args, r)
		date := ""
		if !r.Date.IsZero() {
			date = r.Date.Format(time.DateOnly)
		}
		var kinds []string
		for _, pr := range r.Problems {
			kinds = append(kinds, pr.Kind)
		}
		if got, want := gotPairs(r), wantPairs(tt.pairs); !slices.Equal(got, want) {
			t.Errorf("ParseQuick(%q) pairs = %q, want %q", tt.args, got, want)
		}
		if date != tt.date {
			t.Errorf("ParseQuick(%q) date = %q, want %q", tt.args, date, tt.date)
		}
		if got := strings.Join(kinds, ","); got != tt.problems {
			t.Errorf("ParseQuick(%q) problems = %q (%+v), want %q", tt.args, got, r.Problems, tt.problems)
		}
	}
}

func TestParseProblems(t *testing.T) {
	p := NewParser(testIndicators(t))
	today := testToday(t)
	tests := []struct {
		text string
		want Problem
	}{
		{"vneid -5", Problem{Kind: ProblemNegative, Raw: "-5", Code: "VNEID"}},
		{"cài vneid âm 5", Problem{Kind: ProblemNegative, Raw: "âm 5", Code: "VNEID"}},
		{"hd 1,5 người cài vneid", Problem{Kind: ProblemDecimal, Raw: "1,5", Code: "VNEID"}},
		{"được 15 người", Problem{Kind: ProblemNumberWithoutIndicator, Raw: "15"}},
		{"hướng dẫn cài vneid", Problem{Kind: ProblemIndicatorWithoutNumber, Raw: "vneid", Code: "VNEID"}},
	}
	for _, tt := range tests {
		r := p.Parse(tt.text, today)
		if len(r.Pairs) != 0 || len(r.Problems) != 1 || r.Problems[0] != tt.want {
			t.Errorf("Parse(%q) = pairs %+v problems %+v, want problem %+v", tt.text, r.Pairs, r.Problems, tt.want)
		}
	}
}

func TestParsePairSpans(t *testing.T) {
	p := NewParser(testIndicators(t))
	text := "Hôm qua hđ 1.250 người cài VNeID"
	r := p.Parse(text, testToday(t))
	if len(r.Pairs) != 1 {
		t.Fatalf("Parse(%q) = %+v, want one pair", text, r)
	}
	pr := r.Pairs[0]
	if got, want := pr, (Pair{Code: "VNEID", Value: 1250, Raw: "1.250", Start: 13, End: 18, Phrase: "VNeID"}); got != want {
		t.Errorf("pair = %+v, want %+v", got, want)
	}
	if got, want := r.DateRaw, "Hôm qua"; got != want {
		t.Errorf("DateRaw = %q, want %q", got, want)
	}
}

func TestParserConcurrent(t *testing.T) {
	p := NewParser(testIndicators(t))
	today := testToday(t)
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func() {
			for _, m := range memberMessages {
				p.Parse(m.text, today)
				p.ParseQuick(m.text, today)
			}
			done <- true
		}()
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
