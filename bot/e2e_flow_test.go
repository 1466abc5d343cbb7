package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/internal/telegramtest"
	"cnsbot/storage/sqlite"
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
		// A day that does not exist is refused as a date, not dropped.
		if got, want := h.text(t, reporterTG, "ngày 31/2 hướng dẫn 5 người cài vneid"), h.t(lang, "report.err_date", "Text", "ngày 31/2"); got.Text != want {
			t.Fatalf("free text with 31/2 → %q, want %q", got.Text, want)
		}
		if got, want := h.text(t, reporterTG, "/bc vneid 15 31/02/2026"), h.t(lang, "report.err_date", "Text", "31/02/2026"); got.Text != want {
			t.Fatalf("quick form with 31/02/2026 → %q, want %q", got.Text, want)
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
				if want := h.t(lang, "report.item", "Indicator", name, "Value", tt.want, "Unit", h.t(lang, "measure.nguoi")); !strings.Contains(got.Text, want) {
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

// teamReports is how many reports (a "no activity" declaration counts as
// one) the reporters' team has this week, as reporting rates count them.
func (h *harness) teamReports(tb testing.TB) int {
	tb.Helper()
	week := cnsbot.WeekPeriod(h.now().In(h.router.Location))
	acts, err := sqlite.NewFigureService(h.db).TeamActivity(context.Background(), h.village.ID, week.From, week.To)
	if err != nil || len(acts) != 1 {
		tb.Fatalf("team activity=%+v, %v", acts, err)
	}
	return acts[0].Reports
}

// A team that did nothing says so, from /baocao's button or in free text;
// it then counts as reported in /chuabaocao and the reporting rate, and
// /tiendo gets no figure from it.
func TestReportNoActivity(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newHarness(t).withReporting(t, lang).withLeader(t, lang)
		before := h.text(t, leaderTG, "/chuabaocao")
		if !strings.Contains(before.Text, "Thôn Làng Mới") {
			t.Fatalf("/chuabaocao before=%q", before.Text)
		}
		progress := h.text(t, leaderTG, "/tiendo").Text

		pick := h.text(t, reporterTG, "/baocao")
		note := h.press(t, reporterTG, pick, h.label(lang, "report.none_button"))
		if note.Text != h.t(lang, "report.ask_note") {
			t.Fatalf("after the button=%q", note.Text)
		}
		date := h.text(t, reporterTG, "mưa lũ, đường sạt")
		review := h.press(t, reporterTG, date, h.t(lang, "report.today_button"))
		if !strings.Contains(review.Text, h.t(lang, "report.none_item")) || !strings.Contains(review.Text, "mưa lũ") {
			t.Fatalf("review=%q", review.Text)
		}
		if n := h.teamReports(t); n != 0 {
			t.Fatalf("%d reports before Gửi", n)
		}
		saved := h.press(t, reporterTG, review, strings.Fields(h.t(lang, "report.send_button"))[1])
		today := h.now().In(h.router.Location).Format(time.DateOnly)
		if want := h.t(lang, "report.none_saved", "Date", today, "Note", "mưa lũ, đường sạt"); saved.Text != want {
			t.Fatalf("receipt=%q, want %q", saved.Text, want)
		}
		// A second tap on Gửi saves nothing twice.
		h.do(t, telegramtest.Callback(h.ids.Next(), reporterTG, reporterTG, int64(review.MessageID), review.CallbackData()[0]))
		if n := h.teamReports(t); n != 1 {
			t.Fatalf("%d reports after a second tap, want 1", n)
		}
		after := h.text(t, leaderTG, "/chuabaocao")
		if strings.Contains(after.Text, "Thôn Làng Mới") || !strings.Contains(after.Text, h.t(lang, "missing.all_reported")) ||
			!strings.Contains(after.Text, "1/1") {
			t.Fatalf("/chuabaocao after=%q", after.Text)
		}
		if got := h.text(t, leaderTG, "/tiendo").Text; got != progress {
			t.Fatalf("/tiendo changed:\n%s\nwas\n%s", got, progress)
		}
		if rs := h.reportsOf(t, reporterTG); len(rs) != 0 {
			t.Fatalf("figures saved: %+v", rs)
		}

		// Free text, with or without marks, is read the same way.
		for _, text := range []string{"tuần này không có hoạt động", "hôm nay không làm được gì vì mưa", "tuan nay khong co hoat dong", "/bc khong co hoat dong"} {
			got := h.text(t, reporterTG, text)
			if !strings.Contains(got.Text, h.t(lang, "report.none_item")) {
				t.Fatalf("%q → %q", text, got.Text)
			}
			if n := h.teamReports(t); n != 1 {
				t.Fatalf("%q saved before Lưu", text)
			}
		}
		got := h.text(t, reporterTG, "tuần này không có hoạt động")
		h.press(t, reporterTG, got, h.label(lang, "report.save_button"))
		if n := h.teamReports(t); n != 2 {
			t.Fatalf("%d reports after Lưu, want 2", n)
		}
		if rs := h.reportsOf(t, reporterTG); len(rs) != 0 {
			t.Fatalf("figures saved: %+v", rs)
		}
	})
}
