package textvi

import (
	"sync"
	"unicode"
	"unicode/utf8"
)

// TokenKind says what a Token is made of.
type TokenKind uint8

// The kinds of Token.
const (
	// Word is a run of letters (with any combining marks and zero-width
	// characters inside it).
	Word TokenKind = iota + 1
	// Digits is a run of ASCII digits.
	Digits
	// Punct is one punctuation character; every line break is "\n".
	Punct
)

// Token is one word, digit run or punctuation character of a text, with its
// byte span in that text.
type Token struct {
	Kind       TokenKind
	Start, End int // byte offsets: the token is text[Start:End]
	// Key is the matching key: for a Word the folded word (see Fold) with
	// the i/y spelling unified ("kĩ" and "kỹ" are both "ki"); for Digits the
	// digits; for Punct the character, "\n" for a line break and "-" for
	// any dash.
	Key string
	// Space reports whether white space, an emoji or another symbol comes
	// between this token and the one before it (or it starts the text).
	Space bool
}

// Tokens splits text into words, digit runs and punctuation. White space,
// emoji and other symbols separate tokens and are dropped; zero-width
// characters are ignored, so "vne\u200bid" is the one word "vneid". The
// tokens cover the text in order and do not overlap.
func Tokens(text string) []Token {
	toks := make([]Token, 0, len(text)/4+1)
	space := true
	i := 0
	for i < len(text) {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r >= '0' && r <= '9':
			j := i + 1
			for j < len(text) && text[j] >= '0' && text[j] <= '9' {
				j++
			}
			toks = append(toks, Token{Kind: Digits, Start: i, End: j, Key: text[i:j], Space: space})
			space = false
			i = j
			continue
		case isZeroWidth(r):
			// Invisible: neither a separator nor part of a token.
		case unicode.IsLetter(r):
			j := i + n
			ascii := r < utf8.RuneSelf
			for j < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j:])
				if !unicode.IsLetter(r2) && !unicode.In(r2, unicode.Mn, unicode.Mc) && !isZeroWidth(r2) {
					break
				}
				if r2 >= utf8.RuneSelf {
					ascii = false
				}
				j += n2
			}
			toks = append(toks, Token{Kind: Word, Start: i, End: j, Key: wordKey(text[i:j], ascii), Space: space})
			space = false
			i = j
			continue
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029':
			if len(toks) > 0 && toks[len(toks)-1].Key == "\n" && toks[len(toks)-1].End == i {
				// \r\n is one break.
				toks[len(toks)-1].End = i + n
			} else {
				toks = append(toks, Token{Kind: Punct, Start: i, End: i + n, Key: "\n", Space: space})
			}
			space = true
		case unicode.IsSpace(r):
			space = true
		case unicode.IsPunct(r) || r == '+' || r == '=' || r == '<' || r == '>' || r == '|' || r == '~':
			key := text[i : i+n]
			if unicode.Is(unicode.Pd, r) || r == '\u2212' {
				key = "-"
			}
			toks = append(toks, Token{Kind: Punct, Start: i, End: i + n, Key: key, Space: space})
			space = false
		default:
			// Emoji, symbols, stray combining marks, invalid bytes.
			space = true
		}
		i += n
	}
	return toks
}

// wordKey folds one word.
func wordKey(w string, ascii bool) string {
	if ascii {
		lower := true
		for i := 0; i < len(w); i++ {
			if c := w[i]; c >= 'A' && c <= 'Z' {
				lower = false
				break
			}
		}
		if !lower {
			b := []byte(w)
			for i, c := range b {
				if c >= 'A' && c <= 'Z' {
					b[i] = c + 'a' - 'A'
				}
			}
			w = string(b)
		}
		return unifyIY(w)
	}
	return unifyIY(foldWord(w))
}

// letterFold maps a precomposed Latin letter below U+1F00 to the ASCII letter
// Fold turns it into, or 0 when Fold does something else with it.
var letterFold = sync.OnceValue(func() *[0x1f00]byte {
	var t [0x1f00]byte
	for r := rune(0xc0); r < 0x1f00; r++ {
		if !unicode.IsLetter(r) {
			continue
		}
		if f := Fold(string(r)); len(f) == 1 && f[0] >= 'a' && f[0] <= 'z' {
			t[r] = f[0]
		}
	}
	return &t
})

// foldWord is Fold for one word, without the transform chain when every
// letter is a precomposed Latin letter (the usual Vietnamese word).
func foldWord(w string) string {
	fold := letterFold()
	b := make([]byte, 0, len(w))
	for _, r := range w {
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		case r < 0x1f00 && fold[r] != 0:
			b = append(b, fold[r])
		default:
			return Fold(w)
		}
	}
	return string(b)
}
