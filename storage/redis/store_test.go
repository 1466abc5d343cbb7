package redis_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"cnsbot"
	"cnsbot/internal/convtest"
	"cnsbot/storage/redis"
)

func TestStore(t *testing.T) {
	convtest.RunConversationStoreTests(t, func(t *testing.T) convtest.Fixture {
		s, client, _ := MustOpenStore(t)
		clock := convtest.NewClock()
		s.Now = clock.Now
		return convtest.Fixture{
			Store: s,
			Clock: clock,
			KeyTTL: func(tb testing.TB, k cnsbot.ConversationKey) time.Duration {
				tb.Helper()
				d, err := client.PTTL(context.Background(), s.KeyPrefix+"conv:"+k.String()).Result()
				if err != nil {
					tb.Fatal(err)
				}
				return d
			},
		}
	})
}

func TestStore_Keys(t *testing.T) {
	s, client, _ := MustOpenStore(t)
	ctx := context.Background()
	k := cnsbot.ConversationKey{ChatID: -100123, UserID: 42}
	convtest.MustSave(t, s, k, &cnsbot.Conversation{Flow: "report"}, time.Minute)
	if n, err := client.Exists(ctx, s.KeyPrefix+"conv:-100123:42").Result(); err != nil {
		t.Fatal(err)
	} else if got, want := n, int64(1); got != want {
		t.Fatalf("conversation keys=%d, want %d", got, want)
	}

	unlock := convtest.MustLock(t, s, k)
	d, err := client.PTTL(ctx, s.KeyPrefix+"lock:-100123:42").Result()
	if err != nil {
		t.Fatal(err)
	} else if d <= 0 || d > time.Minute {
		t.Fatalf("lock PTTL=%v, want in (0, 1m]", d)
	}
	unlock()
	if n, err := client.Exists(ctx, s.KeyPrefix+"lock:-100123:42").Result(); err != nil {
		t.Fatal(err)
	} else if got, want := n, int64(0); got != want {
		t.Fatalf("lock keys after unlock=%d, want %d", got, want)
	}
}

// TestStore_LockAcrossProcesses checks that two stores on the same Redis,
// as two bot processes would have, exclude each other.
func TestStore_LockAcrossProcesses(t *testing.T) {
	a, _, _ := MustOpenStore(t)
	b := redis.NewStore(a.URL, a.KeyPrefix)
	if err := b.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
	unlock := convtest.MustLock(t, a, k)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if u, err := b.Lock(ctx, k, time.Minute); err == nil {
		u()
		t.Fatal("second process acquired a held lock")
	} else if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Lock err=%v, want context.DeadlineExceeded", err)
	}
	unlock()
	convtest.MustLock(t, b, k)()
}

// TestStore_LockLapses checks that a holder that never unlocks (a crashed
// process) blocks its user for ttl only, and that its late unlock does not
// free the next holder's lock.
func TestStore_LockLapses(t *testing.T) {
	s, _, m := MustOpenStore(t)
	k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stale, err := s.Lock(ctx, k, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if m != nil {
		m.FastForward(200 * time.Millisecond) // miniredis expires keys on its own clock only
	}
	unlock, err := s.Lock(ctx, k, time.Minute)
	if err != nil {
		t.Fatalf("Lock after the lapse: %v", err)
	}
	defer unlock()
	stale()

	short, cancelShort := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancelShort()
	if u, err := s.Lock(short, k, time.Minute); err == nil {
		u()
		t.Fatal("a lapsed unlock released another holder's lock")
	}
}

func TestStore_SeenOnce(t *testing.T) {
	s, client, _ := MustOpenStore(t)
	ctx := context.Background()
	for i, want := range []bool{true, false, false} {
		first, err := s.SeenOnce(ctx, "update:1001", time.Hour)
		if err != nil {
			t.Fatal(err)
		} else if first != want {
			t.Fatalf("call %d: first=%v, want %v", i, first, want)
		}
	}
	if first, err := s.SeenOnce(ctx, "update:1002", time.Hour); err != nil {
		t.Fatal(err)
	} else if !first {
		t.Fatal("another key: first=false, want true")
	}
	if d, err := client.PTTL(ctx, s.KeyPrefix+"seen:update:1001").Result(); err != nil {
		t.Fatal(err)
	} else if d <= 0 || d > time.Hour {
		t.Fatalf("seen PTTL=%v, want in (0, 1h]", d)
	}
}

// TestStore_ClaimUpdate checks the claim's life: taken with a lease, busy
// while a live process holds it, done for 48 h once finished — and taken
// over at once from a process that is gone.
func TestStore_ClaimUpdate(t *testing.T) {
	a, client, _ := MustOpenStore(t)
	ctx := context.Background()
	var _ cnsbot.UpdateLog = a
	b := otherProcess(t, a, "host/ns/2/b")
	a.Owner = "host/ns/1/a"
	dead := map[string]bool{}
	a.Dead = func(o string) bool { return dead[o] }
	b.Dead = a.Dead

	mustClaim := func(s *redis.Store, id int64, want cnsbot.UpdateClaim) {
		t.Helper()
		if got, err := s.ClaimUpdate(ctx, id); err != nil || got != want {
			t.Fatalf("%s claims %d: %v err=%v, want %v", s.Owner, id, got, err, want)
		}
	}
	mustClaim(a, 77, cnsbot.ClaimTaken)
	if d, err := client.PTTL(ctx, a.KeyPrefix+"update:77").Result(); err != nil || d <= 0 || d > redis.DefaultClaimLease {
		t.Fatalf("lease PTTL=%v err=%v, want in (0, %v]", d, err, redis.DefaultClaimLease)
	}
	mustClaim(a, 77, cnsbot.ClaimBusy) // a redelivery while a handles it
	mustClaim(b, 77, cnsbot.ClaimBusy) // a is alive
	if err := a.FinishUpdate(ctx, 77); err != nil {
		t.Fatal(err)
	}
	mustClaim(a, 77, cnsbot.ClaimDone)
	mustClaim(b, 77, cnsbot.ClaimDone)
	if d, err := client.PTTL(ctx, a.KeyPrefix+"update:77").Result(); err != nil || d <= 47*time.Hour {
		t.Fatalf("done PTTL=%v err=%v, want about 48h", d, err)
	}

	// a dies while handling 78: b takes it over at once, and a's ghost
	// cannot take it back.
	mustClaim(a, 78, cnsbot.ClaimTaken)
	dead[a.Owner] = true
	mustClaim(b, 78, cnsbot.ClaimTaken)
	dead[a.Owner], dead[b.Owner] = false, false
	mustClaim(a, 78, cnsbot.ClaimBusy)
}

// TestStore_ClaimLeaseLapses checks that a claim its process stops renewing
// lapses, and that Renew keeps one alive.
func TestStore_ClaimLeaseLapses(t *testing.T) {
	a, _, m := MustOpenStore(t)
	ctx := context.Background()
	b := otherProcess(t, a, "host/ns/2/b")
	a.Owner = "host/ns/1/a"
	a.ClaimLease = 300 * time.Millisecond
	if got, err := a.ClaimUpdate(ctx, 5); err != nil || got != cnsbot.ClaimTaken {
		t.Fatalf("claim: %v %v", got, err)
	}
	if got, err := a.ClaimUpdate(ctx, 6); err != nil || got != cnsbot.ClaimTaken {
		t.Fatalf("claim: %v %v", got, err)
	}
	if err := a.FinishUpdate(ctx, 6); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		advance(m, 200*time.Millisecond)
		if err := a.Renew(ctx); err != nil {
			t.Fatal(err)
		}
		if got, err := b.ClaimUpdate(ctx, 5); err != nil || got != cnsbot.ClaimBusy {
			t.Fatalf("renewed claim: %v %v, want busy", got, err)
		}
	}
	advance(m, 400*time.Millisecond)
	if got, err := b.ClaimUpdate(ctx, 5); err != nil || got != cnsbot.ClaimTaken {
		t.Fatalf("lapsed claim: %v %v, want taken", got, err)
	}
	if got, err := b.ClaimUpdate(ctx, 6); err != nil || got != cnsbot.ClaimDone {
		t.Fatalf("finished update: %v %v, want done (Renew must not revive it)", got, err)
	}
}

// TestStore_LockOfDeadProcess checks that a user's lock held by a process
// that is gone is taken at once, not after its TTL.
func TestStore_LockOfDeadProcess(t *testing.T) {
	a, _, _ := MustOpenStore(t)
	b := otherProcess(t, a, "host/ns/2/b")
	a.Owner = "host/ns/1/a"
	b.Dead = func(o string) bool { return o == a.Owner }
	k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
	convtest.MustLock(t, a, k) // never unlocked: a was killed
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	unlock, err := b.Lock(ctx, k, time.Minute)
	if err != nil {
		t.Fatalf("lock held by a dead process: %v", err)
	}
	unlock()
	if d := time.Since(start); d > time.Second {
		t.Fatalf("took %v", d)
	}
}

// otherProcess opens a second store on a's Redis and prefix, as another
// bot process named owner.
func otherProcess(t *testing.T, a *redis.Store, owner string) *redis.Store {
	t.Helper()
	b := redis.NewStore(a.URL, a.KeyPrefix)
	b.Owner = owner
	if err := b.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	return b
}

// advance lets d pass for key TTLs: miniredis's clock, or the real one.
func advance(m *miniredis.Miniredis, d time.Duration) {
	if m != nil {
		m.FastForward(d)
		return
	}
	time.Sleep(d)
}

// TestStore_Unavailable checks that a Redis outage surfaces quickly as
// EUNAVAILABLE, which the bot renders as "try again in a few minutes".
func TestStore_Unavailable(t *testing.T) {
	// Always miniredis: a shared real Redis cannot be stopped.
	m := miniredis.RunT(t)
	s := redis.NewStore("redis://"+m.Addr()+"/0", "cnsbot:")
	if err := s.Open(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
	convtest.MustSave(t, s, k, &cnsbot.Conversation{Flow: "report"}, time.Hour)
	m.Close()

	ops := []struct {
		name string
		fn   func(ctx context.Context) error
	}{
		{"Get", func(ctx context.Context) error { _, err := s.GetConversation(ctx, k); return err }},
		{"Save", func(ctx context.Context) error {
			return s.SaveConversation(ctx, k, &cnsbot.Conversation{Flow: "report"}, time.Hour)
		}},
		{"Delete", func(ctx context.Context) error { return s.DeleteConversation(ctx, k) }},
		{"Lock", func(ctx context.Context) error {
			u, err := s.Lock(ctx, k, time.Minute)
			if err == nil {
				u()
			}
			return err
		}},
		{"SeenOnce", func(ctx context.Context) error { _, err := s.SeenOnce(ctx, "update:1", time.Hour); return err }},
		{"Ping", func(ctx context.Context) error { return s.Ping(ctx) }},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			// The context allows longer than the limit: the store itself must give up.
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			start := time.Now()
			err := op.fn(ctx)
			if got, want := cnsbot.ErrorCode(err), cnsbot.EUNAVAILABLE; got != want {
				t.Fatalf("ErrorCode=%q (%v), want %q", got, err, want)
			}
			if got, want := cnsbot.ErrorKey(err), "error.unavailable"; got != want {
				t.Fatalf("ErrorKey=%q, want %q", got, want)
			}
			if d := time.Since(start); d >= 3*time.Second {
				t.Fatalf("took %v, want under 3s", d)
			}
		})
	}
}

func TestStore_OpenClosedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	s := redis.NewStore("redis://"+addr+"/0", "cnsbot:")
	start := time.Now()
	err = s.Open(context.Background())
	if got, want := cnsbot.ErrorCode(err), cnsbot.EUNAVAILABLE; got != want {
		t.Fatalf("ErrorCode=%q (%v), want %q", got, err, want)
	}
	if d := time.Since(start); d >= 3*time.Second {
		t.Fatalf("Open took %v, want under 3s", d)
	}
	// The store stays closed and says so instead of panicking.
	if _, err := s.GetConversation(context.Background(), cnsbot.ConversationKey{ChatID: 1, UserID: 2}); err == nil {
		t.Fatal("GetConversation on a closed store succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestStore_OpenBadURL(t *testing.T) {
	s := redis.NewStore("redis://:s3cret@localhost:port/0", "cnsbot:")
	err := s.Open(context.Background())
	if err == nil {
		t.Fatal("Open succeeded")
	} else if strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("error repeats the password: %v", err)
	}
}

// MustOpenStore returns an open Store with a fresh key prefix, a plain
// client on the same Redis for inspection, and the miniredis server when
// REDIS_URL is not set (nil otherwise). Cleanup deletes the test's keys.
func MustOpenStore(tb testing.TB) (*redis.Store, *goredis.Client, *miniredis.Miniredis) {
	tb.Helper()
	url := os.Getenv("REDIS_URL")
	var m *miniredis.Miniredis
	if url == "" {
		m = miniredis.RunT(tb)
		url = "redis://" + m.Addr() + "/0"
	}
	var b [8]byte
	rand.Read(b[:])
	prefix := "cnsbottest:" + hex.EncodeToString(b[:]) + ":"

	s := redis.NewStore(url, prefix)
	if err := s.Open(context.Background()); err != nil {
		tb.Fatal(err)
	}
	opt, err := goredis.ParseURL(url)
	if err != nil {
		tb.Fatal(err)
	}
	client := goredis.NewClient(opt)
	tb.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			if err := client.Del(ctx, iter.Val()).Err(); err != nil {
				tb.Error(err)
			}
		}
		if err := iter.Err(); err != nil {
			tb.Error(err)
		}
		if err := client.Close(); err != nil {
			tb.Error(err)
		}
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s, client, m
}

// TestStore_OpenHungServer checks that a server that accepts connections
// but never answers fails Open within the client timeouts instead of hanging.
func TestStore_OpenHungServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()

	s := redis.NewStore("redis://"+ln.Addr().String()+"/0", "cnsbot:")
	start := time.Now()
	err = s.Open(context.Background())
	if got, want := cnsbot.ErrorCode(err), cnsbot.EUNAVAILABLE; got != want {
		t.Fatalf("ErrorCode=%q (%v), want %q", got, err, want)
	}
	if d := time.Since(start); d >= 3*time.Second {
		t.Fatalf("Open took %v, want under 3s", d)
	}
}
