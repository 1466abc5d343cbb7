package ask

import (
	"sync"
	"testing"
	"unicode/utf8"

	"cnsbot"
)

var (
	fuzzParserOnce sync.Once
	fuzzParser     *Parser
)

// checkPeriod fails when p runs backwards or is not a whole period.
func checkPeriod(t *testing.T, text string, p cnsbot.Period) {
	t.Helper()
	if p.Kind == "" || len(p.From) != 10 || len(p.To) != 10 || p.From > p.To {
		t.Fatalf("%q: bad period %+v", text, p)
	}
}

func FuzzParse(f *testing.F) {
	for _, q := range leaderQuestions {
		f.Add(q.text)
	}
	for _, s := range []string{
		"từ 31/12 đến 1/1", "tháng 0", "quý 0/2025", "ngày 31/2", "tuần 53", "tháng 7/99999999999999",
		"thôn thôn thôn", "tp. lào cai", "CT0000002", "1/7 - ", "từ đầu năm đến", "\u0303vẽ", "vẽ\u200b biểu đồ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		fuzzParserOnce.Do(func() { fuzzParser = NewParser(testVocabulary(t, true)) })
		if p, start, end, ok := ParsePeriod(text, leaderToday); ok {
			if start < 0 || start >= end || end > len(text) {
				t.Fatalf("%q: span %d..%d outside the text", text, start, end)
			}
			if utf8.ValidString(text) && !utf8.ValidString(text[start:end]) {
				t.Fatalf("%q: span %d..%d cuts a character", text, start, end)
			}
			checkPeriod(t, text, p)
		}
		q := fuzzParser.Parse(text, leaderToday)
		if q.HasPeriod {
			checkPeriod(t, text, q.Period)
		} else if q.Period.Kind != "" {
			t.Fatalf("%q: a period without HasPeriod", text)
		}
		if q.Intent == "" && (q.Indicator != "" || q.Unit != nil || q.HasPeriod) {
			t.Fatalf("%q: understood %q but no intent", text, q.Understood)
		}
	})
}
