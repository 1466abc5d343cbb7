package importer

// Header names of each kind of file. The canonical names are those of
// PRODUCT.md; aliases are matched folded (no case, no diacritics), so "Họ và
// tên", "HO VA TEN" and "ho_va_ten" are the same header.
var schemas = map[string][]column{
	KindUnits: {
		{name: "code", required: true, aliases: []string{"mã", "mã đơn vị", "unit_code"}},
		{name: "parent_code", required: true, aliases: []string{"mã cấp trên", "mã đơn vị cha", "mã cha", "parent", "province_code", "mã tỉnh"}},
		{name: "level", aliases: []string{"cấp", "cấp hành chính"}},
		{name: "type", aliases: []string{"loại", "loại đơn vị"}},
		{name: "name", required: true, aliases: []string{"tên", "tên đơn vị"}},
		{name: "name_with_type", aliases: []string{"full_name", "tên đầy đủ", "tên đơn vị đầy đủ"}},
		{name: "valid_from", aliases: []string{"hiệu lực từ", "từ ngày"}},
		{name: "valid_to", aliases: []string{"hiệu lực đến", "đến ngày"}},
	},
	KindMembers: {
		{name: "full_name", required: true, aliases: []string{"họ và tên", "họ tên", "ho ten", "tên thành viên", "fullname", "name"}},
		{name: "phone", required: true, aliases: []string{"số điện thoại", "sđt", "điện thoại", "số đt", "di động", "phone number", "mobile"}},
		{name: "unit_code", required: true, aliases: []string{"mã đơn vị", "ma don vi", "mã thôn", "unit"}},
		{name: "role", required: true, aliases: []string{"vai trò", "chức vụ", "quyền"}},
	},
	KindIndicators: {
		{name: "code", required: true, aliases: []string{"mã", "mã chỉ tiêu"}},
		{name: "name_vi", required: true, aliases: []string{"tên chỉ tiêu", "tên", "tên tiếng việt", "name"}},
		{name: "name_en", aliases: []string{"tên tiếng anh", "english name"}},
		{name: "unit", required: true, aliases: []string{"đvt", "đơn vị tính"}},
		{name: "kind", required: true, aliases: []string{"loại", "loại chỉ tiêu"}},
		{name: "aggregation", required: true, aliases: []string{"cách tổng hợp", "tổng hợp"}},
		{name: "direction", required: true, aliases: []string{"chiều", "chiều tốt"}},
		{name: "aliases", aliases: []string{"từ khóa", "bí danh", "từ khóa nhận dạng"}},
		{name: "min", aliases: []string{"tối thiểu", "nhỏ nhất"}},
		{name: "max", aliases: []string{"tối đa", "lớn nhất"}},
		{name: "numerator_label", aliases: []string{"nhãn tử số", "tử số"}},
		{name: "denominator_label", aliases: []string{"nhãn mẫu số", "mẫu số"}},
		{name: "position", aliases: []string{"thứ tự", "stt"}},
	},
	KindTargets: {
		{name: "indicator_code", required: true, aliases: []string{"mã chỉ tiêu", "chỉ tiêu", "indicator"}},
		{name: "unit_code", required: true, aliases: []string{"mã đơn vị", "ma don vi", "unit"}},
		{name: "period", required: true, aliases: []string{"kỳ", "kỳ báo cáo", "kỳ kế hoạch"}},
		{name: "value", required: true, aliases: []string{"giá trị", "kế hoạch", "chỉ tiêu kế hoạch", "target"}},
	},
	KindValues: {
		{name: "indicator_code", required: true, aliases: []string{"mã chỉ tiêu", "chỉ tiêu", "indicator"}},
		{name: "unit_code", required: true, aliases: []string{"mã đơn vị", "ma don vi", "unit"}},
		{name: "date", required: true, aliases: []string{"ngày", "ngày báo cáo", "tính đến ngày"}},
		{name: "value", required: true, aliases: []string{"giá trị", "thực hiện", "kết quả"}},
		{name: "numerator", aliases: []string{"tử số"}},
		{name: "denominator", aliases: []string{"mẫu số"}},
		{name: "note", aliases: []string{"ghi chú"}},
	},
}

// Words accepted in the kind, aggregation and direction columns, folded.
var (
	kindWords = map[string]string{
		"activity": "activity", "hoat dong": "activity", "to": "activity", "to cns": "activity",
		"sector": "sector", "nganh": "sector", "chi tieu nganh": "sector",
	}
	aggregationWords = map[string]string{
		"sum": "sum", "tong": "sum", "cong": "sum", "cong don": "sum",
		"last": "last", "cuoi ky": "last", "moi nhat": "last", "gia tri cuoi": "last",
	}
	directionWords = map[string]string{
		"higher": "higher", "cao": "higher", "tang": "higher", "cang cao cang tot": "higher",
		"lower": "lower", "thap": "lower", "giam": "lower", "cang thap cang tot": "lower",
		"done": "done", "hoan thanh": "done",
	}
	// unitTypeLevels maps the type column of the official unit lists
	// (laocai-units-2023.csv) to a level when the file has no level column.
	unitTypeLevels = map[string]string{
		"tinh": "province", "huyen": "district", "thi xa": "district", "quan": "district",
		"xa": "commune", "phuong": "commune", "thi tran": "commune", "dac khu": "commune",
		"thon": "village", "ban": "village", "to dan pho": "village", "tdp": "village",
	}
)
