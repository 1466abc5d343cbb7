package textvi

import (
	"strings"
	"unicode"
)

// Contains reports whether needle occurs in haystack as whole words, after
// folding both: Contains("Thôn Bản Phố, xã Bắc Hà", "ban pho") is true,
// Contains("Phong Niên", "pho") is false. An empty needle matches nothing,
// so an empty query never lists every unit.
func Contains(haystack, needle string) bool {
	return MatchWords(Fold(haystack), Fold(needle))
}

// MatchWords reports whether the words of needle occur, consecutively and
// whole, among the words of haystack. Both must already be folded (see Fold).
// Words are runs of letters and digits; anything else separates them, so
// "tdp 5," matches "tdp 5". The two spellings of a syllable ending in y or i
// after a consonant ("ky"/"ki", "ly"/"li", "my"/"mi") count as the same word,
// since both are correct Vietnamese ("kỹ"/"kĩ"). An empty needle matches
// nothing.
func MatchWords(haystack, needle string) bool {
	nw := words(needle)
	if len(nw) == 0 {
		return false
	}
	hw := words(haystack)
	for i := 0; i+len(nw) <= len(hw); i++ {
		ok := true
		for j, w := range nw {
			if hw[i+j] != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// words splits a folded string into words with the i/y spelling unified.
func words(s string) []string {
	ws := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
	for i, w := range ws {
		ws[i] = unifyIY(w)
	}
	return ws
}

// iyOnsets are the initial consonants after which a lone final y may also be
// written i. "qu" is not among them: "quy" and "qui" are different syllables.
var iyOnsets = map[string]bool{
	"b": true, "c": true, "ch": true, "d": true, "g": true, "gh": true,
	"h": true, "k": true, "kh": true, "l": true, "m": true, "n": true,
	"ng": true, "ngh": true, "nh": true, "p": true, "ph": true, "r": true,
	"s": true, "t": true, "th": true, "tr": true, "v": true, "x": true,
}

// unifyIY writes a consonant + y syllable with i: "ky" → "ki".
func unifyIY(w string) string {
	if n := len(w); n >= 2 && w[n-1] == 'y' && iyOnsets[w[:n-1]] {
		return w[:n-1] + "i"
	}
	return w
}

// unitTypes are the words that name a unit's level, multi-word ones before
// any shorter word they start with.
var unitTypes = []string{
	"to dan pho", "thi tran", "thi xa", "thanh pho",
	"huyen", "xa", "phuong", "tp", "thon", "ban", "tdp", "tinh",
}

// StripUnitType removes one leading word naming a unit's level ("xa",
// "phuong", "thi tran", "thanh pho", "tp", "thon", "ban", "to dan pho",
// "tdp", "huyen", "thi xa", "tinh") from a folded name: "xa bac ha" →
// "bac ha", "tp. lao cai" → "lao cai". A name that is nothing but a type
// word is returned unchanged. Callers matching a query should try the name
// both with and without its type word: "Bản" is a type word and also starts
// names such as "Bản Lầu".
func StripUnitType(folded string) string {
	s := strings.TrimSpace(folded)
	for _, t := range unitTypes {
		if !strings.HasPrefix(s, t) {
			continue
		}
		rest := s[len(t):]
		if rest == "" {
			return s
		}
		if c := rest[0]; c != ' ' && c != '.' && c != ':' && c != ',' && c != '-' {
			continue
		}
		rest = strings.TrimLeft(rest, " .:,-")
		if rest == "" {
			return s
		}
		return rest
	}
	return s
}
