package memory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/internal/convtest"
	"cnsbot/storage/memory"
)

func TestStore(t *testing.T) {
	convtest.RunConversationStoreTests(t, func(t *testing.T) convtest.Fixture {
		clock := convtest.NewClock()
		return convtest.Fixture{Store: MustOpenStore(t, clock), Clock: clock}
	})
}

func TestStore_GetReturnsCopy(t *testing.T) {
	s := MustOpenStore(t, convtest.NewClock())
	k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
	in := &cnsbot.Conversation{Flow: "report", Draft: json.RawMessage(`{"n":1}`)}
	convtest.MustSave(t, s, k, in, time.Hour)
	in.Draft[5] = '9'

	out, err := s.GetConversation(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	out.Draft[5] = '8'
	again, err := s.GetConversation(context.Background(), k)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := again.Draft, []byte(`{"n":1}`); !bytes.Equal(got, want) {
		t.Fatalf("Draft=%s, want %s", got, want)
	}
}

func TestStore_LockLeaseExpires(t *testing.T) {
	s := MustOpenStore(t, convtest.NewClock())
	k := cnsbot.ConversationKey{ChatID: 1, UserID: 2}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	stale, err := s.Lock(ctx, k, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// The holder never unlocks in time; the lease frees the key.
	unlock, err := s.Lock(ctx, k, time.Minute)
	if err != nil {
		t.Fatalf("Lock after the lease: %v", err)
	}
	stale() // the lapsed holder's unlock must not free the new holder's lock
	short, cancelShort := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancelShort()
	if u, err := s.Lock(short, k, time.Minute); err == nil {
		u()
		t.Fatal("a lapsed unlock released another holder's lock")
	}
	unlock()
}

// MustOpenStore returns an empty Store on clock.
func MustOpenStore(tb testing.TB, clock *convtest.Clock) *memory.Store {
	tb.Helper()
	s := memory.NewStore()
	s.Now = clock.Now
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}
