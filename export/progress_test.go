package export_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"cnsbot"
	"cnsbot/export"
)

// seedRows are four of the brief's sector indicators at 21/7/2023.
func seedRows() []export.ProgressRow {
	return []export.ProgressRow{
		{
			Code: "CT01", Name: "Tỷ lệ hồ sơ công việc cấp tỉnh xử lý hoàn toàn trên môi trường mạng", Unit: "%",
			Plan: 95, HasPlan: true, Period: 97.4, YearToDate: 97.4,
			Completion: 97.4 / 95 * 100, HasCompletion: true, Status: cnsbot.StatusExceeded,
		},
		{
			Code: "CT02", Name: "Tỷ lệ sản phẩm OCOP được đưa lên sàn TMĐT", Unit: "%",
			Plan: 100, HasPlan: true, Period: 156.0 / 163 * 100, YearToDate: 156.0 / 163 * 100,
			Completion: 156.0 / 163 * 100, HasCompletion: true, Status: cnsbot.StatusInProgress, Note: "156/163",
		},
		{
			Code: "CT04", Name: "Số Tổ CNSCĐ được thành lập (thôn, TDP có tổ)", Unit: "tổ",
			Plan: 1562, HasPlan: true, Period: 12, YearToDate: 1562,
			Completion: 100, HasCompletion: true, Status: cnsbot.StatusMet,
		},
		{
			Code: "CT05", Name: "Xếp hạng số giao dịch qua nền tảng NDXP (cả nước)", Unit: "hạng/63",
			Plan: 5, HasPlan: true, Period: 1, YearToDate: 1, Status: cnsbot.StatusExceeded,
		},
		{
			Code: "CT08", Name: "Số lớp an toàn thông tin cho cán bộ chuyên trách", Unit: "lớp",
			Plan: 8, HasPlan: true, Period: 1, YearToDate: 3,
			Completion: 37.5, HasCompletion: true, Status: cnsbot.StatusBehind,
		},
	}
}

func seedSheets() []export.ProgressSheet {
	return []export.ProgressSheet{
		{Name: "Tỉnh Lào Cai", Title: "Kết quả thực hiện chỉ tiêu ngành — Tháng 7/2026", Rows: seedRows(), Thresholds: cnsbot.DefaultThresholds()},
		{Name: "Huyện Bắc Hà", Title: "Huyện Bắc Hà — Tháng 7/2026", Rows: seedRows()[:2], Thresholds: cnsbot.DefaultThresholds()},
		{Name: "TP. Lào Cai [thử]: 1/2", Title: "Thành phố Lào Cai — Tháng 7/2026", Rows: seedRows()[2:], Thresholds: cnsbot.DefaultThresholds()},
	}
}

// MustWriteProgressXLSX writes sheets and opens the result with excelize.
func MustWriteProgressXLSX(tb testing.TB, lang string, sheets []export.ProgressSheet) *excelize.File {
	tb.Helper()
	var buf bytes.Buffer
	if err := export.WriteProgressXLSX(&buf, lang, sheets); err != nil {
		tb.Fatalf("WriteProgressXLSX: %v", err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		tb.Fatalf("open written xlsx: %v", err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

func TestWriteProgressXLSX(t *testing.T) {
	f := MustWriteProgressXLSX(t, "vi", seedSheets())

	t.Run("SheetNames", func(t *testing.T) {
		if got, want := f.GetSheetList(), []string{"Tỉnh Lào Cai", "Huyện Bắc Hà", "TP. Lào Cai -thử-- 1-2"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("sheets=%q, want %q", got, want)
		}
	})

	t.Run("TitleAndHeader", func(t *testing.T) {
		if got, _ := f.GetCellValue("Tỉnh Lào Cai", "A1"); got != "Kết quả thực hiện chỉ tiêu ngành — Tháng 7/2026" {
			t.Fatalf("A1=%q", got)
		}
		rows, err := f.GetRows("Huyện Bắc Hà")
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"STT", "Chỉ tiêu", "ĐVT", "KH năm", "TH kỳ này", "Lũy kế", "TH/KH (%)", "Ghi chú"}
		if got := rows[1]; !reflect.DeepEqual(got, want) {
			t.Fatalf("header=%q, want %q", got, want)
		}
		for _, cell := range []string{"A1", "A2", "H2"} {
			style, _ := f.GetCellStyle("Tỉnh Lào Cai", cell)
			if s, err := f.GetStyle(style); err != nil || s.Font == nil || !s.Font.Bold {
				t.Fatalf("%s is not bold: %+v %v", cell, s, err)
			}
		}
	})

	t.Run("NumbersAreNumbers", func(t *testing.T) {
		const sheet = "Tỉnh Lào Cai"
		for cell, want := range map[string]float64{
			"A3": 1, "D3": 95, "E3": 97.4, "G3": 102.5,
			"D5": 1562, "E5": 12, "F5": 1562, "G5": 100, "G7": 37.5,
		} {
			typ, err := f.GetCellType(sheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			// A number cell has t="n" or no type at all; text would be a
			// shared or inline string.
			if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
				t.Fatalf("%s type=%v, want a number", cell, typ)
			}
			raw, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			got, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				t.Fatalf("%s=%q is not a number: %v", cell, raw, err)
			}
			if math.Abs(got-want) > 1e-9 {
				t.Fatalf("%s=%v, want %v", cell, got, want)
			}
		}
		// Display: grouped thousands, one decimal for the completion.
		if got, _ := f.GetCellValue(sheet, "D5"); got != "1,562" {
			t.Fatalf("D5 shows %q, want 1,562 (the reader's locale groups it as 1.562)", got)
		}
		if got, _ := f.GetCellValue(sheet, "G3"); got != "102.5" {
			t.Fatalf("G3 shows %q, want 102.5", got)
		}
	})

	t.Run("Empty", func(t *testing.T) {
		const sheet = "Tỉnh Lào Cai"
		// CT05 is a rank: no completion, but its status still colours the cell.
		if got, _ := f.GetCellValue(sheet, "G6"); got != "" {
			t.Fatalf("G6=%q, want empty", got)
		}
		if got, _ := f.GetCellValue(sheet, "C5"); got != "tổ" {
			t.Fatalf("C5=%q", got)
		}
		if got, _ := f.GetCellValue(sheet, "B4"); got != "CT02 Tỷ lệ sản phẩm OCOP được đưa lên sàn TMĐT" {
			t.Fatalf("B4=%q", got)
		}
		if got, _ := f.GetCellValue(sheet, "H4"); got != "156/163" {
			t.Fatalf("H4=%q", got)
		}
	})

	t.Run("StatusFill", func(t *testing.T) {
		const sheet = "Tỉnh Lào Cai"
		for cell, want := range map[string]string{
			"G3": "C6EFCE", "G4": "FFEB9C", "G5": "C6EFCE", "G6": "C6EFCE", "G7": "FFC7CE",
		} {
			style, _ := f.GetCellStyle(sheet, cell)
			s, err := f.GetStyle(style)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.Fill.Color) == 0 || !strings.EqualFold(s.Fill.Color[0], want) {
				t.Fatalf("%s fill=%v, want %s", cell, s.Fill.Color, want)
			}
			if s.CustomNumFmt == nil || *s.CustomNumFmt != "0.0#" {
				t.Fatalf("%s format=%v, want 0.0#", cell, s.CustomNumFmt)
			}
		}
	})

	t.Run("Layout", func(t *testing.T) {
		const sheet = "Tỉnh Lào Cai"
		panes, err := f.GetPanes(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
			t.Fatalf("panes=%+v, want frozen under row 2", panes)
		}
		w, _ := f.GetColWidth(sheet, "B")
		if w < 50 {
			t.Fatalf("name column width=%v, too narrow for the names", w)
		}
	})
}

func TestWriteProgressXLSXEnglish(t *testing.T) {
	sheets := seedSheets()[:1]
	sheets[0].Name = ""
	f := MustWriteProgressXLSX(t, "en-US", sheets)
	if got, want := f.GetSheetList(), []string{"Sheet 1"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets=%q, want %q", got, want)
	}
	if got, _ := f.GetCellValue("Sheet 1", "G2"); got != "Actual/Plan (%)" {
		t.Fatalf("G2=%q", got)
	}
}

func TestWriteProgressXLSXSheetNames(t *testing.T) {
	long := "Ủy ban nhân dân xã Tả Van Chư, huyện Bắc Hà, tỉnh Lào Cai"
	sheets := []export.ProgressSheet{
		{Name: "Bắc Hà"}, {Name: "bắc hà"}, {Name: "Ba\u0306\u0301c Hà"}, // NFD of the first
		{Name: long}, {Name: long}, {Name: "'quoted'"}, {Name: "a/b\\c?d*e[f]g:h"}, {Name: "History"}, {Name: "  "},
	}
	f := MustWriteProgressXLSX(t, "vi", sheets)
	got := f.GetSheetList()
	want := []string{
		"Bắc Hà", "bắc hà (2)", "Bắc Hà (3)",
		"Ủy ban nhân dân xã Tả Van Chư,", "Ủy ban nhân dân xã Tả Van C (2)",
		"quoted", "a-b-c-d-e-f-g-h", "History (2)", "Trang 9",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets=\n%q, want\n%q", got, want)
	}
	for _, name := range got {
		if n := len([]rune(name)); n > 31 {
			t.Errorf("%q has %d characters", name, n)
		}
	}
}

// The Vietnamese CSV opens cleanly in Excel set to Vietnamese: semicolons
// between fields, a comma for the decimal mark, a byte order mark.
func TestWriteProgressCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := export.WriteProgressCSV(&buf, "vi", seedSheets()[0]); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		t.Fatalf("no byte order mark: % x", b[:min(len(b), 8)])
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"STT", "Chỉ tiêu", "ĐVT", "KH năm", "TH kỳ này", "Lũy kế", "TH/KH (%)", "Ghi chú"},
		{"1", "CT01 Tỷ lệ hồ sơ công việc cấp tỉnh xử lý hoàn toàn trên môi trường mạng", "%", "95", "97,4", "97,4", "102,53", ""},
		{"2", "CT02 Tỷ lệ sản phẩm OCOP được đưa lên sàn TMĐT", "%", "100", "95,705521", "95,705521", "95,71", "156/163"},
		{"3", "CT04 Số Tổ CNSCĐ được thành lập (thôn, TDP có tổ)", "tổ", "1562", "12", "1562", "100", ""},
		{"4", "CT05 Xếp hạng số giao dịch qua nền tảng NDXP (cả nước)", "hạng/63", "5", "1", "1", "", ""},
		{"5", "CT08 Số lớp an toàn thông tin cho cán bộ chuyên trách", "lớp", "8", "1", "3", "37,5", ""},
	}
	if !reflect.DeepEqual(records, want) {
		t.Fatalf("csv=\n%q\nwant\n%q", records, want)
	}
}

// The English CSV keeps commas between fields and a dot for the decimal
// mark.
func TestWriteProgressCSVEnglish(t *testing.T) {
	var buf bytes.Buffer
	if err := export.WriteProgressCSV(&buf, "en", export.ProgressSheet{}); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "\ufeffNo.,Indicator,Unit,Annual plan,This period,Year to date,Actual/Plan (%),Note\n"; got != want {
		t.Fatalf("csv=%q, want %q", got, want)
	}
	buf.Reset()
	if err := export.WriteProgressCSV(&buf, "en", seedSheets()[0]); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := records[2][4:7], []string{"95.705521", "95.705521", "95.71"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("CT02=%q, want %q", got, want)
	}
}

// A decimal comma followed by exactly three digits would read back as a
// thousands group ("0,125" → 125): the Vietnamese layout writes a fourth.
func TestWriteProgressCSVThreeDecimals(t *testing.T) {
	var buf bytes.Buffer
	sheet := export.ProgressSheet{Rows: []export.ProgressRow{{Name: "x", Period: 0.125, YearToDate: 1562.5}}}
	if err := export.WriteProgressCSV(&buf, "vi", sheet); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(buf.Bytes()[3:]))
	r.Comma = ';'
	records, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := records[1][4:6], []string{"0,1250", "1562,5"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("numbers=%q, want %q", got, want)
	}
}

// TestWriteProgressXLSXFile leaves a sample workbook behind when
// CNSBOT_SAMPLE_DIR is set, to open in a spreadsheet program.
func TestWriteProgressXLSXFile(t *testing.T) {
	dir := os.Getenv("CNSBOT_SAMPLE_DIR")
	if dir == "" {
		t.Skip("CNSBOT_SAMPLE_DIR not set")
	}
	var buf bytes.Buffer
	if err := export.WriteProgressXLSX(&buf, "vi", seedSheets()); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "progress.xlsx"), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// A completion just under 100% or under the behind threshold is not shown
// as 100.0 or 80.0 beside its amber or red fill, in the XLSX or the CSV.
func TestWriteProgressNeverRoundsAcrossAThreshold(t *testing.T) {
	th := cnsbot.DefaultThresholds()
	row := func(code string, pct float64) export.ProgressRow {
		return export.ProgressRow{Code: code, Name: code, Unit: "người", Plan: 100, HasPlan: true,
			Completion: pct, HasCompletion: true, Status: cnsbot.StatusOf(pct, true, th)}
	}
	sheet := export.ProgressSheet{Name: "P", Thresholds: th,
		Rows: []export.ProgressRow{row("A", 34997.0/35000*100), row("B", 79.96), row("C", 99.999), row("D", 1914.0/2400*100)}}
	f := MustWriteProgressXLSX(t, "vi", []export.ProgressSheet{sheet})
	for cell, want := range map[string]string{"G3": "99.99", "G4": "79.96", "G5": "99.99", "G6": "79.8"} {
		if got, _ := f.GetCellValue("P", cell); got != want {
			t.Errorf("%s shows %q, want %q", cell, got, want)
		}
	}
	var buf bytes.Buffer
	if err := export.WriteProgressCSV(&buf, "en", sheet); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(bytes.NewReader(buf.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []string{"99.99", "79.96", "99.999", "79.75"} {
		if got := records[i+1][6]; got != want {
			t.Errorf("csv row %d completion=%q, want %q", i+1, got, want)
		}
	}
}

// The silent teams' sheet comes second, one row per team with its group,
// lead and reachability, and keeps a unique name beside a unit of the same
// name.
func TestWriteProgressWorkbookSilent(t *testing.T) {
	sheets := []export.ProgressSheet{{Name: "Tỉnh Lào Cai"}, {Name: "Chưa báo cáo"}, {Name: "TP Lào Cai"}}
	silent := &export.SilentSheet{Name: "Chưa báo cáo", Title: "Tổ chưa báo cáo: 2/3", Rows: []export.SilentRow{
		{Group: "Huyện Bắc Hà", Team: "Thôn Làng Mới, Xã Bản Phố", Lead: "Lò Thị Mai", LeadReachable: true, Reachable: 3},
		{Group: "Thành phố Lào Cai", Team: "Tổ dân phố 1, Phường Cốc Lếu"},
	}}
	var buf bytes.Buffer
	if err := export.WriteProgressWorkbook(&buf, "vi", sheets, silent); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.GetSheetList(), []string{"Tỉnh Lào Cai", "Chưa báo cáo", "Chưa báo cáo (2)", "TP Lào Cai"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets=%q, want %q", got, want)
	}
	rows, err := f.GetRows("Chưa báo cáo")
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Tổ chưa báo cáo: 2/3"},
		{"STT", "Đơn vị", "Thôn, tổ dân phố", "Tổ trưởng", "Tổ trưởng liên lạc được qua bot", "Số thành viên liên lạc được"},
		{"1", "Huyện Bắc Hà", "Thôn Làng Mới, Xã Bản Phố", "Lò Thị Mai", "Có", "3"},
		{"2", "Thành phố Lào Cai", "Tổ dân phố 1, Phường Cốc Lếu", "", "", "0"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows=\n%q\nwant\n%q", rows, want)
	}
}
