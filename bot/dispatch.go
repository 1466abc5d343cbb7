package bot

import (
	"context"
	"sync"

	"github.com/go-telegram/bot/models"
)

// Dispatcher hands updates to a handler so that each chat's updates are
// handled one at a time in arrival order, different chats in parallel, and
// at most MaxActive chats at once. A chat whose handler is stuck holds one
// slot and delays only its own later updates.
type Dispatcher struct {
	handle func(ctx context.Context, upd *models.Update)
	slots  chan struct{}

	mu     sync.Mutex
	queues map[int64]*chatQueue
	wg     sync.WaitGroup
}

type chatQueue struct {
	items []*models.Update
}

// NewDispatcher returns a dispatcher running handle for at most maxActive
// chats at a time.
func NewDispatcher(maxActive int, handle func(ctx context.Context, upd *models.Update)) *Dispatcher {
	if maxActive < 1 {
		maxActive = 1
	}
	return &Dispatcher{handle: handle, slots: make(chan struct{}, maxActive), queues: make(map[int64]*chatQueue)}
}

// Dispatch queues upd behind the earlier updates of its chat. It returns at
// once when the chat is already being handled; otherwise it waits for a free
// slot, which pushes back on the update source when every slot is busy.
// It returns false when ctx ended before the update could be queued.
func (d *Dispatcher) Dispatch(ctx context.Context, upd *models.Update) bool {
	key := ChatKey(upd)
	d.mu.Lock()
	if q := d.queues[key]; q != nil {
		q.items = append(q.items, upd)
		d.mu.Unlock()
		return true
	}
	q := &chatQueue{items: []*models.Update{upd}}
	d.queues[key] = q
	d.wg.Add(1)
	d.mu.Unlock()

	select {
	case d.slots <- struct{}{}:
	case <-ctx.Done():
		// Hand the queue to a goroutine anyway: updates appended meanwhile
		// must not be stranded, and Wait must see them finish.
		go func() { d.slots <- struct{}{}; d.drain(context.WithoutCancel(ctx), key, q) }()
		return false
	}
	go d.drain(context.WithoutCancel(ctx), key, q)
	return true
}

func (d *Dispatcher) drain(ctx context.Context, key int64, q *chatQueue) {
	defer func() { <-d.slots; d.wg.Done() }()
	for {
		d.mu.Lock()
		if len(q.items) == 0 {
			delete(d.queues, key)
			d.mu.Unlock()
			return
		}
		upd := q.items[0]
		q.items[0] = nil
		q.items = q.items[1:]
		d.mu.Unlock()
		d.handle(ctx, upd)
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
