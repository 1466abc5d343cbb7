package export

import (
	"encoding/csv"
	"io"
	"strings"

	"cnsbot/locales"
)

// CSVLayout is how a CSV separates its fields and writes decimals, so that
// a spreadsheet program set to the reader's language opens it in columns
// with numbers that are numbers. Every CSV starts with a UTF-8 byte order
// mark either way: without it Excel reads the ANSI code page and garbles
// every Vietnamese letter.
type CSVLayout struct {
	Comma   rune // between fields
	Decimal byte // the decimal mark; numbers are never grouped
}

// Layouts of the two languages. Excel set to Vietnamese uses the comma as
// its decimal mark and so expects a semicolon between fields.
var (
	CSVLayoutVI = CSVLayout{Comma: ';', Decimal: ','}
	CSVLayoutEN = CSVLayout{Comma: ',', Decimal: '.'}
)

// CSVLayoutFor returns the layout for lang: English for "en", Vietnamese
// for anything else.
func CSVLayoutFor(lang string) CSVLayout {
	if locales.Normalize(lang) == "en" {
		return CSVLayoutEN
	}
	return CSVLayoutVI
}

// writer returns a csv.Writer over w with the layout's separator.
func (l CSVLayout) writer(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.Comma = l.Comma
	return cw
}

// Number formats v rounded half away from zero to at most places decimals
// with the layout's decimal mark and no grouping: 1562, 97,4 or 97.4. With a
// decimal comma, exactly three decimals get a trailing zero (0,1250): "0,125"
// reads as a thousands group to textvi.ParseNumber and to people.
func (l CSVLayout) Number(v float64, places int) string {
	s := csvNumber(v, places)
	if l.Decimal == '.' {
		return s
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		if len(s)-i-1 == 3 {
			s += "0"
		}
		s = s[:i] + string(l.Decimal) + s[i+1:]
	}
	return s
}
