package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cnsbot/internal/telegramtest"
	"cnsbot/locales"

	"github.com/alicebob/miniredis/v2"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	goredis "github.com/redis/go-redis/v9"
)

// syncBuffer is a bytes.Buffer safe for the bot's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testRedisURL is REDIS_URL when set (CI's real server), else a miniredis.
func testRedisURL(tb testing.TB) string {
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return "redis://" + miniredis.RunT(tb).Addr()
}

// runMain runs args through a new Main and returns its combined output.
func runMain(tb testing.TB, ctx context.Context, args ...string) (string, error) {
	tb.Helper()
	var out syncBuffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &out}
	err := m.Run(ctx, args)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	return out.String(), err
}

// writeFixture writes the units and members files of a small tree.
func writeFixture(tb testing.TB, dir string) (units, members string) {
	tb.Helper()
	units = filepath.Join(dir, "units.csv")
	members = filepath.Join(dir, "members.csv")
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(os.WriteFile(units, []byte("code,parent_code,level,name\n10,,province,Lào Cai\n085,10,district,Bắc Hà\n02866,085,commune,Bản Phố\n02866-01,02866,village,Làng Mới\n"), 0o644))
	must(os.WriteFile(members, []byte("họ và tên,số điện thoại,mã đơn vị,vai trò\nSùng Thị Mỷ,0912345678,02866-01,member\nNguyễn Thị Thu Hà,0912000001,10,admin\n"), 0o644))
	return units, members
}

// `cnsbot run` against a fake Bot API with Redis: a user registers end to
// end, and an unfinished registration's draft sits in Redis with a TTL and
// survives a restart of the bot.
func TestRunEndToEndWithRedis(t *testing.T) {
	tg := telegramtest.NewServer(t)
	dir := t.TempDir()
	redisURL := testRedisURL(t)
	prefix := fmt.Sprintf("cnsbot-test-%d:", time.Now().UnixNano())
	cfgPath := filepath.Join(dir, "cnsbot.yaml")
	opsAddr := freeAddr(t)
	cfg := fmt.Sprintf(`telegram:
  token: %q
  api_url: %q
  poll_timeout: 2s
redis:
  url: %q
  key_prefix: %q
database:
  path: %q
http:
  listen: %q
limits:
  user_updates_per_minute: 0
log:
  level: warn
`, telegramtest.Token, tg.URL(), redisURL, prefix, filepath.Join(dir, "cnsbot.db"), opsAddr)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	units, members := writeFixture(t, dir)
	indicators := filepath.Join(dir, "indicators.csv")
	if err := os.WriteFile(indicators, []byte("code,name_vi,name_en,unit,kind,aggregation,direction,aliases\nVNEID,Hỗ trợ cài đặt VNeID,VNeID installs,người,activity,sum,higher,vneid;định danh\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, args := range [][]string{{"import", "-config", cfgPath, "units", units}, {"import", "-config", cfgPath, "members", members}, {"import", "-config", cfgPath, "indicators", indicators}} {
		if out, err := runMain(t, ctx, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	catalog, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	start := func() (stop func()) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		var out string
		go func() {
			var err error
			out, err = runMain(t, ctx, "run", "-config", cfgPath)
			done <- err
		}()
		return func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("run: %v\n%s", err, out)
				}
			case <-time.After(20 * time.Second):
				t.Fatal("run did not stop")
			}
		}
	}
	const wait = 10 * time.Second
	ids := telegramtest.NewIDs()

	stop := start()
	const member, stranger = 1001, 1002
	before := scrape(t, opsAddr)
	tg.Push(telegramtest.Contact(ids.Next(), member, member, member, "+84912345678"))
	if got := tg.WaitMessages(t, member, 1, wait)[0].Text; !strings.Contains(got, "Sùng Thị Mỷ") {
		t.Fatalf("registration reply=%q", got)
	}
	// The metrics move as updates flow, and /healthz says all is well.
	// (The reply goes out before the update is counted: poll briefly.)
	was, got := before["cnsbot_updates_total"], 0.0
	for deadline := time.Now().Add(wait); time.Now().Before(deadline) && got < was+1; time.Sleep(10 * time.Millisecond) {
		got = scrape(t, opsAddr)["cnsbot_updates_total"]
	}
	if got < was+1 {
		t.Fatalf("cnsbot_updates_total %v → %v", was, got)
	}
	if h := health(t, opsAddr); h["status"] != "ok" || h["conversations"] != "ok" {
		t.Fatalf("healthz=%v", h)
	}
	// The member starts a report and picks the indicator, then the bot stops.
	tg.Push(telegramtest.Command(ids.Next(), member, member, "/baocao"))
	pick := tg.WaitMessages(t, member, 2, wait)[1]
	if len(pick.CallbackData()) == 0 {
		t.Fatalf("pick=%q %s", pick.Text, pick.ReplyMarkup)
	}
	tg.Push(telegramtest.Callback(ids.Next(), member, member, int64(pick.MessageID), pick.CallbackData()[0]))
	tg.WaitFor(t, wait, func(s *telegramtest.Server) bool { return len(s.Edits()) == 1 })
	tg.Push(telegramtest.Contact(ids.Next(), stranger, stranger, stranger, "0987654321"))
	if got, want := tg.WaitMessages(t, stranger, 1, wait)[0].Text, catalog.T("vi", "start.unknown_phone", map[string]any{"Phone": "0987654321"}); got != want {
		t.Fatalf("unknown phone reply=%q, want %q", got, want)
	}
	stop()

	// The draft is in Redis, with a TTL.
	opt, err := goredis.ParseURL(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	rc := goredis.NewClient(opt)
	defer rc.Close()
	key := fmt.Sprintf("%sconv:%d:%d", prefix, stranger, stranger)
	memberKey := fmt.Sprintf("%sconv:%d:%d", prefix, member, member)
	t.Cleanup(func() { rc.Del(context.Background(), key, memberKey) })
	ttl, err := rc.TTL(ctx, key).Result()
	if err != nil || ttl <= 0 {
		t.Fatalf("TTL(%s)=%v, %v; want a positive TTL", key, ttl, err)
	}
	if draft, _ := rc.Get(ctx, key).Result(); !strings.Contains(draft, "0987654321") {
		t.Fatalf("draft=%q, want the phone", draft)
	}

	// A new process continues the conversation where it stopped.
	stop = start()
	defer stop()
	tg.Push(telegramtest.Message(ids.Next(), stranger, stranger, "Lò Văn Páo"))
	if got, want := tg.WaitMessages(t, stranger, 2, wait)[1].Text, catalog.T("vi", "start.ask_unit", nil); got != want {
		t.Fatalf("after restart=%q, want %q", got, want)
	}
	// The member's report draft survived too: the number lands on it.
	tg.Push(telegramtest.Message(ids.Next(), member, member, "15"))
	more := tg.WaitMessages(t, member, 3, wait)[2]
	if !strings.Contains(more.Text, "Hỗ trợ cài đặt VNeID") || !strings.Contains(more.Text, "15") {
		t.Fatalf("after restart the draft was lost: %q", more.Text)
	}
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// scrape reads /metrics with the Prometheus text parser and returns each
// family's total (the sum of its samples' values).
func scrape(tb testing.TB, addr string) map[string]float64 {
	tb.Helper()
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/metrics"); err == nil {
			break
		}
	}
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string]float64{}
	for name, f := range families {
		for _, m := range f.GetMetric() {
			switch {
			case m.Counter != nil:
				out[name] += m.GetCounter().GetValue()
			case m.Gauge != nil:
				out[name] += m.GetGauge().GetValue()
			case m.Histogram != nil:
				out[name] += float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

// health reads /healthz.
func health(tb testing.TB, addr string) map[string]any {
	tb.Helper()
	resp, err := http.Get("http://" + addr + "/healthz")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var h map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		tb.Fatal(err)
	}
	return h
}
