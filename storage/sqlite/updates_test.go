package sqlite_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// twoProcesses returns two update logs on one database, as two bot
// processes would have, and the set of owners declared dead.
func twoProcesses(t *testing.T) (a, b *sqlite.UpdateLog, dead map[string]bool) {
	db := MustOpenDB(t)
	dead = map[string]bool{}
	isDead := func(o string) bool { return dead[o] }
	a, b = sqlite.NewUpdateLog(db), sqlite.NewUpdateLog(db)
	a.Owner, b.Owner = "host/ns/1/a", "host/ns/2/b"
	a.Dead, b.Dead = isDead, isDead
	return a, b, dead
}

func mustClaim(t *testing.T, l *sqlite.UpdateLog, id int64, want cnsbot.UpdateClaim) {
	t.Helper()
	if got, err := l.ClaimUpdate(context.Background(), id); err != nil || got != want {
		t.Fatalf("%s claims %d: %v err=%v, want %v", l.Owner, id, got, err, want)
	}
}

// TestUpdateLog_ClaimUpdate: taken, busy while its live owner handles it,
// done once finished, taken over from a dead owner.
func TestUpdateLog_ClaimUpdate(t *testing.T) {
	a, b, dead := twoProcesses(t)
	ctx := context.Background()
	mustClaim(t, a, 1001, cnsbot.ClaimTaken)
	mustClaim(t, a, 1001, cnsbot.ClaimBusy)
	mustClaim(t, b, 1001, cnsbot.ClaimBusy)
	mustClaim(t, a, 1002, cnsbot.ClaimTaken)
	if err := a.FinishUpdate(ctx, 1001); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, a, 1001, cnsbot.ClaimDone)
	mustClaim(t, b, 1001, cnsbot.ClaimDone)

	// a is killed while handling 1002: its redelivery to b is handled.
	dead[a.Owner] = true
	mustClaim(t, b, 1002, cnsbot.ClaimTaken)
	mustClaim(t, a, 1002, cnsbot.ClaimBusy)
	// Finishing an update never claimed (its claim was elsewhere) records it.
	if err := b.FinishUpdate(ctx, 1003); err != nil {
		t.Fatal(err)
	}
	mustClaim(t, a, 1003, cnsbot.ClaimDone)
}

// TestUpdateLog_ClaimLease: a claim whose lease ran out is taken over even
// from an owner not known dead; Renew keeps it.
func TestUpdateLog_ClaimLease(t *testing.T) {
	db := MustOpenDB(t)
	var mu sync.Mutex
	clock := time.Date(2026, 12, 4, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
	a, b := sqlite.NewUpdateLog(db), sqlite.NewUpdateLog(db)
	a.Owner, b.Owner = "host/ns/1/a", "host/ns/2/b"
	a.Dead, b.Dead = nil, nil
	mustClaim(t, a, 1, cnsbot.ClaimTaken)
	for range 3 {
		advance(a.Lease / 2)
		if err := a.Renew(context.Background()); err != nil {
			t.Fatal(err)
		}
		mustClaim(t, b, 1, cnsbot.ClaimBusy)
	}
	advance(a.Lease + time.Second)
	mustClaim(t, b, 1, cnsbot.ClaimTaken)
}

func TestUpdateLog_ClaimConcurrent(t *testing.T) {
	l := sqlite.NewUpdateLog(MustOpenDB(t))
	const n = 20
	claims := make([]cnsbot.UpdateClaim, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			claims[i], errs[i] = l.ClaimUpdate(context.Background(), 7)
		})
	}
	close(start)
	wg.Wait()
	var wins int
	for i := range claims {
		if errs[i] != nil {
			t.Fatal(errs[i])
		} else if claims[i] == cnsbot.ClaimTaken {
			wins++
		}
	}
	if wins != 1 {
		t.Fatalf("claims won=%d, want 1", wins)
	}
}

func batch(ids ...int64) []cnsbot.IncomingUpdate {
	var out []cnsbot.IncomingUpdate
	for _, id := range ids {
		out = append(out, cnsbot.IncomingUpdate{ID: id, Chat: id % 3, Body: []byte(`{"update_id":` + string(rune('0'+id%10)) + `}`)})
	}
	return out
}

func ids(us []cnsbot.IncomingUpdate) []int64 {
	var out []int64
	for _, u := range us {
		out = append(out, u.ID)
	}
	return out
}

// TestUpdateLog_Intake is the polling intake across a crash: a batch is
// stored, some of it finished; the process dies; the next one adopts the
// rest in update id order, with their bodies, and a refetch of the batch
// is not fresh.
func TestUpdateLog_Intake(t *testing.T) {
	a, b, dead := twoProcesses(t)
	ctx := context.Background()
	fresh, err := a.Receive(ctx, batch(14, 11, 12, 13))
	if err != nil {
		t.Fatal(err)
	} else if !slices.Equal(fresh, []bool{true, true, true, true}) {
		t.Fatalf("fresh=%v", fresh)
	}
	if fresh, err := a.Receive(ctx, batch(13, 15)); err != nil || !slices.Equal(fresh, []bool{false, true}) {
		t.Fatalf("refetch: fresh=%v err=%v, want [false true]", fresh, err)
	}
	for _, id := range []int64{11, 13} {
		if err := a.FinishUpdate(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	// While a lives, b adopts nothing.
	if got, _, err := b.Adopt(ctx); err != nil || len(got) != 0 {
		t.Fatalf("adopted from a live process: %v %v", ids(got), err)
	}
	dead[a.Owner] = true
	got, abandoned, err := b.Adopt(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(got), []int64{12, 14, 15}) || len(abandoned) != 0 {
		t.Fatalf("adopted %v abandoned %v, want [12 14 15] []", ids(got), abandoned)
	}
	if want := batch(12)[0]; string(got[0].Body) != string(want.Body) || got[0].Chat != want.Chat {
		t.Fatalf("adopted %+v, want %+v", got[0], want)
	}
	if again, _, err := b.Adopt(ctx); err != nil || len(again) != 0 {
		t.Fatalf("adopted twice: %v %v", ids(again), err)
	}
	if n, err := b.PendingUpdates(ctx); err != nil || n != 3 {
		t.Fatalf("pending=%d err=%v, want 3", n, err)
	}
}

// TestUpdateLog_AdoptGivesUp: an update whose handling kills the process
// each time is given up after MaxAttempts handlings.
func TestUpdateLog_AdoptGivesUp(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	l := sqlite.NewUpdateLog(db)
	l.Owner, l.MaxAttempts = "p0", 3
	l.Dead = func(o string) bool { return o != l.Owner }
	if _, err := l.Receive(ctx, batch(1, 2)); err != nil {
		t.Fatal(err)
	}
	if err := l.FinishUpdate(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for i, want := range []int{1, 1, 0} { // handlings 2 and 3, then given up
		l.Owner = "p" + string(rune('1'+i))
		got, abandoned, err := l.Adopt(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != want || len(abandoned) != 1-want {
			t.Fatalf("restart %d: adopted %v abandoned %v", i+1, ids(got), abandoned)
		}
	}
	mustClaim(t, l, 1, cnsbot.ClaimDone)
}

func TestUpdateLog_PruneUpdates(t *testing.T) {
	db := MustOpenDB(t)
	l := sqlite.NewUpdateLog(db)
	ctx := context.Background()
	if _, err := l.Receive(ctx, batch(1, 2, 3)); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{1, 2} {
		if err := l.FinishUpdate(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	n, err := l.PruneUpdates(ctx, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	} else if n != 2 {
		t.Fatalf("pruned %d, want 2 (the one in progress stays)", n)
	}
	if p, err := l.PendingUpdates(ctx); err != nil || p != 1 {
		t.Fatalf("pending=%d err=%v", p, err)
	}
}
