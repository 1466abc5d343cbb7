package chart

import (
	"testing"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"
)

// vietnameseLetters returns every letter of Vietnamese that a font must
// draw: the plain vowels and consonants with their own letters, and each
// vowel with each of the five tone marks, composed to one rune.
func vietnameseLetters(tb testing.TB) []rune {
	tb.Helper()
	const (
		special = "ĂÂĐÊÔƠƯăâđêôơư"
		plain   = "AEIOUYaeiouy"
		// grave (huyền), acute (sắc), hook above (hỏi), tilde (ngã), dot below (nặng)
		tones = "\u0300\u0301\u0309\u0303\u0323"
	)
	var letters []rune
	for _, base := range special + plain {
		letters = append(letters, base)
		if base == 'Đ' || base == 'đ' {
			continue // consonants carry no tone
		}
		for _, tone := range tones {
			composed := []rune(norm.NFC.String(string(base) + string(tone)))
			if len(composed) != 1 {
				tb.Fatalf("%q + U+%04X does not compose to one rune: %q", base, tone, composed)
			}
			letters = append(letters, composed[0])
		}
	}
	return letters
}

func TestVietnameseLetters(t *testing.T) {
	letters := vietnameseLetters(t)
	// 14 letters of their own, 12 of them vowels with five tones each; 12
	// plain vowels with five tones each.
	if got, want := len(letters), 14+12*5+12*6; got != want {
		t.Fatalf("%d letters, want %d", got, want)
	}
	for _, want := range "ẮẰẲẴẶẤẦẨẪẬẾỀỂỄỆỐỒỔỖỘỚỜỞỠỢỨỪỬỮỰắằẳẵặấầẩẫậếềểễệốồổỗộớờởỡợứừửữựÀÁẢÃẠỳýỷỹỵ" {
		found := false
		for _, r := range letters {
			found = found || r == want
		}
		if !found {
			t.Fatalf("%q missing from the letters", want)
		}
	}
}

// TestFontsHaveVietnamese checks that each embedded font has a glyph for
// every Vietnamese letter.
func TestFontsHaveVietnamese(t *testing.T) {
	letters := vietnameseLetters(t)
	for name, ttf := range map[string][]byte{"DejaVuSans.ttf": regularTTF, "DejaVuSans-Bold.ttf": boldTTF} {
		t.Run(name, func(t *testing.T) {
			f, err := sfnt.Parse(ttf)
			if err != nil {
				t.Fatal(err)
			}
			var buf sfnt.Buffer
			var missing []rune
			for _, r := range append(letters, '…', '%', '—') {
				i, err := f.GlyphIndex(&buf, r)
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					missing = append(missing, r)
				}
			}
			if len(missing) > 0 {
				t.Fatalf("no glyph for %d letters: %q", len(missing), string(missing))
			}
		})
	}
}
