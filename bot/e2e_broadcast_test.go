package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/internal/telegramtest"
	"cnsbot/schedule"
	"cnsbot/storage/sqlite"
)

// /thongbao: compose, choose the audience, preview, confirm; every
// recipient gets it once in their language and the sender a delivery report.
func TestBroadcast(t *testing.T) {
	inLangs(t, func(t *testing.T, lang string) {
		h := newDemoHarness(t, lang)
		ask := h.text(t, provinceTG, "/thongbao")
		if ask.Text != h.t(lang, "broadcast.ask_text") {
			t.Fatalf("ask=%q", ask.Text)
		}
		audience := h.text(t, provinceTG, "Họp giao ban <thứ Hai> lúc 8h")
		preview := h.press(t, provinceTG, audience, h.label(lang, "broadcast.audience_leaders"))
		// Leaders and admins registered in the demo: the province admin, the
		// province leader and the Bắc Hà leader.
		if !strings.Contains(preview.Text, "<b>3</b>") || !strings.Contains(preview.Text, "&lt;thứ Hai&gt;") {
			t.Fatalf("preview=%q", preview.Text)
		}
		h.press(t, provinceTG, preview, strings.Fields(h.label(lang, "broadcast.send_button"))[0])
		for _, tg := range []int64{demoAdminTG, bacHaTG} {
			tg := tg
			h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool {
				for _, m := range s.MessagesTo(tg) {
					if strings.Contains(m.Text, "Họp giao ban") {
						return true
					}
				}
				return false
			})
		}
		report := h.t(lang, "broadcast.report", "Title", "Họp giao ban <thứ Hai> lúc 8h", "Total", 3, "Sent", 3, "Failed", 0, "Blocked", 0)
		h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool {
			for _, m := range s.MessagesTo(provinceTG) {
				if m.Text == report {
					return true
				}
			}
			return false
		})
		// A second tap on the old Gửi sends nothing more.
		h.do(t, telegramtest.Callback(h.ids.Next(), provinceTG, provinceTG, int64(preview.MessageID), preview.CallbackData()[0]))
		if got := h.lastAnswer(); got != h.t(lang, "error.stale_button") {
			t.Fatalf("second tap answered %q", got)
		}
		got := 0
		for _, m := range h.tg.MessagesTo(bacHaTG) {
			if strings.Contains(m.Text, "Họp giao ban") {
				got++
			}
		}
		if got != 1 {
			t.Fatalf("Bắc Hà leader got the announcement %d times", got)
		}
		// Members don't broadcast.
		if got := h.text(t, demoMember, "/thongbao"); got.Text != h.t(lang, "error.forbidden") {
			t.Fatalf("member /thongbao=%q", got.Text)
		}
	})
}

// The scheduler's runner: silent teams get a reminder, leaders a digest,
// and a team silent past the deadline is escalated to its team lead on
// Monday and to the commune's leader on Tuesday.
func TestScheduleRunner(t *testing.T) {
	h := newDemoHarness(t, "vi")
	ctx := context.Background()
	for _, s := range schedule.DefaultSchedules() {
		if err := sqlite.NewScheduleService(h.db).UpsertSchedule(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	byName := func(name string) *cnsbot.Schedule {
		s, err := sqlite.NewScheduleService(h.db).FindScheduleByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// The persona team is silent this week unless it reported: make sure
	// its member is reachable and count what they get.
	now := h.now().In(h.router.Location)
	_, n, err := h.router.RunSchedule(ctx, byName("weekly_missing"), now, "")
	if err != nil || n == 0 {
		t.Fatalf("weekly_missing: %d recipients, %v", n, err)
	}
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool {
		return len(s.MessagesTo(demoMember)) == 1 && len(s.MessagesTo(demoLeadTG)) == 1
	})
	if _, n, err = h.router.RunSchedule(ctx, byName("weekly_digest"), now, ""); err != nil || n != 3 {
		t.Fatalf("weekly_digest: %d recipients, %v", n, err)
	}
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool {
		for _, m := range s.MessagesTo(bacHaTG) {
			if strings.Contains(m.Text, "Huyện Bắc Hà") && strings.Contains(m.Text, "📰") {
				return true
			}
		}
		return false
	})
	// Escalation: Monday names the silent team to its lead; other days nothing.
	monday := mondayOf(now).Add(9 * time.Hour)
	before := len(h.tg.MessagesTo(demoLeadTG))
	if _, n, err = h.router.RunSchedule(ctx, byName("escalation"), monday.AddDate(0, 0, 2), ""); err != nil || n != 0 {
		t.Fatalf("Wednesday escalation: %d recipients, %v", n, err)
	}
	if _, n, err = h.router.RunSchedule(ctx, byName("escalation"), monday, ""); err != nil {
		t.Fatal(err)
	}
	if n > 0 {
		h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.MessagesTo(demoLeadTG)) > before })
	}
}

func mondayOf(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// /lichnhac lists the schedules for admins, pauses and resumes them.
func TestLichnhac(t *testing.T) {
	h := newDemoHarness(t, "vi")
	ctx := context.Background()
	store := sqlite.NewScheduleService(h.db)
	for _, s := range schedule.DefaultSchedules() {
		if err := store.UpsertSchedule(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	list := h.text(t, demoAdminTG, "/lichnhac")
	if !strings.Contains(list.Text, "Thứ Sáu 16:00 — nhắc các tổ chưa báo cáo") || strings.Contains(list.Text, "weekly_missing") {
		t.Fatalf("/lichnhac=%q", list.Text)
	}
	paused := h.press(t, demoAdminTG, list, "Dừng số 4")
	if s, _ := store.FindScheduleByName(ctx, "weekly_missing"); !s.Paused || !strings.Contains(paused.Text, "tạm dừng") {
		t.Fatalf("not paused: %+v\n%s", s, paused.Text)
	}
	h.press(t, demoAdminTG, paused, "Chạy lại số 4")
	if s, _ := store.FindScheduleByName(ctx, "weekly_missing"); s.Paused {
		t.Fatal("not resumed")
	}
	if got := h.text(t, provinceTG, "/lichnhac"); got.Text != h.t("vi", "error.forbidden") {
		t.Fatalf("leader /lichnhac=%q", got.Text)
	}
}
