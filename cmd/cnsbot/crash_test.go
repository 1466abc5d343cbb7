package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/internal/telegramtest"
	"cnsbot/storage/sqlite"

	"github.com/go-telegram/bot/models"
)

// The crash tests: 20 members each queue 20 quick reports while the Bot API
// answers in 50 ms; the bot is killed with SIGKILL (power cut, OOM killer,
// kill -9) while it holds reports it has confirmed to Telegram, then
// started again on the same database and Redis. Every confirmed report
// must be saved exactly once and answered; a receipt may come twice only
// for the one report per chat whose receipt was going out at the kill.
const (
	crashChats   = 20
	crashReports = 20  // per chat
	crashBase    = 300 // report values are crashBase+1 … crashBase+crashReports
)

// crashWorld is the demo database with crashChats team members bound to
// Telegram accounts, and a config for it in mode (polling or webhook).
type crashWorld struct {
	dir, cfgPath, dbPath string
	users                []int64
	maxReportID          int64
	tg                   *telegramtest.Server
	webhookURL, secret   string
}

func newCrashWorld(t *testing.T, mode string) *crashWorld {
	t.Helper()
	w := &crashWorld{dir: t.TempDir(), tg: telegramtest.NewServer(t)}
	w.dbPath = filepath.Join(w.dir, "cnsbot.db")
	withDemoDatabase(t, w.dir)
	db := sqlite.NewDB(w.dbPath)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	rows, err := db.SQL().Query(`SELECT m.id FROM members m WHERE m.role = 'member' AND m.telegram_id IS NULL
		AND m.team_id IS NOT NULL ORDER BY m.id LIMIT ?`, crashChats)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	for i, id := range ids {
		user := int64(7_100_000 + i)
		if _, err := db.SQL().Exec(`UPDATE members SET telegram_id = ?, status = 'active' WHERE id = ?`, user, id); err != nil {
			t.Fatal(err)
		}
		w.users = append(w.users, user)
	}
	if err := db.SQL().QueryRow(`SELECT COALESCE(MAX(id), 0) FROM reports`).Scan(&w.maxReportID); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if len(w.users) != crashChats {
		t.Fatalf("demo has %d team members, want %d", len(w.users), crashChats)
	}

	var b [8]byte
	rand.Read(b[:])
	cfg := fmt.Sprintf("telegram:\n  token: %q\n  api_url: %q\n  mode: %s\n  poll_timeout: 2s\n"+
		"database:\n  path: %q\nhttp:\n  listen: \"\"\nlimits:\n  user_updates_per_minute: 0\nlog:\n  level: warn\n"+
		"redis:\n  url: %q\n  key_prefix: %q\n",
		telegramtest.Token, w.tg.URL(), mode, w.dbPath, testRedisURL(t), "cnsbotcrash:"+hex.EncodeToString(b[:])+":")
	if mode == ModeWebhook {
		w.secret = "crash-" + hex.EncodeToString(b[:])
		addr := freeAddr(t)
		w.webhookURL = "http://" + addr + "/tg/hook"
		cfg += fmt.Sprintf("webhook:\n  listen: %q\n  public_url: \"https://bot.example/tg/hook\"\n  secret_token: %q\n", addr, w.secret)
	}
	w.cfgPath = filepath.Join(w.dir, "cnsbot.yaml")
	if err := os.WriteFile(w.cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return w
}

// updates are the quick reports, chat by chat in value order, with their ids.
func (w *crashWorld) updates() []*models.Update {
	ids := telegramtest.NewIDs()
	var out []*models.Update
	for k := crashBase + 1; k <= crashBase+crashReports; k++ {
		for _, u := range w.users {
			out = append(out, telegramtest.Command(ids.Next(), u, u, "/bc vneid "+strconv.Itoa(k)))
		}
	}
	return out
}

// start runs `cnsbot run` in a child process.
func (w *crashWorld) start(t *testing.T) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	return startChild(t, w.cfgPath)
}

// startChild runs `cnsbot run -config cfgPath` in a child process.
func startChild(t *testing.T, cfgPath string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=run -config "+cfgPath)
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, out
}

// stop ends the child with SIGTERM and waits for it.
func stop(t *testing.T, cmd *exec.Cmd, out *syncBuffer) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("child: %v\n%s", err, out.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("child did not exit\n%s", out.String())
	}
}

// kill ends the child with SIGKILL.
func kill(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
}

// receipts counts the receipts each (chat, value) got, and says whether
// each chat's first receipts came in value order.
func (w *crashWorld) receipts() (got map[[2]int64]int, ordered bool) {
	got, ordered = map[[2]int64]int{}, true
	for _, u := range w.users {
		last := 0
		for _, m := range w.tg.MessagesTo(u) {
			for k := crashBase + 1; k <= crashBase+crashReports; k++ {
				if !strings.Contains(m.Text, strconv.Itoa(k)) {
					continue
				}
				key := [2]int64{u, int64(k)}
				if got[key] == 0 && k < last {
					ordered = false
				}
				got[key]++
				last = max(last, k)
				break
			}
		}
	}
	return got, ordered
}

// check waits until every report is answered, then checks the database:
// each report saved once, receipts == saved rows, per-chat order kept, and
// duplicate receipts at most one per chat.
func (w *crashWorld) check(t *testing.T, cmd *exec.Cmd, out *syncBuffer) {
	t.Helper()
	want := crashChats * crashReports
	deadline := time.Now().Add(90 * time.Second)
	for {
		got, _ := w.receipts()
		if len(got) == want {
			break
		}
		if time.Now().After(deadline) {
			var missing []string
			for _, u := range w.users {
				for k := crashBase + 1; k <= crashBase+crashReports; k++ {
					if got[[2]int64{u, int64(k)}] == 0 {
						missing = append(missing, fmt.Sprintf("%d/%d", u, k))
					}
				}
			}
			t.Fatalf("%d of %d reports never answered after the restart (chat/value): %s\n%s",
				len(missing), want, strings.Join(missing[:min(10, len(missing))], " "), out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	stop(t, cmd, out)
	got, ordered := w.receipts()
	dups := 0
	perChat := map[int64]int{}
	for key, n := range got {
		dups += n - 1
		perChat[key[0]] += n - 1
	}
	for chat, n := range perChat {
		if n > 1 {
			t.Errorf("chat %d got %d duplicate receipts, want at most the one in flight at the kill", chat, n)
		}
	}
	if !ordered {
		t.Error("a chat's receipts came out of order")
	}
	db := sqlite.NewDB(w.dbPath)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, distinct int
	if err := db.SQL().QueryRow(`SELECT COUNT(*), COUNT(DISTINCT member_id || ':' || value) FROM reports
		WHERE id > ? AND revoked_at IS NULL`, w.maxReportID).Scan(&rows, &distinct); err != nil {
		t.Fatal(err)
	}
	if rows != want || distinct != want {
		t.Errorf("saved %d report rows (%d distinct), want each of the %d reports once", rows, distinct, want)
	}
	t.Logf("saved %d, receipts %d distinct, %d duplicate", rows, len(got), dups)
}

// killAndRestart kills the bot with SIGKILL, starts it again on the same
// database and Redis with the Bot API answering at once, and checks that
// every report is saved once and answered.
func (w *crashWorld) killAndRestart(t *testing.T, cmd *exec.Cmd, out *syncBuffer) {
	t.Helper()
	kill(t, cmd)
	answered, _ := w.receipts()
	t.Logf("answered at the kill: %d of %d", len(answered), crashChats*crashReports)
	w.tg.SetLatency(0)
	cmd, out2 := w.start(t)
	out2.Write([]byte(out.String()))
	w.check(t, cmd, out2)
}

// Polling: SIGKILL once all 400 reports are confirmed to Telegram (its
// offset passed them), while the first receipts go out at 50 ms a call.
func TestSIGKILLPollingLosesNothing(t *testing.T) {
	w := newCrashWorld(t, ModePolling)
	w.tg.SetLatency(50 * time.Millisecond)
	w.tg.Push(w.updates()...)
	cmd, out := w.start(t)
	w.tg.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return s.Pending() == 0 })
	w.killAndRestart(t, cmd, out)
}

// Webhook: Telegram posts each chat's updates one after another and posts
// again until it gets a 2xx; SIGKILL while the answers are going out.
func TestSIGKILLWebhookLosesNothing(t *testing.T) {
	w := newCrashWorld(t, ModeWebhook)
	w.tg.SetLatency(50 * time.Millisecond)
	cmd, out := w.start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	byChat := map[int64][]*models.Update{}
	for _, u := range w.updates() {
		byChat[u.Message.Chat.ID] = append(byChat[u.Message.Chat.ID], u)
	}
	for _, ups := range byChat {
		wg.Go(func() { w.deliver(ctx, ups) })
	}
	w.tg.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return len(s.SentMessages()) >= 40 })
	w.killAndRestart(t, cmd, out)
	cancel()
	wg.Wait()
}

// deliver posts a chat's updates to the webhook as Telegram does: one at
// a time, each again until it is answered 2xx.
func (w *crashWorld) deliver(ctx context.Context, ups []*models.Update) {
	client := &http.Client{Timeout: 30 * time.Second}
	for _, u := range ups {
		body, _ := json.Marshal(u)
		for ctx.Err() == nil {
			req, _ := http.NewRequestWithContext(ctx, http.MethodPost, w.webhookURL, bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", w.secret)
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode/100 == 2 {
					break
				}
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// Two `cnsbot run` processes on one database and one Redis (webhook mode,
// as replicas would run), a broadcast to 2,000 members queued: one process
// sends it, the other stands by; SIGKILL the sender mid-broadcast and the
// other finishes it. Every member gets it; duplicates at most the calls in
// flight at the kill (the outbox's concurrency, 8).
func TestTwoProcessesShareABroadcast(t *testing.T) {
	const members = 2000
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "cnsbot.db")
	withDemoDatabase(t, dir)
	tg := telegramtest.NewServer(t)
	tg.SetLatency(20 * time.Millisecond)

	db := sqlite.NewDB(dbPath)
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	res, err := db.SQL().Exec(`UPDATE members SET telegram_id = 8000000 + id, status = 'active'
		WHERE id IN (SELECT id FROM members WHERE role = 'member' AND telegram_id IS NULL ORDER BY id LIMIT ?)`, members)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != members {
		t.Fatalf("bound %d members, want %d", n, members)
	}
	var msgs []*cnsbot.OutboxMessage
	rows, err := db.SQL().Query(`SELECT id, telegram_id FROM members WHERE telegram_id >= 8000000`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		m := &cnsbot.OutboxMessage{Text: "Thông báo họp tổ công nghệ số"}
		if err := rows.Scan(&m.MemberID, &m.ChatID); err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	rows.Close()
	if err := sqlite.NewOutboxService(db).CreateBatch(context.Background(),
		&cnsbot.OutboxBatch{Kind: "broadcast", Title: "họp"}, msgs); err != nil {
		t.Fatal(err)
	}
	db.Close()

	var b [8]byte
	rand.Read(b[:])
	prefix := "cnsbottwo:" + hex.EncodeToString(b[:]) + ":"
	redisURL := testRedisURL(t)
	config := func(name string) string {
		path := filepath.Join(dir, name+".yaml")
		cfg := fmt.Sprintf("telegram:\n  token: %q\n  api_url: %q\n  mode: webhook\n"+
			"webhook:\n  listen: %q\n  public_url: \"https://bot.example/tg/hook\"\n  secret_token: \"two-processes\"\n"+
			"database:\n  path: %q\nredis:\n  url: %q\n  key_prefix: %q\nhttp:\n  listen: \"\"\n"+
			"broadcast:\n  rate_per_second: 200\nlog:\n  level: warn\n",
			telegramtest.Token, tg.URL(), freeAddr(t), dbPath, redisURL, prefix)
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	a, outA := startChild(t, config("a"))
	tg.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return len(s.SentMessages()) >= 100 })
	bProc, outB := startChild(t, config("b"))
	tg.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return len(s.SentMessages()) >= 700 })
	kill(t, a)
	atKill := len(tg.SentMessages())
	deadline := time.Now().Add(90 * time.Second)
	got := map[int64]int{}
	for {
		clear(got)
		for _, m := range tg.SentMessages() {
			got[m.ChatID]++
		}
		if len(got) == members || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	stop(t, bProc, outB)
	dups := 0
	for _, n := range got {
		dups += n - 1
	}
	t.Logf("sent at the kill %d, members reached %d of %d, duplicates %d", atKill, len(got), members, dups)
	if len(got) != members {
		t.Fatalf("%d of %d members got the broadcast\nA:\n%s\nB:\n%s", len(got), members, outA.String(), outB.String())
	}
	if dups > 8 {
		t.Errorf("%d duplicates, want at most the 8 calls in flight at the kill", dups)
	}
}
