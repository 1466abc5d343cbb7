package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/unicode/norm"
)

// Formats that ImportReader reads.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// record is one row of a file.
type record struct {
	line    int      // the CSV line number or the XLSX row number, 1-based
	cells   []string // trimmed, NFC
	numeric []bool   // XLSX cells stored as numbers; nil for CSV
}

// table is a file's header and its non-blank data rows.
type table struct {
	header record
	rows   []record
}

// readTable reads a CSV or XLSX file into a table. The first non-blank row
// is the header.
func readTable(r io.Reader, format string) (*table, error) {
	var recs []record
	var err error
	switch format {
	case FormatCSV:
		recs, err = readCSV(r)
	case FormatXLSX:
		recs, err = readXLSX(r)
	default:
		return nil, invalid("import.unknown_format", "format", format,
			fmt.Errorf("unknown file format %q: use .csv or .xlsx", format))
	}
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, invalid("import.empty_file", "", nil, errors.New("the file is empty: it needs a header row"))
	}
	return &table{header: recs[0], rows: recs[1:]}, nil
}

// readCSV reads UTF-8 CSV, with or without a byte order mark, with the
// delimiter (comma, semicolon or tab) sniffed from the header line.
func readCSV(r io.Reader) ([]record, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read csv: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, invalid("import.not_utf8", "", nil,
			errors.New("the file is not UTF-8: save it as \"CSV UTF-8\""))
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma = sniffDelimiter(data)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	var recs []record
	for {
		fields, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &ImportError{Rows: []RowError{{Line: pe.StartLine, Reason: pe.Err.Error()}}}
		} else if err != nil {
			return nil, fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if rec, ok := newRecord(line, fields, nil); ok {
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

// sniffDelimiter picks the most frequent of comma, semicolon and tab outside
// quotes on the first line; Excel in locales with a decimal comma saves CSV
// with semicolons.
func sniffDelimiter(data []byte) rune {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		data = data[:i]
	}
	counts := map[rune]int{}
	quoted := false
	for _, c := range string(data) {
		switch c {
		case '"':
			quoted = !quoted
		case ',', ';', '\t':
			if !quoted {
				counts[c]++
			}
		}
	}
	best := ','
	for _, c := range []rune{';', '\t'} {
		if counts[c] > counts[best] {
			best = c
		}
	}
	return best
}

// readXLSX reads the first sheet of a workbook. Cells stored as numbers keep
// their raw value and are marked numeric, so that 1.234 in a number cell is
// not read as the Vietnamese 1.234 = 1234 and a date cell can be converted
// from its serial number.
func readXLSX(r io.Reader) ([]record, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, invalid("import.bad_xlsx", "", nil, fmt.Errorf("open xlsx: %w", err))
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil
	}
	sheet := sheets[0]
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("read sheet %q: %w", sheet, err)
	}
	var recs []record
	for i, cells := range rows {
		line := i + 1
		numeric := make([]bool, len(cells))
		for j, v := range cells {
			if strings.TrimSpace(v) == "" {
				continue
			}
			ref, err := excelize.CoordinatesToCellName(j+1, line)
			if err != nil {
				return nil, err
			}
			typ, err := f.GetCellType(sheet, ref)
			if err != nil {
				return nil, fmt.Errorf("read cell %s: %w", ref, err)
			}
			if typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber {
				_, perr := strconv.ParseFloat(strings.TrimSpace(v), 64)
				numeric[j] = perr == nil
			}
		}
		if rec, ok := newRecord(line, cells, numeric); ok {
			recs = append(recs, rec)
		}
	}
	return recs, nil
}

// newRecord trims and normalises the cells; ok is false for a blank row.
func newRecord(line int, cells []string, numeric []bool) (record, bool) {
	blank := true
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.TrimSpace(strings.ReplaceAll(norm.NFC.String(c), "\u00a0", " "))
		if out[i] != "" {
			blank = false
		}
	}
	return record{line: line, cells: out, numeric: numeric}, !blank
}
