package bot_test

// Handlers that are safe to run twice (issue 11, item 4). After a crash at
// any point of an update's handling the same update is handled again; it
// must save nothing twice and leave the user with the answer a clean run
// gives, a second copy only of what the first run had already sent.
//
// handler                  | effect                          | how a replay is recognised                                  | what it answers
// -------------------------+---------------------------------+-------------------------------------------------------------+------------------------------------------
// /bc vneid 15 (quick)     | reports, batch = update id      | CreateReports is ECONFLICT                                  | the receipt, rebuilt from the saved batch
// /baocao Gửi, free text   | reports, batch = draft's number | ECONFLICT with the draft; without it the button's batch     | the receipt (edit) and "saved" notice
//   Lưu (and a double tap) |                                 | number finds the saved reports                              |   — a double tap gets the receipt too
// "không có hoạt động" Lưu | no_activity row, key from batch | ECONFLICT, or the button's batch finds the row by its key   | the "no activity" receipt
// ↩️ Hoàn tác (undo)       | reports revoked one by one      | the batch's reports found with the revoked ones             | "undone N" with the whole batch's N
// ✏️ correction (text)     | value + audit entry             | the report's newest change is this member's correction made | "corrected old → new" with the old value
//                          |                                 | after the ✏️ press; the flow ends after the answer          |   from the audit trail
// photo (evidence)         | evidence + audit entry          | the report already holds this photo's file id               | "attached"
// /ngonngu choice          | member locale                   | idempotent write                                            | the same edit and menu
// contact, /start CODE     | member bound to the account     | the sender is the member of that phone / invite code        | "registered", not the profile
// join: unit button        | join request + admin notices    | the sender's pending request for that unit                  | notices again, "request sent"
// join: approve/reject     | request decided (+ member)      | ECONFLICT on a request this admin decided the same way      | the admin's edit, the user told
// /thongbao Gửi            | one outbox batch, key = query id| a batch with the callback query's key exists                | "queued N"
// remind confirm           | one reminder batch, key = query | the unit's reminder of the last hour has the query's key    | "reminding"
//                          |  id, subject = unit and period  |   (the once-an-hour rule reads the outbox: kept on restart) |
// /lichnhac run now, Chạy  | one run, one batch, key = query | the run claimed with the query's key runs again in its slot | "ran, N recipients"
//                          |   id                            |   and its batch is found by the key                         |
// /lichnhac pause/resume   | paused flag                     | idempotent write                                            | the list
//
// A case marked restart handles the update again in a new router, as a
// restarted process does: nothing kept in memory survives the kill.

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/bot"
	"cnsbot/handlers"
	"cnsbot/internal/telegramtest"
	"cnsbot/schedule"
	"cnsbot/storage/sqlite"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// killed is the panic value of an injected crash: the process "dies" there.
type killed struct{}

// crasher counts the effectful operations of one handling and kills the
// process before operation at; at < 0 never.
type crasher struct {
	mu   sync.Mutex
	n    int
	at   int
	dead bool
	ops  []string
}

func (c *crasher) arm(at int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n, c.at, c.dead, c.ops = 0, at, false, nil
}

// step is called before every effectful operation.
func (c *crasher) step(op string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dead || c.n == c.at {
		c.dead = true
		panic(killed{})
	}
	c.n++
	c.ops = append(c.ops, op)
}

// The wrappers below count every Bot API call and every write of the stores
// a handler uses.

type crashSender struct {
	handlers.Sender
	c *crasher
}

func (s crashSender) SendMessage(ctx context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	s.c.step("sendMessage")
	return s.Sender.SendMessage(ctx, p)
}

func (s crashSender) EditMessageText(ctx context.Context, p *tgbot.EditMessageTextParams) (*models.Message, error) {
	s.c.step("editMessageText")
	return s.Sender.EditMessageText(ctx, p)
}

func (s crashSender) AnswerCallbackQuery(ctx context.Context, p *tgbot.AnswerCallbackQueryParams) (bool, error) {
	s.c.step("answerCallbackQuery")
	return s.Sender.AnswerCallbackQuery(ctx, p)
}

func (s crashSender) SendDocument(ctx context.Context, p *tgbot.SendDocumentParams) (*models.Message, error) {
	s.c.step("sendDocument")
	return s.Sender.SendDocument(ctx, p)
}

func (s crashSender) SendPhoto(ctx context.Context, p *tgbot.SendPhotoParams) (*models.Message, error) {
	s.c.step("sendPhoto")
	return s.Sender.SendPhoto(ctx, p)
}

func (s crashSender) SetMyCommands(ctx context.Context, p *tgbot.SetMyCommandsParams) (bool, error) {
	s.c.step("setMyCommands")
	return s.Sender.SetMyCommands(ctx, p)
}

type crashConversations struct {
	cnsbot.ConversationStore
	c *crasher
}

func (s crashConversations) SaveConversation(ctx context.Context, k cnsbot.ConversationKey, conv *cnsbot.Conversation, ttl time.Duration) error {
	s.c.step("SaveConversation")
	return s.ConversationStore.SaveConversation(ctx, k, conv, ttl)
}

func (s crashConversations) DeleteConversation(ctx context.Context, k cnsbot.ConversationKey) error {
	s.c.step("DeleteConversation")
	return s.ConversationStore.DeleteConversation(ctx, k)
}

type crashReports struct {
	cnsbot.ReportService
	c *crasher
}

func (s crashReports) CreateReports(ctx context.Context, rs []*cnsbot.Report) error {
	s.c.step("CreateReports")
	return s.ReportService.CreateReports(ctx, rs)
}

func (s crashReports) CreateNoActivity(ctx context.Context, n *cnsbot.NoActivity) error {
	s.c.step("CreateNoActivity")
	return s.ReportService.CreateNoActivity(ctx, n)
}

func (s crashReports) CorrectReport(ctx context.Context, id int64, v float64, by int64) (*cnsbot.Report, error) {
	s.c.step("CorrectReport")
	return s.ReportService.CorrectReport(ctx, id, v, by)
}

func (s crashReports) RevokeReport(ctx context.Context, id, by int64) (*cnsbot.Report, error) {
	s.c.step("RevokeReport")
	return s.ReportService.RevokeReport(ctx, id, by)
}

func (s crashReports) AttachEvidence(ctx context.Context, id int64, fileID string, by int64) (*cnsbot.Report, error) {
	s.c.step("AttachEvidence")
	return s.ReportService.AttachEvidence(ctx, id, fileID, by)
}

type crashMembers struct {
	cnsbot.MemberService
	c *crasher
}

func (s crashMembers) UpdateMember(ctx context.Context, id int64, upd cnsbot.MemberUpdate) (*cnsbot.Member, error) {
	s.c.step("UpdateMember")
	return s.MemberService.UpdateMember(ctx, id, upd)
}

type crashJoins struct {
	cnsbot.JoinRequestService
	c *crasher
}

func (s crashJoins) CreateJoinRequest(ctx context.Context, r *cnsbot.JoinRequest) error {
	s.c.step("CreateJoinRequest")
	return s.JoinRequestService.CreateJoinRequest(ctx, r)
}

func (s crashJoins) ApproveJoinRequest(ctx context.Context, id, adminID int64, role cnsbot.Role) (*cnsbot.Member, error) {
	s.c.step("ApproveJoinRequest")
	return s.JoinRequestService.ApproveJoinRequest(ctx, id, adminID, role)
}

func (s crashJoins) RejectJoinRequest(ctx context.Context, id, adminID int64) (*cnsbot.JoinRequest, error) {
	s.c.step("RejectJoinRequest")
	return s.JoinRequestService.RejectJoinRequest(ctx, id, adminID)
}

type crashOutbox struct {
	cnsbot.OutboxService
	c *crasher
}

func (s crashOutbox) CreateBatch(ctx context.Context, b *cnsbot.OutboxBatch, msgs []*cnsbot.OutboxMessage) error {
	s.c.step("CreateBatch")
	return s.OutboxService.CreateBatch(ctx, b, msgs)
}

type crashSchedules struct {
	cnsbot.ScheduleService
	c *crasher
}

func (s crashSchedules) SetSchedulePaused(ctx context.Context, id int64, paused bool) error {
	s.c.step("SetSchedulePaused")
	return s.ScheduleService.SetSchedulePaused(ctx, id, paused)
}

func (s crashSchedules) ClaimSlot(ctx context.Context, id int64, slot, now time.Time) (bool, error) {
	s.c.step("ClaimSlot")
	return s.ScheduleService.ClaimSlot(ctx, id, slot, now)
}

func (s crashSchedules) ClaimKeyedSlot(ctx context.Context, id int64, slot, now time.Time, key string) (time.Time, bool, error) {
	s.c.step("ClaimKeyedSlot")
	return s.ScheduleService.ClaimKeyedSlot(ctx, id, slot, now, key)
}

func (s crashSchedules) FinishRun(ctx context.Context, run *cnsbot.ScheduleRun) error {
	s.c.step("FinishRun")
	return s.ScheduleService.FinishRun(ctx, run)
}

// replayDriver hands updates straight to a router whose sender and stores
// go through a crasher: the intake's replay is the same update handled
// again by Router.Handle.
type replayDriver struct {
	h      *harness
	router *handlers.Router
	c      *crasher
	err    error // what the last handling returned
}

func newReplayDriver(tb testing.TB, h *harness) *replayDriver {
	tb.Helper()
	api, err := tgbot.New(telegramtest.Token, tgbot.WithServerURL(h.tg.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		tb.Fatal(err)
	}
	c := &crasher{at: -1}
	// The scheduler never Runs: "run now" is all the tests use of it.
	sched := &schedule.Scheduler{Store: crashSchedules{sqlite.NewScheduleService(h.db), c}, Now: h.now}
	router := handlers.NewRouter(handlers.Deps{
		Services: handlers.Services{
			Members: crashMembers{h.members, c}, Units: h.units, Teams: sqlite.NewTeamService(h.db),
			Joins: crashJoins{sqlite.NewJoinRequestService(h.db), c}, Conversations: crashConversations{h.conv, c},
			Indicators: sqlite.NewIndicatorService(h.db), Reports: crashReports{h.reports, c},
			Targets: sqlite.NewTargetService(h.db), Figures: sqlite.NewFigureService(h.db),
			Outbox: crashOutbox{sqlite.NewOutboxService(h.db), c}, Schedules: crashSchedules{sqlite.NewScheduleService(h.db), c},
		},
		Catalog: h.catalog, Sender: crashSender{api, c}, Now: h.now,
		Settings: handlers.Settings{BotUsername: telegramtest.BotUsername}, Scheduler: sched,
	})
	sched.Runner = router
	return &replayDriver{h: h, router: router, c: c}
}

// parseUpdate fills the Update the handlers see, as the pipeline does.
func parseUpdate(upd *models.Update) *handlers.Update {
	return bot.ParseUpdate(upd, telegramtest.BotUsername)
}

// handle runs the update once; crashed reports whether the injected kill
// stopped it.
func (d *replayDriver) handle(tb testing.TB, upd *models.Update) (crashed bool) {
	tb.Helper()
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(killed); !ok {
				panic(r)
			}
			crashed = true
		}
	}()
	d.err = d.router.Handle(context.Background(), parseUpdate(upd))
	return false
}

// text handles a message from tg and returns the newest thing tg sees.
func (d *replayDriver) text(tb testing.TB, tg int64, text string) telegramtest.SentMessage {
	tb.Helper()
	d.must(tb, telegramtest.Message(d.h.ids.Next(), tg, tg, text))
	return d.h.last(tg)
}

// must handles an update that has to succeed.
func (d *replayDriver) must(tb testing.TB, upd *models.Update) {
	tb.Helper()
	if d.handle(tb, upd); d.err != nil {
		tb.Fatalf("setup update %d: %v", upd.ID, d.err)
	}
}

// button is the press, by tg, of the button of msg whose text holds label
// or whose data starts with it; not handled yet.
func (d *replayDriver) button(tb testing.TB, tg int64, msg telegramtest.SentMessage, label string) *models.Update {
	tb.Helper()
	for _, row := range msg.InlineButtons() {
		for _, b := range row {
			if strings.Contains(b.Text, label) || strings.HasPrefix(b.CallbackData, label) {
				return telegramtest.Callback(d.h.ids.Next(), tg, tg, int64(msg.MessageID), b.CallbackData)
			}
		}
	}
	tb.Fatalf("no button %q on %q (%s)", label, msg.Text, msg.ReplyMarkup)
	return nil
}

// press handles the press of a button and returns the newest thing tg sees.
func (d *replayDriver) press(tb testing.TB, tg int64, msg telegramtest.SentMessage, label string) telegramtest.SentMessage {
	tb.Helper()
	d.must(tb, d.button(tb, tg, msg, label))
	return d.h.last(tg)
}

// replayView is what the users saw: the messages sent to each watched
// chat, the newest text of the main chat and the newest button notice.
type replayView struct {
	sent   map[int64][]string
	last   string
	answer string
	err    string
}

func (d *replayDriver) view(chat int64, watch []int64) replayView {
	v := replayView{sent: map[int64][]string{}, last: d.h.last(chat).Text, answer: d.h.lastAnswer()}
	for _, c := range append([]int64{chat}, watch...) {
		for _, m := range d.h.tg.MessagesTo(c) {
			v.sent[c] = append(v.sent[c], m.Text)
		}
	}
	if d.err != nil {
		v.err = cnsbot.ErrorKey(d.err) + " " + d.err.Error()
	}
	return v
}

// since is what was sent after before.
func (v replayView) since(before replayView, chat int64) []string {
	return v.sent[chat][len(before.sent[chat]):]
}

// replayCase is one handler with effects: setup brings the bot to the
// moment before the update, effect describes what the database holds.
type replayCase struct {
	name    string
	chat    int64   // whose answer is compared
	watch   []int64 // further chats the handler writes to
	restart bool    // the replay runs in a new router: a restarted process
	setup   func(tb testing.TB, d *replayDriver) *models.Update
	effect  func(tb testing.TB, h *harness) string
}

// count runs a COUNT(*) query.
func count(tb testing.TB, h *harness, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := h.db.SQL().QueryRow(query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}

func reportEffect(tb testing.TB, h *harness) string {
	return fmt.Sprintf("reports=%d live=%d changes=%d none=%d",
		count(tb, h, `SELECT COUNT(*) FROM reports`), count(tb, h, `SELECT COUNT(*) FROM reports WHERE revoked_at IS NULL`),
		count(tb, h, `SELECT COUNT(*) FROM report_changes`), count(tb, h, `SELECT COUNT(*) FROM no_activity`))
}

func valueEffect(tb testing.TB, h *harness) string {
	return fmt.Sprintf("%s sum=%d", reportEffect(tb, h), count(tb, h, `SELECT CAST(COALESCE(SUM(value), 0) AS INTEGER) FROM reports`))
}

func memberEffect(tb testing.TB, h *harness) string {
	return fmt.Sprintf("members=%d bound=%d active=%d requests=%d pending=%d",
		count(tb, h, `SELECT COUNT(*) FROM members`), count(tb, h, `SELECT COUNT(*) FROM members WHERE telegram_id IS NOT NULL AND telegram_id <> 0`),
		count(tb, h, `SELECT COUNT(*) FROM members WHERE status = 'active'`),
		count(tb, h, `SELECT COUNT(*) FROM join_requests`), count(tb, h, `SELECT COUNT(*) FROM join_requests WHERE status = 'pending'`))
}

func batchEffect(tb testing.TB, h *harness) string {
	return fmt.Sprintf("batches=%d messages=%d",
		count(tb, h, `SELECT COUNT(*) FROM outbox_batches`), count(tb, h, `SELECT COUNT(*) FROM outbox_messages`))
}

func scheduleEffect(tb testing.TB, h *harness) string {
	return fmt.Sprintf("%s runs=%d unfinished=%d paused=%d", batchEffect(tb, h),
		count(tb, h, `SELECT COUNT(*) FROM schedule_runs`), count(tb, h, `SELECT COUNT(*) FROM schedule_runs WHERE finished_at IS NULL`),
		count(tb, h, `SELECT COUNT(*) FROM schedules WHERE paused = 1`))
}

// withSchedules stores the default schedules and returns weekly_missing's
// id: the one whose run reaches the reporting harness's silent team.
func withSchedules(tb testing.TB, h *harness) int64 {
	tb.Helper()
	ctx := context.Background()
	store := sqlite.NewScheduleService(h.db)
	for _, s := range schedule.DefaultSchedules() {
		if err := store.UpsertSchedule(ctx, s); err != nil {
			tb.Fatal(err)
		}
	}
	s, err := store.FindScheduleByName(ctx, "weekly_missing")
	if err != nil {
		tb.Fatal(err)
	}
	return s.ID
}

// remindConfirm brings a leader from /chuabaocao to the remind confirm.
func remindConfirm(tb testing.TB, d *replayDriver) telegramtest.SentMessage {
	missing := d.text(tb, adminTG, "/chuabaocao")
	return d.press(tb, adminTG, missing, "rem:")
}

const (
	joinerTG = 1003
	joinerPh = "0987654321"
)

// joinToUnitStep brings an unknown phone to the unit buttons.
func joinToUnitStep(tb testing.TB, d *replayDriver) telegramtest.SentMessage {
	d.must(tb, telegramtest.Contact(d.h.ids.Next(), joinerTG, joinerTG, joinerTG, joinerPh))
	d.text(tb, joinerTG, "Lò Văn Páo")
	return d.text(tb, joinerTG, "thon lang moi")
}

func replayCases() []replayCase {
	return []replayCase{
		{name: "QuickReport", chat: reporterTG, effect: valueEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				return telegramtest.Command(d.h.ids.Next(), reporterTG, reporterTG, "/bc vneid 15 dvc 3")
			}},
		{name: "GuidedSend", chat: reporterTG, effect: valueEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				pick := d.text(tb, reporterTG, "/baocao")
				d.press(tb, reporterTG, pick, "bc:ind:")
				more := d.text(tb, reporterTG, "15")
				note := d.press(tb, reporterTG, more, "bc:done")
				date := d.press(tb, reporterTG, note, "bc:skip")
				review := d.press(tb, reporterTG, date, "bc:day")
				return d.button(tb, reporterTG, review, "bc:send")
			}},
		{name: "FreeTextSave", chat: reporterTG, effect: valueEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				review := d.text(tb, reporterTG, "hôm nay vneid 15 dvc 3")
				return d.button(tb, reporterTG, review, "bc:send")
			}},
		{name: "NoActivity", chat: reporterTG, effect: reportEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				review := d.text(tb, reporterTG, "hôm nay không có hoạt động vì mưa")
				return d.button(tb, reporterTG, review, "bc:send")
			}},
		{name: "QuickNoActivity", chat: reporterTG, effect: reportEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				review := d.text(tb, reporterTG, "/bc không có hoạt động")
				return d.button(tb, reporterTG, review, "bc:send")
			}},
		{name: "Undo", chat: reporterTG, effect: reportEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				receipt := d.text(tb, reporterTG, "/bc vneid 15 dvc 3")
				return d.button(tb, reporterTG, receipt, "bc:undo")
			}},
		{name: "Correction", chat: reporterTG, effect: valueEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				d.text(tb, reporterTG, "/bc vneid 15")
				list := d.text(tb, reporterTG, "/cuatoi")
				d.press(tb, reporterTG, list, "my:fix")
				return telegramtest.Message(d.h.ids.Next(), reporterTG, reporterTG, "20")
			}},
		{name: "Evidence", chat: reporterTG, effect: func(tb testing.TB, h *harness) string {
			return fmt.Sprintf("%s evidence=%d", reportEffect(tb, h), count(tb, h, `SELECT COUNT(*) FROM reports WHERE evidence_file_id <> ''`))
		},
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				d.text(tb, reporterTG, "/bc vneid 15")
				return telegramtest.Photo(d.h.ids.Next(), reporterTG, reporterTG, "")
			}},
		{name: "Language", chat: reporterTG, effect: func(tb testing.TB, h *harness) string {
			return fmt.Sprintf("en=%d", count(tb, h, `SELECT COUNT(*) FROM members WHERE locale = 'en'`))
		},
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				choose := d.text(tb, reporterTG, "/ngonngu")
				return d.button(tb, reporterTG, choose, "lang:en")
			}},
		{name: "Contact", chat: 1001, effect: memberEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				return telegramtest.Contact(d.h.ids.Next(), 1001, 1001, 1001, "+84912345678")
			}},
		{name: "InviteCode", chat: 1002, effect: memberEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				m := &cnsbot.Member{FullName: "Vàng Thị Dung", Phone: "0912777888", UnitID: d.h.village.ID, Role: cnsbot.RoleMember,
					Status: cnsbot.StatusPending}
				if err := d.h.members.CreateMember(context.Background(), m); err != nil {
					tb.Fatal(err)
				}
				return telegramtest.Command(d.h.ids.Next(), 1002, 1002, "/start "+m.InviteCode)
			}},
		{name: "JoinUnit", chat: joinerTG, watch: []int64{adminTG}, effect: memberEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				return d.button(tb, joinerTG, joinToUnitStep(tb, d), "join:unit")
			}},
		{name: "JoinApprove", chat: adminTG, watch: []int64{joinerTG}, effect: memberEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				d.press(tb, joinerTG, joinToUnitStep(tb, d), "join:unit")
				notices := d.h.tg.MessagesTo(adminTG)
				return d.button(tb, adminTG, notices[len(notices)-1], "join:ok")
			}},
		{name: "JoinReject", chat: adminTG, watch: []int64{joinerTG}, effect: memberEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				d.press(tb, joinerTG, joinToUnitStep(tb, d), "join:unit")
				notices := d.h.tg.MessagesTo(adminTG)
				return d.button(tb, adminTG, notices[len(notices)-1], "join:no")
			}},
		{name: "Broadcast", chat: adminTG, effect: batchEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				audience := d.text(tb, adminTG, "/thongbao Họp tổ lúc 8 giờ sáng mai")
				preview := d.press(tb, adminTG, audience, "tb:all")
				return d.button(tb, adminTG, preview, "tb:send")
			}},
		{name: "Remind", chat: adminTG, effect: batchEffect,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				return d.button(tb, adminTG, remindConfirm(tb, d), "rem:y")
			}},
		{name: "RemindAfterRestart", chat: adminTG, effect: batchEffect, restart: true,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				return d.button(tb, adminTG, remindConfirm(tb, d), "rem:y")
			}},
		{name: "ScheduleRunNow", chat: adminTG, effect: scheduleEffect, restart: true,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				id := withSchedules(tb, d.h)
				list := d.text(tb, adminTG, "/lichnhac")
				confirm := d.press(tb, adminTG, list, fmt.Sprintf("lich:n:%d", id))
				return d.button(tb, adminTG, confirm, fmt.Sprintf("lich:y:%d", id))
			}},
		{name: "SchedulePause", chat: adminTG, effect: scheduleEffect, restart: true,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				id := withSchedules(tb, d.h)
				list := d.text(tb, adminTG, "/lichnhac")
				return d.button(tb, adminTG, list, fmt.Sprintf("lich:p:%d", id))
			}},
		{name: "ScheduleResume", chat: adminTG, effect: scheduleEffect, restart: true,
			setup: func(tb testing.TB, d *replayDriver) *models.Update {
				id := withSchedules(tb, d.h)
				list := d.press(tb, adminTG, d.text(tb, adminTG, "/lichnhac"), fmt.Sprintf("lich:p:%d", id))
				return d.button(tb, adminTG, list, fmt.Sprintf("lich:r:%d", id))
			}},
	}
}

// newReplayHarness is the seeded bot with reporting, its outbox idle.
func newReplayHarness(tb testing.TB) *harness {
	tb.Helper()
	h := buildHarness(tb, filepath.Join(tb.TempDir(), "cnsbot.db"), true, harnessOptions{NoOutbox: true})
	return h.withReporting(tb, "vi")
}

// TestReplayAfterCrash runs each handler with effects, kills it before
// each of its operations in turn (k = 0 … n, n being the operations of a
// clean run: the last case lost only the done mark), handles the same
// update again, and checks one effect and one answer.
func TestReplayAfterCrash(t *testing.T) {
	for _, tc := range replayCases() {
		t.Run(tc.name, func(t *testing.T) {
			// The clean run: its operations, its effect, its answers.
			h := newReplayHarness(t)
			d := newReplayDriver(t, h)
			upd := tc.setup(t, d)
			before := d.view(tc.chat, tc.watch)
			d.c.arm(-1)
			d.handle(t, upd)
			ops := slices.Clone(d.c.ops)
			clean := d.view(tc.chat, tc.watch)
			if clean.err != "" {
				t.Fatalf("clean run returned %s", clean.err)
			}
			effect := tc.effect(t, h)
			for k := 0; k <= len(ops); k++ {
				t.Run(fmt.Sprintf("k=%d", k), func(t *testing.T) {
					replayAt(t, tc, k, ops, before, clean, effect)
				})
			}
		})
	}
}

// replayAt kills the handling before operation k, handles the update again
// and compares with the clean run.
func replayAt(t *testing.T, tc replayCase, k int, ops []string, cleanBefore, clean replayView, effect string) {
	h := newReplayHarness(t)
	d := newReplayDriver(t, h)
	upd := tc.setup(t, d)
	before := d.view(tc.chat, tc.watch)
	d.c.arm(k)
	crashed := d.handle(t, upd)
	if want := k < len(ops); crashed != want {
		t.Fatalf("crashed=%v before op %d of %v, want %v", crashed, k, ops, want)
	}
	cut := d.view(tc.chat, tc.watch)
	if tc.restart {
		d = newReplayDriver(t, h)
	}
	d.c.arm(-1)
	d.handle(t, upd)
	got := d.view(tc.chat, tc.watch)
	where := fmt.Sprintf("killed before op %d of %v (%s)", k, ops, strings.Join(d.c.ops, ","))
	if got.err != "" {
		t.Fatalf("%s: replay returned %s", where, got.err)
	}
	if e := tc.effect(t, h); e != effect {
		t.Errorf("%s: effect %s, want %s", where, e, effect)
	}
	if got.last != clean.last {
		t.Errorf("%s: user sees %q, want %q", where, got.last, clean.last)
	}
	if got.answer != clean.answer {
		t.Errorf("%s: button notice %q, want %q", where, got.answer, clean.answer)
	}
	for _, chat := range append([]int64{tc.chat}, tc.watch...) {
		want, sentBefore, all := clean.since(cleanBefore, chat), cut.since(before, chat), got.since(before, chat)
		// The replay sends what a clean run sends; a second copy only of
		// what the killed run had already sent.
		ok := slices.Equal(all, want) || len(sentBefore) > 0 && slices.Equal(all, append(slices.Clone(sentBefore), want...))
		if !ok {
			t.Errorf("%s: chat %d got %q, want %q (before the kill %q)", where, chat, all, want, sentBefore)
		}
	}
}

// TestReplayRemindOncePerHour: the once-an-hour rule of the remind button
// is read from the outbox, so a restarted bot keeps it — another press of
// the confirm within the hour answers "already reminded" and queues
// nothing — and a press an hour later reminds again.
func TestReplayRemindOncePerHour(t *testing.T) {
	h := newReplayHarness(t)
	d := newReplayDriver(t, h)
	confirm := remindConfirm(t, d)
	d.must(t, d.button(t, adminTG, confirm, "rem:y"))
	if got, want := batchEffect(t, h), "batches=1 messages=2"; got != want {
		t.Fatalf("after the first reminder %s, want %s", got, want)
	}
	first, err := sqlite.NewOutboxService(h.db).FindBatch(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}

	d = newReplayDriver(t, h) // a restart
	h.advance(59 * time.Minute)
	d.must(t, d.button(t, adminTG, confirm, "rem:y"))
	if got, want := batchEffect(t, h), "batches=1 messages=2"; got != want {
		t.Fatalf("a second press within the hour: %s, want %s", got, want)
	}
	if got, want := h.lastAnswer(), h.t("vi", "missing.already_reminded", "Time", first.CreatedAt.In(loc).Format("15:04")); got != want {
		t.Fatalf("button notice %q, want %q", got, want)
	}

	h.advance(2 * time.Minute)
	d.must(t, d.button(t, adminTG, confirm, "rem:y"))
	if got, want := batchEffect(t, h), "batches=2 messages=4"; got != want {
		t.Fatalf("a press after the hour: %s, want %s", got, want)
	}
}
