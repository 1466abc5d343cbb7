package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"cnsbot"
	"cnsbot/lease"
)

// SenderAPI is the part of the Bot API the outbox calls; *tgbot.Bot
// satisfies it.
type SenderAPI interface {
	SendMessage(ctx context.Context, p *tgbot.SendMessageParams) (*models.Message, error)
}

// Outbox is the outbound engine for mass messages: it claims due messages
// from the store (cnsbot.OutboxService), sends them within Telegram's
// limits and marks each one with Telegram's answer.
//
// Limits. A global limit of RatePerSecond calls in any one-second window;
// one call per PerChatInterval to a chat; GroupPerMinute calls in any
// 60-second window to a group. Each limit counts a call from its start until
// one window after its answer arrived, so no window of answers as Telegram
// records them can hold more than the limit, whatever the network's jitter
// (a token bucket that spaces starts 1/rate apart lets a slow call and a
// fast one land in the same window). The cost is a rate a little below the
// limit: about RatePerSecond per (1 s + the call's latency).
//
// Answers. A 429 pauses all sending until retry_after has passed and puts
// the message back at the head of the queue for then; it does not count as
// an attempt. A 403 marks the message and its member blocked (MarkBlocked):
// leaders see them as unreachable and later mass messages leave them out.
// A 400 cannot succeed on retry and fails the message at once. Any other
// error (5xx, network) is retried after Backoff·2^(attempt−1), at most
// MaxBackoff, and the message fails after MaxAttempts answered calls.
//
// One sender per database. Every `cnsbot run` on a database runs an Outbox,
// but only the one holding the sender's lease (a row of the store, see
// cnsbot.OutboxService) claims and sends; the others stand by. So two
// processes never send beside each other — together they would break
// Telegram's 30 a second — nor send each other's messages. The holder
// renews the lease every LeaseRenew for LeaseTTL; a standby looks at it
// every LeasePoll, with one read that takes no write turn, and takes it
// over when it has expired or when its owner is dead (Dead: a process of
// this host that no longer runs). So after a kill -9 a process on the same
// host — the restarted one, or a standby — takes over within LeasePoll
// (2 s), and one on another host within LeaseTTL (15 s) plus LeasePoll.
// A clean stop releases the lease: the standby takes over at its next look.
//
// Crashes and takeovers: at-least-once for the calls in flight. Every
// message is stored before it is sent, and claimed (status sending, with
// Owner) before its call, only while the claimer holds the lease. A message
// whose call was in flight when its sender died — Telegram may or may not
// have delivered it; nobody can know — is still sending; the next holder
// puts every message left sending back in the queue as it takes the lease
// (AcquireSenderLease) and sends it again. A lost announcement is worse
// than one duplicate, and the duplicates are bounded: a call holds one of
// Concurrency slots until its mark is committed, so at most Concurrency
// messages can be sent twice per crash. Messages claimed but not yet called
// were not sent and are not duplicated. The per-chat limits are kept in
// memory: a duplicate may follow the original to its chat within a second
// (Telegram would answer 429 at worst).
//
// Losing the lease. A holder that could not renew in time (paused, or the
// database failing) and finds the lease expired or taken stops: it starts
// no call once its lease has less than a fifth of LeaseTTL left by its own
// clock, its claims fail once another process holds the lease (ClaimDue
// checks it in its transaction), and it drops what it claimed and did not
// call — the new holder re-queued those. Its calls in flight then run to
// their answer (at most StopTimeout) and are marked; the new holder may
// have re-queued and sent them again: the same bound, Concurrency
// duplicates. It then stands by like any other process.
//
// Set the fields before Run; zero fields take the defaults in their
// comments, except RatePerSecond (0: no global limit, for benchmarks; the
// bot sets broadcast.rate_per_second, default 30).
type Outbox struct {
	Store  cnsbot.OutboxService
	API    SenderAPI
	Logger *slog.Logger
	Now    func() time.Time // time.Now

	RatePerSecond   int           // calls in any one-second window; 0 = unlimited
	PerChatInterval time.Duration // between calls to one chat; 1 s
	GroupPerMinute  int           // calls to one group in any 60 s; 20
	MaxAttempts     int           // answered calls before a message fails; 5
	Backoff         time.Duration // first retry delay, doubled per attempt; 2 s
	MaxBackoff      time.Duration // longest retry delay; 5 min
	Concurrency     int           // calls in flight at once; 8
	// RetryAfterUnit is how long one second of a 429's retry_after lasts;
	// 1 s. Tests shorten it, as they shorten Backoff.
	RetryAfterUnit time.Duration
	PollInterval   time.Duration // how often an idle outbox looks for due messages; 500 ms
	CallTimeout    time.Duration // bound on one sendMessage call; 30 s
	StopTimeout    time.Duration // how long Run waits for calls in flight once ctx ends; 10 s

	// Token is redacted from the errors the outbox stores and logs: the
	// library's network errors carry request URLs, and those the token.
	Token string
	// OnResult, when set, is told each call's result: sent, retry, failed,
	// blocked or rate_limited (metrics).
	OnResult func(result string)

	// Owner names this process in the sender's lease and on the messages
	// it claims; lease.Self. Tests give two outboxes in one binary two
	// owners.
	Owner string
	// Dead reports whether the owner of a lease is known to be gone, so
	// that its lease is taken over at once instead of when it expires;
	// lease.Dead. Tests replace it to kill an owner.
	Dead func(owner string) bool
	// The lease runs on the wall clock (time.Now), not on Now, which tests
	// move by hours.
	LeaseTTL   time.Duration // how long the lease lasts unless renewed; 15 s
	LeaseRenew time.Duration // how often its holder renews it; LeaseTTL/3
	LeasePoll  time.Duration // how often a standby looks at it; 2 s, at most LeaseTTL/3

	// OnBatchDone is called once per batch when none of its messages is
	// queued or sending, with its final counts; the caller sends the
	// delivery report. It runs on the outbox's loop: keep it short.
	OnBatchDone func(ctx context.Context, b *cnsbot.OutboxBatch)

	initOnce sync.Once
	wake     chan struct{}
	running  atomic.Bool

	// gate orders calls and 429 pauses: a call holds it shared from the
	// pause check to its answer; a 429 takes it exclusively to set the
	// pause, so once the pause is set no call that missed it is still
	// running and every later call sees it.
	gate        sync.RWMutex
	pausedUntil time.Time    // guarded by gate
	pauseNanos  atomic.Int64 // pausedUntil for the loop, which must not block on gate
}

// logOutboxPaused is the message of the log line of a flood-wait pause.
const logOutboxPaused = "outbox paused"

// batchLister is what a store offers to find the batches a stopped process
// left unfinished (their last message marked, FinishBatch not yet done).
type batchLister interface {
	UnfinishedBatches(ctx context.Context) ([]int64, error)
}

func (o *Outbox) init() {
	o.initOnce.Do(func() { o.wake = make(chan struct{}, 1) })
}

// Notify tells a running outbox that a batch was queued, so it claims at
// once instead of at its next poll. It never blocks.
func (o *Outbox) Notify() {
	o.init()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *Outbox) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

func (o *Outbox) owner() string {
	if o.Owner == "" {
		return lease.Self
	}
	return o.Owner
}

func (o *Outbox) dead(owner string) bool {
	if o.Dead == nil {
		return lease.Dead(owner)
	}
	return o.Dead(owner)
}

func (o *Outbox) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.Default()
	}
	return o.Logger
}

// outboxConfig is the Outbox's settings with defaults applied.
type outboxConfig struct {
	rate, groupPerMinute, maxAttempts, concurrency, claimSize               int
	perChat, backoff, maxBackoff, retryUnit, poll, callTimeout, stopTimeout time.Duration
	leaseTTL, leaseRenew, leasePoll, leaseMargin                            time.Duration
}

func (o *Outbox) config() outboxConfig {
	or := func(v, def time.Duration) time.Duration {
		if v <= 0 {
			return def
		}
		return v
	}
	ori := func(v, def int) int {
		if v <= 0 {
			return def
		}
		return v
	}
	c := outboxConfig{
		rate:           max(o.RatePerSecond, 0),
		groupPerMinute: ori(o.GroupPerMinute, 20),
		maxAttempts:    ori(o.MaxAttempts, 5),
		concurrency:    ori(o.Concurrency, 8),
		perChat:        or(o.PerChatInterval, time.Second),
		backoff:        or(o.Backoff, 2*time.Second),
		maxBackoff:     or(o.MaxBackoff, 5*time.Minute),
		retryUnit:      or(o.RetryAfterUnit, time.Second),
		poll:           or(o.PollInterval, 500*time.Millisecond),
		callTimeout:    or(o.CallTimeout, 30*time.Second),
		stopTimeout:    or(o.StopTimeout, 10*time.Second),
	}
	c.leaseTTL = or(o.LeaseTTL, 15*time.Second)
	c.leaseRenew = min(or(o.LeaseRenew, c.leaseTTL/3), c.leaseTTL/2)
	c.leasePoll = min(or(o.LeasePoll, 2*time.Second), c.leaseTTL/3)
	// A call starts only while the lease has this much left: room for one
	// renewal that fails and for clocks of two hosts that disagree a little.
	c.leaseMargin = c.leaseTTL / 5
	// Enough claimed ahead to keep every slot busy between two claims,
	// few enough that a claim is a short transaction.
	c.claimSize = max(64, 16*c.concurrency)
	return c
}

// Run sends until ctx ends, as long as this process holds the sender's
// lease, and stands by when another live process holds it, looking every
// LeasePoll whether it may take it. Holding the lease, it claims due
// messages, sends them within the limits, marks them, finishes batches and
// calls OnBatchDone; it polls the store every PollInterval when idle and at
// once after Notify. When ctx ends it starts no call, waits up to
// StopTimeout for the calls in flight and their marks, puts back in the
// queue what it had claimed but not sent, releases the lease and returns
// nil. Errors of the store while running are logged and retried; Run
// returns an error only when it cannot start.
func (o *Outbox) Run(ctx context.Context) error {
	if o.Store == nil || o.API == nil {
		return fmt.Errorf("outbox: Store and API required")
	}
	if !o.running.CompareAndSwap(false, true) {
		return fmt.Errorf("outbox: already running")
	}
	defer o.running.Store(false)
	o.init()

	cfg := o.config()
	timer := time.NewTimer(0)
	defer timer.Stop()
	var holder string // the live holder last logged
	var lastErr time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		l, held, err := o.acquire(ctx, cfg)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			if time.Since(lastErr) >= time.Minute {
				lastErr = time.Now()
				o.logger().Error("outbox: look at the sender's lease", cnsbot.LogError, err)
			}
		case held != nil:
			if held.Owner != holder {
				holder = held.Owner
				o.logger().Info("outbox: standing by; another process sends", cnsbot.LogHolder, held.Owner, cnsbot.LogUntil, held.ExpiresAt)
			}
		case l != nil:
			holder = ""
			if err := o.sendUnder(ctx, cfg, l); err != nil {
				o.logger().Error("outbox: stop", cnsbot.LogError, err)
			}
		}
		timer.Reset(cfg.leasePoll)
	}
}

// acquire takes the sender's lease when nobody holds it, its holder let it
// expire or is dead, or it is this process's own from an earlier run; it
// returns the lease of the live holder otherwise (held), or neither when
// another process took it first.
func (o *Outbox) acquire(ctx context.Context, cfg outboxConfig) (mine, held *cnsbot.Lease, err error) {
	now := time.Now()
	cur, err := o.Store.FindSenderLease(ctx)
	if cnsbot.IsNotFound(err) {
		cur, err = nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	self := o.owner()
	expired := cur != nil && !cur.ExpiresAt.After(now)
	if cur != nil && cur.Owner != self && !expired && !o.dead(cur.Owner) {
		return nil, cur, nil
	}
	l, n, err := o.Store.AcquireSenderLease(ctx, self, cur, now, cfg.leaseTTL)
	if cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	switch {
	case cur != nil && cur.Owner != self && !expired:
		o.logger().Warn("outbox: took the sender's lease over from a dead process; its calls in flight may arrive twice",
			cnsbot.LogOwner, self, cnsbot.LogHolder, cur.Owner, cnsbot.LogMessages, n)
	case cur != nil && cur.Owner != self && n > 0:
		// Released at a clean stop, the lease would have nothing left
		// sending: its holder stopped without handing back.
		o.logger().Warn("outbox: took the sender's lease over from a process that let it expire; its calls in flight may arrive twice",
			cnsbot.LogOwner, self, cnsbot.LogHolder, cur.Owner, cnsbot.LogUntil, cur.ExpiresAt, cnsbot.LogMessages, n)
	case n > 0:
		o.logger().Warn("outbox: sending; re-queued messages left sending, those whose call was in flight may arrive twice",
			cnsbot.LogOwner, self, cnsbot.LogMessages, n)
	default:
		o.logger().Info("outbox: sending; this process holds the sender's lease", cnsbot.LogOwner, self)
	}
	return l, nil, nil
}

// sendUnder sends while this process holds l: until ctx ends, or the lease
// is lost. It renews the lease meanwhile, and releases it at the end.
func (o *Outbox) sendUnder(ctx context.Context, cfg outboxConfig, l *cnsbot.Lease) error {
	runCtx, lost := context.WithCancel(ctx)
	defer lost()
	r := newOutboxRun(o, runCtx)
	defer r.cancelCalls()
	r.lost = lost
	r.setLease(l)

	stopRenew, renewed := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(renewed)
		r.renew(stopRenew)
	}()
	err := func() error {
		if lister, ok := o.Store.(batchLister); ok {
			ids, err := lister.UnfinishedBatches(runCtx)
			if err != nil && runCtx.Err() == nil {
				r.logErr("outbox: find unfinished batches", err)
			}
			for _, id := range ids {
				r.candidates[id] = true
			}
		}
		return r.loop(runCtx)
	}()
	close(stopRenew)
	<-renewed

	rctx, cancel := context.WithTimeout(r.markCtx, cfg.stopTimeout)
	defer cancel()
	if rerr := o.Store.ReleaseSenderLease(rctx, o.owner(), time.Now()); rerr != nil && err == nil {
		err = fmt.Errorf("outbox: %w", rerr)
	}
	return err
}

// outboxItem is a claimed message held in memory until its call.
type outboxItem struct {
	m         *cnsbot.OutboxMessage
	notBefore time.Time // after a 429 pause
}

// outboxResult is what a worker reports after a call and its mark.
type outboxResult struct {
	it      *outboxItem
	called  bool      // the API was called: the limits count it
	at      time.Time // when the answer arrived
	requeue time.Time // non-zero: not done, send again at this time (429, paused)
}

// outboxRun is the state of one Run, owned by its loop goroutine.
type outboxRun struct {
	o   *Outbox
	cfg outboxConfig

	callCtx     context.Context // outlives Run's ctx by StopTimeout
	cancelCalls context.CancelFunc
	markCtx     context.Context // marks are written even after ctx ends

	// leaseUntil is when this run stops starting calls (UnixNano of the
	// wall clock): its lease's expiry less cfg.leaseMargin. lost ends the
	// run when the lease is lost.
	leaseUntil atomic.Int64
	lost       context.CancelFunc
	lostOnce   sync.Once

	pending    []*outboxItem
	chats      map[int64]*chatLimit
	global     *windowLimiter // nil: no global limit
	inflight   int
	perBatch   map[int64]int // messages in memory, by batch
	candidates map[int64]bool
	results    chan outboxResult

	claimMore  bool // the last claim was full: more may be due
	nextPoll   time.Time
	nextPrune  time.Time
	longWaits  int // pending messages whose chat is busy for a while
	lastLogErr time.Time
}

func newOutboxRun(o *Outbox, ctx context.Context) *outboxRun {
	cfg := o.config()
	r := &outboxRun{
		o:          o,
		cfg:        cfg,
		markCtx:    context.WithoutCancel(ctx),
		chats:      map[int64]*chatLimit{},
		perBatch:   map[int64]int{},
		candidates: map[int64]bool{},
		results:    make(chan outboxResult, cfg.concurrency),
		claimMore:  true,
	}
	r.callCtx, r.cancelCalls = context.WithCancel(context.WithoutCancel(ctx))
	if cfg.rate > 0 {
		r.global = &windowLimiter{n: cfg.rate, per: time.Second}
	}
	return r
}

func (r *outboxRun) loop(ctx context.Context) error {
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		if ctx.Err() != nil {
			return r.stop()
		}
		now := r.o.now()
		r.finishBatches()
		r.claim(ctx, now)
		wakeAt := r.dispatch(now)
		if len(r.pending)-r.longWaits < r.cfg.claimSize/2 && r.nextPoll.After(now) && (wakeAt.IsZero() || r.nextPoll.Before(wakeAt)) {
			wakeAt = r.nextPoll
		}
		if now.After(r.nextPrune) {
			r.prune(now)
		}

		d := time.Hour
		if !wakeAt.IsZero() {
			d = max(wakeAt.Sub(now), 0)
		}
		timer.Reset(d)
		select {
		case res := <-r.results:
			r.handle(res)
		case <-r.o.wake:
			r.claimMore = true
		case <-timer.C:
		case <-ctx.Done():
		}
		// Take every answer already in before deciding again.
		for drained := false; !drained; {
			select {
			case res := <-r.results:
				r.handle(res)
			default:
				drained = true
			}
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

// claim tops the pending messages up from the store when they run low
// (messages waiting long for a busy chat do not count) and more may be due.
func (r *outboxRun) claim(ctx context.Context, now time.Time) {
	low := r.cfg.claimSize / 2
	if len(r.pending)-r.longWaits >= low || len(r.pending) >= 8*r.cfg.claimSize {
		return
	}
	if !r.claimMore && now.Before(r.nextPoll) {
		return
	}
	want := r.cfg.claimSize - (len(r.pending) - r.longWaits)
	r.nextPoll = now.Add(r.cfg.poll)
	ms, err := r.o.Store.ClaimDue(ctx, r.o.owner(), now, want)
	if err != nil {
		r.claimMore = false
		if cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
			r.loseLease("outbox: lost the sender's lease to another process; stopped sending")
		} else if ctx.Err() == nil {
			r.logErr("outbox: claim", err)
		}
		return
	}
	r.claimMore = len(ms) == want
	for _, m := range ms {
		r.pending = append(r.pending, &outboxItem{m: m})
		r.perBatch[m.BatchID]++
	}
}

// dispatch starts the calls that every limit allows now, in queue order,
// and returns when the next one may become possible (zero: only an answer
// can change anything).
func (r *outboxRun) dispatch(now time.Time) (wakeAt time.Time) {
	earliest := func(t time.Time) {
		if wakeAt.IsZero() || t.Before(wakeAt) {
			wakeAt = t
		}
	}
	r.longWaits = 0
	if !r.leaseValid() {
		r.loseLease("outbox: the sender's lease ran out before it was renewed; stopped sending")
		return wakeAt
	}
	if p := r.o.pauseNanos.Load(); p > now.UnixNano() {
		earliest(time.Unix(0, p))
		return wakeAt
	}
	kept := r.pending[:0]
	for i, it := range r.pending {
		if r.inflight >= r.cfg.concurrency {
			kept = append(kept, r.pending[i:]...)
			break
		}
		if it.notBefore.After(now) {
			earliest(it.notBefore)
			kept = append(kept, it)
			continue
		}
		c := r.chats[it.m.ChatID]
		if c == nil {
			c = &chatLimit{}
			r.chats[it.m.ChatID] = c
		}
		if c.busy {
			kept = append(kept, it)
			continue
		}
		if t := c.allowedAt(now, it.m.IsGroup, r.cfg.groupPerMinute); t.After(now) {
			earliest(t)
			if t.Sub(now) > r.cfg.perChat {
				r.longWaits++
			}
			kept = append(kept, it)
			continue
		}
		if r.global != nil {
			if ok, t := r.global.allow(now); !ok {
				if !t.IsZero() {
					earliest(t)
				}
				kept = append(kept, r.pending[i:]...)
				break
			}
			r.global.start()
		}
		c.busy = true
		r.inflight++
		go r.send(it)
	}
	clear(r.pending[len(kept):])
	r.pending = kept
	return wakeAt
}

// send calls the API for one message and marks it; it runs on its own
// goroutine and reports to the loop.
func (r *outboxRun) send(it *outboxItem) {
	o, m := r.o, it.m
	o.gate.RLock()
	if o.now().Before(o.pausedUntil) {
		until := o.pausedUntil
		o.gate.RUnlock()
		r.results <- outboxResult{it: it, requeue: until}
		return
	}
	if !r.leaseValid() {
		// Lost while this call waited to start: not sent, the run stops.
		o.gate.RUnlock()
		r.results <- outboxResult{it: it, requeue: o.now()}
		return
	}
	ctx, cancel := context.WithTimeout(r.callCtx, r.cfg.callTimeout)
	_, err := o.API.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: m.ChatID, Text: m.Text, ParseMode: models.ParseModeHTML})
	cancel()
	o.gate.RUnlock()

	res := outboxResult{it: it, called: true, at: o.now()}
	var tooMany *tgbot.TooManyRequestsError
	var migrated *tgbot.MigrateError
	var markErr error
	result := ""
	switch {
	case err == nil:
		result, markErr = "sent", o.Store.MarkSent(r.markCtx, m.ID, res.at)
	case errors.As(err, &tooMany):
		result, res.requeue = "rate_limited", o.pause(time.Duration(max(tooMany.RetryAfter, 1))*r.cfg.retryUnit, tooMany.RetryAfter)
	case errors.Is(err, tgbot.ErrorForbidden):
		result, markErr = "blocked", o.Store.MarkBlocked(r.markCtx, m.ID)
	case r.callCtx.Err() != nil:
		// Cut off at shutdown: left sending, re-queued by RecoverInFlight
		// or the next holder of the lease; Telegram may have it already
		// (at-least-once).
	case errors.Is(err, tgbot.ErrorBadRequest), errors.As(err, &migrated):
		result, markErr = "failed", o.Store.MarkFailed(r.markCtx, m.ID, o.errText(err))
	default:
		if attempt := m.Attempts + 1; attempt >= r.cfg.maxAttempts {
			result, markErr = "failed", o.Store.MarkFailed(r.markCtx, m.ID, o.errText(err))
		} else {
			result, markErr = "retry", o.Store.MarkRetry(r.markCtx, m.ID, res.at.Add(r.backoff(attempt)), o.errText(err))
		}
	}
	if result != "" && o.OnResult != nil {
		o.OnResult(result)
	}
	if markErr != nil {
		// The message stays sending; RecoverInFlight at stop, or the next
		// holder of the lease, re-queues it.
		o.logger().Error("outbox: mark", cnsbot.LogMessageID, m.ID, cnsbot.LogChatID, m.ChatID, cnsbot.LogError, markErr)
	}
	r.results <- res
}

// backoff is the delay before the retry that follows the attempt-th
// answered call.
func (r *outboxRun) backoff(attempt int) time.Duration {
	d := r.cfg.backoff
	for i := 1; i < attempt && d < r.cfg.maxBackoff; i++ {
		d *= 2
	}
	return min(d, r.cfg.maxBackoff)
}

// pause stops all calls for d (a 429) and returns when they may resume.
func (o *Outbox) pause(d time.Duration, retryAfter int) time.Time {
	o.gate.Lock()
	defer o.gate.Unlock()
	if until := o.now().Add(d); until.After(o.pausedUntil) {
		o.pausedUntil = until
		o.pauseNanos.Store(until.UnixNano())
	}
	// Logged under the gate: no call that starts after this line missed
	// the pause, and none that missed it is still running.
	o.logger().Warn(logOutboxPaused, cnsbot.LogRetryAfter, retryAfter, cnsbot.LogUntil, o.pausedUntil)
	return o.pausedUntil
}

// handle applies a worker's report on the loop.
func (r *outboxRun) handle(res outboxResult) {
	m := res.it.m
	r.inflight--
	c := r.chats[m.ChatID]
	c.busy = false
	if r.global != nil {
		r.global.finish(res.at, res.called)
	}
	if res.called {
		c.answered(res.at, m.IsGroup, r.cfg.perChat)
	}
	if !res.requeue.IsZero() {
		// Back at the head of the queue, for when the pause ends.
		res.it.notBefore = res.requeue
		r.pending = append(r.pending, nil)
		copy(r.pending[1:], r.pending)
		r.pending[0] = res.it
		return
	}
	if r.perBatch[m.BatchID]--; r.perBatch[m.BatchID] <= 0 {
		delete(r.perBatch, m.BatchID)
		r.candidates[m.BatchID] = true
	}
}

// finishBatches tries to finish the batches none of whose messages is in
// memory any more, and reports the ones it finished.
func (r *outboxRun) finishBatches() {
	for id := range r.candidates {
		delete(r.candidates, id)
		if r.perBatch[id] > 0 {
			continue
		}
		first, err := r.o.Store.FinishBatch(r.markCtx, id, r.o.now())
		if err != nil {
			r.logErr("outbox: finish batch", err, cnsbot.LogBatchID, id)
			continue
		}
		if !first || r.o.OnBatchDone == nil {
			continue
		}
		b, err := r.o.Store.FindBatch(r.markCtx, id)
		if err != nil {
			r.logErr("outbox: finish batch", err, cnsbot.LogBatchID, id)
			continue
		}
		r.o.OnBatchDone(r.markCtx, b)
	}
}

// stop waits for the calls in flight (cutting them off after StopTimeout),
// hands back what was claimed and not sent, and finishes what it can. After
// the lease was lost the new holder has re-queued what this run claimed
// already; RecoverInFlight then finds nothing of its owner.
func (r *outboxRun) stop() error {
	deadline := time.NewTimer(r.cfg.stopTimeout)
	defer deadline.Stop()
	for r.inflight > 0 {
		select {
		case res := <-r.results:
			r.handle(res)
		case <-deadline.C:
			r.o.logger().Warn("outbox: calls still in flight at stop; cut off, to be sent again", cnsbot.LogCalls, r.inflight)
			r.cancelCalls()
		}
	}
	ctx, cancel := context.WithTimeout(r.markCtx, r.cfg.stopTimeout)
	defer cancel()
	if _, err := r.o.Store.RecoverInFlight(ctx, r.o.owner()); err != nil {
		return fmt.Errorf("outbox: stop: %w", err)
	}
	for _, it := range r.pending {
		if r.perBatch[it.m.BatchID]--; r.perBatch[it.m.BatchID] <= 0 {
			delete(r.perBatch, it.m.BatchID)
		}
	}
	r.pending = nil
	r.finishBatches()
	return nil
}

// setLease records the lease this run holds, valid for starting calls until
// a margin before its expiry.
func (r *outboxRun) setLease(l *cnsbot.Lease) {
	r.leaseUntil.Store(l.ExpiresAt.Add(-r.cfg.leaseMargin).UnixNano())
}

// leaseValid reports whether a call may start: the lease, by the wall
// clock, is not about to run out.
func (r *outboxRun) leaseValid() bool { return time.Now().UnixNano() < r.leaseUntil.Load() }

// loseLease ends the run: no call starts any more, claims stop, and stop
// drops what was claimed and not called. It may run on any goroutine.
func (r *outboxRun) loseLease(msg string) {
	r.leaseUntil.Store(0)
	if r.lost != nil {
		r.lostOnce.Do(func() {
			r.o.logger().Warn(msg, cnsbot.LogOwner, r.o.owner())
			r.lost()
		})
	}
}

// renew renews the lease every LeaseRenew until stop is closed (after the
// run has stopped: what it does at stop happens under the lease) or the
// lease is lost: taken by another process, or not renewed before it ran
// out.
func (r *outboxRun) renew(stop <-chan struct{}) {
	t := time.NewTicker(r.cfg.leaseRenew)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(r.markCtx, r.cfg.leaseRenew)
		l, err := r.o.Store.RenewSenderLease(ctx, r.o.owner(), time.Now(), r.cfg.leaseTTL)
		cancel()
		switch {
		case err == nil:
			if r.leaseUntil.Load() != 0 {
				r.setLease(l)
			}
		case cnsbot.ErrorCode(err) == cnsbot.ECONFLICT:
			r.loseLease("outbox: lost the sender's lease to another process; stopped sending")
			return
		default:
			// Not logErr: that one belongs to the loop's goroutine.
			r.o.logger().Error("outbox: renew the sender's lease", cnsbot.LogError, err)
			if !r.leaseValid() {
				r.loseLease("outbox: the sender's lease ran out before it was renewed; stopped sending")
				return
			}
		}
	}
}

// prune forgets the chats whose limits no longer hold anything back.
func (r *outboxRun) prune(now time.Time) {
	r.nextPrune = now.Add(10 * time.Second)
	for id, c := range r.chats {
		c.allowedAt(now, true, r.cfg.groupPerMinute) // drops answers older than a minute
		if !c.busy && !c.next.After(now) && len(c.recent) == 0 {
			delete(r.chats, id)
		}
	}
}

// logErr logs a store error at most once a second: when the disk is full,
// the loop would otherwise log at its full speed.
func (r *outboxRun) logErr(msg string, err error, args ...any) {
	if now := time.Now(); now.Sub(r.lastLogErr) >= time.Second {
		r.lastLogErr = now
		r.o.logger().Error(msg, append(args, cnsbot.LogError, err)...)
	}
}

// chatLimit holds one chat's limits. A call counts from its start (busy:
// one call at a time per chat) until a window after its answer.
type chatLimit struct {
	busy   bool
	next   time.Time   // last answer + PerChatInterval
	recent []time.Time // groups: answers in the last minute, oldest first
}

// allowedAt returns when the chat may get its next call (zero or before now:
// already).
func (c *chatLimit) allowedAt(now time.Time, group bool, perMinute int) time.Time {
	t := c.next
	if !group {
		return t
	}
	cut := now.Add(-time.Minute)
	i := 0
	for i < len(c.recent) && !c.recent[i].After(cut) {
		i++
	}
	c.recent = c.recent[i:]
	if len(c.recent) >= perMinute {
		if g := c.recent[len(c.recent)-perMinute].Add(time.Minute); g.After(t) {
			t = g
		}
	}
	return t
}

func (c *chatLimit) answered(at time.Time, group bool, interval time.Duration) {
	c.next = at.Add(interval)
	if group {
		c.recent = append(c.recent, at)
	}
}

// windowLimiter admits at most n calls in any window of length per, a call
// counting from its start until per after its answer.
type windowLimiter struct {
	n        int
	per      time.Duration
	inflight int
	done     []time.Time // answers within per, oldest first
}

// allow reports whether a call may start now, or else when one may (zero:
// when a call in flight is answered).
func (l *windowLimiter) allow(now time.Time) (bool, time.Time) {
	cut := now.Add(-l.per)
	i := 0
	for i < len(l.done) && !l.done[i].After(cut) {
		i++
	}
	l.done = l.done[i:]
	if l.inflight+len(l.done) < l.n {
		return true, time.Time{}
	}
	if len(l.done) > 0 {
		return false, l.done[0].Add(l.per)
	}
	return false, time.Time{}
}

func (l *windowLimiter) start() { l.inflight++ }

// finish ends a call; called says it reached the API, answered at at.
func (l *windowLimiter) finish(at time.Time, called bool) {
	l.inflight--
	if !called {
		return
	}
	// Answers reach the loop out of order; a later time only keeps the
	// call counted longer.
	if n := len(l.done); n > 0 && at.Before(l.done[n-1]) {
		at = l.done[n-1]
	}
	l.done = append(l.done, at)
}

// errText is err's text without the bot token, for the store and the log.
func (o *Outbox) errText(err error) string { return Redact(err, o.Token) }
