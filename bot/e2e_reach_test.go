package bot_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/internal/telegramtest"
	"cnsbot/schedule"
	"cnsbot/storage/sqlite"
)

// Issue 10 — reach (items 13, 14, 16a): a reminder or a broadcast says how
// many it reaches and how many it cannot before anything is queued; a join
// request nobody can approve says so.

// noBatch fails when anything was queued in the outbox.
func (h *harness) noBatch(tb testing.TB) {
	tb.Helper()
	if b, err := sqlite.NewOutboxService(h.db).FindBatch(context.Background(), 1); !cnsbot.IsNotFound(err) {
		tb.Fatalf("a batch was queued: %+v %v", b, err)
	}
}

// The remind button first shows whom the reminder reaches and whom not,
// with a confirm button; only the confirm queues it.
func TestRemindConfirmsReach(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		ctx := context.Background()
		h.text(t, demoMember, "/bc vneid 3")
		silent, err := h.silentMember(ctx, "085")
		if err != nil {
			t.Fatal(err)
		}
		list := h.text(t, bacHaTG, "/chuabaocao")
		remind := strings.Fields(h.t(lang, "missing.remind_button", "Count", 0))[1]
		confirm := h.press(t, bacHaTG, list, remind)
		h.noBatch(t)
		if !strings.Contains(confirm.ReplyMarkup, "rem:y") {
			t.Fatalf("no confirm button: %q %s", confirm.Text, confirm.ReplyMarkup)
		}
		// One member is registered; the rest of the roster of the silent
		// teams is counted as not registered.
		want := h.t(lang, "reach.unreachable", "Unregistered", h.silentRoster(t, "085")-1, "Blocked", 0)
		if !strings.Contains(confirm.Text, "<b>1</b>") || !strings.Contains(confirm.Text, want) {
			t.Fatalf("confirm=%q, want %q", confirm.Text, want)
		}
		h.press(t, bacHaTG, confirm, strings.Fields(h.t(lang, "missing.remind_confirm_button", "Count", 1))[1])
		h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.MessagesTo(silent)) == 1 })
		// The hour's protection still holds, on either button.
		h.press(t, bacHaTG, list, remind)
		if !strings.Contains(h.lastAnswer(), h.t(lang, "missing.already_reminded", "Time", "")[:8]) {
			t.Fatalf("second tap answered %q", h.lastAnswer())
		}
	})
}

// When no member of the silent teams is on Telegram, the button says so,
// offers nothing to send and points to the list.
func TestRemindNobodyReachable(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		// The personas' team reports; no member of a silent team is on Telegram.
		h.text(t, demoMember, "/bc vneid 3")
		list := h.text(t, bacHaTG, "/chuabaocao")
		got := h.press(t, bacHaTG, list, strings.Fields(h.t(lang, "missing.remind_button", "Count", 0))[1])
		h.noBatch(t)
		export := map[string]string{"vi": "/xuat", "en": "/export"}[lang]
		if strings.Contains(got.ReplyMarkup, "rem:") || !strings.Contains(got.Text, export) {
			t.Fatalf("nobody reachable: %q %s", got.Text, got.ReplyMarkup)
		}
	})
}

// The broadcast preview counts who is on the roster but cannot get it.
func TestBroadcastPreviewTellsUnreachable(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		h.text(t, provinceTG, "/thongbao")
		audience := h.text(t, provinceTG, "Họp giao ban")
		preview := h.press(t, provinceTG, audience, h.label(lang, "broadcast.audience_all"))
		_, all, err := h.members.FindMembers(context.Background(), cnsbot.MemberFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// Five demo personas are registered; everyone else is not.
		want := h.t(lang, "reach.unreachable", "Unregistered", all-5, "Blocked", 0)
		if !strings.Contains(preview.Text, want) {
			t.Fatalf("preview=%q, want %q", preview.Text, want)
		}
	})
}

// A join request under a unit with no admin and no leader anywhere up the
// tree is not claimed as sent.
func TestJoinRequestNobodyToApprove(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newHarness(t)
		ctx := context.Background()
		admin, err := h.members.FindMemberByTelegramID(ctx, adminTG)
		if err != nil {
			t.Fatal(err)
		}
		blocked := cnsbot.StatusBlocked
		if _, err := h.members.UpdateMember(ctx, admin.ID, cnsbot.MemberUpdate{Status: &blocked}); err != nil {
			t.Fatal(err)
		}
		const user = 1010
		in := telegramtest.WithLanguage(lang)
		h.do(t, telegramtest.Contact(h.ids.Next(), user, user, user, "0987654321", in))
		h.do(t, telegramtest.Message(h.ids.Next(), user, user, "Lò Văn Páo", in))
		h.do(t, telegramtest.Message(h.ids.Next(), user, user, "thon lang moi", in))
		choices := h.last(user)
		h.do(t, telegramtest.Callback(h.ids.Next(), user, user, int64(choices.MessageID), choices.CallbackData()[0], in))
		edits := h.tg.Edits()
		want := h.t(lang, "start.request_nobody", "Unit", "Thôn Làng Mới, Xã Bản Phố, Huyện Bắc Hà")
		if len(edits) == 0 || edits[len(edits)-1].Text != want {
			t.Fatalf("edits=%+v, want %q", edits, want)
		}
		if n := len(h.tg.MessagesTo(adminTG)); n != 0 {
			t.Fatalf("the blocked admin got %d messages", n)
		}
	})
}

// A join request goes to the nearest unit up the tree that has an admin,
// not to every admin above it.
func TestJoinRequestNearestAdmin(t *testing.T) {
	h := newHarness(t)
	communeAdmin := h.addMember(t, "Quản trị xã", "0912000010", "02866", cnsbot.RoleAdmin, 4100, "vi")
	const user = 1011
	h.do(t, telegramtest.Contact(h.ids.Next(), user, user, user, "0987654321"))
	h.text(t, user, "Lò Văn Páo")
	choices := h.text(t, user, "thon lang moi")
	h.press(t, user, choices, "Thôn Làng Mới")
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.MessagesTo(communeAdmin.TelegramID)) == 1 })
	if n := len(h.tg.MessagesTo(adminTG)); n != 0 {
		t.Fatalf("the province admin got %d notices, want the commune's admin only", n)
	}
}

// /trangthai counts the time since the bot started on the bot's clock.
func TestStatusUptime(t *testing.T) {
	h := newHarness(t)
	h.text(t, adminTG, "/trangthai")
	h.advance(5 * time.Minute)
	got := h.text(t, adminTG, "/trangthai")
	if !strings.Contains(got.Text, "5m") {
		t.Fatalf("/trangthai after 5 minutes=%q", got.Text)
	}
}

// silentRoster counts the members on the roster of the teams under
// unitCode that have not reported this week.
func (h *harness) silentRoster(tb testing.TB, unitCode string) int {
	tb.Helper()
	ctx := context.Background()
	unit, err := h.units.FindUnitByCode(ctx, unitCode)
	if err != nil {
		tb.Fatal(err)
	}
	week := cnsbot.WeekPeriod(h.now().In(h.router.Location))
	acts, err := sqlite.NewFigureService(h.db).TeamActivity(ctx, unit.ID, week.From, week.To)
	if err != nil {
		tb.Fatal(err)
	}
	n := 0
	for _, a := range acts {
		if a.Reports == 0 {
			_, c, err := h.members.FindMembers(ctx, cnsbot.MemberFilter{TeamID: a.TeamID, Limit: 1})
			if err != nil {
				tb.Fatal(err)
			}
			n += c
		}
	}
	return n
}

// fakeScheduler records the schedules run now.
type fakeScheduler struct {
	mu  sync.Mutex
	ran []string
}

func (s *fakeScheduler) RunNow(_ context.Context, name, _ string) (*cnsbot.ScheduleRun, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ran = append(s.ran, name)
	return &cnsbot.ScheduleRun{Recipients: 7}, nil
}

func (s *fakeScheduler) Reload() {}

func (s *fakeScheduler) NextRuns(time.Time) map[string]time.Time { return nil }

func (s *fakeScheduler) runs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ran...)
}

// /lichnhac describes each schedule in words, and "run now" asks for a
// confirm naming the schedule before it runs.
func TestLichnhacHumanAndRunConfirm(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		sched := &fakeScheduler{}
		h := buildHarness(t, filepath.Join(t.TempDir(), "cnsbot.db"), true, harnessOptions{Scheduler: sched})
		h.setLocale(t, adminTG, lang)
		ctx := context.Background()
		store := sqlite.NewScheduleService(h.db)
		for _, s := range schedule.DefaultSchedules() {
			if err := store.UpsertSchedule(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		want := map[string][]string{
			"vi": {"Thứ Sáu 16:00 — nhắc các tổ chưa báo cáo", "Thứ Hai 08:00", "Ngày 13 hằng tháng, 16:00", "Hằng ngày 09:00"},
			"en": {"Friday 16:00 — remind the teams that have not reported", "Monday 08:00", "Day 13 of every month, 16:00", "Every day 09:00"},
		}[lang]
		list := h.text(t, adminTG, "/lichnhac")
		for _, w := range want {
			if !strings.Contains(list.Text, w) {
				t.Fatalf("/lichnhac lacks %q:\n%s", w, list.Text)
			}
		}
		if strings.Contains(list.Text, "weekly_missing") || strings.Contains(list.Text, "* * 5") {
			t.Fatalf("/lichnhac shows ids or cron:\n%s", list.Text)
		}
		run := h.t(lang, "lichnhac.run_button", "N", 4)
		confirm := h.press(t, adminTG, list, run)
		if n := len(sched.runs()); n != 0 {
			t.Fatalf("ran %d schedules before the confirm", n)
		}
		if !strings.Contains(confirm.Text, want[0]) {
			t.Fatalf("confirm does not name the schedule: %q", confirm.Text)
		}
		h.press(t, adminTG, confirm, h.label(lang, "lichnhac.run_confirm_button"))
		if got := sched.runs(); len(got) != 1 || got[0] != "weekly_missing" {
			t.Fatalf("ran %v, want [weekly_missing]", got)
		}
	})
}

// The join search finds villages through their commune, pages through long
// lists and offers a way out when the unit is not listed.
func TestJoinSearchPagesAndNotListed(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		const user = 1020
		in := telegramtest.WithLanguage(lang)
		say := func(text string) telegramtest.SentMessage {
			h.do(t, telegramtest.Message(h.ids.Next(), user, user, text, in))
			return h.last(user)
		}
		pressData := func(msg telegramtest.SentMessage, prefix string) telegramtest.SentMessage {
			for _, d := range msg.CallbackData() {
				if strings.HasPrefix(d, prefix) {
					h.do(t, telegramtest.Callback(h.ids.Next(), user, user, int64(msg.MessageID), d, in))
					return h.last(user)
				}
			}
			t.Fatalf("no %q button on %q (%s)", prefix, msg.Text, msg.ReplyMarkup)
			return telegramtest.SentMessage{}
		}
		h.do(t, telegramtest.Contact(h.ids.Next(), user, user, user, "0987654321", in))
		say("Lò Văn Páo")
		first := say("Bản Phố")
		if !strings.Contains(first.ReplyMarkup, "Xã Bản Phố") || !strings.Contains(first.ReplyMarkup, "join:pg:1:") {
			t.Fatalf("Bản Phố: %q %s", first.Text, first.ReplyMarkup)
		}
		next := pressData(first, "join:pg:1:")
		if next.ReplyMarkup == first.ReplyMarkup || !strings.Contains(next.ReplyMarkup, "join:pg:0:") {
			t.Fatalf("page 2: %q %s", next.Text, next.ReplyMarkup)
		}
		notListed := pressData(next, "join:none:")
		if notListed.Text != h.t(lang, "start.unit_not_listed") {
			t.Fatalf("not listed: %q", notListed.Text)
		}
		// They can type again.
		again := say("Làng Mới Bản Phố")
		units := again.InlineButtons()
		if len(units) == 0 || units[0][0].Text != "Thôn Làng Mới, Xã Bản Phố, Huyện Bắc Hà" {
			t.Fatalf("Làng Mới Bản Phố: %q %s", again.Text, again.ReplyMarkup)
		}
	})
}
