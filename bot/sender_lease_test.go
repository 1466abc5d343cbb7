package bot_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"cnsbot"
	"cnsbot/bot"
	"cnsbot/internal/telegramtest"
	"cnsbot/storage/sqlite"
)

// Owners of the two "processes" of these tests, as package lease names them.
const (
	ownerA = "testhost/pid:[1]/101/aa"
	ownerB = "testhost/pid:[1]/202/bb"
)

// deadOwners is the Outbox's Dead of these tests: an owner is dead once
// kill says so.
type deadOwners struct{ m sync.Map }

func (d *deadOwners) kill(owner string)      { d.m.Store(owner, true) }
func (d *deadOwners) dead(owner string) bool { _, ok := d.m.Load(owner); return ok }

var errKilled = errors.New("process killed")

// process is one "cnsbot run" of these tests: its API calls reach the fake
// Bot API and its store writes reach the database until kill, after which
// neither does — what a SIGKILL leaves behind. Calls already started when
// it is killed run to their answer; their marks are not written.
type process struct {
	*sqlite.OutboxService
	api bot.SenderAPI

	mu       sync.Mutex
	killed   bool
	inflight int         // calls started and not answered
	starts   []time.Time // of the calls that reached the API
	atKill   int         // inflight when killed

	pauseRenew atomic.Bool // renewals hang until their context ends
}

func (p *process) SendMessage(ctx context.Context, params *tgbot.SendMessageParams) (*models.Message, error) {
	p.mu.Lock()
	if p.killed {
		p.mu.Unlock()
		return nil, errKilled
	}
	p.inflight++
	p.starts = append(p.starts, time.Now())
	p.mu.Unlock()
	m, err := p.api.SendMessage(ctx, params)
	p.mu.Lock()
	p.inflight--
	p.mu.Unlock()
	return m, err
}

func (p *process) kill() {
	p.mu.Lock()
	p.killed, p.atKill = true, p.inflight
	p.mu.Unlock()
}

func (p *process) dead() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.killed
}

func (p *process) callStarts() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.starts...)
}

// The store methods the outbox writes with fail once the process is dead.

func (p *process) ClaimDue(ctx context.Context, owner string, now time.Time, limit int) ([]*cnsbot.OutboxMessage, error) {
	if p.dead() {
		return nil, errKilled
	}
	return p.OutboxService.ClaimDue(ctx, owner, now, limit)
}

func (p *process) MarkSent(ctx context.Context, id int64, at time.Time) error {
	if p.dead() {
		return errKilled
	}
	return p.OutboxService.MarkSent(ctx, id, at)
}

func (p *process) MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	if p.dead() {
		return errKilled
	}
	return p.OutboxService.MarkRetry(ctx, id, next, lastErr)
}

func (p *process) MarkFailed(ctx context.Context, id int64, lastErr string) error {
	if p.dead() {
		return errKilled
	}
	return p.OutboxService.MarkFailed(ctx, id, lastErr)
}

func (p *process) RecoverInFlight(ctx context.Context, owner string) (int, error) {
	if p.dead() {
		return 0, errKilled
	}
	return p.OutboxService.RecoverInFlight(ctx, owner)
}

func (p *process) RenewSenderLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (*cnsbot.Lease, error) {
	if p.pauseRenew.Load() {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	if p.dead() {
		return nil, errKilled
	}
	return p.OutboxService.RenewSenderLease(ctx, owner, now, ttl)
}

func (p *process) ReleaseSenderLease(ctx context.Context, owner string, now time.Time) error {
	if p.dead() {
		return errKilled
	}
	return p.OutboxService.ReleaseSenderLease(ctx, owner, now)
}

func (p *process) FinishBatch(ctx context.Context, id int64, at time.Time) (bool, error) {
	if p.dead() {
		return false, errKilled
	}
	return p.OutboxService.FinishBatch(ctx, id, at)
}

// start runs an outbox as owner on the fixture's database, through p.
func (f *outboxFixture) start(tb testing.TB, owner string, dead *deadOwners, ttl time.Duration) (*process, <-chan *cnsbot.OutboxBatch, func()) {
	tb.Helper()
	p := &process{OutboxService: f.store, api: f.tg}
	o := &bot.Outbox{
		Store: p, API: p, Owner: owner, Dead: dead.dead,
		RatePerSecond: 3000, Concurrency: 8,
		LeaseTTL: ttl, LeaseRenew: ttl / 10, LeasePoll: 20 * time.Millisecond,
	}
	done := make(chan *cnsbot.OutboxBatch, 4)
	o.OnBatchDone = func(_ context.Context, b *cnsbot.OutboxBatch) { done <- b }
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- o.Run(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-errc; err != nil {
				tb.Errorf("Run of %s: %v", owner, err)
			}
		})
	}
	tb.Cleanup(stop)
	return p, done, stop
}

// waitDone waits for the batch to be reported by either process.
func waitDone(tb testing.TB, a, b <-chan *cnsbot.OutboxBatch, timeout time.Duration) *cnsbot.OutboxBatch {
	tb.Helper()
	select {
	case got := <-a:
		return got
	case got := <-b:
		return got
	case <-time.After(timeout):
		tb.Fatalf("batch not done within %v", timeout)
		return nil
	}
}

// duplicates checks that every member got the message and returns how many
// got it more than once, in all.
func (f *outboxFixture) duplicates(tb testing.TB) int {
	tb.Helper()
	ok := okPerChat(f.srv.RequestsFor("sendMessage"))
	dups := 0
	for chat := range f.members {
		switch n := ok[chat]; {
		case n == 0:
			tb.Fatalf("chat %d got nothing", chat)
		case n > 1:
			dups += n - 1
		}
	}
	return dups
}

// TestOutboxTwoProcesses runs two outboxes on one database, as two
// `cnsbot run` on one file would, the second started in the middle of a
// broadcast of 2,000: every member gets the message exactly once, and only
// the first sends (the second must not re-send what the first has in
// flight, nor send beside it at the same rate). Before the lease, the
// second's start re-queued the first's claimed messages and both sent them.
func TestOutboxTwoProcesses(t *testing.T) {
	const members = 2000
	f := newOutboxFixture(t, members)
	f.srv.SetLatency(5 * time.Millisecond)
	dead := &deadOwners{}
	a, doneA, stopA := f.start(t, ownerA, dead, 5*time.Second)
	f.srv.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return len(s.SentMessages()) >= 200 })
	b, doneB, stopB := f.start(t, ownerB, dead, 5*time.Second)

	batch := waitDone(t, doneA, doneB, 60*time.Second)
	// A clean stop releases the lease: the standby takes it at its next
	// look (20 ms here), not when it would have expired (5 s).
	stopA()
	stopped := time.Now()
	for {
		l, err := f.store.FindSenderLease(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if l.Owner == ownerB {
			break
		}
		if time.Since(stopped) > 2*time.Second {
			t.Fatalf("lease %v after the first stopped=%+v; want the second's", time.Since(stopped), l)
		}
		time.Sleep(5 * time.Millisecond)
	}
	handover := time.Since(stopped)
	stopB()
	if batch.Sent != members || batch.Queued != 0 {
		t.Fatalf("batch=%+v", batch)
	}
	if dups := f.duplicates(t); dups != 0 {
		t.Fatalf("%d messages sent twice, want 0", dups)
	}
	if n := len(b.callStarts()); n != 0 {
		t.Fatalf("the second outbox made %d calls while the first was alive, want 0", n)
	}
	if n := len(a.callStarts()); n != members {
		t.Fatalf("the first outbox made %d calls, want %d", n, members)
	}
	t.Logf("the second took the lease %v after the first stopped", handover.Round(time.Millisecond))
}

// TestOutboxTakeOverFromDeadOwner kills the sending process in the middle
// of a broadcast of 2,000 — its calls in flight answered but not marked,
// its claimed messages left sending, its lease unexpired (a minute) — and
// marks its owner dead: the standby takes over at its next look, not when
// the lease expires, and finishes the batch; only calls in flight at the
// kill are made twice.
func TestOutboxTakeOverFromDeadOwner(t *testing.T) {
	const members, ttl = 2000, time.Minute
	f := newOutboxFixture(t, members)
	f.srv.SetLatency(5 * time.Millisecond)
	dead := &deadOwners{}
	a, doneA, stopA := f.start(t, ownerA, dead, ttl)
	f.srv.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return len(s.SentMessages()) >= 100 })
	b, doneB, _ := f.start(t, ownerB, dead, ttl)
	f.srv.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return len(s.SentMessages()) >= 600 })
	if n := len(b.callStarts()); n != 0 {
		t.Fatalf("the standby made %d calls while the sender was alive", n)
	}
	a.kill()
	dead.kill(ownerA)
	killed := time.Now()
	stopA()

	batch := waitDone(t, doneA, doneB, 60*time.Second)
	if batch.Sent != members || batch.Queued != 0 || batch.DoneAt == nil {
		t.Fatalf("batch=%+v", batch)
	}
	starts := b.callStarts()
	if len(starts) == 0 {
		t.Fatal("the standby made no call")
	}
	if starts[0].Before(killed) {
		t.Fatalf("the standby called %v before the kill", killed.Sub(starts[0]))
	}
	if took := starts[0].Sub(killed); took > ttl/2 {
		t.Fatalf("the standby took over %v after the kill; want at its next look, far below the lease's %v", took, ttl)
	}
	dups := f.duplicates(t)
	if dups > a.atKill {
		t.Fatalf("%d duplicates, want at most the %d calls in flight at the kill", dups, a.atKill)
	}
	t.Logf("killed after %d calls, %d in flight; the standby's first call %v later; %d sent twice",
		len(a.callStarts()), a.atKill, starts[0].Sub(killed).Round(time.Millisecond), dups)
}

// TestOutboxLostLease pauses the sender's renewals (a process stopped by
// SIGSTOP or a stalled disk; its owner alive): once its lease runs out the
// standby takes over, and the first starts no call after that — it drops
// what it claimed — while every member still gets the message.
func TestOutboxLostLease(t *testing.T) {
	const members, ttl = 2000, 600 * time.Millisecond
	f := newOutboxFixture(t, members)
	f.srv.SetLatency(5 * time.Millisecond)
	dead := &deadOwners{}
	a, doneA, stopA := f.start(t, ownerA, dead, ttl)
	f.srv.WaitFor(t, 60*time.Second, func(s *telegramtest.Server) bool { return len(s.SentMessages()) >= 400 })
	b, doneB, stopB := f.start(t, ownerB, dead, ttl)
	a.pauseRenew.Store(true)
	paused := time.Now()

	batch := waitDone(t, doneA, doneB, 60*time.Second)
	stopA()
	stopB()
	if batch.Sent != members || batch.Queued != 0 {
		t.Fatalf("batch=%+v", batch)
	}
	startsB := b.callStarts()
	if len(startsB) == 0 {
		t.Fatal("the standby made no call")
	}
	startsA := a.callStarts()
	if last := startsA[len(startsA)-1]; !last.Before(startsB[0]) {
		t.Fatalf("the first started a call %v after the second's first", last.Sub(startsB[0]))
	}
	if d := startsB[0].Sub(paused); d < ttl/2 {
		t.Fatalf("the standby took over %v after the renewals stopped; the lease lasts %v", d, ttl)
	}
	if dups := f.duplicates(t); dups > 8 {
		t.Fatalf("%d duplicates, want at most Concurrency (8)", dups)
	}
	t.Logf("the first made %d calls, the second %d, its first %v after the renewals stopped",
		len(startsA), len(startsB), startsB[0].Sub(paused).Round(time.Millisecond))
}
