package ask

import (
	"testing"
	"time"
)

func date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600))
}

func TestParsePeriod(t *testing.T) {
	tue := leaderToday // Tuesday 21/7/2026, ISO week 30
	tests := []struct {
		text  string
		today time.Time
		want  string // Period.Code()
		raw   string // text[start:end]
	}{
		{"hôm nay", tue, "2026-07-21..2026-07-21", "hôm nay"},
		{"vneid hom qua", tue, "2026-07-20..2026-07-20", "hom qua"},
		{"tuần này", tue, "2026-W30", "tuần này"},
		{"tuần trước Bắc Hà", tue, "2026-W29", "tuần trước"},
		{"tuan qua", tue, "2026-W29", "tuan qua"},
		{"tháng này", tue, "2026-07", "tháng này"},
		{"THÁNG TRƯỚC", tue, "2026-06", "THÁNG TRƯỚC"},
		{"tong vneid thang 7", tue, "2026-07", "thang 7"},
		{"tháng 8", tue, "2025-08", "tháng 8"},
		{"tháng 12", tue, "2025-12", "tháng 12"},
		{"tháng 7/2025 thế nào", tue, "2025-07", "tháng 7/2025"},
		{"tháng 07-2025", tue, "2025-07", "tháng 07-2025"},
		{"tháng 3 năm 2025", tue, "2025-03", "tháng 3 năm 2025"},
		{"tháng 3 năm ngoái", tue, "2025-03", "tháng 3 năm ngoái"},
		{"tháng bảy", tue, "2026-07", "tháng bảy"},
		{"thang muoi hai", tue, "2025-12", "thang muoi hai"},
		{"tháng giêng", tue, "2026-01", "tháng giêng"},
		{"quý 3", tue, "2026-Q3", "quý 3"},
		{"quý III", tue, "2026-Q3", "quý III"},
		{"quy iv", tue, "2025-Q4", "quy iv"},
		{"quý 2/2025", tue, "2025-Q2", "quý 2/2025"},
		{"quý I năm 2026", tue, "2026-Q1", "quý I năm 2026"},
		{"quý này", tue, "2026-Q3", "quý này"},
		{"quý trước", tue, "2026-Q2", "quý trước"},
		{"6 tháng đầu năm", tue, "2026-H1", "6 tháng đầu năm"},
		{"6 thang dau nam", tue, "2026-H1", "6 thang dau nam"},
		{"sáu tháng đầu năm 2025", tue, "2025-H1", "sáu tháng đầu năm 2025"},
		{"6 tháng cuối năm", tue, "2026-H2", "6 tháng cuối năm"},
		{"nửa đầu năm nay", tue, "2026-H1", "nửa đầu năm nay"},
		{"nua cuoi nam", tue, "2026-H2", "nua cuoi nam"},
		{"3 tháng đầu năm", tue, "2026-Q1", "3 tháng đầu năm"},
		{"9 tháng đầu năm 2025", tue, "2025-01-01..2025-09-30", "9 tháng đầu năm 2025"},
		{"năm nay", tue, "2026", "năm nay"},
		{"năm ngoái", tue, "2025", "năm ngoái"},
		{"nam truoc", tue, "2025", "nam truoc"},
		{"năm 2025", tue, "2025", "năm 2025"},
		{"từ 1/7 đến 15/7", tue, "2026-07-01..2026-07-15", "từ 1/7 đến 15/7"},
		{"tu 1/7 den nay", tue, "2026-07-01..2026-07-21", "tu 1/7 den nay"},
		{"1/7 - 15/7", tue, "2026-07-01..2026-07-15", "1/7 - 15/7"},
		{"từ đầu năm đến nay", tue, "2026-01-01..2026-07-21", "từ đầu năm đến nay"},
		{"dvc từ đầu năm", tue, "2026-01-01..2026-07-21", "từ đầu năm"},
		{"21/7", tue, "2026-07-21..2026-07-21", "21/7"},
		{"ngày 21/7/2026 báo cáo", tue, "2026-07-21..2026-07-21", "ngày 21/7/2026"},
		{"ngày 22/7", tue, "2025-07-22..2025-07-22", "ngày 22/7"},
		{"tuần 30", tue, "2026-W30", "tuần 30"},
		{"vneid t7", tue, "2026-07", "t7"},
		{"T12/2025 Bắc Hà", tue, "2025-12", "T12/2025"},
		// Before July: a month or quarter not yet begun is last year's.
		{"tháng 7", date(2026, 2, 10), "2025-07", "tháng 7"},
		{"quý 3", date(2026, 2, 10), "2025-Q3", "quý 3"},
		{"6 tháng cuối năm", date(2026, 2, 10), "2025-H2", "6 tháng cuối năm"},
		{"tháng trước", date(2026, 1, 5), "2025-12", "tháng trước"},
		{"tuần trước", date(2026, 1, 5), "2026-W01", "tuần trước"},
		{"quý trước", date(2026, 1, 5), "2025-Q4", "quý trước"},
		{"từ 20/12 đến 10/1", date(2026, 1, 15), "2025-12-20..2026-01-10", "từ 20/12 đến 10/1"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			p, start, end, ok := ParsePeriod(tt.text, tt.today)
			if !ok {
				t.Fatalf("ParsePeriod(%q): no period, want %s", tt.text, tt.want)
			}
			got := p.Code()
			if p.Kind == "day" {
				got = p.From + ".." + p.To
			}
			if got != tt.want {
				t.Errorf("Period=%s (%+v), want %s", got, p, tt.want)
			}
			if raw := tt.text[start:end]; raw != tt.raw {
				t.Errorf("text[start:end]=%q, want %q", raw, tt.raw)
			}
		})
	}
}

func TestParsePeriodNone(t *testing.T) {
	for _, text := range []string{
		"", "tiến độ OCOP thế nào", "5/10 chỉ tiêu đạt chưa?", "9/9 đơn vị", "156/163 sản phẩm",
		"tháng sau", "quý 5", "tháng 13", "năm 1800", "kế hoạch năm", "Bắc Hà đã báo cáo chưa",
	} {
		if p, _, _, ok := ParsePeriod(text, leaderToday); ok {
			t.Errorf("ParsePeriod(%q)=%+v, want none", text, p)
		}
	}
}

func TestDescribePeriod(t *testing.T) {
	for text, want := range map[string]string{
		"tháng 7":          "tháng 7/2026",
		"quý 3":            "quý III/2026",
		"6 tháng đầu năm":  "6 tháng đầu năm 2026",
		"tuần này":         "tuần 30/2026 (20/07–26/07)",
		"hôm nay":          "ngày 21/07/2026",
		"từ 1/7 đến 15/7":  "từ 01/07/2026 đến 15/07/2026",
		"năm ngoái":        "năm 2025",
		"6 tháng cuối năm": "6 tháng cuối năm 2026",
	} {
		p, _, _, _ := ParsePeriod(text, leaderToday)
		if got := DescribePeriod(p); got != want {
			t.Errorf("DescribePeriod(%q)=%q, want %q", text, got, want)
		}
	}
}
