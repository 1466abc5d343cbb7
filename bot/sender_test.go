package bot_test

import (
	"context"
	"log/slog"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"cnsbot"
	"cnsbot/bot"
	"cnsbot/internal/telegramtest"
	"cnsbot/storage/sqlite"
)

// outboxFixture is a database with n active members (Telegram ids
// firstChat, firstChat+1, …), one broadcast to all of them, and a fake Bot
// API.
type outboxFixture struct {
	db      *sqlite.DB
	store   *sqlite.OutboxService
	srv     *telegramtest.Server
	tg      *tgbot.Bot
	batch   *cnsbot.OutboxBatch
	msgs    []*cnsbot.OutboxMessage
	members map[int64]int64 // chat → member id
}

const firstChat = 70_000_000

func newOutboxFixture(tb testing.TB, n int) *outboxFixture {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "cnsbot.db")
	db := mustOutboxDB(tb, path)
	f := &outboxFixture{db: db, store: sqlite.NewOutboxService(db), members: map[int64]int64{}}
	f.members = mustMembers(tb, db, n)
	f.batch, f.msgs = mustBroadcast(tb, f.store, f.members)
	f.srv = telegramtest.NewServer(tb)
	f.tg = mustClient(tb, f.srv.URL())
	return f
}

func mustOutboxDB(tb testing.TB, path string) *sqlite.DB {
	tb.Helper()
	db := sqlite.NewDB(path)
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustClient(tb testing.TB, url string) *tgbot.Bot {
	tb.Helper()
	tg, err := tgbot.New(telegramtest.Token, tgbot.WithServerURL(url), tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(time.Second, bot.NewHTTPClient(time.Second)))
	if err != nil {
		tb.Fatal(err)
	}
	return tg
}

// mustMembers inserts a unit and n active members in one transaction and
// returns their ids by Telegram id.
func mustMembers(tb testing.TB, db *sqlite.DB, n int) map[int64]int64 {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO units (id, code, name, path) VALUES (1, 'P', 'Tỉnh', '/1/')`); err != nil {
		tb.Fatal(err)
	}
	// One statement for all: a row at a time takes seconds under -race.
	if _, err := tx.ExecContext(ctx, `WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < ?)
		INSERT INTO members (full_name, phone, unit_id, role, telegram_id, status, created_at, updated_at)
		SELECT 'Thành viên ' || i, printf('09%08d', i), 1, 'member', ? + i, 'active',
			'2026-07-21T00:00:00.000000000Z', '2026-07-21T00:00:00.000000000Z' FROM seq`, n, firstChat); err != nil {
		tb.Fatal(err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT telegram_id, id FROM members`)
	if err != nil {
		tb.Fatal(err)
	}
	ids := make(map[int64]int64, n)
	for rows.Next() {
		var chat, id int64
		if err := rows.Scan(&chat, &id); err != nil {
			tb.Fatal(err)
		}
		ids[chat] = id
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	rows.Close()
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	return ids
}

func mustBroadcast(tb testing.TB, store *sqlite.OutboxService, members map[int64]int64) (*cnsbot.OutboxBatch, []*cnsbot.OutboxMessage) {
	tb.Helper()
	chats := make([]int64, 0, len(members))
	for chat := range members {
		chats = append(chats, chat)
	}
	slices.Sort(chats)
	ms := make([]*cnsbot.OutboxMessage, len(chats))
	for i, chat := range chats {
		ms[i] = &cnsbot.OutboxMessage{ChatID: chat, MemberID: members[chat], Text: "<b>Họp tổ</b> thứ Hai, 8 giờ"}
	}
	b := &cnsbot.OutboxBatch{Kind: "broadcast", Title: "Họp tổ", ReportChatID: 1, ReportLocale: "vi"}
	if err := store.CreateBatch(context.Background(), b, ms); err != nil {
		tb.Fatal(err)
	}
	return b, ms
}

// run starts o on the fixture and returns a channel that gets the batch
// when it is done, and a stop function that waits for Run to return.
func (f *outboxFixture) run(tb testing.TB, o *bot.Outbox) (<-chan *cnsbot.OutboxBatch, func()) {
	tb.Helper()
	done := make(chan *cnsbot.OutboxBatch, 4)
	o.Store = f.store
	if o.API == nil {
		o.API = f.tg
	}
	o.OnBatchDone = func(_ context.Context, b *cnsbot.OutboxBatch) { done <- b }
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- o.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-errc; err != nil {
				tb.Errorf("Run: %v", err)
			}
		})
	}
	tb.Cleanup(stop)
	return done, stop
}

func waitBatch(tb testing.TB, done <-chan *cnsbot.OutboxBatch, timeout time.Duration) *cnsbot.OutboxBatch {
	tb.Helper()
	select {
	case b := <-done:
		return b
	case <-time.After(timeout):
		tb.Fatalf("batch not done within %v", timeout)
		return nil
	}
}

// maxInWindow is the largest number of instants in any half-open window
// [t, t+w).
func maxInWindow(ts []time.Time, w time.Duration) int {
	ts = slices.Clone(ts)
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	best, i := 0, 0
	for j := range ts {
		for ts[j].Sub(ts[i]) >= w {
			i++
		}
		best = max(best, j-i+1)
	}
	return best
}

// minChatGap is the shortest time between two requests to one chat, and
// the chat; math.MaxInt64 when no chat got two.
func minChatGap(reqs []telegramtest.Request) (time.Duration, int64) {
	by := map[int64][]time.Time{}
	for _, r := range reqs {
		by[r.ChatID()] = append(by[r.ChatID()], r.At)
	}
	gap, chat := time.Duration(math.MaxInt64), int64(0)
	for c, ts := range by {
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		for i := 1; i < len(ts); i++ {
			if d := ts[i].Sub(ts[i-1]); d < gap {
				gap, chat = d, c
			}
		}
	}
	return gap, chat
}

func requestTimes(reqs []telegramtest.Request) []time.Time {
	ts := make([]time.Time, len(reqs))
	for i, r := range reqs {
		ts[i] = r.At
	}
	return ts
}

// okPerChat counts the accepted sendMessage calls per chat.
func okPerChat(reqs []telegramtest.Request) map[int64]int {
	n := map[int64]int{}
	for _, r := range reqs {
		if r.OK() {
			n[r.ChatID()]++
		}
	}
	return n
}

// TestOutboxBroadcast sends one broadcast to 7,363 members at a raised
// rate (3,000/s; TestOutboxRateLimit checks 30/s in real time): no window
// of one second holds more calls than the rate, no chat gets two calls
// within a second, every member gets exactly one message and the batch is
// reported once.
func TestOutboxBroadcast(t *testing.T) {
	const members, rate = 7363, 3000
	f := newOutboxFixture(t, members)
	o := &bot.Outbox{RatePerSecond: rate, Concurrency: 8}
	done, stop := f.run(t, o)
	start := time.Now()
	b := waitBatch(t, done, 60*time.Second)
	elapsed := time.Since(start)
	stop()

	if b.ID != f.batch.ID || b.Total != members || b.Sent != members || b.Queued != 0 || b.DoneAt == nil {
		t.Fatalf("batch=%+v", b)
	}
	reqs := f.srv.RequestsFor("sendMessage")
	ok := okPerChat(reqs)
	if len(reqs) != members || len(ok) != members {
		t.Fatalf("%d calls reaching %d chats, want %d each", len(reqs), len(ok), members)
	}
	for chat, n := range ok {
		if n != 1 {
			t.Fatalf("chat %d got %d messages", chat, n)
		}
	}
	if m := f.srv.SentMessages()[0]; m.ParseMode != "HTML" || !strings.HasPrefix(m.Text, "<b>Họp tổ</b>") {
		t.Fatalf("message=%+v", m)
	}
	w := maxInWindow(requestTimes(reqs), time.Second)
	if w > rate {
		t.Fatalf("%d calls in one second, limit %d", w, rate)
	}
	if gap, chat := minChatGap(reqs); gap < time.Second {
		t.Fatalf("chat %d got two calls %v apart", chat, gap)
	}
	if n, err := f.store.Depth(context.Background()); err != nil || n != 0 {
		t.Fatalf("Depth=%d, %v", n, err)
	}
	select {
	case b := <-done:
		t.Fatalf("batch %d reported twice", b.ID)
	default:
	}
	t.Logf("%d members in %v (%.0f msgs/s), busiest second %d calls (limit %d)", members, elapsed.Round(time.Millisecond),
		float64(members)/elapsed.Seconds(), w, rate)
}

// TestOutboxRateLimit runs the real limits in real time: 320 private
// messages at 30/s, more than 10 s, plus 3 messages to one group whose
// limit is set to 2 a minute; no one-second window holds more than 30
// calls and the sending keeps close to the rate.
func TestOutboxRateLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 11 s in real time")
	}
	// Mostly waiting: run beside the busy tests.
	t.Parallel()
	const members, rate = 320, 30
	f := newOutboxFixture(t, members)
	// Due before the broadcast, so claimed first: with the group's limit
	// broken, the third would go out a second after the second, long
	// before the broadcast ends.
	group := &cnsbot.OutboxBatch{Kind: "schedule"}
	due := time.Now().Add(-time.Minute)
	gms := []*cnsbot.OutboxMessage{
		{ChatID: -100500, IsGroup: true, Text: "1", NextAttemptAt: due},
		{ChatID: -100500, IsGroup: true, Text: "2", NextAttemptAt: due},
		{ChatID: -100500, IsGroup: true, Text: "3", NextAttemptAt: due},
	}
	if err := f.store.CreateBatch(context.Background(), group, gms); err != nil {
		t.Fatal(err)
	}
	o := &bot.Outbox{RatePerSecond: rate, Concurrency: 8, GroupPerMinute: 2}
	done, stop := f.run(t, o)
	start := time.Now()
	b := waitBatch(t, done, 30*time.Second)
	elapsed := time.Since(start)
	if b.ID != f.batch.ID || b.Sent != members {
		t.Fatalf("batch=%+v", b)
	}
	reqs := f.srv.RequestsFor("sendMessage")
	w := maxInWindow(requestTimes(reqs), time.Second)
	if w > rate {
		t.Fatalf("%d calls in one second, limit %d", w, rate)
	}
	perSecond := float64(len(reqs)) / elapsed.Seconds()
	if perSecond < 0.8*rate {
		t.Fatalf("%.1f calls/s, want close to %d", perSecond, rate)
	}
	// Two group messages went out; the third waits for the minute.
	var toGroup []telegramtest.Request
	for _, r := range reqs {
		if r.ChatID() == -100500 {
			toGroup = append(toGroup, r)
		}
	}
	if len(toGroup) != 2 {
		t.Fatalf("%d calls to the group within %v, limit 2 a minute", len(toGroup), elapsed)
	}
	if gap, chat := minChatGap(reqs); gap < time.Second {
		t.Fatalf("chat %d got two calls %v apart", chat, gap)
	}
	stop()
	// Stopping handed the held group message back to the queue.
	if n, err := f.store.Depth(context.Background()); err != nil || n != 1 {
		t.Fatalf("Depth=%d, %v; want the group's third message queued", n, err)
	}
	if m, err := f.store.FindOutboxMessage(context.Background(), gms[2].ID); err != nil || m.Status != cnsbot.OutboxQueued || m.Owner != "" || m.Attempts != 0 {
		t.Fatalf("group's third message after stop=%+v, %v", m, err)
	}
	t.Logf("%d calls in %v: %.1f/s, busiest second %d (limit %d)", len(reqs), elapsed.Round(time.Millisecond), perSecond, w, rate)
}

// mix is a 64-bit finalizer: a fault pattern decided by chat and attempt,
// the same on every run.
func mix(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

func isBlocked(chat int64) bool { return mix(uint64(chat))%100 < 2 }

// faults answers 2% of the chats 403 on every call, and 5% of the calls
// 429 (retry_after 1–3) and 1% 500, by a hash of chat and attempt.
func faults(method string, chat int64, attempt int) (int, int) {
	if method != "sendMessage" {
		return 0, 0
	}
	if isBlocked(chat) {
		return 403, 0
	}
	h := mix(uint64(chat)*1_000_003 + uint64(attempt) + 17)
	switch v := h % 1000; {
	case v < 50:
		return 429, 1 + int(h/1000%3)
	case v < 60:
		return 500, 0
	}
	return 0, 0
}

// apiCall is one SendMessage call as the sender saw it.
type apiCall struct {
	chat       int64
	start, end time.Time
	err        error
}

// recordingAPI records the start and end of every call.
type recordingAPI struct {
	api   bot.SenderAPI
	mu    sync.Mutex
	calls []apiCall
}

func (r *recordingAPI) SendMessage(ctx context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	start := time.Now()
	m, err := r.api.SendMessage(ctx, p)
	end := time.Now()
	r.mu.Lock()
	r.calls = append(r.calls, apiCall{chat: p.ChatID.(int64), start: start, end: end, err: err})
	r.mu.Unlock()
	return m, err
}

// pauseRecorder is a slog handler keeping the outbox's pause records.
type pauseRecorder struct {
	mu     sync.Mutex
	pauses []pauseRecord
}

type pauseRecord struct{ at, until time.Time }

func (h *pauseRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (h *pauseRecorder) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *pauseRecorder) WithGroup(string) slog.Handler            { return h }
func (h *pauseRecorder) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "outbox paused" {
		return nil
	}
	p := pauseRecord{at: r.Time}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == cnsbot.LogUntil {
			p.until = a.Value.Time()
		}
		return true
	})
	h.mu.Lock()
	h.pauses = append(h.pauses, p)
	h.mu.Unlock()
	return nil
}

// TestOutboxFaults is TestOutboxBroadcast with 5% of the calls answered
// 429 (retry_after 1–3, a "second" shortened to 5 ms), 2% of the members
// blocked (403) and 1% of the calls 500: every reachable member gets
// exactly one message, the blocked ones are marked, no call starts during
// a pause, and the limits hold as before.
func TestOutboxFaults(t *testing.T) {
	t.Parallel()
	const members, rate = 7363, 3000
	f := newOutboxFixture(t, members)
	f.srv.SetFault(faults)
	api := &recordingAPI{api: f.tg}
	rec := &pauseRecorder{}
	o := &bot.Outbox{
		API: api, Logger: slog.New(rec), RatePerSecond: rate, Concurrency: 8,
		RetryAfterUnit: 5 * time.Millisecond, Backoff: 10 * time.Millisecond,
	}
	done, stop := f.run(t, o)
	start := time.Now()
	b := waitBatch(t, done, 60*time.Second)
	elapsed := time.Since(start)
	stop()

	reqs := f.srv.RequestsFor("sendMessage")
	ok := okPerChat(reqs)
	codes := map[int]int{}
	for _, r := range reqs {
		codes[r.ErrorCode]++
	}
	blocked := 0
	ctx := context.Background()
	members2 := sqlite.NewMemberService(f.db)
	for _, m := range f.msgs {
		got, err := f.store.FindOutboxMessage(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if isBlocked(m.ChatID) {
			blocked++
			if ok[m.ChatID] != 0 || got.Status != cnsbot.OutboxBlocked {
				t.Fatalf("blocked chat %d: %d messages, status %s", m.ChatID, ok[m.ChatID], got.Status)
			}
			if mem, err := members2.FindMemberByID(ctx, m.MemberID); err != nil || mem.Status != cnsbot.StatusBlocked {
				t.Fatalf("member of blocked chat %d=%+v, %v", m.ChatID, mem, err)
			}
			continue
		}
		if ok[m.ChatID] != 1 || got.Status != cnsbot.OutboxSent {
			t.Fatalf("chat %d: %d messages, status %s", m.ChatID, ok[m.ChatID], got.Status)
		}
	}
	if b.Sent != members-blocked || b.Blocked != blocked || b.Failed != 0 || b.Queued != 0 {
		t.Fatalf("batch=%+v, want %d sent and %d blocked", b, members-blocked, blocked)
	}

	// No call starts while a 429's pause holds. A pause is recorded under
	// the lock every call holds: calls that started before it have ended.
	api.mu.Lock()
	calls := slices.Clone(api.calls)
	api.mu.Unlock()
	rec.mu.Lock()
	pauses := slices.Clone(rec.pauses)
	rec.mu.Unlock()
	if len(pauses) != codes[429] {
		t.Fatalf("%d pauses for %d answers 429", len(pauses), codes[429])
	}
	var paused time.Duration
	for _, p := range pauses {
		paused += p.until.Sub(p.at)
		for _, c := range calls {
			if c.start.After(p.at) && c.start.Before(p.until) {
				t.Fatalf("call to chat %d started %v into a pause of %v", c.chat, c.start.Sub(p.at), p.until.Sub(p.at))
			}
			if c.start.Before(p.at) && c.end.After(p.at) {
				t.Fatalf("call to chat %d still running when the pause was set", c.chat)
			}
		}
	}
	w := maxInWindow(requestTimes(reqs), time.Second)
	if w > rate {
		t.Fatalf("%d calls in one second, limit %d", w, rate)
	}
	if gap, chat := minChatGap(reqs); gap < time.Second {
		t.Fatalf("chat %d got two calls %v apart", chat, gap)
	}
	t.Logf("%d members, %d calls in %v: %d ok, %d×429 (%d pauses, %v paused), %d×403 (%d members blocked), %d×500; busiest second %d; closest calls to one chat %v apart",
		members, len(reqs), elapsed.Round(time.Millisecond), codes[0], codes[429], len(pauses), paused.Round(time.Millisecond),
		codes[403], blocked, codes[500], w, func() time.Duration { g, _ := minChatGap(reqs); return g.Round(time.Millisecond) }())
}

// The SIGKILL test runs the sender in a child process: the test binary
// again, told by these variables which database and fake server to use.
const (
	envChildDB  = "CNSBOT_OUTBOX_CHILD_DB"
	envChildURL = "CNSBOT_OUTBOX_CHILD_URL"
)

const killConcurrency = 8

// TestOutboxChild is the child of TestOutboxSurvivesSIGKILL; it skips
// unless started by it. It sends until the batch is done, then exits.
func TestOutboxChild(t *testing.T) {
	path, url := os.Getenv(envChildDB), os.Getenv(envChildURL)
	if path == "" {
		t.Skip("run by TestOutboxSurvivesSIGKILL")
	}
	db := mustOutboxDB(t, path)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o := &bot.Outbox{
		Store: sqlite.NewOutboxService(db), API: mustClient(t, url),
		RatePerSecond: 1000, Concurrency: killConcurrency,
		OnBatchDone: func(context.Context, *cnsbot.OutboxBatch) { cancel() },
	}
	if err := o.Run(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestOutboxSurvivesSIGKILL kills the sending process with SIGKILL in the
// middle of a broadcast, starts another, and counts what the fake Bot API
// received: every member gets the message, and only calls that were in
// flight at the kill may have been made twice — at most Concurrency.
func TestOutboxSurvivesSIGKILL(t *testing.T) {
	const members = 2000
	f := newOutboxFixture(t, members)
	path := f.db.Path
	// The children open the file themselves.
	if err := f.db.Close(); err != nil {
		t.Fatal(err)
	}

	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestOutboxChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), envChildDB+"="+path, envChildURL+"="+f.srv.URL())
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}

	first := start()
	const killAfter = 800
	f.srv.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool {
		return len(s.SentMessages()) >= killAfter
	})
	if err := first.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	err := first.Wait()
	atKill := len(f.srv.SentMessages())
	if err == nil || !strings.Contains(err.Error(), "killed") {
		t.Fatalf("first child: %v, want killed", err)
	}

	second := start()
	waitErr := make(chan error, 1)
	go func() { waitErr <- second.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			t.Fatalf("second child: %v", err)
		}
	case <-time.After(90 * time.Second):
		second.Process.Kill()
		t.Fatal("second child did not finish the batch")
	}

	ok := okPerChat(f.srv.RequestsFor("sendMessage"))
	dups := 0
	for chat := range f.members {
		switch n := ok[chat]; {
		case n == 0:
			t.Fatalf("chat %d got nothing", chat)
		case n > 1:
			dups += n - 1
		}
	}
	if dups > killConcurrency {
		t.Fatalf("%d duplicates, want at most %d (the calls in flight at the kill)", dups, killConcurrency)
	}
	db := mustOutboxDB(t, path)
	b, err := sqlite.NewOutboxService(db).FindBatch(context.Background(), f.batch.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Sent != members || b.DoneAt == nil {
		t.Fatalf("batch=%+v", b)
	}
	t.Logf("killed after %d messages; %d members reached, %d sent twice (bound %d)", atKill, len(ok), dups, killConcurrency)
}

// BenchmarkOutbox measures the outbox's throughput with the rate limit off:
// one broadcast of b.N messages to distinct chats through the real
// go-telegram/bot client and the fake Bot API on loopback, every message
// claimed, sent and marked in SQLite.
func BenchmarkOutbox(b *testing.B) {
	f := newOutboxFixture(b, b.N)
	o := &bot.Outbox{RatePerSecond: 0, Concurrency: benchConcurrency()}
	b.ResetTimer()
	start := time.Now()
	done, stop := f.run(b, o)
	batch := waitBatch(b, done, 10*time.Minute)
	elapsed := time.Since(start)
	b.StopTimer()
	stop()
	if batch.Sent != b.N {
		b.Fatalf("sent %d of %d", batch.Sent, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}

// benchConcurrency is OUTBOX_CONCURRENCY or 16.
func benchConcurrency() int {
	if n, err := strconv.Atoi(os.Getenv("OUTBOX_CONCURRENCY")); err == nil && n > 0 {
		return n
	}
	return 16
}
