package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/bot"
	"cnsbot/handlers"
	"cnsbot/internal/telegramtest"
	"cnsbot/storage/sqlite"
)

// failingIntake fails its first Receive calls, as a full or unwritable
// disk would.
type failingIntake struct {
	*sqlite.UpdateLog
	fail atomic.Int32
}

func (f *failingIntake) Receive(ctx context.Context, batch []cnsbot.IncomingUpdate) ([]bool, error) {
	if f.fail.Add(-1) >= 0 {
		return nil, errors.New("disk I/O error")
	}
	return f.UpdateLog.Receive(ctx, batch)
}

// pollingBot runs a bot in polling mode on a fresh database whose handler
// counts the updates it handles.
func pollingBot(t *testing.T, tg *telegramtest.Server, intake func(*sqlite.DB, *sqlite.UpdateLog) cnsbot.Intake) (handled func() map[int64]int, db *sqlite.DB) {
	t.Helper()
	db = sqlite.NewDB(filepath.Join(t.TempDir(), "cnsbot.db"))
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var mu sync.Mutex
	counts := map[int64]int{}
	log := sqlite.NewUpdateLog(db)
	in := intake(db, log)
	ctx, cancel := context.WithCancel(context.Background())
	b, err := bot.Connect(ctx, bot.Options{Token: telegramtest.Token, APIURL: tg.URL(), PollTimeout: 2 * time.Second, MaxActive: 4})
	if err != nil {
		t.Fatal(err)
	}
	b.Attach(&bot.Pipeline{Updates: in, Handler: func(_ context.Context, u *handlers.Update) error {
		mu.Lock()
		counts[u.ID]++
		mu.Unlock()
		return nil
	}})
	b.Intake = in
	done := make(chan struct{})
	go func() { defer close(done); b.RunPolling(ctx) }()
	t.Cleanup(func() { cancel(); <-done; b.Drain(context.Background()) })
	return func() map[int64]int {
		mu.Lock()
		defer mu.Unlock()
		out := map[int64]int{}
		for k, v := range counts {
			out[k] = v
		}
		return out
	}, db
}

// A batch that cannot be stored is not confirmed to Telegram: it is fetched
// again until it can be, then handled once.
func TestReceiveFailureKeepsBatch(t *testing.T) {
	tg := telegramtest.NewServer(t)
	tg.Push(telegramtest.Message(1, 10, 10, "xin chào"), telegramtest.Message(2, 11, 11, "xin chào"))
	var fi *failingIntake
	handled, _ := pollingBot(t, tg, func(_ *sqlite.DB, l *sqlite.UpdateLog) cnsbot.Intake {
		fi = &failingIntake{UpdateLog: l}
		fi.fail.Store(2)
		return fi
	})
	tg.WaitFor(t, 10*time.Second, func(*telegramtest.Server) bool { return len(handled()) == 2 })
	if got := handled(); got[1] != 1 || got[2] != 1 {
		t.Fatalf("handled %v, want each once", got)
	}
	if polls := len(tg.RequestsFor("getUpdates")); polls < 3 {
		t.Fatalf("%d getUpdates, want the batch asked for again after each failure", polls)
	}
}

// Updates a dead process left in progress are handled before anything the
// new one fetches, in update id order; one it finished is not.
func TestPollingReplaysUnfinishedUpdates(t *testing.T) {
	tg := telegramtest.NewServer(t)
	var dead *sqlite.UpdateLog
	handled, _ := pollingBot(t, tg, func(db *sqlite.DB, l *sqlite.UpdateLog) cnsbot.Intake {
		// What the killed process left: 5 and 6 taken in, 6 done, 7 taken in.
		dead = sqlite.NewUpdateLog(db)
		dead.Owner = "gone/ns/1/x"
		var batch []cnsbot.IncomingUpdate
		for _, id := range []int64{5, 6, 7} {
			raw, _ := json.Marshal(telegramtest.Message(id, 10, 10, "xin chào"))
			batch = append(batch, cnsbot.IncomingUpdate{ID: id, Chat: 10, Body: raw})
		}
		if _, err := dead.Receive(context.Background(), batch); err != nil {
			t.Fatal(err)
		}
		if err := dead.FinishUpdate(context.Background(), 6); err != nil {
			t.Fatal(err)
		}
		l.Dead = func(o string) bool { return o == dead.Owner }
		return l
	})
	// Telegram still has 7 (never confirmed) and a new 8.
	tg.Push(telegramtest.Message(7, 10, 10, "xin chào"), telegramtest.Message(8, 10, 10, "xin chào"))
	tg.WaitFor(t, 10*time.Second, func(*telegramtest.Server) bool { return len(handled()) == 3 })
	time.Sleep(300 * time.Millisecond)
	if got := handled(); got[5] != 1 || got[6] != 0 || got[7] != 1 || got[8] != 1 {
		t.Fatalf("handled %v, want 5, 7 and 8 once each and 6 not again", got)
	}
}
