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

// highlandGroup is how one highland people names: family names, middle
// names by sex (the Mông "A", "Seo", "Mí", the Dao "Láo", "Phù"), and whether
// given names follow Kinh usage (Tày, Giáy) or the group's own.
type highlandGroup struct {
	weight        float64
	families      []string
	maleMiddles   []string
	femaleMiddles []string
	kinhGivens    bool
	maleGivens    []string
	femaleGivens  []string
}

// highlandGroups are the Mông, Dao and Tày–Giáy peoples of Lào Cai.
var highlandGroups = []highlandGroup{
	{weight: 5, families: []string{"Giàng", "Sùng", "Vàng", "Thào", "Hầu", "Lý", "Cư", "Hảng", "Sần", "Lù", "Mua"},
		maleMiddles: []string{"A", "Seo", "Văn", "A"}, femaleMiddles: []string{"Thị", "Mí", "Thị"},
		maleGivens:   []string{"Sử", "Chứ", "Dình", "Páo", "Lử", "Sính", "Pao", "Chư", "Sáng", "Lềnh", "Tủa", "Vần", "Chinh", "Mìn"},
		femaleGivens: []string{"Mỷ", "Dợ", "Sua", "Pà", "Súa", "Chi", "Mai", "Dua", "Say", "Chứ", "Dế"}},
	{weight: 2, families: []string{"Tẩn", "Triệu", "Chảo", "Phàn", "Lý", "Bàn"},
		maleMiddles: []string{"Láo", "Phù", "Văn", "Chòi", "Sành"}, femaleMiddles: []string{"Thị", "Mẩy", "Thị"},
		maleGivens:   []string{"Lở", "Quẩy", "Chiêu", "Vần", "Phin", "Sài", "Seng", "Lìn", "Quyết"},
		femaleGivens: []string{"Mẩy", "Mai", "Say", "Dua", "Chiêu", "Xuân", "Nhìn"}},
	{weight: 3, families: []string{"Lò", "Ma", "Nông", "Vi", "Lục", "Hoàng", "Hà", "Sầm"},
		maleMiddles: []string{"Văn", "Đức", "Văn"}, femaleMiddles: []string{"Thị", "Thị", "Thu"},
		kinhGivens: true},
}

// Kinh middle names.
var (
	kinhMaleMiddles   = []string{"Văn", "Đức", "Minh", "Quang", "Hữu", "Thanh", "Công", "Xuân", "Tiến", "Mạnh"}
	kinhFemaleMiddles = []string{"Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Phương", "Thị Thu", "Mai", "Minh", "Kim"}
)

// Kinh given names, also used by the Tày and Giáy.
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
)
