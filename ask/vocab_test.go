package ask

import (
	"encoding/csv"
	"os"
	"strconv"
	"strings"
	"testing"
)

// testIndicators are the 11 activity and 10 sector indicators of
// demo/indicators.go (Vietnamese name, English name, aliases, code), copied
// here so ask does not import demo. The sector ones carry the short names
// leaders use for them, as a deployment's indicator file would.
func testIndicators() []Indicator {
	act := func(code string, names ...string) Indicator { return Indicator{Code: code, Names: names} }
	sec := func(code string, names ...string) Indicator {
		return Indicator{Code: code, Names: append(names, strings.ToLower(code)), Sector: true}
	}
	return []Indicator{
		act("VNEID", "Hướng dẫn cài đặt, kích hoạt VNeID (định danh điện tử mức 2)", "People helped to install and activate VNeID (level 2 e-ID)",
			"vneid", "định danh", "định danh điện tử", "ddđt"),
		act("DVC", "Hướng dẫn sử dụng dịch vụ công trực tuyến", "People guided to use online public services",
			"dvc", "dịch vụ công", "dvctt", "nộp hồ sơ trực tuyến"),
		act("TKTT", "Mở tài khoản thanh toán, ví điện tử", "Payment accounts and e-wallets opened",
			"tk", "tài khoản", "tk ngân hàng", "ví điện tử", "mở tài khoản"),
		act("QR", "Hộ kinh doanh thanh toán bằng mã QR", "Shops and households starting QR-code payments",
			"qr", "mã qr", "thanh toán qr"),
		act("OCOP", "Sản phẩm OCOP đưa lên sàn thương mại điện tử", "OCOP products put on e-commerce platforms",
			"ocop", "lên sàn", "sàn tmđt"),
		act("BUOI", "Buổi tuyên truyền, tập huấn", "Awareness and training sessions held",
			"buổi", "tuyên truyền", "tập huấn", "lớp"),
		act("LUOT", "Lượt người tham dự tuyên truyền, tập huấn", "Attendees at those sessions",
			"lượt", "người tham dự", "học viên"),
		act("HO", "Hộ gia đình được hướng dẫn tận nhà", "Households visited and guided at home",
			"hộ", "hộ gia đình", "tận nhà"),
		act("ATTT", "Người được tuyên truyền an toàn thông tin, phòng chống lừa đảo", "People reached on online safety and anti-scam",
			"attt", "lừa đảo", "an toàn thông tin"),
		act("KNS", "Người hoàn thành kỹ năng số cơ bản (Bình dân học vụ số)", "People who completed basic digital skills",
			"kỹ năng số", "kns", "onetouch", "mooc"),
		act("SMART", "Người bắt đầu sử dụng điện thoại thông minh", "People starting to use a smartphone",
			"smartphone", "điện thoại thông minh"),
		sec("CT01", "Tỷ lệ hồ sơ công việc cấp tỉnh xử lý hoàn toàn trên môi trường mạng", "Provincial work files processed fully online",
			"hồ sơ trực tuyến", "hồ sơ công việc", "xử lý trên môi trường mạng"),
		sec("CT02", "Tỷ lệ sản phẩm OCOP được đưa lên sàn thương mại điện tử", "OCOP products listed on e-commerce platforms",
			"OCOP lên sàn", "sản phẩm OCOP lên sàn"),
		sec("CT03", "Tỷ lệ chủ thể OCOP có tài khoản thanh toán điện tử", "OCOP producers with an electronic payment account",
			"chủ thể OCOP"),
		sec("CT04", "Số Tổ công nghệ số cộng đồng được thành lập", "Community digital technology teams established",
			"tổ công nghệ số", "tổ CNSCĐ", "thành lập tổ"),
		sec("CT05", "Xếp hạng số giao dịch qua nền tảng NDXP (cả nước)", "National rank by transactions over the NDXP data exchange platform",
			"NDXP", "xếp hạng"),
		sec("CT06", "Tỷ lệ thủ tục hành chính đủ điều kiện cung cấp dịch vụ công trực tuyến toàn trình", "Eligible administrative procedures offered fully online",
			"DVC toàn trình", "dịch vụ công toàn trình", "toàn trình", "TTHC"),
		sec("CT07", "Tỷ lệ hệ thống thông tin được phê duyệt cấp độ an toàn thông tin", "Information systems with an approved security level",
			"cấp độ ATTT", "phê duyệt cấp độ"),
		sec("CT08", "Số lớp tập huấn an toàn thông tin cho cán bộ chuyên trách", "Information security classes for IT staff",
			"lớp ATTT", "lớp an toàn thông tin"),
		sec("CT09", "Tỷ lệ thôn, tổ dân phố có sóng băng rộng di động", "Villages and residential groups with mobile broadband",
			"sóng di động", "băng rộng", "phủ sóng"),
		sec("CT10", "Tỷ lệ đơn vị cấp huyện có người phát ngôn và duy trì cổng thông tin điện tử", "District-level units with a spokesperson and a maintained web portal",
			"người phát ngôn", "cổng TTĐT", "cổng thông tin điện tử"),
	}
}

// testVillages are invented villages: three "Thôn Làng Mới" in different
// communes, a "Thôn Bản Phố" inside Xã Bản Phố and a residential group.
var testVillages = []Unit{
	{ID: 900001, Name: "Làng Mới", FullName: "Thôn Làng Mới", Level: "village", ParentID: 2866},
	{ID: 900002, Name: "Làng Mới", FullName: "Thôn Làng Mới", Level: "village", ParentID: 2869},
	{ID: 900003, Name: "Làng Mới", FullName: "Thôn Làng Mới", Level: "village", ParentID: 2926},
	{ID: 900004, Name: "Bản Phố", FullName: "Thôn Bản Phố", Level: "village", ParentID: 2866},
	{ID: 900005, Name: "Số 3", FullName: "Tổ dân phố số 3", Level: "village", ParentID: 2647},
}

// testUnits reads testdata/laocai-units-2023.csv (ids are the codes) and
// adds testVillages. With reform, the 9 districts are Former, as after
// 1/7/2025.
func testUnits(tb testing.TB, reform bool) []Unit {
	tb.Helper()
	f, err := os.Open("testdata/laocai-units-2023.csv")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	var units []Unit
	for _, r := range rows[1:] {
		id, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			tb.Fatal(err)
		}
		var parent int64
		if r[1] != "" {
			if parent, err = strconv.ParseInt(r[1], 10, 64); err != nil {
				tb.Fatal(err)
			}
		}
		units = append(units, Unit{ID: id, Name: r[4], FullName: r[5], Level: r[2], ParentID: parent,
			Former: reform && r[2] == "district"})
	}
	return append(units, testVillages...)
}

// testVocabulary is the Lào Cai vocabulary: 163 units, 5 villages, 21
// indicators.
func testVocabulary(tb testing.TB, reform bool) Vocabulary {
	tb.Helper()
	return Vocabulary{Indicators: testIndicators(), Units: testUnits(tb, reform)}
}
