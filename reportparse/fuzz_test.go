package reportparse

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, m := range memberMessages {
		f.Add(m.text)
	}
	for _, s := range []string{"vneid -2", "vneid 1,5", "xyz 3", "(1, 2)", "((", "1.2.3", "-", "âm", "14/7/", "t2/", "8h30", "1:2:3"} {
		f.Add(s)
	}
	p := NewParser(testIndicators(f))
	today := testToday(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, r := range []Result{p.Parse(text, today), p.ParseQuick(text, today)} {
			checkResult(t, p, text, r)
			for _, pr := range r.Problems {
				if !strings.Contains(text, pr.Raw) {
					t.Fatalf("%q: problem %+v: Raw not in the text", text, pr)
				}
			}
			if !r.Date.IsZero() && !strings.Contains(text, r.DateRaw) {
				t.Fatalf("%q: DateRaw %q not in the text", text, r.DateRaw)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	p := NewParser(testIndicators(b))
	today := testToday(b)
	typical := "hôm qua hd 15 hộ cài vneid, 3 tk ngân hàng, tuyên truyền lừa đảo 40 người"
	var long strings.Builder
	for i := 0; long.Len() < 4000; i++ {
		long.WriteString(memberMessages[i%len(memberMessages)].text)
		long.WriteString("\n")
	}
	for _, bb := range []struct {
		name, text string
	}{{"typical", typical}, {"4000chars", long.String()[:4000]}} {
		b.Run(bb.name, func(b *testing.B) {
			b.SetBytes(int64(len(bb.text)))
			for b.Loop() {
				p.Parse(bb.text, today)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(bb.text))*100, "ns/100B")
		})
	}
}
