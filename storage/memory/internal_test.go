package memory

import (
	"context"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/internal/convtest"
)

// TestStore_Sweep checks that users who never come back do not hold memory.
func TestStore_Sweep(t *testing.T) {
	clock := convtest.NewClock()
	s := NewStore()
	s.Now = clock.Now
	for i := range 100 {
		convtest.MustSave(t, s, cnsbot.ConversationKey{ChatID: 1, UserID: int64(i)}, &cnsbot.Conversation{Flow: "report"}, time.Hour)
	}
	clock.Add(time.Hour + cnsbot.ConversationGrace + time.Second)
	convtest.MustSave(t, s, cnsbot.ConversationKey{ChatID: 2, UserID: 1}, &cnsbot.Conversation{Flow: "join"}, time.Hour)

	s.mu.Lock()
	defer s.mu.Unlock()
	if got, want := len(s.convs), 1; got != want {
		t.Fatalf("entries=%d, want %d", got, want)
	}
}

// TestStore_LockRecordsDropped checks that lock records go away once nobody
// holds or waits for them, including waiters that gave up.
func TestStore_LockRecordsDropped(t *testing.T) {
	s := NewStore()
	k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
	for i := range 10 {
		unlock := convtest.MustLock(t, s, cnsbot.ConversationKey{ChatID: 1, UserID: int64(i)})
		unlock()
	}
	unlock := convtest.MustLock(t, s, k)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := s.Lock(ctx, k, time.Minute); err == nil {
		t.Fatal("second Lock acquired a held lock")
	}
	unlock()

	s.mu.Lock()
	defer s.mu.Unlock()
	if got, want := len(s.locks), 0; got != want {
		t.Fatalf("lock records=%d, want %d", got, want)
	}
}
