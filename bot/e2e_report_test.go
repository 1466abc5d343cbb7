package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/internal/telegramtest"
	"cnsbot/storage/sqlite"

	"github.com/go-telegram/bot/models"
)

// Telegram ids of the registered reporters seeded by withReporting.
const (
	reporterTG = 3001 // a member of Thôn Làng Mới's team
	leadTG     = 3000 // its team lead
)

// withReporting adds the activity indicators and two registered team
// members, and returns the harness.
func (h *harness) withReporting(tb testing.TB, lang string) *harness {
	tb.Helper()
	ctx := context.Background()
	max := 2000.0
	zero := 0.0
	inds := []*cnsbot.Indicator{
		{Code: "VNEID", NameVI: "Hỗ trợ cài đặt, kích hoạt VNeID", NameEN: "VNeID installs", Unit: "người", Aliases: []string{"vneid", "định danh", "định danh điện tử", "ddđt", "cài vneid"}},
		{Code: "DVC", NameVI: "Hướng dẫn dịch vụ công trực tuyến", NameEN: "Online public services", Unit: "người", Aliases: []string{"dvc", "dịch vụ công", "dvctt", "nộp hồ sơ trực tuyến"}},
		{Code: "TKTT", NameVI: "Mở tài khoản thanh toán", NameEN: "Payment accounts opened", Unit: "tài khoản", Aliases: []string{"tk", "tài khoản", "tk ngân hàng", "ví điện tử", "mở tài khoản"}},
		{Code: "HO", NameVI: "Hộ gia đình được hướng dẫn tại nhà", NameEN: "Households visited", Unit: "hộ", Aliases: []string{"hộ", "hộ gia đình", "tận nhà"}},
	}
	for i, ind := range inds {
		ind.Kind, ind.Aggregation, ind.Direction = cnsbot.KindActivity, cnsbot.AggSum, cnsbot.DirHigher
		ind.Min, ind.Max, ind.Position = &zero, &max, i+1
	}
	if err := sqlite.NewImportService(h.db).ImportIndicators(ctx, inds); err != nil {
		tb.Fatal(err)
	}
	for _, p := range []struct {
		name, phone string
		role        cnsbot.Role
		tg          int64
	}{
		{"Giàng A Sử", "0912000004", cnsbot.RoleTeamLead, leadTG},
		{"Lò Thị Mai", "0912111222", cnsbot.RoleMember, reporterTG},
	} {
		m := &cnsbot.Member{FullName: p.name, Phone: p.phone, UnitID: h.village.ID, Role: p.role}
		if err := h.members.CreateMember(ctx, m); err != nil {
			tb.Fatal(err)
		}
		tg, active := p.tg, cnsbot.StatusActive
		if _, err := h.members.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{TelegramID: &tg, Status: &active, Locale: &lang}); err != nil {
			tb.Fatal(err)
		}
	}
	return h
}

// indicators returns every indicator.
func (h *harness) indicators(tb testing.TB) []*cnsbot.Indicator {
	tb.Helper()
	inds, err := sqlite.NewIndicatorService(h.db).FindIndicators(context.Background(), cnsbot.IndicatorFilter{})
	if err != nil {
		tb.Fatal(err)
	}
	return inds
}

// reportsOf returns the reporter's live reports, newest first.
func (h *harness) reportsOf(tb testing.TB, tg int64) []*cnsbot.Report {
	tb.Helper()
	m, err := h.members.FindMemberByTelegramID(context.Background(), tg)
	if err != nil {
		tb.Fatal(err)
	}
	rs, _, err := h.reports.FindReports(context.Background(), cnsbot.ReportFilter{MemberID: m.ID})
	if err != nil {
		tb.Fatal(err)
	}
	return rs
}

// last returns the newest message or edit the bot made in chat.
func (h *harness) last(chat int64) telegramtest.SentMessage {
	var out telegramtest.SentMessage
	for _, m := range append(h.tg.MessagesTo(chat), h.tg.Edits()...) {
		if m.ChatID == chat && !m.At.Before(out.At) {
			out = m
		}
	}
	return out
}

// do pushes an update and waits until the bot has handled it.
func (h *harness) do(tb testing.TB, upd *models.Update) {
	tb.Helper()
	h.tg.Push(upd)
	h.waitHandled(tb, upd.ID)
}

func (h *harness) text(tb testing.TB, tg int64, text string) telegramtest.SentMessage {
	tb.Helper()
	h.do(tb, telegramtest.Message(h.ids.Next(), tg, tg, text))
	return h.last(tg)
}

func (h *harness) press(tb testing.TB, tg int64, msg telegramtest.SentMessage, label string) telegramtest.SentMessage {
	tb.Helper()
	for _, row := range msg.InlineButtons() {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				h.do(tb, telegramtest.Callback(h.ids.Next(), tg, tg, int64(msg.MessageID), b.CallbackData))
				return h.last(tg)
			}
		}
	}
	tb.Fatalf("no button %q on %q (%s)", label, msg.Text, msg.ReplyMarkup)
	return telegramtest.SentMessage{}
}

// lastAnswer is the text of the newest answerCallbackQuery.
func (h *harness) lastAnswer() string {
	rs := h.tg.RequestsFor("answerCallbackQuery")
	if len(rs) == 0 {
		return ""
	}
	return rs[len(rs)-1].Params["text"]
}

// inLangs runs a test once with members speaking Vietnamese and once English.
func inLangs(t *testing.T, test func(t *testing.T, lang string)) {
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) { test(t, lang) })
	}
}

// label is the word of a button's text that a test presses: the text
// without its leading emoji.
func (h *harness) label(lang, key string) string {
	f := strings.Fields(h.t(lang, key))
	if len(f) > 1 && !strings.ContainsAny(f[0], "abcdefghijklmnopqrstuvwxyzĐđ") {
		f = f[1:]
	}
	return strings.Join(f, " ")
}

func TestReportGuidedFlow(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t).withReporting(t, lang)
			tr := func(key string, args ...any) string { return h.t(lang, key, args...) }
			pick := h.text(t, reporterTG, "/baocao")
			if !strings.HasPrefix(pick.Text, strings.Split(tr("report.pick"), "\n")[0]) {
				t.Fatalf("pick=%q", pick.Text)
			}
			name := "VNeID installs"
			if lang == "vi" {
				name = "Hỗ trợ cài đặt, kích hoạt VNeID"
			}
			ask := h.press(t, reporterTG, pick, name)
			if want := tr("report.ask_value", "Indicator", name, "Unit", tr("measure.nguoi")); ask.Text != want {
				t.Fatalf("ask=%q, want %q", ask.Text, want)
			}
			// Each bad value is refused with its reason; nothing is saved.
			for text, key := range map[string]string{
				"-5": "report.err_negative", "1,5": "report.err_decimal", "2500": "report.err_max", "nhiều": "report.err_not_number",
			} {
				got := h.text(t, reporterTG, text)
				if prefix := strings.SplitN(tr(key, "Indicator", name, "Value", text, "Max", 2000, "Unit", "người", "Text", text), " ", 2)[0]; !strings.HasPrefix(got.Text, prefix) {
					t.Fatalf("%q → %q, want %s", text, got.Text, key)
				}
			}
			more := h.text(t, reporterTG, "15")
			if !strings.Contains(more.Text, "15") {
				t.Fatalf("more=%q", more.Text)
			}
			note := h.press(t, reporterTG, more, strings.TrimPrefix(tr("report.done_button"), "✅ "))
			if note.Text != tr("report.ask_note") {
				t.Fatalf("note=%q", note.Text)
			}
			date := h.text(t, reporterTG, "mất sóng ở bản")
			review := h.press(t, reporterTG, date, tr("report.yesterday_button"))
			yesterday := h.now().AddDate(0, 0, -1).In(h.router.Location).Format(time.DateOnly)
			if !strings.Contains(review.Text, "mất sóng ở bản") || !strings.Contains(review.Text, h.t(lang, "report.item", "Indicator", name, "Value", 15, "Unit", h.t(lang, "measure.nguoi"))) {
				t.Fatalf("review=%q", review.Text)
			}
			if len(h.reportsOf(t, reporterTG)) != 0 {
				t.Fatal("saved before Gửi")
			}
			saved := h.press(t, reporterTG, review, strings.Fields(tr("report.send_button"))[1])
			if !strings.Contains(saved.Text, strings.Fields(tr("report.undo_button"))[1]) && !strings.Contains(saved.ReplyMarkup, "bc:undo") {
				t.Fatalf("receipt=%q %s", saved.Text, saved.ReplyMarkup)
			}
			rs := h.reportsOf(t, reporterTG)
			if len(rs) != 1 || rs[0].Value != 15 || rs[0].Date != yesterday || rs[0].Note != "mất sóng ở bản" || rs[0].Source != cnsbot.SourceChat {
				t.Fatalf("reports=%+v", rs)
			}
			// A double tap on Gửi, and the same button from a second device.
			h.do(t, telegramtest.Callback(h.ids.Next(), reporterTG, reporterTG, int64(review.MessageID), review.CallbackData()[0]))
			if got := len(h.reportsOf(t, reporterTG)); got != 1 {
				t.Fatalf("%d reports after a second tap, want 1", got)
			}
			// It gets the receipt again: the same answer as a press handled
			// again after a crash.
			if got := h.lastAnswer(); got != tr("report.saved_notice") {
				t.Fatalf("second tap answered %q", got)
			}
		})
	}
}

// Back returns to the previous step; /huy leaves the flow at any step.
func TestReportBackAndCancel(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newHarness(t).withReporting(t, lang)
		pick := h.text(t, reporterTG, "/bc")
		ask := h.press(t, reporterTG, pick, "VNeID")
		back := h.press(t, reporterTG, ask, h.label(lang, "common.back_button"))
		if !strings.HasPrefix(back.Text, strings.Split(h.t(lang, "report.pick"), "\n")[0]) {
			t.Fatalf("back=%q", back.Text)
		}
		h.press(t, reporterTG, back, map[string]string{"vi": "dịch vụ công", "en": "Online public"}[lang])
		if got := h.text(t, reporterTG, "/huy"); got.Text != h.t(lang, "cancel.done") {
			t.Fatalf("cancel=%q", got.Text)
		}
		// The number typed now is not a value of the cancelled draft.
		if got := h.text(t, reporterTG, "15"); got.Text != h.t(lang, "report.not_understood") {
			t.Fatalf("after cancel=%q", got.Text)
		}
		if n := len(h.reportsOf(t, reporterTG)); n != 0 {
			t.Fatalf("%d reports saved", n)
		}
	})
}

func TestReportQuickForm(t *testing.T) {
	inLangs(t, testReportQuickForm)
}

func testReportQuickForm(t *testing.T, lang string) {
	h := newHarness(t).withReporting(t, lang)
	today := h.now().In(h.router.Location)
	for _, tt := range []struct {
		text string
		want map[string]float64
		date time.Time
	}{
		{"/bc vneid 15", map[string]float64{"VNEID": 15}, today},
		{"/bc VNEID 3 DVC 2", map[string]float64{"VNEID": 3, "DVC": 2}, today},
		{"/bc định danh 5 hôm qua", map[string]float64{"VNEID": 5}, today.AddDate(0, 0, -1)},
		{"/bc dinh danh 1.250 ", map[string]float64{"VNEID": 1250}, today},
		{"/bc vneid\u200b 4 😀", map[string]float64{"VNEID": 4}, today},
	} {
		t.Run(tt.text, func(t *testing.T) {
			var last int64
			for _, r := range h.reportsOf(t, reporterTG) {
				last = max(last, r.ID)
			}
			got := h.text(t, reporterTG, tt.text)
			if !strings.Contains(got.ReplyMarkup, "bc:undo") {
				t.Fatalf("receipt=%q %s", got.Text, got.ReplyMarkup)
			}
			codes := map[int64]string{}
			for _, ind := range h.indicators(t) {
				codes[ind.ID] = ind.Code
			}
			saved := map[string]float64{}
			for _, r := range h.reportsOf(t, reporterTG) {
				if r.ID <= last {
					continue
				}
				if r.Date != tt.date.Format(time.DateOnly) || r.Source != cnsbot.SourceQuick {
					t.Fatalf("report=%+v", r)
				}
				saved[codes[r.IndicatorID]] = r.Value
			}
			if fmt.Sprint(saved) != fmt.Sprint(tt.want) {
				t.Fatalf("saved %v, want %v", saved, tt.want)
			}
		})
	}
	saved := len(h.reportsOf(t, reporterTG))
	for _, text := range []string{"/bc vneid", "/bc xyz 3", "/bc vneid -2", "/bc vneid 1,5", "/bc vneid 9999", "/bc vneid 5 01/01/2020", "/bc 15"} {
		t.Run("Err"+text, func(t *testing.T) {
			got := h.text(t, reporterTG, text)
			if strings.Contains(got.ReplyMarkup, "bc:undo") || got.Text == h.t(lang, "error.internal") {
				t.Fatalf("%q → %q", text, got.Text)
			}
		})
	}
	if got := len(h.reportsOf(t, reporterTG)); got != saved {
		t.Fatalf("bad input saved %d reports", got-saved)
	}
}

// Undo works for 10 minutes, then says why it does not.
func TestReportUndo(t *testing.T) {
	inLangs(t, testReportUndo)
}

func testReportUndo(t *testing.T, lang string) {
	h := newHarness(t).withReporting(t, lang)
	first := h.text(t, reporterTG, "/bc vneid 15")
	h.press(t, reporterTG, first, h.label(lang, "report.undo_button"))
	if n := len(h.reportsOf(t, reporterTG)); n != 0 {
		t.Fatalf("%d reports after undo, want 0", n)
	}
	second := h.text(t, reporterTG, "/bc dvc 2")
	h.advance(11 * time.Minute)
	h.press(t, reporterTG, second, h.label(lang, "report.undo_button"))
	if got, want := h.lastAnswer(), h.t(lang, "report.undo_expired", "Minutes", 10); got != want {
		t.Fatalf("undo after 11 min answered %q, want %q", got, want)
	}
	if n := len(h.reportsOf(t, reporterTG)); n != 1 {
		t.Fatalf("%d reports, want the second kept", n)
	}
	// Someone else's undo button does nothing to this member's reports.
	h.do(t, telegramtest.Callback(h.ids.Next(), leadTG, leadTG, int64(second.MessageID), second.CallbackData()[0]))
	if n := len(h.reportsOf(t, reporterTG)); n != 1 {
		t.Fatalf("another user's press changed the reports")
	}
}

func TestReportFreeText(t *testing.T) {
	inLangs(t, testReportFreeText)
}

func testReportFreeText(t *testing.T, lang string) {
	h := newHarness(t).withReporting(t, lang)
	got := h.text(t, reporterTG, "hd 15 ho cai vneid, 3 tk ngan hang")
	if !strings.Contains(got.Text, "15") || !strings.Contains(got.Text, "3") || len(got.CallbackData()) != 3 {
		t.Fatalf("understood=%q %s", got.Text, got.ReplyMarkup)
	}
	if n := len(h.reportsOf(t, reporterTG)); n != 0 {
		t.Fatal("saved before Lưu")
	}
	if head := strings.Split(h.t(lang, "report.understood", "Date", "2026-01-01", "Items", ""), "\n")[0]; !strings.HasPrefix(got.Text, head) {
		t.Fatalf("understood=%q, want it in %s", got.Text, lang)
	}
	h.press(t, reporterTG, got, h.label(lang, "report.save_button"))
	rs := h.reportsOf(t, reporterTG)
	if len(rs) != 2 || rs[0].Source != cnsbot.SourceFreeText {
		t.Fatalf("reports=%+v", rs)
	}
	for _, text := range []string{"chào anh", "ok cảm ơn", strings.Repeat("không có gì ", 333)} {
		if got := h.text(t, reporterTG, text); got.Text != h.t(lang, "report.not_understood") {
			t.Fatalf("%.30q → %q", text, got.Text)
		}
	}
	if got := h.text(t, reporterTG, strings.Repeat("a", 5000)); got.Text != h.t(lang, "error.too_long", "Max", 4096) {
		t.Fatalf("5000 chars → %q", got.Text)
	}
}

// An idle draft expires and the member is told at their next message.
func TestReportDraftExpires(t *testing.T) {
	inLangs(t, testReportDraftExpires)
}

func testReportDraftExpires(t *testing.T, lang string) {
	h := newHarness(t).withReporting(t, lang)
	pick := h.text(t, reporterTG, "/baocao")
	h.press(t, reporterTG, pick, "VNeID")
	h.advance(31 * time.Minute)
	if got, want := h.text(t, reporterTG, "15").Text, h.t(lang, "draft.expired", "Minutes", 30); got != want {
		t.Fatalf("reply=%q, want %q", got, want)
	}
	if n := len(h.reportsOf(t, reporterTG)); n != 0 {
		t.Fatal("an expired draft saved a report")
	}
	// The buttons of the expired draft are stale now.
	h.do(t, telegramtest.Callback(h.ids.Next(), reporterTG, reporterTG, int64(pick.MessageID), pick.CallbackData()[0]))
	if got := h.lastAnswer(); got != h.t(lang, "error.stale_button") {
		t.Fatalf("stale press answered %q", got)
	}
}

// /cuatoi corrects (the old value kept in the audit trail) and revokes; a
// team lead does it for the team.
func TestMineCorrectAndRevoke(t *testing.T) {
	inLangs(t, testMineCorrectAndRevoke)
}

func testMineCorrectAndRevoke(t *testing.T, lang string) {
	h := newHarness(t).withReporting(t, lang)
	fix := strings.Fields(h.label(lang, "mine.fix_button"))[0]
	revoke := strings.Fields(h.label(lang, "mine.revoke_button"))[0]
	h.text(t, reporterTG, "/bc vneid 15")
	list := h.text(t, reporterTG, "/cuatoi")
	ask := h.press(t, reporterTG, list, fix)
	if !strings.Contains(ask.Text, "15") {
		t.Fatalf("ask=%q", ask.Text)
	}
	done := h.text(t, reporterTG, "12")
	if !strings.Contains(done.Text, "12") {
		t.Fatalf("corrected=%q", done.Text)
	}
	rs := h.reportsOf(t, reporterTG)
	if len(rs) != 1 || rs[0].Value != 12 {
		t.Fatalf("reports=%+v", rs)
	}
	changes, err := h.reports.FindReportChanges(context.Background(), rs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if last := changes[len(changes)-1]; last.Action != "correct" || *last.OldValue != 15 || *last.NewValue != 12 {
		t.Fatalf("audit=%+v", last)
	}
	// The team lead revokes the member's report.
	list = h.text(t, leadTG, "/cuatoi")
	confirm := h.press(t, leadTG, list, revoke)
	h.press(t, leadTG, confirm, h.label(lang, "mine.revoke_confirm_button"))
	if n := len(h.reportsOf(t, reporterTG)); n != 0 {
		t.Fatalf("%d reports after revoke", n)
	}
	// Past the edit window nothing can be changed.
	h.text(t, reporterTG, "/bc dvc 3")
	list = h.text(t, reporterTG, "/cuatoi")
	h.advance(8 * 24 * time.Hour)
	h.press(t, reporterTG, list, fix)
	if got := h.lastAnswer(); got != h.t(lang, "mine.err_window", "Days", 7) {
		t.Fatalf("late correction answered %q", got)
	}
}

func TestReportEvidence(t *testing.T) {
	inLangs(t, testReportEvidence)
}

func testReportEvidence(t *testing.T, lang string) {
	h := newHarness(t).withReporting(t, lang)
	got := h.send(t, reporterTG, 1, telegramtest.Photo(h.ids.Next(), reporterTG, reporterTG, "ảnh"))
	if got.Text != h.t(lang, "evidence.none") {
		t.Fatalf("no report: %q", got.Text)
	}
	h.text(t, reporterTG, "/bc vneid 15 dvc 2")
	h.do(t, telegramtest.Photo(h.ids.Next(), reporterTG, reporterTG, "ảnh lớp hướng dẫn vneid"))
	rs := h.reportsOf(t, reporterTG)
	var attached []string
	for _, r := range rs {
		if r.EvidenceFileID != "" {
			attached = append(attached, fmt.Sprint(r.IndicatorID))
		}
	}
	if len(attached) != 1 || !strings.Contains(h.last(reporterTG).Text, "📷") {
		t.Fatalf("attached=%v reply=%q", attached, h.last(reporterTG).Text)
	}
}

// A team lead reports on behalf of a member of the team; the audit trail
// names the lead as the author.
func TestReportOnBehalf(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t).withReporting(t, lang)
			tr := func(key string) string { return h.t(lang, key) }
			pick := h.text(t, leadTG, "/bc")
			h.press(t, leadTG, pick, "VNeID")
			more := h.text(t, leadTG, "5")
			note := h.press(t, leadTG, more, strings.TrimPrefix(tr("report.done_button"), "✅ "))
			date := h.press(t, leadTG, note, tr("report.skip_button"))
			review := h.press(t, leadTG, date, tr("report.today_button"))
			who := h.press(t, leadTG, review, strings.TrimPrefix(tr("report.for_button"), "👤 "))
			review = h.press(t, leadTG, who, "Lò Thị Mai")
			if !strings.Contains(review.Text, "Lò Thị Mai") {
				t.Fatalf("review=%q", review.Text)
			}
			h.press(t, leadTG, review, strings.Fields(tr("report.send_button"))[1])
			rs := h.reportsOf(t, reporterTG)
			if len(rs) != 1 || rs[0].Value != 5 {
				t.Fatalf("member's reports=%+v", rs)
			}
			lead, err := h.members.FindMemberByTelegramID(context.Background(), leadTG)
			if err != nil {
				t.Fatal(err)
			}
			changes, err := h.reports.FindReportChanges(context.Background(), rs[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if changes[0].Action != "create" || changes[0].ChangedBy != lead.ID {
				t.Fatalf("audit=%+v, want created by the lead %d", changes[0], lead.ID)
			}
			// A member sees no such button.
			pick = h.text(t, reporterTG, "/bc vneid 2")
			if strings.Contains(pick.ReplyMarkup, "bc:who") {
				t.Fatal("a member was offered to report for others")
			}
		})
	}
}

// my_chat_member keeps a member's reachability current: blocking the bot
// marks them blocked, unblocking active again — no reply either way.
func TestMyChatMemberBlocked(t *testing.T) {
	h := newHarness(t).withReporting(t, "vi")
	ctx := context.Background()
	status := func() cnsbot.MemberStatus {
		m, err := h.members.FindMemberByTelegramID(ctx, reporterTG)
		if err != nil {
			t.Fatal(err)
		}
		return m.Status
	}
	h.do(t, telegramtest.MyChatMember(h.ids.Next(), reporterTG, reporterTG, models.ChatMemberTypeMember, models.ChatMemberTypeBanned))
	if got := status(); got != cnsbot.StatusBlocked {
		t.Fatalf("after blocking: %s", got)
	}
	h.do(t, telegramtest.MyChatMember(h.ids.Next(), reporterTG, reporterTG, models.ChatMemberTypeBanned, models.ChatMemberTypeMember))
	if got := status(); got != cnsbot.StatusActive {
		t.Fatalf("after unblocking: %s", got)
	}
	if n := len(h.tg.MessagesTo(reporterTG)); n != 0 {
		t.Fatalf("%d messages sent for my_chat_member", n)
	}
}
