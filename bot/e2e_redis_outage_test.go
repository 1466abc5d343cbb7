package bot_test

import (
	"context"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"cnsbot/storage/redis"
)

// redisServer is a redis-server subprocess the test starts and stops.
type redisServer struct {
	port int
	cmd  *exec.Cmd
}

// startRedis starts redis-server on a free loopback port, without
// persistence, and waits until it answers. It skips the test when
// redis-server is not installed (CI has it).
func startRedis(tb testing.TB) *redisServer {
	tb.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		tb.Skip("redis-server not on PATH")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := &redisServer{port: port}
	s.start(tb)
	tb.Cleanup(s.stop)
	return s
}

func (s *redisServer) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

// start runs the server on s.port and waits until it accepts connections.
func (s *redisServer) start(tb testing.TB) {
	tb.Helper()
	s.cmd = exec.Command("redis-server", "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no")
	if err := s.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	deadline := time.Now().Add(wait)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", s.port), 100*time.Millisecond)
		if err == nil {
			_, err = c.Write([]byte("PING\r\n"))
			buf := make([]byte, 7)
			if err == nil {
				c.SetReadDeadline(time.Now().Add(time.Second))
				_, err = c.Read(buf)
			}
			c.Close()
			if err == nil && strings.HasPrefix(string(buf), "+PONG") {
				return
			}
		}
		if time.Now().After(deadline) {
			tb.Fatalf("redis-server on port %d did not answer within %v: %v", s.port, wait, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// stop kills the server, as a crash or an OOM kill would, and reaps it.
func (s *redisServer) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Redis goes away and comes back: quick reports keep saving, a flow that
// needs its state says to try again later, nobody gets the apology, and the
// same store recovers without a restart.
func TestRedisOutage(t *testing.T) {
	srv := startRedis(t)
	store := redis.NewStore(srv.url(), "cnsbot-test:")
	if err := store.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	h := newHarness(t, store).withReporting(t, "vi")
	store.Now = h.now
	unavailable, apology := h.t("vi", "error.unavailable"), h.t("vi", "error.internal")
	pickHead := strings.Split(h.t("vi", "report.pick"), "\n")[0]

	quick := func(t *testing.T, value int) {
		t.Helper()
		before := len(h.reportsOf(t, reporterTG))
		got := h.text(t, reporterTG, fmt.Sprintf("/bc vneid %d", value))
		if !strings.Contains(got.ReplyMarkup, "bc:undo") {
			t.Fatalf("/bc vneid %d → %q %s, want the receipt", value, got.Text, got.ReplyMarkup)
		}
		if n := len(h.reportsOf(t, reporterTG)); n != before+1 {
			t.Fatalf("%d reports after /bc vneid %d, want %d", n, value, before+1)
		}
	}

	// Redis up: both forms work.
	quick(t, 5)
	if got := h.text(t, reporterTG, "/baocao"); !strings.HasPrefix(got.Text, pickHead) {
		t.Fatalf("/baocao with Redis up → %q", got.Text)
	}
	h.text(t, reporterTG, "/huy")

	srv.stop()
	if err := store.Ping(context.Background()); err == nil {
		t.Fatal("Ping succeeded with the server stopped")
	}
	// Redis down: the quick form saves and answers with its receipt; the
	// guided form, which needs its state, says to try again later.
	quick(t, 6)
	quick(t, 7)
	if got := h.text(t, reporterTG, "/baocao"); got.Text != unavailable {
		t.Fatalf("/baocao with Redis down → %q, want %q", got.Text, unavailable)
	}
	if got := h.text(t, reporterTG, "15"); got.Text != unavailable {
		t.Fatalf("free value with Redis down → %q, want %q", got.Text, unavailable)
	}
	// Commands that need no flow keep working.
	if got := h.text(t, reporterTG, "/trogiup"); !strings.Contains(got.Text, h.t("vi", "help.cmd_cancel")) {
		t.Fatalf("/trogiup with Redis down → %q", got.Text)
	}
	if got := h.text(t, reporterTG, "/cuatoi"); len(got.CallbackData()) == 0 {
		t.Fatalf("/cuatoi with Redis down → %q %s, want the list with its buttons", got.Text, got.ReplyMarkup)
	}

	srv.start(t)
	// The same store reconnects by itself: /baocao works again once the
	// pool dials the new server.
	deadline := time.Now().Add(wait)
	for {
		got := h.text(t, reporterTG, "/baocao")
		if strings.HasPrefix(got.Text, pickHead) {
			break
		} else if got.Text != unavailable {
			t.Fatalf("/baocao after restart → %q", got.Text)
		} else if time.Now().After(deadline) {
			t.Fatalf("/baocao still unavailable %v after the restart", wait)
		}
		time.Sleep(50 * time.Millisecond)
	}
	h.text(t, reporterTG, "/huy")
	quick(t, 8)
	if err := store.Ping(context.Background()); err != nil {
		t.Fatalf("Ping after restart: %v", err)
	}

	if n := len(h.reportsOf(t, reporterTG)); n != 4 {
		t.Fatalf("%d reports, want 4 (one before, two during, one after the outage)", n)
	}
	for _, m := range append(h.tg.MessagesTo(reporterTG), h.tg.Edits()...) {
		if m.Text == apology {
			t.Fatalf("the apology was sent during the outage\n%s", h.tg.Dump())
		}
	}
	for _, r := range h.tg.RequestsFor("answerCallbackQuery") {
		if r.Params["text"] == apology {
			t.Fatalf("a callback was answered with the apology")
		}
	}
}
