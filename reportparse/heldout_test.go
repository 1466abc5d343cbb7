package reportparse

// laterMessages were written, with their expected pairs, after the parser
// passed memberMessages and before it had read them: a check on text the
// parser was not shaped by. On first run 24/25 were right; the miss ("mấy
// hôm nay", the past few days, read as today) was fixed in textvi.
// TestParseMemberMessages counts them in its rate.
var laterMessages = []struct {
	text  string
	pairs string
	date  string
}{
	{"Dạ báo cáo anh: hôm nay tổ em hd được 7 người cài vneid ạ", "VNEID 7", "2026-07-22"},
	{"vneid 4 nguoi, dvc 2 nguoi, tk 1", "VNEID 4, DVC 2, TKTT 1", ""},
	{"Chiều qua đi 14 hộ ở thôn Cốc Ly", "HO 14", "2026-07-21"},
	{"Hướng dẫn 3 hộ kinh doanh dùng mã QR thanh toán", "QR 3", ""},
	{"Mở ví điện tử cho 6 người", "TKTT 6", ""},
	{"tuyen truyen 1 buoi, co 52 nguoi tham du", "BUOI 1, LUOT 52", ""},
	{"tối nay em gửi số liệu sau nhé", "", "2026-07-22"},
	{"đưa 1 sản phẩm mật ong ocop lên sàn", "OCOP 1", ""},
	{"hd 9 người dùng điện thoại thông minh, 4 người học kỹ năng số", "SMART 9, KNS 4", ""},
	{"20/7 vneid 13", "VNEID 13", "2026-07-20"},
	{"Thứ 3 hướng dẫn nộp hồ sơ trực tuyến cho 5 người", "DVC 5", "2026-07-21"},
	{"ATTT: 65 người", "ATTT 65", ""},
	{"em ốm mấy hôm nay chưa đi được ạ", "", ""},
	{"đã kích hoạt định danh điện tử cho 11 ng", "VNEID 11", ""},
	{"Tập huấn 2 lớp kỹ năng số cho 60 học viên", "BUOI 2, LUOT 60", ""},
	{"25 hộ gia đình được hướng dẫn tận nhà", "HO 25", ""},
	{"cài vneid 8 người và mở tk cho 3 người", "VNEID 8, TKTT 3", ""},
	{"sl: vneid 19 dvc 6 qr 2", "VNEID 19, DVC 6, QR 2", ""},
	{"ngày 18/7 tuyên truyền chống lừa đảo trên mạng cho 90 lượt người", "ATTT 90", "2026-07-18"},
	{"Hôm kia 4 người hoàn thành khóa học trên onetouch", "KNS 4", "2026-07-20"},
	{"tk ngan hang 2, vi dien tu 3", "TKTT 2, TKTT 3", ""},
	{"Anh ơi số điện thoại của cán bộ xã là 0214 3840 123 ạ", "", ""},
	{"DVC 7 (nộp hồ sơ cấp đổi CCCD, đăng ký khai sinh)", "DVC 7", ""},
	{"hd bà con thôn 4 cài vneid 16 người, có 2 người chưa kích hoạt được", "VNEID 16", ""},
	{"Tổ chức 1 buổi tập huấn ATTT tại nhà văn hoá thôn, 38 người tham dự", "BUOI 1, LUOT 38", ""},
}
