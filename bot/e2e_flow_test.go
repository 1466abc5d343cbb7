package bot_test

import (
	"strings"
	"testing"
	"time"
)

// Issue 10 — flows a volunteer can finish (items 10, 11, 12, 16b).

// window is the open window of report dates the bot names in
// report.err_date_window: the last 7 days, today included.
func (h *harness) window() (from, to string) {
	today := h.now().In(h.router.Location)
	return today.AddDate(0, 0, -6).Format(time.DateOnly), today.Format(time.DateOnly)
}

// A date the member typed is used or refused with the window, never
// dropped: free text, the guided flow's date step and the quick form.
func TestReportTypedDateOutsideWindow(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newHarness(t).withReporting(t, lang)
		from, to := h.window()
		want := h.t(lang, "report.err_date_window", "From", from, "To", to)
		if got := h.text(t, reporterTG, "ngày 1/1/2020 hướng dẫn 5 người cài vneid"); got.Text != want {
			t.Fatalf("free text → %q, want %q", got.Text, want)
		}
		if got := h.text(t, reporterTG, "/bc vneid 15 01/01/2020"); got.Text != want {
			t.Fatalf("quick form → %q, want %q", got.Text, want)
		}
		pick := h.text(t, reporterTG, "/baocao")
		h.press(t, reporterTG, pick, "VNeID")
		more := h.text(t, reporterTG, "5")
		note := h.press(t, reporterTG, more, h.label(lang, "report.done_button"))
		h.press(t, reporterTG, note, h.t(lang, "report.skip_button"))
		if got := h.text(t, reporterTG, "1/1/2020"); got.Text != want {
			t.Fatalf("date step → %q, want %q", got.Text, want)
		}
		if n := len(h.reportsOf(t, reporterTG)); n != 0 {
			t.Fatalf("%d reports saved", n)
		}
		// A date inside the window is used.
		h.text(t, reporterTG, "/huy")
		three := h.now().In(h.router.Location).AddDate(0, 0, -3)
		got := h.text(t, reporterTG, "ngày "+three.Format("2/1/2006")+" hướng dẫn 5 người cài vneid")
		h.press(t, reporterTG, got, h.label(lang, "report.save_button"))
		if rs := h.reportsOf(t, reporterTG); len(rs) != 1 || rs[0].Date != three.Format(time.DateOnly) {
			t.Fatalf("reports=%+v, want one dated %s", rs, three.Format(time.DateOnly))
		}
	})
}

// The number step takes "15 người", "2 buổi", "15 nguoi"; it still refuses
// "abc" and two different numbers.
func TestReportValueWithUnit(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newHarness(t).withReporting(t, lang)
		name := map[string]string{"vi": "Hỗ trợ cài đặt, kích hoạt VNeID", "en": "VNeID installs"}[lang]
		for _, tt := range []struct {
			text string
			want float64 // 0: refused
		}{
			{"15 người", 15}, {"2 buổi", 2}, {"15 nguoi", 15}, {"1.250 người", 1250},
			{"abc", 0}, {"15 người 20", 0}, {"15 20", 0}, {"người", 0},
		} {
			t.Run(tt.text, func(t *testing.T) {
				pick := h.text(t, reporterTG, "/baocao")
				h.press(t, reporterTG, pick, "VNeID")
				got := h.text(t, reporterTG, tt.text)
				if tt.want == 0 {
					if want := h.t(lang, "report.err_not_number", "Indicator", name, "Text", tt.text); got.Text != want {
						t.Fatalf("%q → %q, want %q", tt.text, got.Text, want)
					}
					return
				}
				if want := h.t(lang, "report.item", "Indicator", name, "Value", tt.want, "Unit", "người"); !strings.Contains(got.Text, want) {
					t.Fatalf("%q → %q, want it to hold %q", tt.text, got.Text, want)
				}
			})
		}
	})
}

// A team lead's /cuatoi lists the team's reports with each one's member; a
// member's own list does not repeat their name.
func TestMineTeamLeadSeesAuthors(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newHarness(t).withReporting(t, lang)
		h.text(t, reporterTG, "/bc vneid 15")
		h.text(t, leadTG, "/bc dvc 2")
		list := h.text(t, leadTG, "/cuatoi")
		for _, line := range strings.Split(list.Text, "\n")[1:] {
			if !strings.Contains(line, "Lò Thị Mai") && !strings.Contains(line, "Giàng A Sử") {
				t.Fatalf("line %q names no member in %q", line, list.Text)
			}
		}
		if !strings.Contains(list.Text, "Lò Thị Mai") || !strings.Contains(list.Text, "Giàng A Sử") {
			t.Fatalf("team list=%q", list.Text)
		}
		if own := h.text(t, reporterTG, "/cuatoi"); strings.Contains(own.Text, "Lò Thị Mai") {
			t.Fatalf("own list=%q", own.Text)
		}
	})
}

// "Sửa" on a reviewed draft goes back to the items; "Xong" then returns to
// the review with the date and note kept, not through the note and date
// steps again.
func TestReportEditKeepsDate(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newHarness(t).withReporting(t, lang)
		review := h.text(t, reporterTG, "hôm qua hd 15 ng cai vneid")
		more := h.press(t, reporterTG, review, h.label(lang, "report.edit_button"))
		again := h.press(t, reporterTG, more, h.label(lang, "report.done_button"))
		yesterday := h.now().In(h.router.Location).AddDate(0, 0, -1).Format(time.DateOnly)
		head := strings.Split(h.t(lang, "report.understood", "Date", yesterday, "Items", ""), "\n")
		if !strings.HasPrefix(again.Text, head[0]) || !strings.Contains(again.Text, head[1]) {
			t.Fatalf("after Sửa, Xong → %q, want the review dated %s", again.Text, yesterday)
		}
		h.press(t, reporterTG, again, h.label(lang, "report.save_button"))
		if rs := h.reportsOf(t, reporterTG); len(rs) != 1 || rs[0].Date != yesterday {
			t.Fatalf("reports=%+v", rs)
		}
	})
}
