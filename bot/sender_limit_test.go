package bot

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 7, 21, 8, 0, 0, 0, time.UTC)

func TestWindowLimiter(t *testing.T) {
	l := &windowLimiter{n: 3, per: time.Second}
	for i := range 3 {
		if ok, _ := l.allow(t0); !ok {
			t.Fatalf("call %d refused", i)
		}
		l.start()
	}
	if ok, at := l.allow(t0); ok || !at.IsZero() {
		t.Fatalf("4th call with 3 in flight: ok=%v at=%v, want to wait for an answer", ok, at)
	}
	l.finish(t0.Add(100*time.Millisecond), true)
	l.finish(t0.Add(50*time.Millisecond), true) // out of order: counted as late as the one before
	l.finish(time.Time{}, false)                // never reached the API: frees its place at once
	if ok, _ := l.allow(t0.Add(200 * time.Millisecond)); !ok {
		t.Fatal("call refused with 2 answered in the window and none in flight")
	}
	l.start()
	if ok, at := l.allow(t0.Add(200 * time.Millisecond)); ok || !at.Equal(t0.Add(1100*time.Millisecond)) {
		t.Fatalf("ok=%v at=%v, want a wait until the first answer is a second old", ok, at)
	}
	// An answer exactly a second old no longer counts: the next call's
	// answer cannot share a half-open one-second window with it.
	if ok, _ := l.allow(t0.Add(1100 * time.Millisecond)); !ok {
		t.Fatal("refused when the window had room")
	}
}

func TestChatLimit(t *testing.T) {
	t.Run("Private", func(t *testing.T) {
		var c chatLimit
		if at := c.allowedAt(t0, false, 20); at.After(t0) {
			t.Fatalf("new chat allowed at %v", at)
		}
		c.answered(t0, false, time.Second)
		if at := c.allowedAt(t0, false, 20); !at.Equal(t0.Add(time.Second)) {
			t.Fatalf("allowed at %v, want a second after the answer", at)
		}
	})
	t.Run("Group", func(t *testing.T) {
		var c chatLimit
		for i := range 20 {
			at := t0.Add(time.Duration(i) * 2 * time.Second)
			if a := c.allowedAt(at, true, 20); a.After(at) {
				t.Fatalf("call %d at %v allowed only at %v", i, at, a)
			}
			c.answered(at, true, time.Second)
		}
		now := t0.Add(40 * time.Second)
		if at := c.allowedAt(now, true, 20); !at.Equal(t0.Add(time.Minute)) {
			t.Fatalf("21st call allowed at %v, want a minute after the 1st", at)
		}
		if at := c.allowedAt(t0.Add(time.Minute), true, 20); at.After(t0.Add(time.Minute)) {
			t.Fatalf("allowed at %v once the first left the window", at)
		}
		if len(c.recent) != 19 {
			t.Fatalf("%d answers kept, want 19 within the minute", len(c.recent))
		}
	})
}

func TestOutboxBackoff(t *testing.T) {
	r := &outboxRun{cfg: outboxConfig{backoff: 2 * time.Second, maxBackoff: 5 * time.Minute}}
	for _, tt := range []struct {
		attempt int
		want    time.Duration
	}{{1, 2 * time.Second}, {2, 4 * time.Second}, {4, 16 * time.Second}, {8, 256 * time.Second}, {9, 5 * time.Minute}, {60, 5 * time.Minute}} {
		if got := r.backoff(tt.attempt); got != tt.want {
			t.Fatalf("backoff(%d)=%v, want %v", tt.attempt, got, tt.want)
		}
	}
}
