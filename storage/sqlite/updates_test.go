package sqlite_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"cnsbot/storage/sqlite"
)

func TestUpdateLog_ClaimUpdate(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		l := sqlite.NewUpdateLog(db)
		ctx := context.Background()

		if ok, err := l.ClaimUpdate(ctx, 1001); err != nil {
			t.Fatal(err)
		} else if got, want := ok, true; got != want {
			t.Fatalf("first claim=%v, want %v", got, want)
		}
		if ok, err := l.ClaimUpdate(ctx, 1001); err != nil {
			t.Fatal(err)
		} else if got, want := ok, false; got != want {
			t.Fatalf("second claim=%v, want %v", got, want)
		}
		if ok, err := l.ClaimUpdate(ctx, 1002); err != nil {
			t.Fatal(err)
		} else if got, want := ok, true; got != want {
			t.Fatalf("other update=%v, want %v", got, want)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		db := MustOpenDB(t)
		l := sqlite.NewUpdateLog(db)
		const n = 20
		claimed := make([]bool, n)
		errs := make([]error, n)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				claimed[i], errs[i] = l.ClaimUpdate(context.Background(), 7)
			}()
		}
		close(start)
		wg.Wait()
		var wins int
		for i := range claimed {
			if errs[i] != nil {
				t.Fatal(errs[i])
			} else if claimed[i] {
				wins++
			}
		}
		if got, want := wins, 1; got != want {
			t.Fatalf("claims won=%d, want %d", got, want)
		}
	})
}

func TestUpdateLog_PruneUpdates(t *testing.T) {
	db := MustOpenDB(t)
	l := sqlite.NewUpdateLog(db)
	ctx := context.Background()
	clock := now
	db.Now = func() time.Time { return clock }

	for i := int64(0); i < 5; i++ {
		clock = now.Add(time.Duration(i) * time.Hour)
		if _, err := l.ClaimUpdate(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	n, err := l.PruneUpdates(ctx, now.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	} else if got, want := n, int64(2); got != want {
		t.Fatalf("pruned=%d, want %d", got, want)
	}
	// A pruned id may be claimed again; a kept one may not.
	if ok, err := l.ClaimUpdate(ctx, 0); err != nil {
		t.Fatal(err)
	} else if !ok {
		t.Fatal("pruned update 0 not claimable")
	}
	if ok, err := l.ClaimUpdate(ctx, 2); err != nil {
		t.Fatal(err)
	} else if ok {
		t.Fatal("kept update 2 claimed twice")
	}
}
