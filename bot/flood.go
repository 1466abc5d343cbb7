package bot

import (
	"sync"
	"time"
)

// FloodDecision is what the flood limiter says about one update.
type FloodDecision int

// Flood decisions.
const (
	FloodAllow FloodDecision = iota // handle it
	FloodWarn                       // the first update over the limit: warn once
	FloodDrop                       // over the limit and already warned: ignore
)

// FloodLimiter limits each user to Limit updates per Window, counted in a
// fixed window per user. It lives in process memory: its job is to stop a
// runaway client from hogging a chat queue, not to be exact across replicas.
type FloodLimiter struct {
	Limit  int
	Window time.Duration
	Now    func() time.Time

	mu    sync.Mutex
	users map[int64]*floodWindow
	swept time.Time
}

type floodWindow struct {
	start  time.Time
	count  int
	warned bool
}

// NewFloodLimiter returns a limiter of perMinute updates per user per minute;
// nil when perMinute is 0 (off).
func NewFloodLimiter(perMinute int) *FloodLimiter {
	if perMinute <= 0 {
		return nil
	}
	return &FloodLimiter{Limit: perMinute, Window: time.Minute, Now: time.Now, users: make(map[int64]*floodWindow)}
}

// Allow counts one update of the user and decides.
func (l *FloodLimiter) Allow(userID int64) FloodDecision {
	now := l.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > 10*l.Window {
		for id, w := range l.users {
			if now.Sub(w.start) > l.Window {
				delete(l.users, id)
			}
		}
		l.swept = now
	}
	w := l.users[userID]
	if w == nil || now.Sub(w.start) >= l.Window {
		w = &floodWindow{start: now}
		l.users[userID] = w
	}
	w.count++
	switch {
	case w.count <= l.Limit:
		return FloodAllow
	case !w.warned:
		w.warned = true
		return FloodWarn
	}
	return FloodDrop
}
