package importer

import (
	"strings"

	"cnsbot/textvi"
)

// fold is the one folding of the project: textvi.Fold.
func fold(s string) string { return textvi.Fold(s) }

// headerKey folds a header cell and also treats _ and - as spaces and drops
// the * and : that templates put after required names, so "Họ và tên (*)",
// "ho_va_ten" and "HỌ VÀ TÊN:" give the same key.
func headerKey(s string) string {
	s = strings.NewReplacer("_", " ", "-", " ", "*", "", ":", "", "(", "", ")", "").Replace(s)
	return fold(s)
}
