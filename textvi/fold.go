package textvi

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// foldChain turns NFC-or-not, any-case text into lower-case letters with no
// combining marks. Tone placement ("Hoà" against "Hòa") differs only in where
// the mark sits, so it disappears with the marks.
func newFoldChain() transform.Transformer {
	return transform.Chain(
		runes.Remove(runes.Predicate(isZeroWidth)),
		norm.NFC,
		runes.Map(unicode.ToLower),
		// Lower-casing can itself produce marks (İ → i + U+0307), so
		// decompose only after it.
		norm.NFD,
		runes.Remove(runes.In(unicode.Mn)),
		// NFD does not decompose đ: it is a letter of its own. Ð (U+00D0,
		// Icelandic eth) looks identical and comes from old VNI/TCVN fonts.
		runes.Map(mapD),
		norm.NFC,
	)
}

// A transform.Chain keeps state between calls, so each goroutine takes its own.
var foldPool = sync.Pool{New: func() any { return newFoldChain() }}

func isZeroWidth(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return false
}

func mapD(r rune) rune {
	switch r {
	case 'đ', 'ð':
		return 'd'
	}
	return r
}

// Fold returns the matching key of s: NFC, lower case, combining marks
// stripped, đ→d, zero-width characters (U+200B..U+200D, U+2060, U+FEFF)
// removed, surrounding white space trimmed and inner runs of white space
// collapsed to one ASCII space. Invalid UTF-8 becomes U+FFFD.
//
// Fold("  Đồng   Văn ") == "dong van"; Fold("Hoà") == Fold("Hòa") == "hoa".
// Fold is idempotent and safe for concurrent use.
func Fold(s string) string {
	if isFoldedASCII(s) {
		return s
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\ufffd")
	}
	t := foldPool.Get().(transform.Transformer)
	t.Reset()
	out, _, err := transform.String(t, s)
	foldPool.Put(t)
	if err != nil {
		// The chain only fails on malformed input, which was replaced above;
		// lower-case what we have rather than lose the text.
		out = strings.ToLower(s)
	}
	return strings.Join(strings.Fields(out), " ")
}

// isFoldedASCII reports whether s is already a folded key made of ASCII, the
// common case for text typed without diacritics.
func isFoldedASCII(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf, c >= 'A' && c <= 'Z':
			return false
		case c == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
		case c == '\t', c == '\n', c == '\v', c == '\f', c == '\r':
			return false
		default:
			prevSpace = false
		}
	}
	return !prevSpace || s == ""
}
