package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/bot"
	"cnsbot/handlers"
	"cnsbot/internal/telegramtest"
	"cnsbot/locales"
	"cnsbot/storage/memory"
	"cnsbot/storage/sqlite"

	"github.com/go-telegram/bot/models"
)

// Phones and ids of the seeded roster.
const (
	memberPhone = "0912345678"
	adminTG     = 500
	wait        = 10 * time.Second
)

// harness is the whole bot — real go-telegram/bot, pipeline, handlers,
// SQLite, conversation store — against the fake Bot API.
type harness struct {
	tg      *telegramtest.Server
	db      *sqlite.DB
	members *sqlite.MemberService
	units   *sqlite.UnitService
	reports *sqlite.ReportService
	catalog *locales.Catalog
	village *cnsbot.Unit
	ids     *telegramtest.IDs
	router  *handlers.Router
	conv    cnsbot.ConversationStore

	clockMu sync.Mutex
	offset  time.Duration // added to the real time: tests move the clock forward

	handledMu sync.Mutex
	handled   map[int64]bool
	took      []time.Duration // handling time of each update, in order of completion
	signal    chan struct{}
}

// onHandled records that the pipeline finished an update.
func (h *harness) onHandled(id int64, took time.Duration, _ error) {
	h.handledMu.Lock()
	h.handled[id] = true
	h.took = append(h.took, took)
	h.handledMu.Unlock()
	select {
	case h.signal <- struct{}{}:
	default:
	}
}

// waitHandled waits until the pipeline finished the update.
func (h *harness) waitHandled(tb testing.TB, id int64) {
	tb.Helper()
	deadline := time.After(wait)
	for {
		h.handledMu.Lock()
		done := h.handled[id]
		h.handledMu.Unlock()
		if done {
			return
		}
		select {
		case <-h.signal:
		case <-deadline:
			tb.Fatalf("update %d not handled within %v\n%s", id, wait, h.tg.Dump())
		}
	}
}

// now is the harness clock: real time plus the offset a test added.
func (h *harness) now() time.Time {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	return time.Now().Add(h.offset)
}

// advance moves the clock of the bot and of the database forward.
func (h *harness) advance(d time.Duration) {
	h.clockMu.Lock()
	defer h.clockMu.Unlock()
	h.offset += d
}

func newHarness(tb testing.TB, store ...cnsbot.ConversationStore) *harness {
	tb.Helper()
	return buildHarness(tb, filepath.Join(tb.TempDir(), "cnsbot.db"), true, harnessOptions{}, store...)
}

// harnessOptions add features to the bot under test, and their texts.
type harnessOptions struct {
	Features []handlers.Feature
	Texts    map[string]map[string]string // language → key → text
	// Scheduler runs schedules for /lichnhac; nil: none.
	Scheduler handlers.Scheduler
	// NoOutbox leaves queued batches unsent: no delivery report arrives
	// while a test compares what a chat saw.
	NoOutbox bool
}

// buildHarness runs the bot on the database at path, seeding it with the
// small tree unless the file already holds data.
func buildHarness(tb testing.TB, path string, seed bool, opts harnessOptions, store ...cnsbot.ConversationStore) *harness {
	tb.Helper()
	h := &harness{tg: telegramtest.NewServer(tb), ids: telegramtest.NewIDs(), handled: map[int64]bool{}, signal: make(chan struct{}, 1)}
	h.db = sqlite.NewDB(path)
	h.db.Now = h.now
	if err := h.db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { h.db.Close() })
	h.members, h.units = sqlite.NewMemberService(h.db), sqlite.NewUnitService(h.db)
	h.reports = sqlite.NewReportService(h.db)
	if seed {
		h.seed(tb)
	} else if h.village, _ = h.units.FindUnitByCode(context.Background(), "02866-01"); h.village == nil {
		tb.Fatal("the database has no village 02866-01")
	}
	var err error
	if h.catalog, err = locales.Load(); err != nil {
		tb.Fatal(err)
	}
	if opts.Texts != nil {
		if h.catalog, err = h.catalog.With(opts.Texts); err != nil {
			tb.Fatal(err)
		}
	}
	mem := memory.NewStore()
	mem.Now = h.now
	conv := cnsbot.ConversationStore(mem)
	if len(store) > 0 {
		conv = store[0]
	}
	h.conv = conv
	ctx, cancel := context.WithCancel(context.Background())
	b, err := bot.Connect(ctx, bot.Options{Token: telegramtest.Token, APIURL: h.tg.URL(), PollTimeout: 2 * time.Second, MaxActive: 64})
	if err != nil {
		tb.Fatal(err)
	}
	// The outbox sends mass messages through the same fake, unthrottled.
	outbox := &bot.Outbox{Store: sqlite.NewOutboxService(h.db), API: b.TG, Now: h.now,
		PerChatInterval: time.Millisecond, PollInterval: 20 * time.Millisecond}
	router := handlers.NewRouter(handlers.Deps{
		Services: handlers.Services{
			Members: h.members, Units: h.units, Teams: sqlite.NewTeamService(h.db),
			Joins: sqlite.NewJoinRequestService(h.db), Conversations: conv,
			Indicators: sqlite.NewIndicatorService(h.db), Reports: h.reports,
			Targets: sqlite.NewTargetService(h.db), Figures: sqlite.NewFigureService(h.db),
			Outbox: sqlite.NewOutboxService(h.db), Schedules: sqlite.NewScheduleService(h.db),
		},
		Catalog: h.catalog, Sender: b.TG, Now: h.now,
		Settings:     handlers.Settings{BotUsername: b.Username},
		OutboxNotify: outbox.Notify,
		Scheduler:    opts.Scheduler,
		Extra:        opts.Features,
	})
	outbox.OnBatchDone = router.DeliveryReport
	h.router = router
	intake := sqlite.NewUpdateLog(h.db)
	b.Attach(&bot.Pipeline{
		Handler: router.Handle, Updates: intake, Locks: conv,
		Catalog: h.catalog, DefaultLocale: "vi", Timeout: wait, OnHandled: h.onHandled,
	})
	b.Intake = intake
	done := make(chan struct{})
	go func() { defer close(done); b.RunPolling(ctx) }()
	outboxDone := make(chan struct{})
	go func() {
		defer close(outboxDone)
		if !opts.NoOutbox {
			outbox.Run(ctx)
		}
	}()
	tb.Cleanup(func() {
		cancel()
		<-done
		<-outboxDone
		dctx, dcancel := context.WithTimeout(context.Background(), wait)
		defer dcancel()
		b.Drain(dctx)
	})
	return h
}

// seed writes a province → district → commune → village tree, a member on
// the roster (not registered) and a registered province admin.
func (h *harness) seed(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	units := []*cnsbot.Unit{
		{Code: "10", Level: "province", Name: "Lào Cai", FullName: "Tỉnh Lào Cai"},
		{Code: "085", ParentCode: "10", Level: "district", Name: "Bắc Hà", FullName: "Huyện Bắc Hà"},
		{Code: "02866", ParentCode: "085", Level: "commune", Name: "Bản Phố", FullName: "Xã Bản Phố"},
		{Code: "02866-01", ParentCode: "02866", Level: "village", Name: "Làng Mới", FullName: "Thôn Làng Mới"},
	}
	imports := sqlite.NewImportService(h.db)
	if err := imports.ImportUnits(ctx, units); err != nil {
		tb.Fatal(err)
	}
	var err error
	if h.village, err = h.units.FindUnitByCode(ctx, "02866-01"); err != nil {
		tb.Fatal(err)
	}
	province, err := h.units.FindUnitByCode(ctx, "10")
	if err != nil {
		tb.Fatal(err)
	}
	if err := h.members.CreateMember(ctx, &cnsbot.Member{FullName: "Sùng Thị Mỷ", Phone: memberPhone, UnitID: h.village.ID, Role: cnsbot.RoleMember, Status: cnsbot.StatusPending}); err != nil {
		tb.Fatal(err)
	}
	admin := &cnsbot.Member{FullName: "Nguyễn Thị Thu Hà", Phone: "0912000001", UnitID: province.ID, Role: cnsbot.RoleAdmin, Status: cnsbot.StatusActive, TelegramID: adminTG}
	if err := h.members.CreateMember(ctx, admin); err != nil {
		tb.Fatal(err)
	}
	if admin.TelegramID == 0 || admin.Status != cnsbot.StatusActive {
		tg, active := int64(adminTG), cnsbot.StatusActive
		if _, err := h.members.UpdateMember(ctx, admin.ID, cnsbot.MemberUpdate{TelegramID: &tg, Status: &active}); err != nil {
			tb.Fatal(err)
		}
	}
}

func (h *harness) t(lang, key string, args ...any) string {
	m := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		m[args[i].(string)] = args[i+1]
	}
	return h.catalog.T(lang, key, m)
}

// send pushes an update and waits for the n-th message to chat.
func (h *harness) send(tb testing.TB, chat int64, n int, upd *models.Update) telegramtest.SentMessage {
	tb.Helper()
	h.tg.Push(upd)
	msgs := h.tg.WaitMessages(tb, chat, n, wait)
	return msgs[n-1]
}

func TestRegistrationByPhone(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			const user = 1001
			opt := telegramtest.WithLanguage(lang)
			welcome := h.send(t, user, 1, telegramtest.Command(h.ids.Next(), user, user, "/start", opt))
			if got, want := welcome.Text, h.t(lang, "start.welcome"); got != want {
				t.Fatalf("welcome=%q, want %q", got, want)
			}
			kb := welcome.KeyboardButtons()
			if len(kb) != 1 || len(kb[0]) != 1 || !strings.Contains(welcome.ReplyMarkup, `"request_contact":true`) {
				t.Fatalf("welcome keyboard=%s, want one request_contact button", welcome.ReplyMarkup)
			}
			// The phone as Telegram sends it, with the country code.
			reg := h.send(t, user, 2, telegramtest.Contact(h.ids.Next(), user, user, user, "+84912345678", opt))
			want := h.t(lang, "start.registered", "Name", "Sùng Thị Mỷ", "Role", h.t(lang, "role.member"),
				"Unit", "Thôn Làng Mới, Xã Bản Phố, Huyện Bắc Hà", "Team", "")
			if reg.Text != want {
				t.Fatalf("registered=%q, want %q", reg.Text, want)
			}
			m, err := h.members.FindMemberByPhone(context.Background(), memberPhone)
			if err != nil {
				t.Fatal(err)
			}
			if m.TelegramID != user || m.Status != cnsbot.StatusActive || m.Locale != lang {
				t.Fatalf("member=%+v, want telegram id %d, active, locale %s", m, user, lang)
			}
			help := h.send(t, user, 3, telegramtest.Command(h.ids.Next(), user, user, "/trogiup", opt))
			if !strings.Contains(help.Text, h.t(lang, "help.cmd_cancel")) {
				t.Fatalf("help=%q, want the cancel line", help.Text)
			}
			profile := h.send(t, user, 4, telegramtest.Command(h.ids.Next(), user, user, "/start", opt))
			if !strings.Contains(profile.Text, memberPhone) || !strings.Contains(profile.Text, "Sùng Thị Mỷ") {
				t.Fatalf("profile=%q", profile.Text)
			}
		})
	}
}

// Phones in all their usual forms find the same roster entry.
func TestRegistrationPhoneForms(t *testing.T) {
	for i, phone := range []string{"0912345678", "+84912345678", "84912345678", "0912 345 678"} {
		t.Run(phone, func(t *testing.T) {
			h := newHarness(t)
			user := int64(2000 + i)
			reg := h.send(t, user, 1, telegramtest.Contact(h.ids.Next(), user, user, user, phone))
			if !strings.Contains(reg.Text, "Sùng Thị Mỷ") {
				t.Fatalf("reply=%q, want registration", reg.Text)
			}
		})
	}
}

// A contact card of someone else registers nobody.
func TestRegistrationForgedContact(t *testing.T) {
	h := newHarness(t)
	const user, victim = 1002, 7777
	got := h.send(t, user, 1, telegramtest.Contact(h.ids.Next(), user, user, victim, memberPhone))
	if want := h.t("vi", "start.not_own_contact"); got.Text != want {
		t.Fatalf("reply=%q, want %q", got.Text, want)
	}
	m, err := h.members.FindMemberByPhone(context.Background(), memberPhone)
	if err != nil {
		t.Fatal(err)
	}
	if m.TelegramID != 0 || m.Status != cnsbot.StatusPending {
		t.Fatalf("member=%+v, want unregistered", m)
	}
	// A forwarded card without a Telegram account counts no more.
	got = h.send(t, user, 2, telegramtest.Contact(h.ids.Next(), user, user, 0, memberPhone))
	if want := h.t("vi", "start.not_own_contact"); got.Text != want {
		t.Fatalf("reply=%q, want %q", got.Text, want)
	}
}

// An unknown phone becomes a join request that an admin of the unit
// approves with a button.
func TestRegistrationUnknownPhone(t *testing.T) {
	h := newHarness(t)
	const user = 1003
	got := h.send(t, user, 1, telegramtest.Contact(h.ids.Next(), user, user, user, "0987654321"))
	if want := h.t("vi", "start.unknown_phone", "Phone", "0987654321"); got.Text != want {
		t.Fatalf("reply=%q, want %q", got.Text, want)
	}
	// Anything but the registration flow is refused meanwhile.
	got = h.send(t, user, 2, telegramtest.Message(h.ids.Next(), user, user, "Lò Văn Páo"))
	if want := h.t("vi", "start.ask_unit"); got.Text != want {
		t.Fatalf("reply=%q, want %q", got.Text, want)
	}
	got = h.send(t, user, 3, telegramtest.Message(h.ids.Next(), user, user, "thon lang moi"))
	buttons := got.CallbackData()
	if len(buttons) == 0 || !strings.Contains(got.ReplyMarkup, "Thôn Làng Mới") {
		t.Fatalf("unit choices=%q %s", got.Text, got.ReplyMarkup)
	}
	h.tg.Push(telegramtest.Callback(h.ids.Next(), user, user, int64(got.MessageID), buttons[0]))
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.MessagesTo(adminTG)) == 1 })
	notice := h.tg.MessagesTo(adminTG)[0]
	if !strings.Contains(notice.Text, "Lò Văn Páo") || !strings.Contains(notice.Text, "0987654321") {
		t.Fatalf("admin notice=%q", notice.Text)
	}
	// The person is told after the admins were: what they read is true.
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.Edits()) > 0 })
	edits := h.tg.Edits()
	if len(edits) == 0 || edits[len(edits)-1].Text != h.t("vi", "start.request_sent", "Unit", "Thôn Làng Mới, Xã Bản Phố, Huyện Bắc Hà") {
		t.Fatalf("edits=%+v, want request_sent", edits)
	}
	// A second press of the old unit button changes nothing.
	h.tg.Push(telegramtest.Callback(h.ids.Next(), user, user, int64(got.MessageID), buttons[0]))
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.RequestsFor("answerCallbackQuery")) >= 2 })

	approve := notice.CallbackData()[0]
	h.tg.Push(telegramtest.Callback(h.ids.Next(), adminTG, adminTG, int64(notice.MessageID), approve))
	welcome := h.tg.WaitMessages(t, user, 4, wait)[3]
	if want := h.t("vi", "join.approved_user", "Unit", "Thôn Làng Mới, Xã Bản Phố, Huyện Bắc Hà"); welcome.Text != want {
		t.Fatalf("user told %q, want %q", welcome.Text, want)
	}
	m, err := h.members.FindMemberByPhone(context.Background(), "0987654321")
	if err != nil {
		t.Fatal(err)
	}
	if m.TelegramID != user || m.Status != cnsbot.StatusActive || m.UnitID != h.village.ID {
		t.Fatalf("member=%+v", m)
	}
	// The same admin's second press finishes the answers as the first did
	// (it is what a press handled again after a crash looks like) and
	// decides nothing twice; another admin's is refused politely.
	h.do(t, telegramtest.Callback(h.ids.Next(), adminTG, adminTG, int64(notice.MessageID), approve))
	if got := h.lastAnswer(); got != "" {
		t.Fatalf("second approval answered %q", got)
	}
	if n := len(h.tg.MessagesTo(user)); n != 5 {
		t.Fatalf("user got %d messages, want the approval told again (5)", n)
	}
	other := h.addMember(t, "Quản trị xã", "0912000077", "02866", cnsbot.RoleAdmin, 501, "vi")
	h.do(t, telegramtest.Callback(h.ids.Next(), other.TelegramID, other.TelegramID, int64(notice.MessageID), approve))
	if got, want := h.lastAnswer(), h.t("vi", "error.already_decided"); got != want {
		t.Fatalf("another admin's approval answered %q, want %q", got, want)
	}
}

// An unregistered user gets only the registration flow, whatever they send.
func TestUnregisteredGetsOnlyRegistration(t *testing.T) {
	h := newHarness(t)
	const user = 1004
	for i, text := range []string{"/trogiup", "/ngonngu", "xin chào", "/bc vneid 15"} {
		got := h.send(t, user, i+1, telegramtest.Message(h.ids.Next(), user, user, text))
		if want := h.t("vi", "start.need_registration"); got.Text != want {
			t.Fatalf("%q → %q, want %q", text, got.Text, want)
		}
	}
}

// Two deliveries of one update: one effect, one reply.
func TestRedeliveredUpdate(t *testing.T) {
	h := newHarness(t)
	const user = 1005
	upd := telegramtest.Contact(h.ids.Next(), user, user, user, memberPhone)
	h.tg.Push(upd, upd)
	h.tg.WaitMessages(t, user, 1, wait)
	// A later update proves the duplicate was seen and dropped, not queued.
	h.send(t, user, 2, telegramtest.Command(h.ids.Next(), user, user, "/start"))
	msgs := h.tg.MessagesTo(user)
	if len(msgs) != 2 || !strings.Contains(msgs[1].Text, memberPhone) {
		t.Fatalf("messages=%+v, want registration then profile", msgs)
	}
}

// /cmd@BotName works in groups; a command for another bot is ignored.
func TestCommandWithBotName(t *testing.T) {
	h := newHarness(t)
	const group = -100123
	h.tg.Push(telegramtest.GroupMessage(h.ids.Next(), group, adminTG, "/trogiup@other_bot"))
	got := h.send(t, group, 1, telegramtest.GroupMessage(h.ids.Next(), group, adminTG, "/trogiup@"+telegramtest.BotUsername))
	if !strings.HasPrefix(got.Text, h.t("vi", "help.header", "Role", h.t("vi", "role.admin"))) {
		t.Fatalf("help=%q", got.Text)
	}
	if n := len(h.tg.MessagesTo(group)); n != 1 {
		t.Fatalf("group got %d messages, want 1", n)
	}
	// Registration is private: /start in a group says where to go.
	got = h.send(t, group, 2, telegramtest.GroupMessage(h.ids.Next(), group, 4242, "/start@"+telegramtest.BotUsername))
	if want := h.t("vi", "error.private_only", "BotUsername", telegramtest.BotUsername); got.Text != want {
		t.Fatalf("reply=%q, want %q", got.Text, want)
	}
}

// /ngonngu switches the language with a button; replies follow it.
func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t)
	got := h.send(t, adminTG, 1, telegramtest.Command(h.ids.Next(), adminTG, adminTG, "/ngonngu"))
	data := got.CallbackData()
	if len(data) != 2 {
		t.Fatalf("buttons=%v", data)
	}
	h.tg.Push(telegramtest.Callback(h.ids.Next(), adminTG, adminTG, int64(got.MessageID), "lang:en"))
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool {
		e := s.Edits()
		return len(e) > 0 && e[len(e)-1].Text == h.t("en", "lang.set")
	})
	help := h.send(t, adminTG, 2, telegramtest.Command(h.ids.Next(), adminTG, adminTG, "/help"))
	if !strings.HasPrefix(help.Text, h.t("en", "help.header", "Role", h.t("en", "role.admin"))) {
		t.Fatalf("help=%q, want English", help.Text)
	}
	// An unknown command, in English.
	got = h.send(t, adminTG, 3, telegramtest.Command(h.ids.Next(), adminTG, adminTG, "/nosuch"))
	if want := h.t("en", "command.unknown", "Command", "/nosuch"); got.Text != want {
		t.Fatalf("reply=%q, want %q", got.Text, want)
	}
}

// 1,000 updates from 100 users through the real library: each user's
// replies come in the order the user wrote.
func TestThousandUpdatesKeepEachUsersOrder(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	const users, per = 100, 10
	for u := 0; u < users; u++ {
		m := &cnsbot.Member{FullName: fmt.Sprintf("Thành viên %d", u), Phone: fmt.Sprintf("09130%05d", u), UnitID: h.village.ID, Role: cnsbot.RoleMember}
		if err := h.members.CreateMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		tg, active := int64(10_000+u), cnsbot.StatusActive
		if _, err := h.members.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{TelegramID: &tg, Status: &active}); err != nil {
			t.Fatal(err)
		}
	}
	var batch []*models.Update
	for i := 0; i < per; i++ {
		for u := 0; u < users; u++ {
			user := int64(10_000 + u)
			batch = append(batch, telegramtest.Command(h.ids.Next(), user, user, fmt.Sprintf("/x%d", i)))
		}
	}
	// Push in chunks of 100, as getUpdates delivers them.
	for i := 0; i < len(batch); i += 100 {
		h.tg.Push(batch[i : i+100]...)
	}
	h.tg.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return len(s.SentMessages()) >= users*per })
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	for u := 0; u < users; u++ {
		msgs := h.tg.MessagesTo(int64(10_000 + u))
		if len(msgs) != per {
			t.Fatalf("user %d got %d replies, want %d", u, len(msgs), per)
		}
		for i, m := range msgs {
			if want := h.t("vi", "command.unknown", "Command", fmt.Sprintf("/x%d", i)); m.Text != want {
				t.Fatalf("user %d reply %d=%q, want %q", u, i, m.Text, want)
			}
		}
	}
}

// /duyet lists the open join requests of the admin's scope with their
// buttons, also for a request whose notice the admin never got.
func TestPendingRequestsCommand(t *testing.T) {
	h := newHarness(t)
	const user = 1006
	h.send(t, user, 1, telegramtest.Contact(h.ids.Next(), user, user, user, "0987654321"))
	h.send(t, user, 2, telegramtest.Message(h.ids.Next(), user, user, "Lò Văn Páo"))
	choices := h.send(t, user, 3, telegramtest.Message(h.ids.Next(), user, user, "thon lang moi"))
	h.tg.Push(telegramtest.Callback(h.ids.Next(), user, user, int64(choices.MessageID), choices.CallbackData()[0]))
	h.tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.MessagesTo(adminTG)) == 1 })

	before := len(h.tg.MessagesTo(adminTG))
	h.tg.Push(telegramtest.Command(h.ids.Next(), adminTG, adminTG, "/duyet"))
	msgs := h.tg.WaitMessages(t, adminTG, before+2, wait)
	listed := msgs[before+1]
	if !strings.Contains(listed.Text, "Lò Văn Páo") || len(listed.CallbackData()) != 2 {
		t.Fatalf("/duyet listed %q %s", listed.Text, listed.ReplyMarkup)
	}
	h.tg.Push(telegramtest.Callback(h.ids.Next(), adminTG, adminTG, int64(listed.MessageID), listed.CallbackData()[0]))
	h.tg.WaitMessages(t, user, 4, wait)
	// Nothing is pending any more.
	h.tg.Push(telegramtest.Command(h.ids.Next(), adminTG, adminTG, "/duyet"))
	if got := h.tg.WaitMessages(t, adminTG, before+3, wait)[before+2].Text; got != h.t("vi", "join.pending_none") {
		t.Fatalf("/duyet after approval=%q", got)
	}
}
