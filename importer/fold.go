package importer

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold returns the matching key of s: NFC, lower case, combining marks
// stripped, then đ→d (NFD does not decompose đ), with surrounding space
// trimmed and inner runs of space collapsed.
//
// TODO: swap for textvi.Fold once the shared textvi package lands; this is a
// local copy so that the importer does not wait for it.
func fold(s string) string {
	s = norm.NFD.String(norm.NFC.String(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ':
			r = 'd'
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// headerKey folds a header cell and also treats _ and - as spaces and drops
// the * and : that templates put after required names, so "Họ và tên (*)",
// "ho_va_ten" and "HỌ VÀ TÊN:" give the same key.
func headerKey(s string) string {
	s = strings.NewReplacer("_", " ", "-", " ", "*", "", ":", "", "(", "", ")", "").Replace(s)
	return fold(s)
}
