package ask

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// leaderToday is the day the leader questions are asked: Tuesday 21/7/2026.
var leaderToday = time.Date(2026, 7, 21, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600))

// leaderQuestion is a question as a leader types it, with what it must mean.
type leaderQuestion struct {
	text      string
	reform    bool // asked against the post-2025 vocabulary (districts Former)
	intent    Intent
	indicator string
	unit      int64  // 0: no unit named
	period    string // Period.Code(), "" when none is named
}

// leaderQuestions were written as leaders type them, before the parser ran
// on them. Unit ids are the CSV codes; villages are the invented 9000xx.
var leaderQuestions = []leaderQuestion{
	{"tiến độ OCOP thế nào", false, IntentProgress, "OCOP", 0, ""},
	{"Bắc Hà đã báo cáo chưa", true, IntentMissing, "", 85, ""},
	{"tong vneid thang 7", false, IntentProgress, "VNEID", 0, "2026-07"},
	{"5/10 chỉ tiêu đạt chưa?", false, IntentIndicators, "", 0, ""},
	{"xã Bản Phố quý 3 thế nào", false, IntentProgress, "", 2866, "2026-Q3"},
	{"Bac Ha thang 7", false, IntentProgress, "", 85, "2026-07"},
	{"tỷ lệ sản phẩm OCOP lên sàn", false, IntentIndicators, "CT02", 0, ""},
	{"OCOP tháng này", false, IntentProgress, "OCOP", 0, "2026-07"},
	{"tỷ lệ hồ sơ trực tuyến đạt bao nhiêu", false, IntentIndicators, "CT01", 0, ""},
	{"chi tieu CT06", false, IntentIndicators, "CT06", 0, ""},
	{"xuất file excel tháng 6", false, IntentExport, "", 0, "2026-06"},
	{"gửi file báo cáo quý 2 huyện Sa Pa", false, IntentExport, "", 88, "2026-Q2"},
	{"vẽ biểu đồ vneid các xã", false, IntentChart, "VNEID", 0, ""},
	{"bieu do tien do thang truoc", false, IntentChart, "", 0, "2026-06"},
	{"thôn nào chưa báo cáo tuần này", false, IntentMissing, "", 0, "2026-W30"},
	{"ai chưa nộp báo cáo tuần trước", false, IntentMissing, "", 0, "2026-W29"},
	{"tỷ lệ báo cáo của TP Lào Cai tháng này", false, IntentMissing, "", 80, "2026-07"},
	{"Lào Cai 6 tháng đầu năm được bao nhiêu người cài VNeID", false, IntentProgress, "VNEID", 10, "2026-H1"},
	{"tong so tai khoan mo duoc nam nay", false, IntentProgress, "TKTT", 0, "2026"},
	{"ket qua tuyen truyen lua dao quy II", false, IntentProgress, "ATTT", 0, "2026-Q2"},
	{"tình hình DVC huyện Bảo Yên tháng 6 thế nào", false, IntentProgress, "DVC", 87, "2026-06"},
	{"Sa Pa bao nhiêu buổi tập huấn quý này", false, IntentProgress, "BUOI", 88, "2026-Q3"},
	{"bao nhiêu chỉ tiêu đạt và vượt kế hoạch năm", false, IntentIndicators, "", 0, ""},
	{"chỉ tiêu ngành năm 2025 thế nào", false, IntentIndicators, "", 0, "2025"},
	{"phủ sóng băng rộng thôn bản đạt chưa", false, IntentIndicators, "CT09", 0, ""},
	{"xếp hạng NDXP", false, IntentIndicators, "CT05", 0, ""},
	{"lớp ATTT cho cán bộ chuyên trách được mấy lớp", false, IntentIndicators, "CT08", 0, ""},
	{"tải báo cáo tuần này", false, IntentExport, "", 0, "2026-W30"},
	{"xuat bao cao thang 7/2025 xa Ban Pho", true, IntentExport, "", 2866, "2025-07"},
	{"từ 1/7 đến 15/7 Bát Xát được bao nhiêu hộ dùng QR", false, IntentProgress, "QR", 82, "2026-07-01..2026-07-15"},
	{"Bắc Hà bao nhiêu hộ được hướng dẫn tận nhà tháng trước", true, IntentProgress, "HO", 85, "2026-06"},
	{"huyện Bắc Hà cũ đã báo cáo đủ chưa", true, IntentMissing, "", 85, ""},
	{"thị trấn Bắc Hà tuần qua thế nào", false, IntentProgress, "", 2839, "2026-W29"},
	{"thôn Làng Mới xã Xuân Quang chưa báo cáo à", false, IntentMissing, "", 900003, ""},
	{"thôn Làng Mới tháng này", false, IntentProgress, "", 900001, "2026-07"},
	{"Làng Mới tháng này", false, IntentProgress, "", 0, "2026-07"},
	{"ti le ho so truc tuyen cap tinh", false, IntentIndicators, "CT01", 0, ""},
	{"dinh danh dien tu hom nay dc bao nhieu", false, IntentProgress, "VNEID", 0, "2026-07-21..2026-07-21"},
	{"hôm qua Mường Khương có bao nhiêu người dùng smartphone", false, IntentProgress, "SMART", 83, "2026-07-20..2026-07-20"},
	{"số người hoàn thành kĩ năng số năm ngoái", false, IntentProgress, "KNS", 0, "2025"},
	{"nửa đầu năm nay hệ thống thông tin được phê duyệt cấp độ bao nhiêu %", false, IntentIndicators, "CT07", 0, "2026-H1"},
	{"thủ tục hành chính toàn trình đạt bao nhiêu", false, IntentIndicators, "CT06", 0, ""},
	{"có bao nhiêu tổ công nghệ số được thành lập", false, IntentIndicators, "CT04", 0, ""},
	{"tỉ lệ chủ thể OCOP có tài khoản thanh toán", false, IntentIndicators, "CT03", 0, ""},
	{"cổng thông tin điện tử cấp huyện", false, IntentIndicators, "CT10", 0, ""},
	{"Si Ma Cai tháng 6 vneid bao nhiêu", true, IntentProgress, "VNEID", 84, "2026-06"},
	{"Phường Lào Cai đã báo cáo chưa", false, IntentMissing, "", 2641, ""},
	{"tỉnh Lào Cai quý I năm 2026", false, IntentProgress, "", 10, "2026-Q1"},
	{"Kim Tân tuần trước", false, IntentProgress, "", 2647, "2026-W29"},
	{"xuất csv VNeID Sa Pa quý 2", true, IntentExport, "VNEID", 88, "2026-Q2"},
	{"biểu đồ các xã huyện Văn Bàn", false, IntentChart, "", 89, ""},
	{"dvc Bảo Thắng từ đầu năm đến nay", false, IntentProgress, "DVC", 86, "2026-01-01..2026-07-21"},
	{"ngày 20/7 xã Tả Van báo cáo chưa", false, IntentMissing, "", 3040, "2026-07-20..2026-07-20"},
	{"ocop len san duoc bao nhieu san pham thang nay", false, IntentProgress, "OCOP", 0, "2026-07"},
	{"tỷ lệ OCOP lên sàn tháng 6 đạt chưa", false, IntentIndicators, "CT02", 0, "2026-06"},
	{"ntn rồi, vneid tháng này", false, IntentProgress, "VNEID", 0, "2026-07"},
	{"chào anh", false, "", "", 0, ""},
	{"cảm ơn bot nhé", false, "", "", 0, ""},
}

func TestParseLeaderQuestions(t *testing.T) {
	before, after := NewParser(testVocabulary(t, false)), NewParser(testVocabulary(t, true))
	right := 0
	for _, q := range leaderQuestions {
		p := before
		if q.reform {
			p = after
		}
		got := p.Parse(q.text, leaderToday)
		var problems []string
		if got.Intent != q.intent {
			problems = append(problems, fmt.Sprintf("Intent=%q, want %q", got.Intent, q.intent))
		}
		if got.Indicator != q.indicator {
			problems = append(problems, fmt.Sprintf("Indicator=%q, want %q", got.Indicator, q.indicator))
		}
		var unit int64
		if got.Unit != nil {
			unit = got.Unit.ID
		}
		if unit != q.unit {
			problems = append(problems, fmt.Sprintf("Unit=%d, want %d", unit, q.unit))
		}
		code := ""
		if got.HasPeriod {
			code = got.Period.Code()
			if got.Period.Kind == "day" {
				code = got.Period.From + ".." + got.Period.To
			}
		}
		if code != q.period {
			problems = append(problems, fmt.Sprintf("Period=%q, want %q", code, q.period))
		}
		if got.HasPeriod != (got.Period.Kind != "") {
			problems = append(problems, "HasPeriod disagrees with Period.Kind")
		}
		if got.Intent != "" && got.Understood == "" {
			problems = append(problems, "Understood is empty")
		}
		if len(problems) == 0 {
			right++
			continue
		}
		t.Logf("%q: %s (understood %q)", q.text, strings.Join(problems, "; "), got.Understood)
	}
	rate := 100 * float64(right) / float64(len(leaderQuestions))
	t.Logf("questions: %d/%d = %.1f%% right", right, len(leaderQuestions), rate)
	fmt.Printf("questions: %d/%d = %.1f%% right\n", right, len(leaderQuestions), rate)
	if rate < 95 {
		t.Fatalf("rate %.1f%%, want at least 95%%", rate)
	}
}

func TestParseUnderstood(t *testing.T) {
	p := NewParser(testVocabulary(t, true))
	q := p.Parse("Bắc Hà tháng 7 vneid thế nào", leaderToday)
	for _, want := range []string{"tiến độ", "VNEID", "Huyện Bắc Hà", "tháng 7/2026"} {
		if !strings.Contains(q.Understood, want) {
			t.Errorf("Understood=%q, want it to hold %q", q.Understood, want)
		}
	}
	if q.Unit == nil || q.Unit.Name != "Bắc Hà" || q.Unit.Level != "district" {
		t.Errorf("Unit=%+v, want the district Bắc Hà", q.Unit)
	}
	if got := p.Parse("", leaderToday); got.Intent != "" || got.Understood != "" || got.HasPeriod || got.Unit != nil {
		t.Errorf("Parse(\"\")=%+v, want the zero Question", got)
	}
}

func TestParseConcurrent(t *testing.T) {
	p := NewParser(testVocabulary(t, true))
	want := p.Parse("tong vneid Bac Ha thang 7", leaderToday)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if got := p.Parse("tong vneid Bac Ha thang 7", leaderToday); got.Indicator != want.Indicator || got.Unit.ID != want.Unit.ID {
					t.Errorf("Parse=%+v, want %+v", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func BenchmarkParse(b *testing.B) {
	p := NewParser(testVocabulary(b, true))
	b.ReportAllocs()
	for b.Loop() {
		p.Parse("Bắc Hà tháng 7 được bao nhiêu người cài VNeID, xã Bản Phố đã báo cáo chưa?", leaderToday)
	}
}
