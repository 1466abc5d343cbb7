package reportparse

import "testing"

// testIndicators copies the 11 activity indicators of demo/indicators.go:
// code, Vietnamese name, English name, aliases and the code itself. All are
// counts.
func testIndicators(tb testing.TB) []Indicator {
	tb.Helper()
	specs := []struct {
		code, vi, en string
		aliases      []string
	}{
		{"VNEID", "Hướng dẫn cài đặt, kích hoạt VNeID (định danh điện tử mức 2)", "People helped to install and activate VNeID (level 2 e-ID)",
			[]string{"vneid", "định danh", "định danh điện tử", "ddđt"}},
		{"DVC", "Hướng dẫn sử dụng dịch vụ công trực tuyến", "People guided to use online public services",
			[]string{"dvc", "dịch vụ công", "dvctt", "nộp hồ sơ trực tuyến"}},
		{"TKTT", "Mở tài khoản thanh toán, ví điện tử", "Payment accounts and e-wallets opened",
			[]string{"tk", "tài khoản", "tk ngân hàng", "ví điện tử", "mở tài khoản"}},
		{"QR", "Hộ kinh doanh thanh toán bằng mã QR", "Shops and households starting QR-code payments",
			[]string{"qr", "mã qr", "thanh toán qr"}},
		{"OCOP", "Sản phẩm OCOP đưa lên sàn thương mại điện tử", "OCOP products put on e-commerce platforms",
			[]string{"ocop", "lên sàn", "sàn tmđt"}},
		{"BUOI", "Buổi tuyên truyền, tập huấn", "Awareness and training sessions held",
			[]string{"buổi", "tuyên truyền", "tập huấn", "lớp"}},
		{"LUOT", "Lượt người tham dự tuyên truyền, tập huấn", "Attendees at those sessions",
			[]string{"lượt", "người tham dự", "học viên"}},
		{"HO", "Hộ gia đình được hướng dẫn tận nhà", "Households visited and guided at home",
			[]string{"hộ", "hộ gia đình", "tận nhà"}},
		{"ATTT", "Người được tuyên truyền an toàn thông tin, phòng chống lừa đảo", "People reached on online safety and anti-scam",
			[]string{"attt", "lừa đảo", "an toàn thông tin"}},
		{"KNS", "Người hoàn thành kỹ năng số cơ bản (Bình dân học vụ số)", "People who completed basic digital skills",
			[]string{"kỹ năng số", "kns", "onetouch", "mooc"}},
		{"SMART", "Người bắt đầu sử dụng điện thoại thông minh", "People starting to use a smartphone",
			[]string{"smartphone", "điện thoại thông minh"}},
	}
	var out []Indicator
	for _, s := range specs {
		names := append([]string{s.vi, s.en}, s.aliases...)
		out = append(out, Indicator{Code: s.code, Names: append(names, s.code), Integer: true})
	}
	return out
}
