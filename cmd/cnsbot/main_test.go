package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"cnsbot/internal/telegramtest"
)

// childEnv makes the test binary run `cnsbot` itself: the shutdown test
// needs a real process to send SIGTERM to.
const childEnv = "CNSBOT_TEST_CHILD_ARGS"

func TestMain(m *testing.M) {
	if args := os.Getenv(childEnv); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		main := NewMain()
		err := main.Run(ctx, strings.Fields(args))
		stop()
		if cerr := main.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	if demoTemplate.dir != "" {
		os.RemoveAll(demoTemplate.dir)
	}
	os.Exit(code)
}

// SIGTERM while 500 updates are in flight: the process stops taking
// updates, finishes the 500, and only then exits.
func TestSIGTERMDrainsUpdatesInFlight(t *testing.T) {
	tg := telegramtest.NewServer(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "cnsbot.yaml")
	cfg := fmt.Sprintf("telegram:\n  token: %q\n  api_url: %q\n  poll_timeout: 2s\n  workers: 16\ndatabase:\n  path: %q\nhttp:\n  listen: \"\"\nlimits:\n  user_updates_per_minute: 0\nlog:\n  level: warn\n",
		telegramtest.Token, tg.URL(), filepath.Join(dir, "cnsbot.db"))
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	// Each answer takes 40 ms: 500 updates over 16 workers take over a second.
	tg.SetLatency(40 * time.Millisecond)
	const n = 500
	ids := telegramtest.NewIDs()
	for i := 0; i < n; i++ {
		user := int64(50_000 + i)
		tg.Push(telegramtest.Message(ids.Next(), user, user, "xin chào"))
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=run -config "+cfgPath)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// SIGTERM once every update is confirmed to the fake (so all 500 are in
	// the process) and some are answered: the rest are in flight. On a
	// loaded machine the polls can lag the answers; waiting for the
	// confirmation keeps the test about draining, not about poll timing.
	tg.WaitFor(t, 30*time.Second, func(s *telegramtest.Server) bool { return s.Pending() == 0 && len(s.SentMessages()) >= 20 })
	if sent := len(tg.SentMessages()); sent == n {
		t.Logf("all %d answered before SIGTERM: nothing was in flight this run", n)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out.String())
		}
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("child did not exit\n%s", out.String())
	}
	answered := map[int64]bool{}
	for _, m := range tg.SentMessages() {
		answered[m.ChatID] = true
	}
	if got := len(answered); got != n {
		counts := map[string]int{}
		for _, r := range tg.Requests() {
			counts[r.Method+fmt.Sprint(r.ErrorCode)]++
		}
		t.Fatalf("%d of %d updates answered before exit %v pending %d\n%s", got, n, counts, tg.Pending(), out.String())
	}
}
