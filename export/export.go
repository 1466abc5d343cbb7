package export

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"cnsbot"
)

// Formats that ExportReports writes.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// Columns are the header of a reports export, in order.
var Columns = []string{
	"Ngày", "Mã đơn vị", "Đơn vị", "Tổ", "Thành viên", "Mã chỉ tiêu",
	"Chỉ tiêu", "ĐVT", "Giá trị", "Ghi chú", "Nguồn", "Tạo lúc",
}

// columnWidths are the XLSX widths of Columns, in characters.
var columnWidths = []float64{12, 11, 28, 26, 24, 12, 44, 11, 13, 32, 13, 17}

// PageSize is how many reports are read from the database at a time.
const PageSize = 500

// cacheSize bounds each name cache; a cache that fills up starts over.
const cacheSize = 4096

// vietnam is Asia/Ho_Chi_Minh: UTC+7 all year, so a fixed zone needs no
// tzdata.
var vietnam = time.FixedZone("ICT", 7*60*60)

// sourceNames are the Vietnamese names of report sources.
var sourceNames = map[cnsbot.Source]string{
	cnsbot.SourceChat:     "Trò chuyện",
	cnsbot.SourceQuick:    "Lệnh nhanh",
	cnsbot.SourceFreeText: "Tin nhắn",
	cnsbot.SourceImport:   "Nhập tệp",
}

// Services are what an export reads. Reports, Units and Indicators are
// needed; without Members or Teams those columns stay empty.
type Services struct {
	Reports    cnsbot.ReportService
	Units      cnsbot.UnitService
	Indicators cnsbot.IndicatorService
	Members    cnsbot.MemberService
	Teams      cnsbot.TeamService
}

// FormatOf returns the export format for a file name: FormatCSV or
// FormatXLSX.
func FormatOf(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv":
		return FormatCSV, nil
	case ".xlsx":
		return FormatXLSX, nil
	default:
		return "", &cnsbot.Error{
			Code: cnsbot.EINVALID, Key: "export.unknown_format", Args: map[string]any{"format": ext},
			Err: fmt.Errorf("%s: unknown file type %q: use .xlsx or .csv", path, ext),
		}
	}
}

// ExportReportsFile writes the reports that filter selects to path, in the
// format its extension names. The file appears only when the export is
// complete. A CSV is written in layout. It returns the number of reports
// written.
func ExportReportsFile(ctx context.Context, svc Services, filter cnsbot.ReportFilter, path string, layout CSVLayout) (int, error) {
	format, err := FormatOf(path)
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, fmt.Errorf("create export file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	n, err := ExportReports(ctx, svc, filter, tmp, format, layout)
	if err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("write export file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("write export file: %w", err)
	}
	return n, nil
}

// ExportReports writes the reports that filter selects to w as a table with
// Columns for its header, in format FormatCSV or FormatXLSX, and returns the
// number of reports written. filter.Offset and filter.Limit, when set, say
// where to start and how many to write at most; reports are read PageSize at
// a time. A CSV is written in layout (CSVLayoutVI: "95,71" between
// semicolons); the XLSX holds numbers and ignores it.
func ExportReports(ctx context.Context, svc Services, filter cnsbot.ReportFilter, w io.Writer, format string, layout CSVLayout) (int, error) {
	var tw tableWriter
	switch format {
	case FormatCSV:
		tw = newCSVWriter(w, layout)
	case FormatXLSX:
		x, err := newXLSXWriter(w)
		if err != nil {
			return 0, err
		}
		tw = x
	default:
		return 0, &cnsbot.Error{
			Code: cnsbot.EINVALID, Key: "export.unknown_format", Args: map[string]any{"format": format},
			Err: fmt.Errorf("unknown export format %q: use xlsx or csv", format),
		}
	}
	defer tw.abort()

	names, err := newNamer(ctx, svc)
	if err != nil {
		return 0, err
	}
	n, offset, limit := 0, filter.Offset, filter.Limit
	for limit <= 0 || n < limit {
		f := filter
		f.Offset, f.Limit = offset, PageSize
		if limit > 0 && limit-n < PageSize {
			f.Limit = limit - n
		}
		page, _, err := svc.Reports.FindReports(ctx, f)
		if err != nil {
			return n, fmt.Errorf("find reports: %w", err)
		}
		for _, r := range page {
			row, err := names.row(ctx, r)
			if err != nil {
				return n, err
			}
			if err := tw.write(row); err != nil {
				return n, fmt.Errorf("write report %d: %w", r.ID, err)
			}
			n++
		}
		if len(page) < f.Limit {
			break
		}
		offset += len(page)
	}
	if err := tw.close(); err != nil {
		return n, fmt.Errorf("write export: %w", err)
	}
	return n, nil
}

// row is one report with the names a reader needs.
type row struct {
	date      string    // YYYY-MM-DD
	day       time.Time // date at midnight UTC, zero when date does not parse
	unitCode  string
	unitName  string
	team      string
	member    string
	indCode   string
	indName   string
	measure   string // ĐVT
	value     float64
	note      string
	source    string
	createdAt time.Time // wall clock in Vietnam, as UTC; zero when unknown
}

// cells returns the row as text, as the CSV holds it: dates dd/mm/yyyy and
// numbers with the layout's decimal mark and no grouping, which read back
// the same through importer.ParseNumber.
func (r *row) cells(layout CSVLayout) []string {
	date := r.date
	if !r.day.IsZero() {
		date = r.day.Format("02/01/2006")
	}
	created := ""
	if !r.createdAt.IsZero() {
		created = r.createdAt.Format("02/01/2006 15:04")
	}
	return []string{
		date, r.unitCode, r.unitName, r.team, r.member, r.indCode, r.indName,
		r.measure, layout.Number(r.value, 6), r.note, r.source, created,
	}
}

// namer turns reports into rows, caching the names it looks up.
type namer struct {
	svc     Services
	inds    map[int64]*cnsbot.Indicator
	units   map[int64]*cnsbot.Unit
	teams   map[int64]string
	members map[int64]string
}

func newNamer(ctx context.Context, svc Services) (*namer, error) {
	all, err := svc.Indicators.FindIndicators(ctx, cnsbot.IndicatorFilter{})
	if err != nil {
		return nil, fmt.Errorf("find indicators: %w", err)
	}
	inds := make(map[int64]*cnsbot.Indicator, len(all))
	for _, ind := range all {
		inds[ind.ID] = ind
	}
	return &namer{
		svc: svc, inds: inds,
		units: map[int64]*cnsbot.Unit{}, teams: map[int64]string{}, members: map[int64]string{},
	}, nil
}

func (nm *namer) row(ctx context.Context, r *cnsbot.Report) (*row, error) {
	out := &row{date: r.Date, value: r.Value, note: r.Note, source: string(r.Source)}
	if d, err := time.Parse(time.DateOnly, r.Date); err == nil {
		out.day = d
	}
	if s, ok := sourceNames[r.Source]; ok {
		out.source = s
	}
	if r.RevokedAt != nil {
		out.note = strings.TrimSpace("[Đã thu hồi] " + out.note)
	}
	if !r.CreatedAt.IsZero() {
		t := r.CreatedAt.In(vietnam)
		// Excel times have no zone: keep the Vietnamese wall clock.
		out.createdAt = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
	}
	if ind := nm.inds[r.IndicatorID]; ind != nil {
		out.indCode, out.indName, out.measure = ind.Code, ind.NameVI, ind.Unit
	}
	u, err := nm.unit(ctx, r.UnitID)
	if err != nil {
		return nil, err
	}
	if u != nil {
		out.unitCode, out.unitName = u.Code, u.DisplayName()
	}
	if out.team, err = nm.team(ctx, r.TeamID); err != nil {
		return nil, err
	}
	if out.member, err = nm.member(ctx, r.MemberID); err != nil {
		return nil, err
	}
	return out, nil
}

func (nm *namer) unit(ctx context.Context, id int64) (*cnsbot.Unit, error) {
	if id == 0 {
		return nil, nil
	}
	if u, ok := nm.units[id]; ok {
		return u, nil
	}
	u, err := nm.svc.Units.FindUnitByID(ctx, id)
	if cnsbot.IsNotFound(err) {
		u = nil
	} else if err != nil {
		return nil, fmt.Errorf("find unit %d: %w", id, err)
	}
	if len(nm.units) >= cacheSize {
		clear(nm.units)
	}
	nm.units[id] = u
	return u, nil
}

func (nm *namer) team(ctx context.Context, id int64) (string, error) {
	if id == 0 || nm.svc.Teams == nil {
		return "", nil
	}
	if name, ok := nm.teams[id]; ok {
		return name, nil
	}
	var name string
	t, err := nm.svc.Teams.FindTeamByID(ctx, id)
	if err == nil {
		name = t.Name
	} else if !cnsbot.IsNotFound(err) {
		return "", fmt.Errorf("find team %d: %w", id, err)
	}
	if len(nm.teams) >= cacheSize {
		clear(nm.teams)
	}
	nm.teams[id] = name
	return name, nil
}

func (nm *namer) member(ctx context.Context, id int64) (string, error) {
	if id == 0 || nm.svc.Members == nil {
		return "", nil
	}
	if name, ok := nm.members[id]; ok {
		return name, nil
	}
	var name string
	m, err := nm.svc.Members.FindMemberByID(ctx, id)
	if err == nil {
		name = m.FullName
	} else if !cnsbot.IsNotFound(err) {
		return "", fmt.Errorf("find member %d: %w", id, err)
	}
	if len(nm.members) >= cacheSize {
		clear(nm.members)
	}
	nm.members[id] = name
	return name, nil
}

// tableWriter writes the header when made, then rows.
type tableWriter interface {
	write(r *row) error
	close() error // finishes the file
	abort()       // frees resources; harmless after close
}

// csvWriter writes UTF-8 CSV with a byte order mark in a layout.
type csvWriter struct {
	w      *csv.Writer
	layout CSVLayout
	err    error
}

func newCSVWriter(w io.Writer, layout CSVLayout) *csvWriter {
	cw := &csvWriter{w: layout.writer(w), layout: layout}
	// Excel reads a CSV without the mark in the ANSI code page and garbles
	// every Vietnamese letter.
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		cw.err = err
		return cw
	}
	cw.err = cw.w.Write(Columns)
	return cw
}

func (cw *csvWriter) write(r *row) error {
	if cw.err != nil {
		return cw.err
	}
	return cw.w.Write(r.cells(cw.layout))
}

func (cw *csvWriter) close() error {
	if cw.err != nil {
		return cw.err
	}
	cw.w.Flush()
	return cw.w.Error()
}

func (cw *csvWriter) abort() {}

// xlsxWriter streams rows into one sheet.
type xlsxWriter struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	line   int
	styles struct{ integer, decimal, date, datetime int }
}

// sheetName is the name of the one sheet of an export.
const sheetName = "Báo cáo"

func newXLSXWriter(w io.Writer) (*xlsxWriter, error) {
	f := excelize.NewFile()
	xw := &xlsxWriter{out: w, f: f, line: 1}
	if err := xw.init(); err != nil {
		f.Close()
		return nil, fmt.Errorf("start xlsx: %w", err)
	}
	return xw, nil
}

func (xw *xlsxWriter) init() error {
	f := xw.f
	if err := f.SetSheetName(f.GetSheetName(0), sheetName); err != nil {
		return err
	}
	f.SetDocProps(&excelize.DocProperties{Title: "Báo cáo", Creator: "cnsbot", Language: "vi-VN"})
	header, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	if err != nil {
		return err
	}
	for _, s := range []struct {
		id  *int
		fmt string
	}{
		{&xw.styles.integer, "#,##0"},
		{&xw.styles.decimal, "#,##0.0#"},
		{&xw.styles.date, "dd/mm/yyyy"},
		{&xw.styles.datetime, "dd/mm/yyyy hh:mm"},
	} {
		if *s.id, err = f.NewStyle(&excelize.Style{CustomNumFmt: &s.fmt}); err != nil {
			return err
		}
	}
	if xw.sw, err = f.NewStreamWriter(sheetName); err != nil {
		return err
	}
	// Widths and panes must be set before the first row is streamed. Each
	// width lands before those set earlier, and Excel wants <col> elements
	// in ascending order: set them from the last column back.
	for i := len(columnWidths) - 1; i >= 0; i-- {
		if err := xw.sw.SetColWidth(i+1, i+1, columnWidths[i]); err != nil {
			return err
		}
	}
	if err := xw.sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
	}); err != nil {
		return err
	}
	cells := make([]any, len(Columns))
	for i, c := range Columns {
		cells[i] = excelize.Cell{StyleID: header, Value: c}
	}
	return xw.sw.SetRow("A1", cells, excelize.RowOpts{Height: 20})
}

func (xw *xlsxWriter) write(r *row) error {
	xw.line++
	var date any = r.date
	if !r.day.IsZero() {
		date = excelize.Cell{StyleID: xw.styles.date, Value: r.day}
	}
	valueStyle := xw.styles.integer
	if r.value != math.Trunc(r.value) {
		valueStyle = xw.styles.decimal
	}
	var created any
	if !r.createdAt.IsZero() {
		created = excelize.Cell{StyleID: xw.styles.datetime, Value: r.createdAt}
	}
	cells := []any{
		date, r.unitCode, r.unitName, r.team, r.member, r.indCode, r.indName, r.measure,
		excelize.Cell{StyleID: valueStyle, Value: r.value},
		r.note, r.source, created,
	}
	for i, c := range cells {
		if s, ok := c.(string); ok && s == "" {
			cells[i] = nil // no empty string cells
		}
	}
	return xw.sw.SetRow("A"+strconv.Itoa(xw.line), cells)
}

func (xw *xlsxWriter) close() error {
	if xw.line > 1 {
		// The filter buttons cover the header and every row.
		last, _ := excelize.CoordinatesToCellName(len(Columns), xw.line)
		if err := xw.f.AutoFilter(sheetName, "A1:"+last, nil); err != nil {
			return err
		}
	}
	if err := xw.sw.Flush(); err != nil {
		return err
	}
	_, err := xw.f.WriteTo(xw.out)
	return err
}

func (xw *xlsxWriter) abort() { xw.f.Close() }
