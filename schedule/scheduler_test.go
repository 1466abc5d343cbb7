package schedule_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/schedule"
	"cnsbot/storage/sqlite"
)

// friday is Friday 24 July 2026, 16:00 in Vietnam.
var friday = time.Date(2026, 7, 24, 9, 0, 0, 0, time.UTC)

const week = 7 * 24 * time.Hour

// fakeClock is a clock that moves only when the test sets it. Its timers
// fire when it reaches their deadline.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers map[*fakeTimer]bool
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock(now time.Time) *fakeClock {
	return &fakeClock{now: now, timers: make(map[*fakeTimer]bool)}
}

// Now returns the clock's time.
func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Timer returns a timer that fires when the clock reaches at.
func (c *fakeClock) Timer(at time.Time) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: at, c: make(chan time.Time, 1)}
	if !at.After(c.now) {
		t.c <- c.now
		return t.c, func() {}
	}
	c.timers[t] = true
	return t.c, func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		delete(c.timers, t)
	}
}

// Set moves the clock to now and fires the timers it reaches.
func (c *fakeClock) Set(now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = now
	for t := range c.timers {
		if !t.at.After(now) {
			t.c <- now
			delete(c.timers, t)
		}
	}
}

// Waiting returns the number of pending timers: of idle schedulers.
func (c *fakeClock) Waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// countingRunner records the slots it ran, by schedule name.
type countingRunner struct {
	mu    sync.Mutex
	slots map[string][]time.Time
	keys  []string
	err   error
}

func (r *countingRunner) RunSchedule(ctx context.Context, s *cnsbot.Schedule, slot time.Time, key string) (int64, int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.slots == nil {
		r.slots = make(map[string][]time.Time)
	}
	r.slots[s.Name] = append(r.slots[s.Name], slot)
	r.keys = append(r.keys, key)
	if r.err != nil {
		return 0, 0, r.err
	}
	return 7, 3, nil
}

// Slots returns the slots run of the schedule.
func (r *countingRunner) Slots(name string) []time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Time(nil), r.slots[name]...)
}

// Total returns the number of runs.
func (r *countingRunner) Total() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.slots {
		n += len(s)
	}
	return n
}

// syncBuffer is a log sink safe for concurrent writers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// MustOpenDB opens the database file at path with the fake clock.
func MustOpenDB(tb testing.TB, path string, clock *fakeClock) *sqlite.DB {
	tb.Helper()
	db := sqlite.NewDB(path)
	db.Now = clock.Now
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// MustUpsert stores schedules.
func MustUpsert(tb testing.TB, db *sqlite.DB, ss ...*cnsbot.Schedule) {
	tb.Helper()
	for _, s := range ss {
		if err := sqlite.NewScheduleService(db).UpsertSchedule(context.Background(), s); err != nil {
			tb.Fatal(err)
		}
	}
}

func weekly() *cnsbot.Schedule {
	return &cnsbot.Schedule{Name: "weekly_missing", Cron: "0 16 * * 5", Audience: cnsbot.AudienceSilentTeams, Source: "config"}
}

// newScheduler returns a Scheduler on db with the fake clock, logging to log.
func newScheduler(db *sqlite.DB, clock *fakeClock, r schedule.Runner, log *syncBuffer) *schedule.Scheduler {
	return &schedule.Scheduler{
		Store:   sqlite.NewScheduleService(db),
		Runner:  r,
		Now:     clock.Now,
		Timer:   clock.Timer,
		Logger:  slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		CatchUp: time.Hour,
	}
}

// start runs s until the returned stop is called; stop waits for Run to
// return and checks it returned context.Canceled.
func start(tb testing.TB, s *schedule.Scheduler) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				tb.Errorf("Run=%v, want context.Canceled", err)
			}
		case <-time.After(5 * time.Second):
			tb.Fatal("Run did not return")
		}
	}
	tb.Cleanup(stop)
	return stop
}

// waitFor waits until cond holds, failing the test after a deadline.
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitIdle waits until n schedulers sleep on the clock.
func waitIdle(tb testing.TB, clock *fakeClock, n int) {
	tb.Helper()
	waitFor(tb, "idle schedulers", func() bool { return clock.Waiting() == n })
}

// assertSlots checks the slots the runner ran for the schedule.
func assertSlots(tb testing.TB, r *countingRunner, name string, want ...time.Time) {
	tb.Helper()
	got := r.Slots(name)
	if len(got) != len(want) {
		tb.Fatalf("%s ran %v, want %v", name, got, want)
	}
	for i := range want {
		if !got[i].Equal(want[i]) {
			tb.Fatalf("%s ran %v, want %v", name, got, want)
		}
	}
}

func TestScheduler_Run(t *testing.T) {
	t.Run("VietnamTime", func(t *testing.T) {
		clock := newFakeClock(friday.Add(-time.Hour)) // Friday 15:00 in Vietnam
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		MustUpsert(t, db, weekly())
		r := &countingRunner{}
		start(t, newScheduler(db, clock, r, &syncBuffer{}))

		waitIdle(t, clock, 1)
		clock.Set(friday.Add(-time.Second))
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing")

		clock.Set(friday) // 16:00 in Vietnam, 09:00 UTC
		waitFor(t, "the first slot", func() bool { return r.Total() == 1 })
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing", friday)

		runs, err := sqlite.NewScheduleService(db).LastRuns(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		} else if got, want := len(runs), 1; got != want {
			t.Fatalf("len(runs)=%d, want %d", got, want)
		} else if run := runs[0]; !run.Slot.Equal(friday) || !run.StartedAt.Equal(friday) || run.BatchID != 7 || run.Recipients != 3 || run.Error != "" {
			t.Fatalf("run=%+v", *run)
		}

		clock.Set(friday.Add(week))
		waitFor(t, "the second slot", func() bool { return r.Total() == 2 })
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing", friday, friday.Add(week))
	})

	// The acceptance: two bot processes on one database fire each slot
	// once in total.
	t.Run("TwoProcesses", func(t *testing.T) {
		clock := newFakeClock(time.Date(2026, 7, 19, 17, 0, 0, 0, time.UTC)) // Monday 00:00 in Vietnam
		path := filepath.Join(t.TempDir(), "cnsbot.db")
		db1 := MustOpenDB(t, path, clock)
		db2 := MustOpenDB(t, path, clock)
		defaults := schedule.DefaultSchedules()
		MustUpsert(t, db1, defaults...)
		r := &countingRunner{}
		start(t, newScheduler(db1, clock, r, &syncBuffer{}))
		start(t, newScheduler(db2, clock, r, &syncBuffer{}))
		waitIdle(t, clock, 2)

		// Every slot of the defaults over four weeks, in order.
		type slot struct {
			name string
			at   time.Time
		}
		var slots []slot
		end := clock.Now().Add(4 * week)
		for at := clock.Now(); ; {
			var next slot
			for _, d := range defaults {
				spec, err := schedule.Parse(d.Cron)
				if err != nil {
					t.Fatal(err)
				}
				if n := spec.Next(at); next.at.IsZero() || n.Before(next.at) {
					next = slot{d.Name, n}
				}
			}
			if next.at.After(end) {
				break
			}
			slots = append(slots, next)
			at = next.at
		}
		if got, want := len(slots), 4*(1+1+7)+1; got != want { // weekly ×4 ×2, daily ×28, 13 August
			t.Fatalf("len(slots)=%d, want %d", got, want)
		}

		want := make(map[string][]time.Time)
		for i, s := range slots {
			clock.Set(s.at)
			want[s.name] = append(want[s.name], s.at)
			waitFor(t, s.name+" at "+s.at.String(), func() bool { return r.Total() > i && clock.Waiting() == 2 })
			if got, want := r.Total(), i+1; got != want {
				t.Fatalf("%s at %v: %d runs in total, want %d", s.name, s.at, got, want)
			}
		}
		for name, at := range want {
			assertSlots(t, r, name, at...)
		}
		runs, err := sqlite.NewScheduleService(db2).LastRuns(context.Background(), 100)
		if err != nil {
			t.Fatal(err)
		} else if got, want := len(runs), len(slots); got != want {
			t.Fatalf("len(runs)=%d, want %d", got, want)
		}
	})

	t.Run("Restart", func(t *testing.T) {
		clock := newFakeClock(friday.Add(-time.Minute))
		path := filepath.Join(t.TempDir(), "cnsbot.db")
		db := MustOpenDB(t, path, clock)
		MustUpsert(t, db, weekly())
		r := &countingRunner{}
		log := &syncBuffer{}

		stop := start(t, newScheduler(db, clock, r, log))
		waitIdle(t, clock, 1)
		clock.Set(friday)
		waitFor(t, "the first slot", func() bool { return r.Total() == 1 })
		waitIdle(t, clock, 1)
		stop()

		// Down over the next slot; back 30 minutes later: it fires late, once.
		clock.Set(friday.Add(week + 30*time.Minute))
		stop = start(t, newScheduler(db, clock, r, log))
		waitFor(t, "the missed slot", func() bool { return r.Total() == 2 })
		waitIdle(t, clock, 1)
		stop()

		// A second restart within the hour does not fire it again.
		clock.Set(friday.Add(week + 40*time.Minute))
		stop = start(t, newScheduler(db, clock, r, log))
		waitIdle(t, clock, 1)
		stop()
		assertSlots(t, r, "weekly_missing", friday, friday.Add(week))

		// Down over the third slot and back two hours later: skipped, logged.
		clock.Set(friday.Add(2*week + 2*time.Hour))
		start(t, newScheduler(db, clock, r, log))
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing", friday, friday.Add(week))
		if !strings.Contains(log.String(), "skipped") || !strings.Contains(log.String(), "first_missed=2026-08-07T16:00:00") {
			t.Fatalf("log does not tell the skipped slot:\n%s", log)
		}

		clock.Set(friday.Add(3 * week))
		waitFor(t, "the fourth slot", func() bool { return r.Total() == 3 })
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing", friday, friday.Add(week), friday.Add(3*week))
	})

	t.Run("Stalled", func(t *testing.T) {
		// The process stalls past a slot (the clock jumps): within the
		// catch-up it fires late, beyond it is skipped.
		clock := newFakeClock(friday.Add(-time.Minute))
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		MustUpsert(t, db, weekly())
		r := &countingRunner{}
		log := &syncBuffer{}
		start(t, newScheduler(db, clock, r, log))
		waitIdle(t, clock, 1)

		clock.Set(friday.Add(59 * time.Minute))
		waitFor(t, "the late slot", func() bool { return r.Total() == 1 })
		waitIdle(t, clock, 1)

		clock.Set(friday.Add(week + 61*time.Minute))
		waitFor(t, "the skip in the log", func() bool {
			return strings.Contains(log.String(), "schedule slots skipped: missed by more than the catch-up\" schedule=weekly_missing first_missed=2026-07-31T16:00:00")
		})
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing", friday)
	})

	t.Run("Paused", func(t *testing.T) {
		clock := newFakeClock(friday.Add(-time.Minute))
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		s := weekly()
		s.Paused = true
		MustUpsert(t, db, s)
		r := &countingRunner{}
		sch := newScheduler(db, clock, r, &syncBuffer{})
		start(t, sch)
		waitIdle(t, clock, 1)

		clock.Set(friday)
		waitIdle(t, clock, 1)
		clock.Set(friday.Add(time.Hour))
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing")

		// Resumed: the slot missed while paused is not caught up; the next fires.
		if err := sqlite.NewScheduleService(db).SetSchedulePaused(context.Background(), s.ID, false); err != nil {
			t.Fatal(err)
		}
		sch.Reload()
		clock.Set(friday.Add(week))
		waitFor(t, "the next slot", func() bool { return r.Total() == 1 })
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing", friday.Add(week))

		// Paused in another process, which cannot Reload this one: the
		// scheduler reads the schedule again at the slot and does not fire.
		if err := sqlite.NewScheduleService(db).SetSchedulePaused(context.Background(), s.ID, true); err != nil {
			t.Fatal(err)
		}
		clock.Set(friday.Add(2 * week))
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing", friday.Add(week))
	})

	t.Run("Reload", func(t *testing.T) {
		clock := newFakeClock(friday.Add(-2 * time.Hour))
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		r := &countingRunner{}
		sch := newScheduler(db, clock, r, &syncBuffer{})
		sch.Refresh = 24 * time.Hour // only Reload shows the new schedule before the slot
		start(t, sch)
		waitIdle(t, clock, 1)
		if got := sch.NextRuns(clock.Now()); len(got) != 0 {
			t.Fatalf("NextRuns=%v, want none", got)
		}

		MustUpsert(t, db, weekly())
		sch.Reload()
		waitFor(t, "the new schedule", func() bool { return !sch.NextRuns(clock.Now())["weekly_missing"].IsZero() })
		next := sch.NextRuns(clock.Now())["weekly_missing"]
		if !next.Equal(friday) {
			t.Fatalf("NextRuns=%v, want %v", next, friday)
		} else if _, offset := next.Zone(); offset != 7*3600 {
			t.Fatalf("NextRuns zone offset=%d, want Vietnam's", offset)
		}

		clock.Set(friday)
		waitFor(t, "the new schedule's slot", func() bool { return r.Total() == 1 })
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing", friday)
	})

	t.Run("RunnerError", func(t *testing.T) {
		clock := newFakeClock(friday.Add(-time.Minute))
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		MustUpsert(t, db, weekly())
		r := &countingRunner{err: errors.New("no root unit")}
		start(t, newScheduler(db, clock, r, &syncBuffer{}))
		waitIdle(t, clock, 1)

		clock.Set(friday)
		waitFor(t, "the slot", func() bool { return r.Total() == 1 })
		waitIdle(t, clock, 1)
		clock.Set(friday.Add(30 * time.Minute))
		waitIdle(t, clock, 1)
		assertSlots(t, r, "weekly_missing", friday) // recorded, not retried

		runs, err := sqlite.NewScheduleService(db).LastRuns(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		} else if len(runs) != 1 || runs[0].Error != "no root unit" {
			t.Fatalf("runs=%+v, want one with the error", runs)
		}
	})
}

func TestScheduler_RunNow(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		now := friday.Add(-time.Hour + 30*time.Second)
		clock := newFakeClock(now)
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		s := weekly()
		s.Paused = true // an admin may run a paused schedule by hand
		MustUpsert(t, db, s)
		r := &countingRunner{}
		sch := newScheduler(db, clock, r, &syncBuffer{})

		run, err := sch.RunNow(context.Background(), "weekly_missing", "")
		if err != nil {
			t.Fatal(err)
		}
		if !schedule.IsManual(run.Slot) || !run.Slot.Truncate(time.Minute).Equal(now.Truncate(time.Minute)) {
			t.Fatalf("Slot=%v, want a manual slot of %v", run.Slot, now)
		} else if run.ScheduleID != s.ID || run.Recipients != 3 || run.BatchID != 7 || !run.StartedAt.Equal(now) {
			t.Fatalf("run=%+v", *run)
		}
		if got, want := r.Total(), 1; got != want {
			t.Fatalf("Total=%d, want %d", got, want)
		}
		runs, err := sqlite.NewScheduleService(db).LastRuns(context.Background(), 10)
		if err != nil {
			t.Fatal(err)
		} else if len(runs) != 1 || !runs[0].Slot.Equal(run.Slot) || !runs[0].StartedAt.Equal(now) || runs[0].Recipients != 3 {
			t.Fatalf("runs=%+v, want %+v", runs, *run)
		}

		// A double tap in the same minute is refused.
		_, err = sch.RunNow(context.Background(), "weekly_missing", "")
		if got, want := cnsbot.ErrorCode(err), cnsbot.ECONFLICT; got != want {
			t.Fatalf("ErrorCode=%q, want %q (err=%v)", got, want, err)
		}
		// The next minute runs again.
		clock.Set(now.Add(time.Minute))
		if _, err := sch.RunNow(context.Background(), "weekly_missing", ""); err != nil {
			t.Fatal(err)
		} else if got, want := r.Total(), 2; got != want {
			t.Fatalf("Total=%d, want %d", got, want)
		}
	})

	// The press handled again after a crash runs in the slot it claimed,
	// in the same minute or later, and hands its key to the Runner; another
	// press in the same minute is still refused.
	t.Run("Keyed", func(t *testing.T) {
		now := friday.Add(-time.Hour + 30*time.Second)
		clock := newFakeClock(now)
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		MustUpsert(t, db, weekly())
		r := &countingRunner{}
		sch := newScheduler(db, clock, r, &syncBuffer{})
		ctx := context.Background()

		first, err := sch.RunNow(ctx, "weekly_missing", "cq:1")
		if err != nil {
			t.Fatal(err)
		}
		again, err := sch.RunNow(ctx, "weekly_missing", "cq:1")
		if err != nil {
			t.Fatalf("the same press again: %v", err)
		} else if !again.Slot.Equal(first.Slot) {
			t.Fatalf("Slot=%v, want the first run's %v", again.Slot, first.Slot)
		}
		if _, err := sch.RunNow(ctx, "weekly_missing", "cq:2"); cnsbot.ErrorCode(err) != cnsbot.ECONFLICT {
			t.Fatalf("another press in the same minute: err=%v, want ECONFLICT", err)
		}
		clock.Set(now.Add(3 * time.Minute))
		if later, err := sch.RunNow(ctx, "weekly_missing", "cq:1"); err != nil {
			t.Fatal(err)
		} else if !later.Slot.Equal(first.Slot) {
			t.Fatalf("Slot=%v, want the first run's %v", later.Slot, first.Slot)
		}
		r.mu.Lock()
		keys := strings.Join(r.keys, ",")
		r.mu.Unlock()
		if got, want := keys, "cq:1,cq:1,cq:1"; got != want {
			t.Fatalf("keys=%s, want %s", got, want)
		}
		runs, err := sqlite.NewScheduleService(db).LastRuns(ctx, 10)
		if err != nil {
			t.Fatal(err)
		} else if len(runs) != 1 {
			t.Fatalf("runs=%d, want 1", len(runs))
		}
	})

	t.Run("DoesNotTakeTheCronSlot", func(t *testing.T) {
		clock := newFakeClock(friday.Add(-time.Minute))
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		MustUpsert(t, db, weekly())
		r := &countingRunner{}
		sch := newScheduler(db, clock, r, &syncBuffer{})
		start(t, sch)
		waitIdle(t, clock, 1)

		clock.Set(friday) // the cron slot and a manual run in the same minute
		if _, err := sch.RunNow(context.Background(), "weekly_missing", ""); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "both runs", func() bool { return r.Total() == 2 })
		waitIdle(t, clock, 1)
	})

	t.Run("RunnerError", func(t *testing.T) {
		clock := newFakeClock(friday)
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		MustUpsert(t, db, weekly())
		sch := newScheduler(db, clock, &countingRunner{err: errors.New("outbox full")}, &syncBuffer{})
		run, err := sch.RunNow(context.Background(), "weekly_missing", "")
		if err == nil || run == nil || run.Error != "outbox full" {
			t.Fatalf("RunNow=%+v, %v; want the run with its error, and the error", run, err)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		clock := newFakeClock(friday)
		db := MustOpenDB(t, filepath.Join(t.TempDir(), "cnsbot.db"), clock)
		_, err := newScheduler(db, clock, &countingRunner{}, &syncBuffer{}).RunNow(context.Background(), "nope", "")
		if got, want := cnsbot.ErrorCode(err), cnsbot.ENOTFOUND; got != want {
			t.Fatalf("ErrorCode=%q, want %q (err=%v)", got, want, err)
		}
	})
}
