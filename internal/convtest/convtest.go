package convtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cnsbot"
)

// Fixture is one fresh, empty store under test and the handles the suite
// needs to drive time and inspect the backend.
type Fixture struct {
	// Store is the store under test. The suite does not close it; the
	// factory registers its own cleanup.
	Store cnsbot.ConversationStore
	// Clock is the store's injected Now. The suite moves it forward to
	// reach ExpiresAt and the end of the grace period.
	Clock *Clock
	// KeyTTL, when set, returns the time to live the backend holds on the
	// conversation key of k (Redis). Nil for stores without key TTLs.
	KeyTTL func(tb testing.TB, k cnsbot.ConversationKey) time.Duration
}

// waitLimit bounds every wait on another goroutine: a correct store answers
// in milliseconds, so reaching it means a deadlock or a lost wake-up.
const waitLimit = 10 * time.Second

// RunConversationStoreTests runs the ConversationStore contract as subtests
// of t. newFixture is called once per subtest and must return an empty store
// whose Now is fx.Clock.Now.
func RunConversationStoreTests(t *testing.T, newFixture func(t *testing.T) Fixture) {
	t.Run("GetMissing", func(t *testing.T) {
		fx := newFixture(t)
		_, err := fx.Store.GetConversation(context.Background(), cnsbot.ConversationKey{ChatID: 1, UserID: 2})
		if got, want := cnsbot.ErrorCode(err), cnsbot.ENOTFOUND; got != want {
			t.Fatalf("ErrorCode=%q (%v), want %q", got, err, want)
		}
	})

	t.Run("RoundTrip", func(t *testing.T) {
		fx := newFixture(t)
		ctx := context.Background()
		k := cnsbot.ConversationKey{ChatID: -1001234567890, UserID: 42}
		in := &cnsbot.Conversation{Flow: "report", Step: "value", Draft: json.RawMessage(`{"indicator":7,"note":"Đạt 97,4%"}`)}
		MustSave(t, fx.Store, k, in, time.Hour)

		out, err := fx.Store.GetConversation(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := out.Flow, "report"; got != want {
			t.Fatalf("Flow=%q, want %q", got, want)
		}
		if got, want := out.Step, "value"; got != want {
			t.Fatalf("Step=%q, want %q", got, want)
		}
		if got, want := out.Draft, in.Draft; !bytes.Equal(got, want) {
			t.Fatalf("Draft=%s, want %s", got, want)
		}
		if got, want := out.Version, in.Version; got != want {
			t.Fatalf("Version=%d, want %d", got, want)
		}
		if got, want := out.UpdatedAt, fx.Clock.Now(); !got.Equal(want) {
			t.Fatalf("UpdatedAt=%v, want %v", got, want)
		}
	})

	t.Run("KeysIsolated", func(t *testing.T) {
		fx := newFixture(t)
		ctx := context.Background()
		a := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		MustSave(t, fx.Store, a, &cnsbot.Conversation{Flow: "a"}, time.Hour)
		for _, k := range []cnsbot.ConversationKey{{ChatID: 2, UserID: 1}, {ChatID: 1, UserID: 3}, {ChatID: 12, UserID: 0}} {
			if _, err := fx.Store.GetConversation(ctx, k); !cnsbot.IsNotFound(err) {
				t.Fatalf("GetConversation(%v) err=%v, want ENOTFOUND", k, err)
			}
		}
	})

	t.Run("VersionIncrements", func(t *testing.T) {
		fx := newFixture(t)
		ctx := context.Background()
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		c := &cnsbot.Conversation{Flow: "join", Step: "name"}
		for want := 1; want <= 3; want++ {
			MustSave(t, fx.Store, k, c, time.Hour)
			if got := c.Version; got != want {
				t.Fatalf("Version after save %d = %d, want %d", want, got, want)
			}
		}
		// A caller that loaded the state, changed it and saved sees the next version.
		out, err := fx.Store.GetConversation(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		out.Step = "unit"
		MustSave(t, fx.Store, k, out, time.Hour)
		if got, want := out.Version, 4; got != want {
			t.Fatalf("Version=%d, want %d", got, want)
		}
	})

	t.Run("ExpiresAt", func(t *testing.T) {
		fx := newFixture(t)
		ctx := context.Background()
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		ttl := 30 * time.Minute
		start := fx.Clock.Now()
		c := &cnsbot.Conversation{Flow: "report", Step: "value"}
		MustSave(t, fx.Store, k, c, ttl)
		if got, want := c.ExpiresAt, start.Add(ttl); !got.Equal(want) {
			t.Fatalf("ExpiresAt=%v, want %v", got, want)
		}
		if got, want := c.UpdatedAt, start; !got.Equal(want) {
			t.Fatalf("UpdatedAt=%v, want %v", got, want)
		}

		fx.Clock.Add(ttl - time.Second)
		out, err := fx.Store.GetConversation(ctx, k)
		if err != nil {
			t.Fatal(err)
		} else if out.Expired(fx.Clock.Now()) {
			t.Fatalf("Expired before ExpiresAt")
		}
		if got, want := out.ExpiresAt, start.Add(ttl); !got.Equal(want) {
			t.Fatalf("loaded ExpiresAt=%v, want %v", got, want)
		}

		fx.Clock.Add(2 * time.Second)
		out, err = fx.Store.GetConversation(ctx, k)
		if err != nil {
			t.Fatalf("GetConversation during grace: %v", err)
		} else if !out.Expired(fx.Clock.Now()) {
			t.Fatalf("not Expired after ExpiresAt")
		}
	})

	t.Run("SaveRefreshesExpiry", func(t *testing.T) {
		fx := newFixture(t)
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		ttl := 30 * time.Minute
		c := &cnsbot.Conversation{Flow: "report"}
		MustSave(t, fx.Store, k, c, ttl)
		fx.Clock.Add(20 * time.Minute)
		MustSave(t, fx.Store, k, c, ttl)
		if got, want := c.ExpiresAt, fx.Clock.Now().Add(ttl); !got.Equal(want) {
			t.Fatalf("ExpiresAt=%v, want %v", got, want)
		}
		fx.Clock.Add(20 * time.Minute)
		out, err := fx.Store.GetConversation(context.Background(), k)
		if err != nil {
			t.Fatal(err)
		} else if out.Expired(fx.Clock.Now()) {
			t.Fatalf("Expired although the last save was %v ago", 20*time.Minute)
		}
	})

	t.Run("GoneAfterGrace", func(t *testing.T) {
		fx := newFixture(t)
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		ttl := 30 * time.Minute
		MustSave(t, fx.Store, k, &cnsbot.Conversation{Flow: "report"}, ttl)
		fx.Clock.Add(ttl + cnsbot.ConversationGrace - time.Second)
		if _, err := fx.Store.GetConversation(context.Background(), k); err != nil {
			t.Fatalf("GetConversation at the end of grace: %v", err)
		}
		fx.Clock.Add(2 * time.Second)
		if _, err := fx.Store.GetConversation(context.Background(), k); !cnsbot.IsNotFound(err) {
			t.Fatalf("GetConversation after grace err=%v, want ENOTFOUND", err)
		}
	})

	t.Run("KeyTTL", func(t *testing.T) {
		fx := newFixture(t)
		if fx.KeyTTL == nil {
			t.Skip("store has no key TTLs")
		}
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		ttl := 30 * time.Minute
		MustSave(t, fx.Store, k, &cnsbot.Conversation{Flow: "report"}, ttl)
		got := fx.KeyTTL(t, k)
		if got <= ttl || got > ttl+cnsbot.ConversationGrace {
			t.Fatalf("key TTL=%v, want in (%v, %v]", got, ttl, ttl+cnsbot.ConversationGrace)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		fx := newFixture(t)
		ctx := context.Background()
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		other := cnsbot.ConversationKey{ChatID: 1, UserID: 3}
		MustSave(t, fx.Store, k, &cnsbot.Conversation{Flow: "report"}, time.Hour)
		MustSave(t, fx.Store, other, &cnsbot.Conversation{Flow: "join"}, time.Hour)
		if err := fx.Store.DeleteConversation(ctx, k); err != nil {
			t.Fatal(err)
		}
		if _, err := fx.Store.GetConversation(ctx, k); !cnsbot.IsNotFound(err) {
			t.Fatalf("GetConversation after delete err=%v, want ENOTFOUND", err)
		}
		if _, err := fx.Store.GetConversation(ctx, other); err != nil {
			t.Fatalf("delete removed another key: %v", err)
		}
	})

	t.Run("DeleteMissing", func(t *testing.T) {
		fx := newFixture(t)
		if err := fx.Store.DeleteConversation(context.Background(), cnsbot.ConversationKey{ChatID: 1, UserID: 2}); err != nil {
			t.Fatalf("DeleteConversation of a missing key: %v", err)
		}
	})

	t.Run("Ping", func(t *testing.T) {
		fx := newFixture(t)
		if err := fx.Store.Ping(context.Background()); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("LockExcludes", func(t *testing.T) {
		fx := newFixture(t)
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		unlock := MustLock(t, fx.Store, k)

		// A second Lock on the same key must still be waiting at its deadline.
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if u, err := fx.Store.Lock(ctx, k, time.Minute); err == nil {
			u()
			t.Fatal("second Lock acquired a held lock")
		} else if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("second Lock err=%v, want context.DeadlineExceeded", err)
		}

		// A waiter gets the lock once it is released, and not before.
		var released atomic.Bool
		acquired := make(chan bool, 1)
		waiting := make(chan struct{})
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			close(waiting)
			u, err := fx.Store.Lock(ctx, k, time.Minute)
			if err != nil {
				t.Errorf("waiting Lock: %v", err)
				acquired <- false
				return
			}
			acquired <- released.Load()
			u()
		}()
		<-waiting
		released.Store(true)
		unlock()
		select {
		case ok := <-acquired:
			if !ok {
				t.Fatal("waiter acquired the lock before it was released")
			}
		case <-time.After(waitLimit):
			t.Fatal("waiter did not acquire the released lock")
		}

		// Once everybody unlocked, the key is free again.
		MustLock(t, fx.Store, k)()
	})

	t.Run("LockKeysIndependent", func(t *testing.T) {
		fx := newFixture(t)
		unlock := MustLock(t, fx.Store, cnsbot.ConversationKey{ChatID: 1, UserID: 2})
		defer unlock()
		for _, k := range []cnsbot.ConversationKey{{ChatID: 1, UserID: 3}, {ChatID: 2, UserID: 2}} {
			MustLock(t, fx.Store, k)()
		}
	})

	t.Run("LockHonoursCancel", func(t *testing.T) {
		fx := newFixture(t)
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		unlock := MustLock(t, fx.Store, k)

		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			u, err := fx.Store.Lock(ctx, k, time.Minute)
			if err == nil {
				u()
			}
			done <- err
		}()
		// Cancel a little later so that the Lock is most likely waiting by
		// then; the assertion below does not depend on the delay.
		time.AfterFunc(50*time.Millisecond, cancel)
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Lock err=%v, want context.Canceled", err)
			}
		case <-time.After(waitLimit):
			t.Fatal("Lock did not return after its context was cancelled")
		}

		// A Lock with an already cancelled context does not take a free lock either.
		unlock()
		if u, err := fx.Store.Lock(ctx, k, time.Minute); err == nil {
			u()
			t.Fatal("Lock with a cancelled context succeeded")
		}
		// The abandoned waits left the lock usable.
		MustLock(t, fx.Store, k)()
	})

	t.Run("UnlockTwiceIsHarmless", func(t *testing.T) {
		fx := newFixture(t)
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		first := MustLock(t, fx.Store, k)
		first()
		second := MustLock(t, fx.Store, k)
		defer second()
		first() // must not release the second holder's lock

		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		if u, err := fx.Store.Lock(ctx, k, time.Minute); err == nil {
			u()
			t.Fatal("a stale unlock released another holder's lock")
		}
	})

	t.Run("LockedCounter", func(t *testing.T) {
		fx := newFixture(t)
		k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
		const workers, increments = 50, 20
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()

		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range increments {
					if err := increment(ctx, fx.Store, k); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}

		c, err := fx.Store.GetConversation(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		var d counter
		if err := json.Unmarshal(c.Draft, &d); err != nil {
			t.Fatal(err)
		}
		if got, want := d.N, workers*increments; got != want {
			t.Fatalf("counter=%d, want %d", got, want)
		}
		if got, want := c.Version, workers*increments; got != want {
			t.Fatalf("Version=%d, want %d", got, want)
		}
	})
}

// counter is the draft of the LockedCounter case.
type counter struct {
	N int `json:"n"`
}

// increment does what a handler does: lock, load, change, save, unlock.
func increment(ctx context.Context, s cnsbot.ConversationStore, k cnsbot.ConversationKey) error {
	unlock, err := s.Lock(ctx, k, 30*time.Second)
	if err != nil {
		return err
	}
	defer unlock()

	c, err := s.GetConversation(ctx, k)
	if cnsbot.IsNotFound(err) {
		c = &cnsbot.Conversation{Flow: "counter", Draft: json.RawMessage(`{"n":0}`)}
	} else if err != nil {
		return err
	}
	var d counter
	if err := json.Unmarshal(c.Draft, &d); err != nil {
		return err
	}
	d.N++
	if c.Draft, err = json.Marshal(d); err != nil {
		return err
	}
	return s.SaveConversation(ctx, k, c, time.Hour)
}

// MustSave saves c under k or fails the test.
func MustSave(tb testing.TB, s cnsbot.ConversationStore, k cnsbot.ConversationKey, c *cnsbot.Conversation, ttl time.Duration) {
	tb.Helper()
	if err := s.SaveConversation(context.Background(), k, c, ttl); err != nil {
		tb.Fatalf("SaveConversation(%v): %v", k, err)
	}
}

// MustLock takes the lock on k within waitLimit or fails the test, and
// returns its unlock.
func MustLock(tb testing.TB, s cnsbot.ConversationStore, k cnsbot.ConversationKey) (unlock func()) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	unlock, err := s.Lock(ctx, k, time.Minute)
	if err != nil {
		tb.Fatalf("Lock(%v): %v", k, err)
	}
	return unlock
}
