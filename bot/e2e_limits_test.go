package bot_test

import (
	"strings"
	"testing"

	"cnsbot/handlers"
	"cnsbot/internal/telegramtest"
)

// Files too large for the bot to download and texts over the length limit
// are refused with a short notice; nothing is saved.
func TestOversizedInputsRefused(t *testing.T) {
	inLangs(t, testOversizedInputsRefused)
}

func testOversizedInputsRefused(t *testing.T, lang string) {
	h := newHarness(t).withReporting(t, lang)
	tooLarge := h.t(lang, "error.file_too_large", "Max", handlers.MaxFileSize>>20)
	h.text(t, reporterTG, "/bc vneid 5")
	evidence := func() int {
		n := 0
		for _, r := range h.reportsOf(t, reporterTG) {
			if r.EvidenceFileID != "" {
				n++
			}
		}
		return n
	}

	photo := telegramtest.Photo(h.ids.Next(), reporterTG, reporterTG, "ảnh vneid")
	photo.Message.Photo[len(photo.Message.Photo)-1].FileSize = handlers.MaxFileSize + 1
	h.do(t, photo)
	if got := h.last(reporterTG).Text; got != tooLarge {
		t.Fatalf("oversized photo → %q, want %q", got, tooLarge)
	}
	if n := evidence(); n != 0 {
		t.Fatalf("an oversized photo was attached to %d reports", n)
	}

	doc := telegramtest.Document(h.ids.Next(), reporterTG, reporterTG, "doc-big", "danh-sach.xlsx")
	doc.Message.Document.FileSize = 50 << 20
	h.do(t, doc)
	if got := h.last(reporterTG).Text; got != tooLarge {
		t.Fatalf("oversized document → %q, want %q", got, tooLarge)
	}

	// At the limit a photo is still evidence.
	photo = telegramtest.Photo(h.ids.Next(), reporterTG, reporterTG, "ảnh vneid")
	photo.Message.Photo[len(photo.Message.Photo)-1].FileSize = handlers.MaxFileSize
	h.do(t, photo)
	if got := h.last(reporterTG).Text; got == tooLarge || evidence() != 1 {
		t.Fatalf("photo at the limit → %q, %d attached", got, evidence())
	}

	// Texts over limits.max_text_length (4096 by default).
	want := h.t(lang, "error.too_long", "Max", 4096)
	for _, text := range []string{strings.Repeat("a", 4097), "/bc vneid 3 " + strings.Repeat("ă", 5000)} {
		if got := h.text(t, reporterTG, text).Text; got != want {
			t.Fatalf("%.20q… (%d runes) → %q, want %q", text, len([]rune(text)), got, want)
		}
	}
	if n := len(h.reportsOf(t, reporterTG)); n != 1 {
		t.Fatalf("%d reports, want only the first", n)
	}
}
