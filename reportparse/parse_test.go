package reportparse

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"cnsbot/textvi"
)

// testToday is Wednesday 22 July 2026 in Vietnam.
func testToday(tb testing.TB) time.Time {
	tb.Helper()
	return time.Date(2026, 7, 22, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600))
}

// memberMessages are messages as team members type them, each with the
// pairs a person reading it would record ("CODE value" in any order) and
// its date ("" when it names none).
var memberMessages = []struct {
	text  string
	pairs string
	date  string
}{
	{"hd 15 ho cai vneid, 3 tk ngan hang", "VNEID 15, TKTT 3", ""},
	{"hôm qua hướng dẫn 12 người cài định danh", "VNEID 12", "2026-07-21"},
	{"ngày 1/1/2020 hướng dẫn 5 người cài vneid", "VNEID 5", "2020-01-01"}, // 04/12/2026, issue 10
	{"VNEID 3 DVC 2", "VNEID 3, DVC 2", ""},
	{"Báo cáo tuần: cài VNeID 25 người, DVC 10, mở tài khoản 4", "VNEID 25, DVC 10, TKTT 4", ""},
	{"bc: vneid 18, dvc 7, tk 5, qr 2", "VNEID 18, DVC 7, TKTT 5, QR 2", ""},
	{"Tổ 5 hd 20 ng cài định danh điện tử", "VNEID 20", ""},
	{"ngày 14/7 thôn 3 đến 20 hộ gia đình hướng dẫn", "HO 20", "2026-07-14"},
	{"tham 20 ho", "HO 20", ""},
	{"tổ chức 2 buổi tuyên truyền có 45 lượt người tham dự", "BUOI 2, LUOT 45", ""},
	{"chào anh", "", ""},
	{"ok", "", ""},
	{"cảm ơn anh ạ", "", ""},
	{"mai họp lúc 8h", "", ""},
	{"Dạ em gửi báo cáo ạ", "", ""},
	{"hom nay hd 8 nguoi dung dich vu cong", "DVC 8", "2026-07-22"},
	{"dvc 12 người, vneid 30 người", "DVC 12, VNEID 30", ""},
	{"Kết quả tuần này: định danh 1.250", "VNEID 1250", ""},
	{"hd 5 hộ kinh doanh thanh toán qr", "QR 5", ""},
	{"3 sản phẩm ocop lên sàn", "OCOP 3", ""},
	{"tuyên truyền lừa đảo qua mạng cho 60 người", "ATTT 60", ""},
	{"hướng dẫn 7 người dùng smartphone", "SMART 7", ""},
	{"12 người hoàn thành kỹ năng số trên onetouch", "KNS 12", ""},
	{"21/7: vneid 10, dvc 4", "VNEID 10, DVC 4", "2026-07-21"},
	{"Ngày 20/07/2026 tổ đã hướng dẫn 9 người cài đặt VNeID", "VNEID 9", "2026-07-20"},
	{"thu hai tham 15 ho, hd 6 nguoi nop ho so truc tuyen", "HO 15, DVC 6", "2026-07-20"},
	{"hd 10 ng cai vneid muc 2", "VNEID 10", ""},
	{"sdt cua em 0912345678, hom qua cai vneid cho 4 nguoi", "VNEID 4", "2026-07-21"},
	{"tập huấn kỹ năng số 1 buổi cho 30 học viên", "BUOI 1, LUOT 30", ""},
	{"VNeID: 14\nDVC: 6\nTK: 3", "VNEID 14, DVC 6, TKTT 3", ""},
	{"- Định danh điện tử: 22 người\n- Dịch vụ công: 9 người\n- Tài khoản: 5", "VNEID 22, DVC 9, TKTT 5", ""},
	{"dinh danh 5 hom qua", "VNEID 5", "2026-07-21"},
	{"hđ 11 người cài vneid + 2 tk", "VNEID 11, TKTT 2", ""},
	{"đã cài được 6 vneid và 2 ví điện tử", "VNEID 6, TKTT 2", ""},
	{"em bc hôm kia hd 9 ng cài định danh, 4 ng nộp hồ sơ trực tuyến", "VNEID 9, DVC 4", "2026-07-20"},
	{"Tuần này thôn Nậm Khánh đi 25 hộ, cài vneid 18 người", "HO 25, VNEID 18", ""},
	{"anh ơi nhận báo cáo chưa ạ", "", ""},
	{"hom nay mua nen ko di dc", "", "2026-07-22"},
	{"tk ngân hàng 7, qr 1", "TKTT 7, QR 1", ""},
	{"mở 3 tài khoản ngân hàng cho bà con", "TKTT 3", ""},
	{"1 buổi tập huấn ATTT, 35 lượt", "BUOI 1, LUOT 35", ""},
	{"vneid 15 người 21/7", "VNEID 15", "2026-07-21"},
	{"Cài định danh cho 8 hộ ở bản Tả Van", "VNEID 8", ""},
	{"Báo cáo ngày 15.7: DVC 3", "DVC 3", "2026-07-15"},
	{"hd cài dvc cho 3 ng, vneid 2 ng", "DVC 3, VNEID 2", ""},
	{"cn vừa rồi tuyên truyền chống lừa đảo 50 người", "ATTT 50", "2026-07-19"},
	{"t7 hd 4 người dùng điện thoại thông minh", "SMART 4", "2026-07-18"},
	{"2 sản phẩm OCOP lên sàn TMĐT", "OCOP 2", ""},
	{"Hướng dẫn 40 hộ gia đình tận nhà", "HO 40", ""},
	{"số lượng cài vneid: 16", "VNEID 16", ""},
	{"sl dvc 9", "DVC 9", ""},
	{"Dạ tuần rồi bên em làm được 12 vneid 5 dvc ạ", "VNEID 12, DVC 5", ""},
	{"Từ 8h đến 11h hướng dẫn 13 người cài VNeID", "VNEID 13", ""},
	{"ngay 3/7 hd 6 nguoi cai smartphone", "SMART 6", "2026-07-03"},
	{"21-7 tuyen truyen attt 70 nguoi", "ATTT 70", "2026-07-21"},
	{"hôm qua 2 lớp tập huấn kỹ năng số, 48 học viên", "BUOI 2, LUOT 48", "2026-07-21"},
	{"Họp tổ lúc 14:30 chiều nay nhé mọi người", "", "2026-07-22"},
	{"bà con thôn 2 cài vneid 9 người", "VNEID 9", ""},
	{"đã hd cho 17 người dân kích hoạt định danh mức độ 2", "VNEID 17", ""},
	{"VNeID 20 người, DVC 12 người, TKTT 6 tài khoản, QR 3 hộ", "VNEID 20, DVC 12, TKTT 6, QR 3", ""},
	{"Tuần qua: 3 buổi tuyên truyền, 120 lượt người tham dự, 15 hộ được hướng dẫn tận nhà", "BUOI 3, LUOT 120, HO 15", ""},
	{"hd 3 người cài vneid, 2 người mở tk, 1 người dvc", "VNEID 3, TKTT 2, DVC 1", ""},
	{"Thôn Sín Chải: định danh 7, dịch vụ công 3, ví điện tử 2", "VNEID 7, DVC 3, TKTT 2", ""},
	{"ko có gì mới anh ạ", "", ""},
	{"mai em gửi bc nhé", "", ""},
	{"HD 9 HO CAI VNEID", "VNEID 9", ""},
	{"Hướng dẫn cài VNeID 1.020 lượt trong tháng 7", "VNEID 1020", ""},
	{"hd ba con nop ho so truc tuyen 14 bo", "DVC 14", ""},
	{"cai dinh danh 6 ng; mo tk 3; qr 1 ho", "VNEID 6, TKTT 3, QR 1", ""},
	{"Đợt 2 tuyên truyền ATTT được 80 người", "ATTT 80", ""},
	{"hq hd 5 ng cài smartphone 3 ng cài vneid", "SMART 5, VNEID 3", "2026-07-21"},
	{"vneid: 12 (8 nam, 4 nữ)", "VNEID 12", ""},
	{"Hộ gia đình được thăm: 32", "HO 32", ""},
	{"🙏 dạ vneid 6 ạ 👍", "VNEID 6", ""},
	{"vne\u200bid 4, dvc\u200b 2", "VNEID 4, DVC 2", ""},
	{"Em chào anh, em là Giàng A Sử tổ CNS thôn Lủ Khấu", "", ""},
	{"3 tk + 2 ví điện tử", "TKTT 3, TKTT 2", ""},
	{"đến 12 hộ hướng dẫn cài vneid cho 20 người", "HO 12, VNEID 20", ""},
	{"hd 6 lượt người nộp hồ sơ trực tuyến", "DVC 6", ""},
	{"12 lượt người dự tuyên truyền", "LUOT 12", ""},
	{"Dinh danh dien tu 10 nguoi, dich vu cong 4 nguoi, 2 tai khoan", "VNEID 10, DVC 4, TKTT 2", ""},
	{"Sáng nay xuống bản hướng dẫn 6 hộ cài VNeID", "VNEID 6", "2026-07-22"},
	{"hom qua di 18 ho tuyen truyen lua dao", "HO 18", "2026-07-21"},
	{"Lớp tập huấn bình dân học vụ số: 25 học viên", "LUOT 25", ""},
	{"thanh toán qr: 4 hộ kinh doanh", "QR 4", ""},
	{"Báo cáo: VNeID 15; DVC 8; TK 4; QR 1; ATTT 40", "VNEID 15, DVC 8, TKTT 4, QR 1, ATTT 40", ""},
	{"anh cho em hỏi tuần này nộp báo cáo trước thứ mấy ạ", "", ""},
	{"dạ vâng ạ 👍👍", "", ""},
	{"Đt e hỏng, mai bc bù nhé", "", ""},
	{"22/7 hd 11 ng cai dinh danh dien tu, 5 ng dvc", "VNEID 11, DVC 5", "2026-07-22"},
}

// wantPairs reads "VNEID 15, TKTT 3".
func wantPairs(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

func gotPairs(r Result) []string {
	var out []string
	for _, p := range r.Pairs {
		out = append(out, fmt.Sprintf("%s %v", p.Code, p.Value))
	}
	slices.Sort(out)
	return out
}

func TestParseMemberMessages(t *testing.T) {
	p := NewParser(testIndicators(t))
	today := testToday(t)
	right, all := 0, append(memberMessages[:len(memberMessages):len(memberMessages)], laterMessages...)
	for _, m := range all {
		r := p.Parse(m.text, today)
		checkResult(t, p, m.text, r)
		got, want := gotPairs(r), wantPairs(m.pairs)
		date := ""
		if !r.Date.IsZero() {
			date = r.Date.Format(time.DateOnly)
		}
		if slices.Equal(got, want) && date == m.date {
			right++
			continue
		}
		t.Logf("%q: pairs %q date %q, want %q date %q; problems %+v", m.text, got, date, want, m.date, r.Problems)
	}
	rate := float64(right) / float64(len(all))
	t.Logf("free-text parser: %d/%d = %.1f%% fully right", right, len(all), 100*rate)
	if rate < 0.95 {
		t.Errorf("free-text parser: %.1f%% fully right, want at least 95%%", 100*rate)
	}
}

// checkResult checks what must hold for any text: every pair is the text as
// typed and its value is what ParseNumber reads there.
func checkResult(tb testing.TB, p *Parser, text string, r Result) {
	tb.Helper()
	for _, pr := range r.Pairs {
		if pr.Start < 0 || pr.End > len(text) || pr.Start >= pr.End || text[pr.Start:pr.End] != pr.Raw {
			tb.Fatalf("%q: pair %+v: Raw is not text[Start:End]", text, pr)
		}
		v, err := parseNumber(pr.Raw)
		if err != nil || v != pr.Value {
			tb.Fatalf("%q: pair %+v: ParseNumber(Raw) = %v, %v", text, pr, v, err)
		}
		if !p.hasCode(pr.Code) {
			tb.Fatalf("%q: pair %+v: unknown code", text, pr)
		}
		if pr.Value < 0 {
			tb.Fatalf("%q: pair %+v: negative value", text, pr)
		}
	}
}

func parseNumber(s string) (float64, error) { return textvi.ParseNumber(s) }
