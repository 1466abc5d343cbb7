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
// Crashes and restarts: at-least-once for the calls in flight. Every message
// is stored before it is sent, and claimed (status sending) before its call.
// A message whose call was in flight when the process died — Telegram may
// or may not have delivered it; nobody can know — is still sending; Run
// re-queues it when it starts again (RecoverInFlight) and sends it again.
// A lost announcement is worse than one duplicate, and the duplicates are
// bounded: a call holds one of Concurrency slots until its mark is
// committed, so at most Concurrency messages can be sent twice per crash.
// Messages claimed but not yet called were not sent and are not duplicated.
// The per-chat limits are kept in memory: a duplicate may follow the
// original to its chat within a second (Telegram would answer 429 at worst).
// One Outbox runs per database.
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
	// Enough claimed ahead to keep every slot busy between two claims,
	// few enough that a claim is a short transaction.
	c.claimSize = max(64, 16*c.concurrency)
	return c
}

// Run re-queues what a stopped process left in flight, then sends until
// ctx ends: it claims due messages, sends them within the limits, marks
// them, finishes batches and calls OnBatchDone. It polls the store every
// PollInterval when idle and at once after Notify. When ctx ends it starts
// no call, waits up to StopTimeout for the calls in flight and their marks,
// puts back in the queue what it had claimed but not sent, and returns nil.
// Errors of the store while running are logged and retried; Run returns an
// error only when it cannot start.
func (o *Outbox) Run(ctx context.Context) error {
	if o.Store == nil || o.API == nil {
		return fmt.Errorf("outbox: Store and API required")
	}
	if !o.running.CompareAndSwap(false, true) {
		return fmt.Errorf("outbox: already running")
	}
	defer o.running.Store(false)
	o.init()

	n, err := o.Store.RecoverInFlight(ctx)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if n > 0 {
		o.logger().Warn("outbox: re-queued messages left sending by a stopped process; those whose call was in flight may arrive twice", cnsbot.LogMessages, n)
	}
	r := newOutboxRun(o, ctx)
	defer r.cancelCalls()
	if l, ok := o.Store.(batchLister); ok {
		ids, err := l.UnfinishedBatches(ctx)
		if err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
		for _, id := range ids {
			r.candidates[id] = true
		}
	}
	return r.loop(ctx)
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
	ms, err := r.o.Store.ClaimDue(ctx, now, want)
	if err != nil {
		r.claimMore = false
		if ctx.Err() == nil {
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
		// Cut off at shutdown: left sending, re-queued by RecoverInFlight;
		// Telegram may have it already (at-least-once).
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
		// The message stays sending; the next start re-queues it.
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
// hands back what was claimed and not sent, and finishes what it can.
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
	if _, err := r.o.Store.RecoverInFlight(ctx); err != nil {
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
