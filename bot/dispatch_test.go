package bot

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

func chatUpdate(id, chat int64) *models.Update {
	return &models.Update{ID: id, Message: &models.Message{Chat: models.Chat{ID: chat}, Text: "x"}}
}

// 1,000 updates from 100 chats: each chat's updates are handled in arrival
// order, and chats run in parallel up to the bound.
func TestDispatcherOrderPerChat(t *testing.T) {
	const chats, perChat, maxActive = 100, 10, 8
	var (
		mu      sync.Mutex
		seen    = make(map[int64][]int64)
		active  atomic.Int32
		maxSeen atomic.Int32
	)
	d := NewDispatcher(maxActive, func(ctx context.Context, upd *models.Update) {
		n := active.Add(1)
		for {
			m := maxSeen.Load()
			if n <= m || maxSeen.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(time.Duration(upd.ID%3) * 100 * time.Microsecond) // jitter, so a broken order would show
		mu.Lock()
		seen[upd.Message.Chat.ID] = append(seen[upd.Message.Chat.ID], upd.ID)
		mu.Unlock()
		active.Add(-1)
	})
	id := int64(0)
	for i := 0; i < perChat; i++ {
		for c := int64(1); c <= chats; c++ {
			id++
			d.Dispatch(context.Background(), chatUpdate(id, c))
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := d.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	total := 0
	for c, ids := range seen {
		total += len(ids)
		for i := 1; i < len(ids); i++ {
			if ids[i] < ids[i-1] {
				t.Fatalf("chat %d handled out of order: %v", c, ids)
			}
		}
	}
	if got, want := total, chats*perChat; got != want {
		t.Fatalf("handled=%d, want %d", got, want)
	}
	if got := maxSeen.Load(); got > maxActive {
		t.Fatalf("max concurrent=%d, want <= %d", got, maxActive)
	}
}

// A chat whose handler is stuck does not stall the others.
func TestDispatcherStuckChat(t *testing.T) {
	release := make(chan struct{})
	done := make(chan int64, 10)
	d := NewDispatcher(4, func(ctx context.Context, upd *models.Update) {
		if upd.Message.Chat.ID == 1 {
			<-release
		}
		done <- upd.ID
	})
	d.Dispatch(context.Background(), chatUpdate(1, 1))
	d.Dispatch(context.Background(), chatUpdate(2, 1))
	for i := int64(3); i <= 6; i++ {
		d.Dispatch(context.Background(), chatUpdate(i, i))
	}
	for i := 0; i < 4; i++ {
		select {
		case id := <-done:
			if id <= 2 {
				t.Fatalf("stuck chat's update %d handled", id)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("other chats stalled behind a stuck chat")
		}
	}
	close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	if a, b := <-done, <-done; a != 1 || b != 2 {
		t.Fatalf("stuck chat order %d,%d, want 1,2", a, b)
	}
}

// DispatchWait returns only once its update has been handled.
func TestDispatchWait(t *testing.T) {
	var handled atomic.Bool
	d := NewDispatcher(2, func(ctx context.Context, upd *models.Update) {
		time.Sleep(20 * time.Millisecond) // a handler doing work
		handled.Store(true)
	})
	if !d.DispatchWait(context.Background(), chatUpdate(1, 1)) || !handled.Load() {
		t.Fatal("DispatchWait returned before the update was handled")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if d.DispatchWait(ctx, chatUpdate(2, 1)) {
		t.Fatal("DispatchWait with an ended context reported the update done")
	}
}
