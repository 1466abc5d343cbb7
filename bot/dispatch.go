package bot

import (
	"context"
	"sync"

	"github.com/go-telegram/bot/models"
)

// Dispatcher hands updates to a handler so that each chat's updates are
// handled one at a time in arrival order, different chats in parallel, and
// at most MaxActive chats at once. A chat whose handler is stuck holds one
// slot and delays only its own later updates. Chats beyond MaxActive wait
// their turn in arrival order; taking updates in blocks only when
// MaxPending updates are already waiting, which pushes back on the source.
type Dispatcher struct {
	handle     func(ctx context.Context, upd *models.Update)
	maxActive  int
	maxPending int

	mu      sync.Mutex
	room    *sync.Cond // signalled when pending drops
	queues  map[int64]*chatQueue
	waiting []int64 // chats with updates and no slot yet, oldest first
	active  int
	pending int // updates taken in and not yet handled
	wg      sync.WaitGroup
}

type chatQueue struct {
	ctx   context.Context
	items []queued
}

// queued is an update waiting its turn; done, when set, is closed once it
// has been handled.
type queued struct {
	upd  *models.Update
	done chan struct{}
}

// DefaultMaxPending bounds the updates held in memory: a poll brings at
// most 100, a busy webhook a few hundred a second.
const DefaultMaxPending = 10_000

// NewDispatcher returns a dispatcher running handle for at most maxActive
// chats at a time.
func NewDispatcher(maxActive int, handle func(ctx context.Context, upd *models.Update)) *Dispatcher {
	d := &Dispatcher{handle: handle, maxActive: max(maxActive, 1), maxPending: DefaultMaxPending,
		queues: make(map[int64]*chatQueue)}
	d.room = sync.NewCond(&d.mu)
	return d
}

// Dispatch queues upd behind the earlier updates of its chat and returns.
// It waits only while MaxPending updates are already queued; it returns
// false when ctx ended before there was room.
func (d *Dispatcher) Dispatch(ctx context.Context, upd *models.Update) bool {
	return d.enqueue(ctx, queued{upd: upd})
}

// DispatchWait queues upd like Dispatch and waits until it has been handled
// — its effects committed, its replies sent — or ctx ends. The webhook uses
// it to answer 200 only for an update that is done; the handling goes on
// when ctx ends first, and a redelivery is deduplicated.
func (d *Dispatcher) DispatchWait(ctx context.Context, upd *models.Update) bool {
	q := queued{upd: upd, done: make(chan struct{})}
	if !d.enqueue(ctx, q) {
		return false
	}
	select {
	case <-q.done:
		return true
	case <-ctx.Done():
		return false
	}
}

func (d *Dispatcher) enqueue(ctx context.Context, item queued) bool {
	key := ChatKey(item.upd)
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.pending >= d.maxPending {
		if ctx.Err() != nil {
			return false
		}
		d.waitRoom(ctx)
	}
	d.pending++
	d.wg.Add(1)
	if q := d.queues[key]; q != nil {
		q.items = append(q.items, item)
		return true
	}
	d.queues[key] = &chatQueue{ctx: context.WithoutCancel(ctx), items: []queued{item}}
	if d.active < d.maxActive {
		d.active++
		go d.drain(key)
	} else {
		d.waiting = append(d.waiting, key)
	}
	return true
}

// waitRoom waits for room or ctx's end; the caller holds d.mu.
func (d *Dispatcher) waitRoom(ctx context.Context) {
	stop := context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.room.Broadcast()
		d.mu.Unlock()
	})
	d.room.Wait()
	stop()
}

// drain handles a chat's queue, then the next waiting chat's, until none
// waits; then it gives its slot back.
func (d *Dispatcher) drain(key int64) {
	for {
		d.mu.Lock()
		q := d.queues[key]
		if len(q.items) == 0 {
			delete(d.queues, key)
			if len(d.waiting) == 0 {
				d.active--
				d.mu.Unlock()
				return
			}
			key, d.waiting = d.waiting[0], d.waiting[1:]
			d.mu.Unlock()
			continue
		}
		item := q.items[0]
		q.items[0] = queued{}
		q.items = q.items[1:]
		d.mu.Unlock()

		d.handle(q.ctx, item.upd)
		if item.done != nil {
			close(item.done)
		}

		d.mu.Lock()
		d.pending--
		d.room.Signal()
		d.mu.Unlock()
		d.wg.Done()
	}
}

// Wait blocks until every queued update has been handled or ctx ends.
func (d *Dispatcher) Wait(ctx context.Context) error {
	done := make(chan struct{})
	go func() { d.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ChatKey returns the key an update is ordered by: its chat, or its sender
// when it has no chat.
func ChatKey(upd *models.Update) int64 {
	switch {
	case upd.Message != nil:
		return upd.Message.Chat.ID
	case upd.EditedMessage != nil:
		return upd.EditedMessage.Chat.ID
	case upd.CallbackQuery != nil:
		if m := upd.CallbackQuery.Message.Message; m != nil {
			return m.Chat.ID
		}
		return upd.CallbackQuery.From.ID
	case upd.MyChatMember != nil:
		return upd.MyChatMember.Chat.ID
	case upd.InlineQuery != nil:
		return upd.InlineQuery.From.ID
	}
	return 0
}
