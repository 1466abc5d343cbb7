package demo

import "cnsbot"

// activitySpec is an activity indicator of domain/BRIEF.md with what the
// generator needs to invent plausible weekly reports of it.
type activitySpec struct {
	code, nameVI, nameEN, unit string
	aliases                    []string
	max                        float64 // per report
	weight                     float64 // how often a weekly report includes it
	urbanWeight                float64 // the same in a ward or town (payments are urban)
	lo, hi                     int     // a weekly value, before the team's vigour
}

// activitySpecs lists the 11 activity indicators in display order. LUOT is
// never drawn on its own: it follows BUOI (attendees of the sessions held).
var activitySpecs = []activitySpec{
	{"VNEID", "Hướng dẫn cài đặt, kích hoạt VNeID (định danh điện tử mức 2)", "People helped to install and activate VNeID (level 2 e-ID)", "người",
		[]string{"vneid", "định danh", "định danh điện tử", "ddđt"}, 500, 20, 16, 1, 30},
	{"DVC", "Hướng dẫn sử dụng dịch vụ công trực tuyến", "People guided to use online public services", "người",
		[]string{"dvc", "dịch vụ công", "dvctt", "nộp hồ sơ trực tuyến"}, 500, 18, 18, 1, 25},
	{"TKTT", "Mở tài khoản thanh toán, ví điện tử", "Payment accounts and e-wallets opened", "tài khoản",
		[]string{"tk", "tài khoản", "tk ngân hàng", "ví điện tử", "mở tài khoản"}, 300, 10, 16, 1, 15},
	{"QR", "Hộ kinh doanh thanh toán bằng mã QR", "Shops and households starting QR-code payments", "hộ",
		[]string{"qr", "mã qr", "thanh toán qr"}, 200, 3, 12, 1, 6},
	{"OCOP", "Sản phẩm OCOP đưa lên sàn thương mại điện tử", "OCOP products put on e-commerce platforms", "sản phẩm",
		[]string{"ocop", "lên sàn", "sàn tmđt"}, 50, 0.2, 0.15, 1, 2},
	{"BUOI", "Buổi tuyên truyền, tập huấn", "Awareness and training sessions held", "buổi",
		[]string{"buổi", "tuyên truyền", "tập huấn", "lớp"}, 20, 8, 7, 1, 3},
	{"LUOT", "Lượt người tham dự tuyên truyền, tập huấn", "Attendees at those sessions", "lượt người",
		[]string{"lượt", "người tham dự", "học viên"}, 2000, 0, 0, 12, 60},
	{"HO", "Hộ gia đình được hướng dẫn tận nhà", "Households visited and guided at home", "hộ",
		[]string{"hộ", "hộ gia đình", "tận nhà"}, 500, 16, 12, 2, 40},
	{"ATTT", "Người được tuyên truyền an toàn thông tin, phòng chống lừa đảo", "People reached on online safety and anti-scam", "người",
		[]string{"attt", "lừa đảo", "an toàn thông tin"}, 2000, 8, 10, 5, 80},
	{"KNS", "Người hoàn thành kỹ năng số cơ bản (Bình dân học vụ số)", "People who completed basic digital skills", "người",
		[]string{"kỹ năng số", "kns", "onetouch", "mooc"}, 500, 8, 9, 1, 20},
	{"SMART", "Người bắt đầu sử dụng điện thoại thông minh", "People starting to use a smartphone", "người",
		[]string{"smartphone", "điện thoại thông minh"}, 300, 6, 3, 1, 10},
}

// sectorSpec is one of the 10 sector indicators of domain/BRIEF.md with the
// seed's yearly plan and its figures at 21/7.
type sectorSpec struct {
	code, nameVI, nameEN, unit string
	agg                        cnsbot.Aggregation
	dir                        cnsbot.Direction
	numLabel, denLabel         string
	min, max                   float64
	plan                       float64
	actual                     float64 // used when there is no ratio
	num, den                   float64 // a kept ratio; actual = 100 × num ÷ den
}

// sectorSpecs holds the BRIEF's reconstruction: exactly 5 of 10 met or
// exceeded at mid-year (CT01, CT03, CT04, CT05, CT10).
var sectorSpecs = []sectorSpec{
	{code: "CT01", nameVI: "Tỷ lệ hồ sơ công việc cấp tỉnh xử lý hoàn toàn trên môi trường mạng",
		nameEN: "Provincial work files processed fully online", unit: "%",
		agg: cnsbot.AggLast, dir: cnsbot.DirHigher, max: 100, plan: 95, actual: 97.4},
	{code: "CT02", nameVI: "Tỷ lệ sản phẩm OCOP được đưa lên sàn thương mại điện tử",
		nameEN: "OCOP products listed on e-commerce platforms", unit: "%",
		agg: cnsbot.AggLast, dir: cnsbot.DirHigher, max: 100, plan: 100,
		numLabel: "sản phẩm OCOP lên sàn", denLabel: "sản phẩm OCOP", num: 156, den: 163},
	{code: "CT03", nameVI: "Tỷ lệ chủ thể OCOP có tài khoản thanh toán điện tử",
		nameEN: "OCOP producers with an electronic payment account", unit: "%",
		agg: cnsbot.AggLast, dir: cnsbot.DirHigher, max: 100, plan: 100, actual: 100},
	{code: "CT04", nameVI: "Số Tổ công nghệ số cộng đồng được thành lập",
		nameEN: "Community digital technology teams established", unit: "tổ",
		agg: cnsbot.AggLast, dir: cnsbot.DirHigher, max: 100000, plan: 1562, actual: 1562},
	{code: "CT05", nameVI: "Xếp hạng số giao dịch qua nền tảng NDXP (cả nước)",
		nameEN: "National rank by transactions over the NDXP data exchange platform", unit: "hạng/63",
		agg: cnsbot.AggLast, dir: cnsbot.DirLower, min: 1, max: 63, plan: 5, actual: 1},
	{code: "CT06", nameVI: "Tỷ lệ thủ tục hành chính đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình",
		nameEN: "Eligible administrative procedures offered fully online", unit: "%",
		agg: cnsbot.AggLast, dir: cnsbot.DirHigher, max: 100, plan: 100, actual: 85},
	{code: "CT07", nameVI: "Tỷ lệ hệ thống thông tin được phê duyệt cấp độ an toàn thông tin",
		nameEN: "Information systems with an approved security level", unit: "%",
		agg: cnsbot.AggLast, dir: cnsbot.DirHigher, max: 100, plan: 80,
		numLabel: "hệ thống được phê duyệt cấp độ", denLabel: "hệ thống thông tin", num: 24, den: 50},
	{code: "CT08", nameVI: "Số lớp tập huấn an toàn thông tin cho cán bộ chuyên trách",
		nameEN: "Information security classes for IT staff", unit: "lớp",
		agg: cnsbot.AggSum, dir: cnsbot.DirHigher, max: 1000, plan: 8, actual: 3},
	{code: "CT09", nameVI: "Tỷ lệ thôn, tổ dân phố có sóng băng rộng di động",
		nameEN: "Villages and residential groups with mobile broadband", unit: "%",
		agg: cnsbot.AggLast, dir: cnsbot.DirHigher, max: 100, plan: 99,
		numLabel: "thôn, TDP có sóng", denLabel: "thôn, TDP", num: 1525, den: 1562},
	{code: "CT10", nameVI: "Tỷ lệ đơn vị cấp huyện có người phát ngôn và duy trì cổng thông tin điện tử",
		nameEN: "District-level units with a spokesperson and a maintained web portal", unit: "%",
		agg: cnsbot.AggLast, dir: cnsbot.DirHigher, max: 100, plan: 100,
		numLabel: "đơn vị đạt", denLabel: "đơn vị cấp huyện", num: 9, den: 9},
}

// value returns the actual, computed exactly from the ratio when one is kept.
func (s *sectorSpec) value() float64 {
	if s.den != 0 {
		return 100 * s.num / s.den
	}
	return s.actual
}

func ptr(f float64) *float64 { return &f }

// indicators returns the 21 indicators: the activity ones first, then the
// sector ones, with positions in that order.
func indicators() []*cnsbot.Indicator {
	var out []*cnsbot.Indicator
	for _, s := range activitySpecs {
		out = append(out, &cnsbot.Indicator{
			Code: s.code, NameVI: s.nameVI, NameEN: s.nameEN, Unit: s.unit,
			Kind: cnsbot.KindActivity, Aggregation: cnsbot.AggSum, Direction: cnsbot.DirHigher,
			Aliases: append([]string(nil), s.aliases...),
			Min:     ptr(0), Max: ptr(s.max),
			Position: len(out) + 1,
		})
	}
	for _, s := range sectorSpecs {
		out = append(out, &cnsbot.Indicator{
			Code: s.code, NameVI: s.nameVI, NameEN: s.nameEN, Unit: s.unit,
			Kind: cnsbot.KindSector, Aggregation: s.agg, Direction: s.dir,
			Aliases:        []string{lowerASCII(s.code)},
			NumeratorLabel: s.numLabel, DenominatorLabel: s.denLabel,
			Min: ptr(s.min), Max: ptr(s.max),
			Position: len(out) + 1,
		})
	}
	return out
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
