package demo

// Word lists for the generated world. They are plausible, not real: the
// village names are common place names of Lào Cai's highlands, the personal
// names common among the Kinh, Tày, Giáy, Mông and Dao people of the province.

// villageNames are common northern-mountain village names. A commune takes
// as many as it needs without repeats, so the list is longer than the largest
// commune (25 villages).
var villageNames = []string{
	"Bản Phố", "Na Hối", "Nậm Mòn", "Làng Mới", "Cốc Ly", "Lùng Phình", "Sán Chải",
	"Tả Van", "Lao Chải", "Pạc Ngam", "Khe Mụ", "Nậm Pạu", "Sín Chải", "Na Lang",
	"Cốc Cái", "Nậm Tông", "Phìn Giàng", "Tả Thàng", "Làng Đẩu", "Nà Phung",
	"Nậm Cáy", "Khe Lếch", "Pa Cheo", "Séo Mý Tỷ", "Lùng Cẩu", "Nậm Chảy",
	"Tả Chải", "Na Kim", "Nậm Khòa", "Cốc Mìu", "Bản Mế", "Làng Cù", "Khe Chàng",
	"Nà Lốc", "Mường Vi", "Làng Giàng", "Bản Vền", "Nậm Hu", "Lùng Thàng",
	"Tả Phời", "Na Mạ", "Khe Quýt", "Bản Lầu", "Cốc Sâm", "Thái Niên", "Làng Lúc",
	"Bản Qua", "Trung Đô", "Nậm Sài", "Làng Bông", "Khe Vai", "Nà Ràng", "Nậm Xây",
	"Pạc Tà", "Làng Mông", "Bản Bó", "Nậm Rạng", "Tùng Chỉn", "Sín Chéng",
	"Pả Chư Tỷ", "Ngải Thầu", "Cán Hồ", "Ma Ngán", "Nậm Sỏ", "Làng Vạc", "Khe Bàn",
	"Nà Cồ", "Cốc Chứ", "Bản Cam", "Làng Chưng", "Suối Thầu", "Bản Khoang",
	"Lếch Cang", "Bản Sín", "Tả Gia Khâu", "Na Pắc Ngam", "Bản Giàng", "Nậm Mả",
	"Khe Sang", "Làng Cang", "Pho Cài", "Cốc Dâu", "Nậm Lang", "Ý Tý Trên",
}

// kinhFamilies are the commonest Kinh family names, most frequent first
// (the generator picks earlier ones more often).
var kinhFamilies = []string{
	"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đỗ", "Bùi", "Đặng", "Ngô",
	"Dương", "Lương", "Đinh", "Hà", "Phan", "Lưu", "Trịnh", "Đào",
}

// highlandFamilies are family names common among the Mông, Dao, Tày, Giáy and
// Hà Nhì people of Lào Cai.
var highlandFamilies = []string{
	"Vàng", "Giàng", "Sùng", "Lò", "Lý", "Thào", "Hầu", "Ma", "Tẩn", "Triệu",
	"Chảo", "Lù", "Cư", "Sần", "Hảng", "Nông", "Vi", "Lục",
}

// Middle names; the highland ones include the Mông "A" and "Seo" and the
// Dao "Láo", "Phù".
var (
	kinhMaleMiddles       = []string{"Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Tiến", "Mạnh"}
	kinhFemaleMiddles     = []string{"Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Phương", "Thị Thu", "Mai", "Minh", "Kim"}
	highlandMaleMiddles   = []string{"A", "Seo", "Văn", "Láo", "Phù", "Chẩn", "Văn", "A"}
	highlandFemaleMiddles = []string{"Thị", "Thị", "Mí", "Thị", "Tả", "Thị"}
)

// Given names.
var (
	kinhMaleGivens = []string{
		"Hùng", "Dũng", "Tuấn", "Cường", "Hải", "Long", "Nam", "Thắng", "Trung", "Sơn",
		"Hiếu", "Phong", "Quân", "Khánh", "Bình", "Đức", "Tùng", "Thành", "Huy", "Kiên",
		"Việt", "Hoàng", "Lâm", "Toàn", "Vinh", "Thịnh",
	}
	kinhFemaleGivens = []string{
		"Lan", "Hương", "Mai", "Hoa", "Thủy", "Hằng", "Linh", "Trang", "Nga", "Yến",
		"Phương", "Huyền", "Thảo", "Hà", "Vân", "Nhung", "Hạnh", "Dung", "Oanh", "Loan",
		"Hòa", "Ngân", "Thúy", "Quỳnh",
	}
	highlandMaleGivens = []string{
		"Sử", "Chứ", "Dình", "Páo", "Lử", "Chiến", "Sính", "Pao", "Chư", "Sáng", "Lìn",
		"Thào", "Vần", "Sài", "Tủa", "Lềnh", "Quyết", "Seng", "Chinh", "Mìn",
	}
	highlandFemaleGivens = []string{
		"Mỷ", "Dợ", "Sua", "Mai", "Pà", "Súa", "Chi", "Dung", "Xuân", "Mẩy", "Lan",
		"Say", "Dua", "Hoa", "Nhìn", "Chứ",
	}
)
