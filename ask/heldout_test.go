package ask

import (
	"fmt"
	"testing"
)

// heldOutQuestions were written after the parser was tuned on
// leaderQuestions, to measure how it does on questions it was not shaped
// by. The test reports the rate and fails only under 80%.
var heldOutQuestions = []leaderQuestion{
	{"Mường Khương tuần này bao nhiêu người cài định danh", false, IntentProgress, "VNEID", 83, "2026-W30"},
	{"huyen bao yen da bao cao chua", true, IntentMissing, "", 87, ""},
	{"xã nào chưa báo cáo tháng trước", false, IntentMissing, "", 0, "2026-06"},
	{"gửi tôi file excel huyện Bát Xát quý 2", false, IntentExport, "", 82, "2026-Q2"},
	{"so lieu ATTT Sa Pa nam nay", false, IntentProgress, "ATTT", 88, "2026"},
	{"ty le bang rong di dong", false, IntentIndicators, "CT09", 0, ""},
	{"chỉ tiêu CT10 đạt chưa", false, IntentIndicators, "CT10", 0, ""},
	{"TX Sa Pa tháng 6 mở được bao nhiêu tài khoản", false, IntentProgress, "TKTT", 88, "2026-06"},
	{"đồ thị lượt người tham dự tập huấn quý trước", false, IntentChart, "LUOT", 0, "2026-Q2"},
	{"phường Cốc Lếu thanh toán QR tháng 7 thế nào", false, IntentProgress, "QR", 2644, "2026-07"},
	{"5 chỉ tiêu chưa đạt là gì", false, IntentIndicators, "", 0, ""},
	{"kết quả 6 tháng đầu năm toàn tỉnh", false, IntentProgress, "", 0, "2026-H1"},
	{"Văn Bàn kỹ năng số từ 1/6 đến 30/6", true, IntentProgress, "KNS", 89, "2026-06-01..2026-06-30"},
	{"tỷ lệ báo cáo đúng hạn tuần trước của Si Ma Cai", false, IntentMissing, "", 84, "2026-W29"},
	{"tdp số 3 phường Kim Tân đã nộp báo cáo chưa", false, IntentMissing, "", 900005, ""},
	{"thôn Bản Phố tuần này", false, IntentProgress, "", 900004, "2026-W30"},
	{"hồ sơ xử lý trên môi trường mạng đạt kế hoạch chưa", false, IntentIndicators, "CT01", 0, ""},
	{"vẽ biểu đồ các huyện theo chỉ tiêu vneid", true, IntentChart, "VNEID", 0, ""},
	{"bao nhieu ho dc huong dan tan nha tuan nay", false, IntentProgress, "HO", 0, "2026-W30"},
	{"TP Lao Cai smartphone thang 5", false, IntentProgress, "SMART", 80, "2026-05"},
}

func TestParseHeldOut(t *testing.T) {
	before, after := NewParser(testVocabulary(t, false)), NewParser(testVocabulary(t, true))
	right := 0
	for _, q := range heldOutQuestions {
		p := before
		if q.reform {
			p = after
		}
		got := p.Parse(q.text, leaderToday)
		var unit int64
		if got.Unit != nil {
			unit = got.Unit.ID
		}
		code := ""
		if got.HasPeriod {
			code = got.Period.Code()
			if got.Period.Kind == "day" {
				code = got.Period.From + ".." + got.Period.To
			}
		}
		if got.Intent == q.intent && got.Indicator == q.indicator && unit == q.unit && code == q.period {
			right++
			continue
		}
		t.Logf("%q: got %q %q %d %q, want %q %q %d %q", q.text, got.Intent, got.Indicator, unit, code,
			q.intent, q.indicator, q.unit, q.period)
	}
	rate := 100 * float64(right) / float64(len(heldOutQuestions))
	fmt.Printf("held-out questions: %d/%d = %.1f%% right\n", right, len(heldOutQuestions), rate)
	if rate < 80 {
		t.Fatalf("held-out rate %.1f%%, want at least 80%%", rate)
	}
}
