package importer

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"cnsbot"
)

// Kinds of import, as typed after `cnsbot import`.
const (
	KindUnits      = "units"
	KindMembers    = "members"
	KindIndicators = "indicators"
	KindTargets    = "targets"
	KindValues     = "values"
)

// Kinds lists the kinds of import in the order master data is usually
// loaded.
var Kinds = []string{KindUnits, KindMembers, KindIndicators, KindTargets, KindValues}

// Services are the domain services an Importer uses. Import writes; Units and
// Indicators resolve the codes a file refers to. The optional ones sharpen
// the checks: with Members a members import counts the phones it will update,
// and with Reports a values row that was already imported is reported on its
// line instead of failing the whole write with ECONFLICT.
type Services struct {
	Import     cnsbot.ImportService
	Units      cnsbot.UnitService
	Indicators cnsbot.IndicatorService
	Members    cnsbot.MemberService // optional
	Reports    cnsbot.ReportService // optional
}

// Importer reads import files, checks every row and writes a good file in one
// ImportService call.
type Importer struct {
	svc Services
}

// NewImporter returns an Importer over the services.
func NewImporter(svc Services) *Importer {
	return &Importer{svc: svc}
}

// Result summarises a successful import.
type Result struct {
	Kind string // units, members, ...
	Rows int    // data rows written
	// Updated counts the rows whose unit code, indicator code or phone was
	// already stored: ImportService updates those instead of adding them.
	// Targets replace their (indicator, unit, period) and are not counted.
	Updated int
}

// RowError is one bad row of a file. Line is the file's line number (the
// header is line 1) or, for XLSX, the row number.
type RowError struct {
	Line   int
	Column string // canonical column name ("phone"), "" for the whole row
	Value  string // the offending cell, "" when it is empty or irrelevant
	Reason string
}

// Error returns `line 17: phone "12ab": not a Vietnamese phone number`.
func (e RowError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d: ", e.Line)
	if e.Column != "" {
		b.WriteString(e.Column)
		if e.Value != "" {
			fmt.Fprintf(&b, " %q", e.Value)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// ImportError is returned when any row of a file is bad; nothing was
// written. Rows are in line order.
type ImportError struct {
	Rows []RowError
}

// Error lists the bad rows, one per line.
func (e *ImportError) Error() string {
	lines := make([]string, len(e.Rows))
	for i, r := range e.Rows {
		lines[i] = r.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns an EINVALID *cnsbot.Error (key import.bad_rows, arg count)
// so that cnsbot.ErrorCode classifies an ImportError as the user's mistake.
func (e *ImportError) Unwrap() error {
	return cnsbot.Errorf(cnsbot.EINVALID, "import.bad_rows", "count", len(e.Rows))
}

// Lines returns the line numbers of the bad rows, without repeats.
func (e *ImportError) Lines() []int {
	var out []int
	for i, r := range e.Rows {
		if i == 0 || r.Line != e.Rows[i-1].Line {
			out = append(out, r.Line)
		}
	}
	return out
}

// FormatOf returns the format of a file from its extension: FormatCSV or
// FormatXLSX.
func FormatOf(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv", ".txt":
		return FormatCSV, nil
	case ".xlsx", ".xlsm":
		return FormatXLSX, nil
	case ".xls":
		return "", invalid("import.unknown_format", "format", ext,
			fmt.Errorf("%s: old .xls workbooks are not read: save it as .xlsx or CSV UTF-8", path))
	default:
		return "", invalid("import.unknown_format", "format", ext,
			fmt.Errorf("%s: unknown file type %q: use .csv or .xlsx", path, ext))
	}
}

// Import reads the file at path (CSV or XLSX by its extension) as kind and
// writes it when every row is good. A bad file returns *ImportError.
func (im *Importer) Import(ctx context.Context, kind, path string) (*Result, error) {
	format, err := FormatOf(path)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open import file: %w", err)
	}
	defer f.Close()
	return im.ImportReader(ctx, kind, format, f)
}

// ImportReader is Import over a reader; format is FormatCSV or FormatXLSX.
func (im *Importer) ImportReader(ctx context.Context, kind, format string, r io.Reader) (*Result, error) {
	var parse parseFunc
	switch kind {
	case KindUnits:
		parse = im.units
	case KindMembers:
		parse = im.members
	case KindIndicators:
		parse = im.indicators
	case KindTargets:
		parse = im.targets
	case KindValues:
		parse = im.values
	default:
		return nil, invalid("import.unknown_kind", "kind", kind,
			fmt.Errorf("unknown import kind %q: use %s", kind, strings.Join(Kinds, ", ")))
	}
	t, err := readTable(r, format)
	if err != nil {
		return nil, err
	}
	b, err := newBatch(t, schemas[kind])
	if err != nil {
		return nil, err
	}
	n, write, err := parse(ctx, b)
	if err != nil {
		return nil, err
	}
	if err := b.err(); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, invalid("import.no_rows", "", nil, fmt.Errorf("import %s: the file has a header but no rows", kind))
	}
	if err := write(ctx); err != nil {
		return nil, fmt.Errorf("import %s: %w", kind, err)
	}
	return &Result{Kind: kind, Rows: n, Updated: b.updated}, nil
}

// invalid returns an EINVALID error for a problem with the file as a whole.
func invalid(key, arg string, val any, err error) error {
	e := &cnsbot.Error{Code: cnsbot.EINVALID, Key: key, Err: err}
	if arg != "" {
		e.Args = map[string]any{arg: val}
	}
	return e
}

// column is one column a kind of file may have.
type column struct {
	name     string   // canonical, as in PRODUCT.md
	required bool     // the header must have it
	aliases  []string // other header names, Vietnamese first
}

// batch holds a file being checked: its rows, where each column is, and the
// row errors found so far.
type batch struct {
	t       *table
	idx     map[string]int
	errs    []RowError
	updated int // rows that update a stored record
}

// newBatch maps the header to the schema's columns. Missing required columns
// and a column given twice are reported as one ImportError on line 1.
func newBatch(t *table, schema []column) (*batch, error) {
	keys := map[string]string{}
	for _, c := range schema {
		keys[headerKey(c.name)] = c.name
		for _, a := range c.aliases {
			keys[headerKey(a)] = c.name
		}
	}
	b := &batch{t: t, idx: map[string]int{}}
	var dup []string
	for i, h := range t.header.cells {
		name, ok := keys[headerKey(h)]
		if !ok {
			continue // extra columns (STT, notes) are ignored
		}
		if _, seen := b.idx[name]; seen {
			dup = append(dup, fmt.Sprintf("%s (%q)", name, h))
			continue
		}
		b.idx[name] = i
	}
	var missing []string
	for _, c := range schema {
		if _, ok := b.idx[c.name]; c.required && !ok {
			missing = append(missing, c.name)
		}
	}
	line := t.header.line
	var errs []RowError
	if len(missing) > 0 {
		errs = append(errs, RowError{Line: line, Reason: "missing columns: " + strings.Join(missing, ", ")})
	}
	if len(dup) > 0 {
		errs = append(errs, RowError{Line: line, Reason: "columns given twice: " + strings.Join(dup, ", ")})
	}
	if len(errs) > 0 {
		return nil, &ImportError{Rows: errs}
	}
	return b, nil
}

// has reports whether the file has the column.
func (b *batch) has(col string) bool {
	_, ok := b.idx[col]
	return ok
}

// cell returns the row's value of the column ("" when the file lacks it)
// and whether the XLSX cell is stored as a number.
func (b *batch) cell(rec record, col string) (string, bool) {
	i, ok := b.idx[col]
	if !ok || i >= len(rec.cells) {
		return "", false
	}
	return rec.cells[i], rec.numeric != nil && rec.numeric[i]
}

// text returns the row's value of the column.
func (b *batch) text(rec record, col string) string {
	s, _ := b.cell(rec, col)
	return s
}

// fail records a bad cell.
func (b *batch) fail(rec record, col, value, reason string) {
	b.errs = append(b.errs, RowError{Line: rec.line, Column: col, Value: value, Reason: reason})
}

// need returns the row's value of the column, recording an error when it is
// empty.
func (b *batch) need(rec record, col string) (string, bool) {
	s := b.text(rec, col)
	if s == "" {
		b.fail(rec, col, "", "required")
		return "", false
	}
	return s, true
}

// number reads a number cell; an empty cell gives nil without an error.
func (b *batch) number(rec record, col string) (*float64, bool) {
	s, numeric := b.cell(rec, col)
	if s == "" {
		return nil, true
	}
	var v float64
	var err error
	if numeric {
		v, err = strconv.ParseFloat(s, 64)
	} else {
		v, err = ParseNumber(s)
	}
	if err != nil {
		b.fail(rec, col, s, "not a number")
		return nil, false
	}
	return &v, true
}

// date reads a date cell as YYYY-MM-DD; an empty cell gives "" without an
// error. A number cell of an XLSX file is an Excel date serial.
func (b *batch) date(rec record, col string) (string, bool) {
	s, numeric := b.cell(rec, col)
	if s == "" {
		return "", true
	}
	if numeric {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 1 {
			if t, err := excelize.ExcelDateToTime(f, false); err == nil {
				return t.Format(time.DateOnly), true
			}
		}
	} else if d, ok := parseDate(s); ok {
		return d, true
	}
	b.fail(rec, col, s, "not a date (write 21/07/2026 or 2026-07-21)")
	return "", false
}

// err returns the row errors as an *ImportError, in line order, or nil.
func (b *batch) err() error {
	if len(b.errs) == 0 {
		return nil
	}
	sort.SliceStable(b.errs, func(i, j int) bool { return b.errs[i].Line < b.errs[j].Line })
	return &ImportError{Rows: b.errs}
}
