package bot_test

import (
	"context"
	"strings"
	"testing"

	"cnsbot"
	"cnsbot/internal/telegramtest"
)

// pressAs presses the button whose text contains label on msg, a message
// the bot sent to chat, as user — who need not be that chat's user.
func (h *harness) pressAs(tb testing.TB, chat, user int64, msg telegramtest.SentMessage, label string) {
	tb.Helper()
	for _, row := range msg.InlineButtons() {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				h.do(tb, telegramtest.Callback(h.ids.Next(), chat, user, int64(msg.MessageID), b.CallbackData))
				return
			}
		}
	}
	tb.Fatalf("no button %q on %q (%s)", label, msg.Text, msg.ReplyMarkup)
}

// activity counts what the bot sent and edited: a refused press changes
// neither.
func (h *harness) activity() (sent, edits int) {
	return len(h.tg.SentMessages()), len(h.tg.Edits())
}

// A button on a message sent to one user's private chat is refused when
// anyone else presses it, even someone whose role would allow the action,
// before any feature runs.
func TestCallbackFromAnotherUserRefused(t *testing.T) {
	inLangs(t, testCallbackFromAnotherUserRefused)
}

func testCallbackFromAnotherUserRefused(t *testing.T, lang string) {
	h := newHarness(t).withReporting(t, lang)
	ctx := context.Background()
	notYours := h.t(lang, "error.not_your_button")
	refused := func(t *testing.T, what string) {
		t.Helper()
		if got := h.lastAnswer(); got != notYours {
			t.Fatalf("%s answered %q, want %q", what, got, notYours)
		}
	}
	unchanged := func(t *testing.T, what string, sent, edits int) {
		t.Helper()
		if s, e := h.activity(); s != sent || e != edits {
			t.Fatalf("%s: %d messages and %d edits, want %d and %d\n%s", what, s, e, sent, edits, h.tg.Dump())
		}
	}

	// The receipt's undo button, pressed by the member's team lead.
	receipt := h.text(t, reporterTG, "/bc vneid 5")
	sent, edits := h.activity()
	h.pressAs(t, reporterTG, leadTG, receipt, h.label(lang, "report.undo_button"))
	refused(t, "undo by the lead")
	unchanged(t, "undo by the lead", sent, edits)
	if n := len(h.reportsOf(t, reporterTG)); n != 1 {
		t.Fatalf("%d reports after another user's undo, want 1", n)
	}

	// A guided report's button: the member's conversation stays as it was.
	pick := h.text(t, reporterTG, "/baocao")
	key := cnsbot.ConversationKey{ChatID: reporterTG, UserID: reporterTG}
	before, err := h.conv.GetConversation(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	sent, edits = h.activity()
	h.pressAs(t, reporterTG, leadTG, pick, "VNeID")
	refused(t, "pick by the lead")
	unchanged(t, "pick by the lead", sent, edits)
	after, err := h.conv.GetConversation(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if after.Version != before.Version || after.Step != before.Step {
		t.Fatalf("conversation %+v → %+v after another user's press", before, after)
	}
	// The member's own press still works.
	name := "VNeID installs"
	if lang == "vi" {
		name = "Hỗ trợ cài đặt, kích hoạt VNeID"
	}
	if ask := h.press(t, reporterTG, pick, "VNeID"); ask.Text != h.t(lang, "report.ask_value", "Indicator", name, "Unit", h.t(lang, "measure.nguoi")) {
		t.Fatalf("own press → %q", ask.Text)
	}
	h.text(t, reporterTG, "/huy")

	// /cuatoi's revoke button. The lead may revoke the member's reports
	// from the lead's own /cuatoi, but not through the member's message.
	list := h.text(t, reporterTG, "/cuatoi")
	sent, edits = h.activity()
	h.pressAs(t, reporterTG, leadTG, list, strings.Fields(h.label(lang, "mine.revoke_button"))[0])
	refused(t, "revoke by the lead")
	unchanged(t, "revoke by the lead", sent, edits)
	if n := len(h.reportsOf(t, reporterTG)); n != 1 {
		t.Fatalf("%d reports after another user's revoke, want 1", n)
	}

	// A join request's approval buttons, sent to one admin and pressed by
	// another admin of the same province.
	const otherAdminTG, joiner = 501, 1003
	h.addMember(t, "Trần Văn Bình", "0912000009", "10", cnsbot.RoleAdmin, otherAdminTG, lang)
	h.do(t, telegramtest.Contact(h.ids.Next(), joiner, joiner, joiner, "0987654321"))
	h.text(t, joiner, "Lò Văn Páo")
	units := h.text(t, joiner, "thon lang moi")
	h.do(t, telegramtest.Callback(h.ids.Next(), joiner, joiner, int64(units.MessageID), units.CallbackData()[0]))
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.MessagesTo(adminTG)) == 1 })
	notice := h.tg.MessagesTo(adminTG)[0]
	approve := notice.CallbackData()[0]
	if !strings.HasPrefix(approve, "join:ok:") {
		t.Fatalf("first button %q, want approve", approve)
	}
	joinerMsgs := len(h.tg.MessagesTo(joiner))
	sent, edits = h.activity()
	h.do(t, telegramtest.Callback(h.ids.Next(), adminTG, otherAdminTG, int64(notice.MessageID), approve))
	refused(t, "approval by another admin")
	unchanged(t, "approval by another admin", sent, edits)
	if _, err := h.members.FindMemberByPhone(ctx, "0987654321"); !cnsbot.IsNotFound(err) {
		t.Fatalf("find joiner after another admin's press: %v, want not found", err)
	}
	// The admin the request was sent to approves it: their own chat.
	h.do(t, telegramtest.Callback(h.ids.Next(), adminTG, adminTG, int64(notice.MessageID), approve))
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.MessagesTo(joiner)) == joinerMsgs+1 })
	m, err := h.members.FindMemberByPhone(ctx, "0987654321")
	if err != nil {
		t.Fatal(err)
	}
	if m.TelegramID != joiner || m.Status != cnsbot.StatusActive {
		t.Fatalf("joiner=%+v, want approved", m)
	}
}
