package bot_test

import (
	"testing"
	"time"

	"cnsbot"
	"cnsbot/bot"
	"cnsbot/internal/telegramtest"
)

// TestOutboxTwoProcesses runs two outboxes on one database, as two
// `cnsbot run` on one file would, the second started in the middle of a
// broadcast of 2,000: every member gets the message exactly once, and only
// the first sends (the second must not re-send what the first has in
// flight, nor send beside it at the same rate).
func TestOutboxTwoProcesses(t *testing.T) {
	const members, rate = 2000, 3000
	f := newOutboxFixture(t, members)
	f.srv.SetLatency(5 * time.Millisecond)
	apiA, apiB := &recordingAPI{api: f.tg}, &recordingAPI{api: f.tg}
	doneA, stopA := f.run(t, &bot.Outbox{API: apiA, RatePerSecond: rate, Concurrency: 8})
	f.srv.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return len(s.SentMessages()) >= 200 })
	doneB, stopB := f.run(t, &bot.Outbox{API: apiB, RatePerSecond: rate, Concurrency: 8})

	var b *cnsbot.OutboxBatch
	select {
	case b = <-doneA:
	case b = <-doneB:
	case <-time.After(60 * time.Second):
		t.Fatal("batch not done within 60 s")
	}
	stopA()
	stopB()
	if b.Sent != members {
		t.Fatalf("batch=%+v", b)
	}
	ok := okPerChat(f.srv.RequestsFor("sendMessage"))
	for chat := range f.members {
		if n := ok[chat]; n != 1 {
			t.Fatalf("chat %d got %d messages, want 1", chat, n)
		}
	}
	apiB.mu.Lock()
	defer apiB.mu.Unlock()
	if n := len(apiB.calls); n != 0 {
		t.Fatalf("the second outbox made %d calls while the first was alive, want 0", n)
	}
}
