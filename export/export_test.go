package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"cnsbot"
	"cnsbot/export"
)

// fakeDB serves reports, units, indicators, members and teams from memory.
// The embedded interfaces are nil: a method the export should not call
// panics.
type fakeDB struct {
	cnsbot.ReportService
	cnsbot.UnitService
	cnsbot.IndicatorService
	cnsbot.MemberService
	cnsbot.TeamService

	reports   []*cnsbot.Report
	units     map[int64]*cnsbot.Unit
	inds      []*cnsbot.Indicator
	members   map[int64]*cnsbot.Member
	teams     map[int64]*cnsbot.Team
	pages     []cnsbot.ReportFilter // FindReports calls
	unitCalls int
	maxLimit  int
}

func notFound() error { return cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found") }

func (db *fakeDB) FindReports(_ context.Context, f cnsbot.ReportFilter) ([]*cnsbot.Report, int, error) {
	db.pages = append(db.pages, f)
	var sel []*cnsbot.Report
	for _, r := range db.reports {
		if (f.From == "" || r.Date >= f.From) && (f.To == "" || r.Date <= f.To) {
			sel = append(sel, r)
		}
	}
	total := len(sel)
	if f.Offset > len(sel) {
		f.Offset = len(sel)
	}
	sel = sel[f.Offset:]
	if f.Limit > 0 && f.Limit < len(sel) {
		sel = sel[:f.Limit]
	}
	return sel, total, nil
}

func (db *fakeDB) FindUnitByID(_ context.Context, id int64) (*cnsbot.Unit, error) {
	db.unitCalls++
	if u, ok := db.units[id]; ok {
		return u, nil
	}
	return nil, notFound()
}

func (db *fakeDB) FindIndicators(context.Context, cnsbot.IndicatorFilter) ([]*cnsbot.Indicator, error) {
	return db.inds, nil
}

func (db *fakeDB) FindMemberByID(_ context.Context, id int64) (*cnsbot.Member, error) {
	if m, ok := db.members[id]; ok {
		return m, nil
	}
	return nil, notFound()
}

func (db *fakeDB) FindTeamByID(_ context.Context, id int64) (*cnsbot.Team, error) {
	if t, ok := db.teams[id]; ok {
		return t, nil
	}
	return nil, notFound()
}

func (db *fakeDB) services() export.Services {
	return export.Services{Reports: db, Units: db, Indicators: db, Members: db, Teams: db}
}

// newFakeDB returns n reports over two units, alternating a count (VNEID,
// integer values) and a ratio (CT02, decimal values).
func newFakeDB(n int) *fakeDB {
	db := &fakeDB{
		units: map[int64]*cnsbot.Unit{
			1: {ID: 1, Code: "10", Name: "Lào Cai", FullName: "Tỉnh Lào Cai"},
			2: {ID: 2, Code: "T001", Name: "Thôn Nậm Chạc"},
		},
		inds: []*cnsbot.Indicator{
			{ID: 10, Code: "VNEID", NameVI: "Hỗ trợ kích hoạt VNeID", Unit: "người"},
			{ID: 11, Code: "CT02", NameVI: "Tỷ lệ sản phẩm OCOP được đưa lên sàn TMĐT", Unit: "%"},
		},
		members: map[int64]*cnsbot.Member{7: {ID: 7, FullName: "Lò Thị Mai"}},
		teams:   map[int64]*cnsbot.Team{3: {ID: 3, UnitID: 2, Name: "Tổ CNSCĐ thôn Nậm Chạc"}},
	}
	created := time.Date(2023, 7, 21, 2, 5, 0, 0, time.UTC) // 09:05 in Vietnam
	for i := 0; i < n; i++ {
		r := &cnsbot.Report{ID: int64(i + 1), Date: "2023-07-21", CreatedAt: created}
		if i%2 == 0 {
			r.MemberID, r.TeamID, r.UnitID, r.IndicatorID = 7, 3, 2, 10
			r.Value, r.Source, r.Note = float64(1562+i), cnsbot.SourceChat, "hộ ở xa"
		} else {
			r.UnitID, r.IndicatorID, r.Value, r.Source = 1, 11, 95.71, cnsbot.SourceImport
		}
		db.reports = append(db.reports, r)
	}
	return db
}

func TestExportReportsCSV(t *testing.T) {
	db := newFakeDB(1203)
	var buf bytes.Buffer
	n, err := export.ExportReports(context.Background(), db.services(), cnsbot.ReportFilter{}, &buf, export.FormatCSV, export.CSVLayoutVI)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n, 1203; got != want {
		t.Fatalf("n=%d, want %d", got, want)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Fatalf("no BOM: %q", buf.Bytes()[:10])
	}
	r := csv.NewReader(bytes.NewReader(buf.Bytes()[3:]))
	r.Comma = ';' // Excel set to Vietnamese
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := recs[0], export.Columns; !reflect.DeepEqual(got, want) {
		t.Fatalf("header=%q, want %q", got, want)
	}
	if got, want := len(recs), 1204; got != want {
		t.Fatalf("%d records, want %d", got, want)
	}
	want := []string{"21/07/2023", "T001", "Thôn Nậm Chạc", "Tổ CNSCĐ thôn Nậm Chạc", "Lò Thị Mai", "VNEID",
		"Hỗ trợ kích hoạt VNeID", "người", "1562", "hộ ở xa", "Trò chuyện", "21/07/2023 09:05"}
	if got := recs[1]; !reflect.DeepEqual(got, want) {
		t.Fatalf("row 1=%q, want %q", got, want)
	}
	if got, want := recs[2][8], "95,71"; got != want {
		t.Fatalf("value=%q, want %q", got, want)
	}
	var en bytes.Buffer
	if _, err := export.ExportReports(context.Background(), newFakeDB(3).services(), cnsbot.ReportFilter{}, &en, export.FormatCSV, export.CSVLayoutEN); err != nil {
		t.Fatal(err)
	}
	if recs, err := csv.NewReader(bytes.NewReader(en.Bytes()[3:])).ReadAll(); err != nil || recs[2][8] != "95.71" {
		t.Fatalf("English layout: %q, %v", recs, err)
	}
	if got, want := recs[2][2], "Tỉnh Lào Cai"; got != want {
		t.Fatalf("unit=%q, want %q", got, want)
	}
	// Paged: 500 + 500 + 203, never more than a page at a time.
	if got, want := len(db.pages), 3; got != want {
		t.Fatalf("%d FindReports calls, want %d", got, want)
	}
	for i, p := range db.pages {
		if p.Limit != export.PageSize || p.Offset != i*export.PageSize {
			t.Fatalf("page %d: Offset=%d Limit=%d", i, p.Offset, p.Limit)
		}
	}
	if db.unitCalls != 2 {
		t.Fatalf("FindUnitByID called %d times, want 2 (cached)", db.unitCalls)
	}
}

func TestExportReportsXLSX(t *testing.T) {
	db := newFakeDB(7)
	path := filepath.Join(t.TempDir(), "bao-cao.xlsx")
	n, err := export.ExportReportsFile(context.Background(), db.services(), cnsbot.ReportFilter{}, path, export.CSVLayoutVI)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n, 7; got != want {
		t.Fatalf("n=%d, want %d", got, want)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rows[0], export.Columns; !reflect.DeepEqual(got, want) {
		t.Fatalf("header=%q, want %q", got, want)
	}
	if got, want := len(rows), 8; got != want {
		t.Fatalf("%d rows, want %d", got, want)
	}
	for _, cell := range []string{"I2", "I3", "A2", "L2"} {
		typ, err := f.GetCellType(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
			t.Fatalf("%s has type %v, want a number", cell, typ)
		}
	}
	for cell, want := range map[string]string{
		"I2": "1562", "I3": "95.71", "A2": "45128", // 21/07/2023 as an Excel date serial
	} {
		got, err := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Fatalf("%s raw=%q, want %q", cell, got, want)
		}
	}
	for cell, want := range map[string]string{"A2": "21/07/2023", "L2": "21/07/2023 09:05", "I2": "1,562", "I3": "95.71"} {
		if got, _ := f.GetCellValue(sheet, cell); got != want {
			t.Fatalf("%s shows %q, want %q", cell, got, want)
		}
	}
	style, err := f.GetCellStyle(sheet, "A1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.GetStyle(style)
	if err != nil {
		t.Fatal(err)
	}
	if s.Font == nil || !s.Font.Bold {
		t.Fatal("header is not bold")
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 {
		t.Fatalf("panes=%+v, want the header row frozen", panes)
	}
	if w, _ := f.GetColWidth(sheet, "G"); w < 30 {
		t.Fatalf("column G width %v, want a wide indicator column", w)
	}
	// Excel repairs a sheet whose <col> elements are out of order.
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	rc, err := zr.Open("xl/worksheets/sheet1.xml")
	if err != nil {
		t.Fatal(err)
	}
	xml, _ := io.ReadAll(rc)
	if a, b := bytes.Index(xml, []byte(`<col min="1" `)), bytes.Index(xml, []byte(`<col min="12" `)); a < 0 || b < a {
		t.Fatalf("<col> elements out of order: %d, %d", a, b)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("files left behind: %v", entries)
	}
}

func TestExportReportsLimit(t *testing.T) {
	db := newFakeDB(1203)
	var buf bytes.Buffer
	n, err := export.ExportReports(context.Background(), db.services(),
		cnsbot.ReportFilter{Offset: 100, Limit: 600}, &buf, export.FormatXLSX, export.CSVLayoutVI)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n, 600; got != want {
		t.Fatalf("n=%d, want %d", got, want)
	}
	var got []string
	for _, p := range db.pages {
		got = append(got, fmt.Sprintf("%d+%d", p.Offset, p.Limit))
	}
	if want := []string{"100+500", "600+100"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("pages=%v, want %v", got, want)
	}
}

func TestExportReportsEmpty(t *testing.T) {
	for _, format := range []string{export.FormatCSV, export.FormatXLSX} {
		t.Run(format, func(t *testing.T) {
			db := newFakeDB(0)
			var buf bytes.Buffer
			n, err := export.ExportReports(context.Background(), db.services(), cnsbot.ReportFilter{}, &buf, format, export.CSVLayoutVI)
			if err != nil || n != 0 || buf.Len() == 0 {
				t.Fatalf("n=%d err=%v len=%d", n, err, buf.Len())
			}
		})
	}
}

func TestExportReportsErrFormat(t *testing.T) {
	db := newFakeDB(1)
	_, err := export.ExportReports(context.Background(), db.services(), cnsbot.ReportFilter{}, &bytes.Buffer{}, "ods", export.CSVLayoutVI)
	if got, want := cnsbot.ErrorCode(err), cnsbot.EINVALID; got != want {
		t.Fatalf("ErrorCode=%q, want %q", got, want)
	}
	if _, err := export.FormatOf("x.pdf"); !strings.Contains(fmt.Sprint(err), "unknown file type") {
		t.Fatalf("FormatOf: %v", err)
	}
}
