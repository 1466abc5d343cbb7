package export

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"

	"cnsbot"
	"cnsbot/locales"
)

// The leaders' progress table (/xuat, /export): one row per indicator with
// the year's plan, this period's figure, the year to date and the
// completion. In the XLSX every figure is a number cell. Display formats
// are "#,##0" for whole numbers and "#,##0.0#" otherwise; Excel and
// LibreOffice draw the separators of the reader's locale, so a Vietnamese
// desktop shows 1.562 and 97,4 while the cells stay plain numbers.
//
// The completion cell (TH/KH (%)) holds the percentage itself, rounded to
// one decimal (102.5 for 102,53%) by Thresholds.DisplayPercent so that it
// never reads as another status than its colour (99,99% is 99.99, not
// 100.0), with the format "0.0#": the header already says "(%)", as
// Vietnamese report tables do, and the XLSX and the CSV then carry the same
// number. Its fill colour tells the status: green for vượt and đạt, amber
// for chưa đạt, red for chậm, none without a plan; a legend under the
// table says so in words.
//
// The CSV opens in the reader's spreadsheet program: UTF-8 with a byte
// order mark, the same columns, in the CSVLayout of its language (for
// Vietnamese a semicolon between fields and a decimal comma, 97,4; for
// English commas and a decimal point, 97.4), numbers never grouped (1562),
// figures rounded to 6 decimals to drop float noise and the completion to
// 2 decimals (3 where 2 would cross a status threshold). It has no title
// row and no status, which only the XLSX shows.

// ProgressRow is one indicator in a progress table.
type ProgressRow struct {
	Code string // indicator code, e.g. "CT02"
	Name string // indicator name in the sheet's language
	Unit string // ĐVT: unit of measure, e.g. "%", "tổ"

	Plan    float64 // KH năm: the year's plan
	HasPlan bool    // false leaves KH năm empty

	Period     float64 // TH kỳ này: the figure for the period
	YearToDate float64 // Lũy kế: the figure from the start of the year

	Completion    float64 // TH/KH (%) in percent, exact (102.5263…): rounded only for display
	HasCompletion bool    // false leaves TH/KH (%) empty, as for a rank

	Status cnsbot.Status // the fill colour of the completion cell
	Note   string        // Ghi chú, e.g. "156/163"
}

// ProgressSheet is one sheet of a progress table: a unit's indicators.
type ProgressSheet struct {
	Name  string        // sheet tab, usually the unit's name; sanitized and shortened as Excel requires
	Title string        // first row, e.g. "Kết quả thực hiện chỉ tiêu ngành — Tháng 7/2026"
	Rows  []ProgressRow // in display order; STT numbers them from 1
	// Thresholds placed the rows' statuses; completions are rounded so
	// that none reads as another status.
	Thresholds cnsbot.Thresholds
}

// progressHeaders are the column headers of a progress table per language.
var progressHeaders = map[string][]string{
	"vi": {"STT", "Chỉ tiêu", "ĐVT", "KH năm", "TH kỳ này", "Lũy kế", "TH/KH (%)", "Ghi chú"},
	"en": {"No.", "Indicator", "Unit", "Annual plan", "This period", "Year to date", "Actual/Plan (%)", "Note"},
}

// progressLegend explains the fill colours, per language.
var progressLegend = map[string]struct{ title, met, progress, behind string }{
	"vi": {"Màu cột TH/KH:", "Đạt và vượt", "Chưa đạt", "Chậm"},
	"en": {"TH/KH colour:", "Met or exceeded", "In progress", "Behind"},
}

// defaultSheetName names a sheet whose name is blank, per language.
var defaultSheetName = map[string]string{"vi": "Trang", "en": "Sheet"}

// Column widths in characters. The indicator name column grows to its
// longest name within these bounds and wraps beyond.
const (
	nameWidthMin = 30
	nameWidthMax = 75
	noteWidthMin = 14
	noteWidthMax = 40
)

// progressWidths are the fixed widths of the other columns.
var progressWidths = []float64{6, 0, 10, 13, 13, 13, 12, 0}

// Status fill and font colours: Excel's own "Good", "Neutral" and "Bad"
// cell styles, which spreadsheet users already read as such.
var statusColours = map[cnsbot.Status]struct{ fill, font string }{
	cnsbot.StatusExceeded:   {"C6EFCE", "006100"},
	cnsbot.StatusMet:        {"C6EFCE", "006100"},
	cnsbot.StatusInProgress: {"FFEB9C", "9C5700"},
	cnsbot.StatusBehind:     {"FFC7CE", "9C0006"},
}

// WriteProgressXLSX writes sheets to w as one XLSX workbook in lang ("vi"
// or "en"; anything else is Vietnamese): the first sheet is the caller's
// scope, then one per child unit. Sheet names are made valid for Excel
// (at most 31 characters, none of []:*?/\) and unique.
func WriteProgressXLSX(w io.Writer, lang string, sheets []ProgressSheet) error {
	return WriteProgressWorkbook(w, lang, sheets, nil)
}

// WriteProgressWorkbook writes the progress sheets like WriteProgressXLSX,
// with the silent teams' sheet, when not nil, second: after the scope's
// table and before its children's.
func WriteProgressWorkbook(w io.Writer, lang string, sheets []ProgressSheet, silent *SilentSheet) error {
	lang = locales.Normalize(lang)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newProgressStyles(f)
	if err != nil {
		return fmt.Errorf("write progress xlsx: %w", err)
	}
	if len(sheets) == 0 {
		sheets = []ProgressSheet{{}}
	}
	tabs := sheets
	if silent != nil {
		tabs = append([]ProgressSheet{sheets[0], {Name: silent.Name}}, sheets[1:]...)
	}
	names := sheetNames(lang, tabs)
	first := f.GetSheetName(0)
	for i, s := range tabs {
		if i == 0 {
			err = f.SetSheetName(first, names[0])
		} else {
			_, err = f.NewSheet(names[i])
		}
		if err != nil {
			return fmt.Errorf("add sheet %q: %w", names[i], err)
		}
		if silent != nil && i == 1 {
			err = writeSilentSheet(f, st, lang, names[i], silent)
		} else {
			err = writeProgressSheet(f, st, lang, names[i], s)
		}
		if err != nil {
			return fmt.Errorf("write sheet %q: %w", names[i], err)
		}
	}
	f.SetActiveSheet(0)
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write progress xlsx: %w", err)
	}
	return nil
}

// progressStyles are the cell styles of a progress workbook, made once.
type progressStyles struct {
	title, header, text, wrap, stt, legendTitle int
	integer, decimal                            int
	completion                                  map[cnsbot.Status]int // "" for no colour
	legendFill                                  map[cnsbot.Status]int
}

func newProgressStyles(f *excelize.File) (*progressStyles, error) {
	border := []excelize.Border{
		{Type: "left", Color: "A6A6A6", Style: 1},
		{Type: "top", Color: "A6A6A6", Style: 1},
		{Type: "right", Color: "A6A6A6", Style: 1},
		{Type: "bottom", Color: "A6A6A6", Style: 1},
	}
	top := &excelize.Alignment{Vertical: "top"}
	st := &progressStyles{completion: map[cnsbot.Status]int{}, legendFill: map[cnsbot.Status]int{}}
	integer, decimal, pct := "#,##0", "#,##0.0#", "0.0#"
	var err error
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}}},
		{&st.header, &excelize.Style{
			Border: border, Font: &excelize.Font{Bold: true},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E1F2"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		}},
		{&st.text, &excelize.Style{Border: border, Alignment: top}},
		{&st.wrap, &excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.stt, &excelize.Style{Border: border, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "top"}}},
		{&st.integer, &excelize.Style{Border: border, Alignment: top, CustomNumFmt: &integer}},
		{&st.decimal, &excelize.Style{Border: border, Alignment: top, CustomNumFmt: &decimal}},
		{&st.legendTitle, &excelize.Style{
			Font: &excelize.Font{Italic: true, Color: "595959"}, Alignment: &excelize.Alignment{Horizontal: "right"},
		}},
	} {
		if *s.id, err = f.NewStyle(s.style); err != nil {
			return nil, err
		}
	}
	if st.completion[""], err = f.NewStyle(&excelize.Style{Border: border, Alignment: top, CustomNumFmt: &pct}); err != nil {
		return nil, err
	}
	for status, c := range statusColours {
		fill := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{c.fill}}
		font := &excelize.Font{Color: c.font}
		if st.completion[status], err = f.NewStyle(&excelize.Style{
			Border: border, Alignment: top, CustomNumFmt: &pct, Fill: fill, Font: font,
		}); err != nil {
			return nil, err
		}
		if st.legendFill[status], err = f.NewStyle(&excelize.Style{Border: border, Fill: fill, Font: font}); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// completionStyle is the style of a completion cell with status s.
func (st *progressStyles) completionStyle(s cnsbot.Status) int {
	if id, ok := st.completion[s]; ok {
		return id
	}
	return st.completion[""]
}

// number is the style for a figure: grouped thousands, decimals only when
// it has any.
func (st *progressStyles) number(v float64) int {
	if v == math.Trunc(v) {
		return st.integer
	}
	return st.decimal
}

// Rows of a progress sheet: the title, the header, then the indicators.
const (
	titleRow  = 1
	headerRow = 2
	firstRow  = 3
)

func writeProgressSheet(f *excelize.File, st *progressStyles, lang, name string, s ProgressSheet) error {
	headers := progressHeaders[lang]
	lastCol, _ := excelize.ColumnNumberToName(len(headers))

	title := s.Title
	if title == "" {
		title = s.Name
	}
	if err := f.SetCellStr(name, "A1", title); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A1", "A1", st.title); err != nil {
		return err
	}
	if err := f.SetRowHeight(name, titleRow, 22); err != nil {
		return err
	}

	nameWidth, noteWidth := columnFit(s.Rows, headers)
	widths := append([]float64(nil), progressWidths...)
	widths[1], widths[7] = nameWidth, noteWidth
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, wd); err != nil {
			return err
		}
	}

	for i, h := range headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, headerRow)
		if err := f.SetCellStr(name, cell, h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(name, "A2", lastCol+"2", st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(name, headerRow, 30); err != nil {
		return err
	}

	for i, r := range s.Rows {
		line := firstRow + i
		cells := []struct {
			value any // nil leaves the cell empty
			style int
		}{
			{i + 1, st.stt},
			{r.Code + " " + r.Name, st.wrap},
			{r.Unit, st.text},
			{optional(r.Plan, r.HasPlan), st.number(r.Plan)},
			{optional(r.Period, true), st.number(r.Period)},
			{optional(r.YearToDate, true), st.number(r.YearToDate)},
			{optional(s.Thresholds.DisplayPercent(r.Completion, 1), r.HasCompletion), st.completionStyle(r.Status)},
			{r.Note, st.wrap},
		}
		if r.Code == "" {
			cells[1].value = r.Name
		}
		for j, c := range cells {
			cell, _ := excelize.CoordinatesToCellName(j+1, line)
			switch v := c.value.(type) {
			case nil:
			case string:
				if v != "" {
					if err := f.SetCellStr(name, cell, v); err != nil {
						return err
					}
				}
			default:
				if err := f.SetCellValue(name, cell, v); err != nil {
					return err
				}
			}
			if err := f.SetCellStyle(name, cell, cell, c.style); err != nil {
				return err
			}
		}
		// Excel does not grow a row for wrapped text in a file it did not
		// lay out itself: give long names the lines they need.
		if lines := max(wrappedLines(cells[1].value.(string), nameWidth), wrappedLines(r.Note, noteWidth)); lines > 1 {
			if err := f.SetRowHeight(name, line, 15*float64(lines)+2); err != nil {
				return err
			}
		}
	}
	last := firstRow + len(s.Rows) - 1
	if len(s.Rows) > 0 {
		if err := writeLegend(f, st, lang, name, last+2); err != nil {
			return err
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{
		Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", firstRow), ActivePane: "bottomLeft",
	}); err != nil {
		return err
	}
	// Print on A4 landscape, one page wide, the header on every page.
	fitToPage := true
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fitToPage}); err != nil {
		return err
	}
	orientation, size, fitWide, fitTall := "landscape", 9, 1, 0
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{
		Orientation: &orientation, Size: &size, FitToWidth: &fitWide, FitToHeight: &fitTall,
	}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", Scope: name, RefersTo: fmt.Sprintf("'%s'!$%d:$%d", strings.ReplaceAll(name, "'", "''"), headerRow, headerRow),
	})
}

// writeLegend writes what the completion colours mean on row line.
func writeLegend(f *excelize.File, st *progressStyles, lang, name string, line int) error {
	l := progressLegend[lang]
	cells := []struct {
		col, text string
		style     int
	}{
		{"B", l.title, st.legendTitle},
		{"C", l.met, st.legendFill[cnsbot.StatusMet]},
		{"D", l.progress, st.legendFill[cnsbot.StatusInProgress]},
		{"E", l.behind, st.legendFill[cnsbot.StatusBehind]},
	}
	for _, c := range cells {
		cell := fmt.Sprintf("%s%d", c.col, line)
		if err := f.SetCellStr(name, cell, c.text); err != nil {
			return err
		}
		if err := f.SetCellStyle(name, cell, cell, c.style); err != nil {
			return err
		}
	}
	return nil
}

// optional is v when ok, else nil for an empty cell; NaN and infinities,
// which no spreadsheet stores as a number, are empty too.
func optional(v float64, ok bool) any {
	if !ok || math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return v
}

// columnFit returns the widths of the name and note columns: their longest
// text, bounded.
func columnFit(rows []ProgressRow, headers []string) (name, note float64) {
	nameLen, noteLen := utf8.RuneCountInString(headers[1]), utf8.RuneCountInString(headers[7])
	for _, r := range rows {
		n := utf8.RuneCountInString(norm.NFC.String(r.Name))
		if r.Code != "" {
			n += utf8.RuneCountInString(r.Code) + 1
		}
		nameLen = max(nameLen, n)
		noteLen = max(noteLen, utf8.RuneCountInString(norm.NFC.String(r.Note)))
	}
	// Widths count the digit 0 of the default font; text runs a little
	// narrower on average, plus a margin.
	name = math.Min(math.Max(float64(nameLen)*0.95+2, nameWidthMin), nameWidthMax)
	note = math.Min(math.Max(float64(noteLen)*0.95+2, noteWidthMin), noteWidthMax)
	return name, note
}

// wrappedLines estimates how many lines s takes in a column width wide.
func wrappedLines(s string, width float64) int {
	n := float64(utf8.RuneCountInString(norm.NFC.String(s)))
	if n == 0 {
		return 1
	}
	return int(math.Ceil(n * 0.95 / (width - 1)))
}

// sheetNames returns a valid, unique Excel sheet name for each sheet in
// order: Unicode NFC, the characters []:*?/\ replaced with "-", no leading
// or trailing apostrophe, at most 31 UTF-16 units, "Trang N" ("Sheet N" in
// English) for a blank name, and " (2)", " (3)"… added to names that are
// equal ignoring case, as Excel compares them.
func sheetNames(lang string, sheets []ProgressSheet) []string {
	lang = locales.Normalize(lang)
	names := make([]string, len(sheets))
	// Excel reserves "History" for its change tracking.
	taken := map[string]bool{"history": true}
	for i, s := range sheets {
		base := sanitizeSheetName(s.Name)
		if base == "" {
			base = fmt.Sprintf("%s %d", defaultSheetName[lang], i+1)
		}
		name := base
		for n := 2; taken[strings.ToLower(name)]; n++ {
			suffix := fmt.Sprintf(" (%d)", n)
			name = strings.TrimRight(truncateUTF16(base, maxSheetName-len(suffix)), " ") + suffix
		}
		taken[strings.ToLower(name)] = true
		names[i] = name
	}
	return names
}

// maxSheetName is Excel's limit on a sheet name, in UTF-16 units.
const maxSheetName = 31

// sanitizeSheetName makes s a valid sheet name, or "" when nothing is left.
func sanitizeSheetName(s string) string {
	s = norm.NFC.String(s)
	s = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			return '-'
		case r < ' ' || r == 0x7f:
			return ' '
		}
		return r
	}, s)
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(s, "' ")
	s = truncateUTF16(s, maxSheetName)
	return strings.Trim(s, "' ")
}

// truncateUTF16 cuts s to at most n UTF-16 units, at a character boundary.
func truncateUTF16(s string, n int) string {
	units := 0
	for i, r := range s {
		units += utf16.RuneLen(r)
		if units > n {
			return s[:i]
		}
	}
	return s
}

// WriteProgressCSV writes one sheet to w as CSV in lang ("vi" or "en"):
// UTF-8 with a byte order mark so that Excel shows the diacritics, the
// header row, then one row per indicator, in CSVLayoutFor(lang): "97,4"
// between semicolons for Vietnamese, "97.4" between commas for English.
// Empty plan and completion cells stay empty.
func WriteProgressCSV(w io.Writer, lang string, sheet ProgressSheet) error {
	lang = locales.Normalize(lang)
	layout := CSVLayoutFor(lang)
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("write progress csv: %w", err)
	}
	cw := layout.writer(w)
	if err := cw.Write(progressHeaders[lang]); err != nil {
		return fmt.Errorf("write progress csv: %w", err)
	}
	for i, r := range sheet.Rows {
		plan, completion := "", ""
		if r.HasPlan {
			plan = layout.Number(r.Plan, 6)
		}
		if r.HasCompletion {
			completion = layout.Number(sheet.Thresholds.DisplayPercent(r.Completion, 2), 3)
		}
		name := r.Name
		if r.Code != "" {
			name = r.Code + " " + r.Name
		}
		if err := cw.Write([]string{
			strconv.Itoa(i + 1), name, r.Unit, plan,
			layout.Number(r.Period, 6), layout.Number(r.YearToDate, 6), completion, r.Note,
		}); err != nil {
			return fmt.Errorf("write progress csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write progress csv: %w", err)
	}
	return nil
}

// csvNumber formats v rounded half away from zero to at most places
// decimals, with a dot and no grouping: 1562, 97.4, 102.53.
func csvNumber(v float64, places int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	s := strconv.FormatFloat(cnsbot.RoundHalfUp(v, places), 'f', places, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return s
}
