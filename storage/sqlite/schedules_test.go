package sqlite_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// MustUpsertSchedule stores a members schedule with the name and cron.
func MustUpsertSchedule(tb testing.TB, db *sqlite.DB, name, cron string) *cnsbot.Schedule {
	tb.Helper()
	sc := &cnsbot.Schedule{Name: name, Cron: cron, Audience: cnsbot.AudienceMembers, Source: "config"}
	if err := sqlite.NewScheduleService(db).UpsertSchedule(context.Background(), sc); err != nil {
		tb.Fatal(err)
	}
	return sc
}

func TestScheduleService_UpsertSchedule(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewScheduleService(db)
		ctx := context.Background()

		sc := &cnsbot.Schedule{Name: "zalo", Cron: "0 16 * * 5", Audience: cnsbot.AudienceGroup,
			UnitID: us["C1"].ID, ChatID: -100123, Message: "Hi", Source: "chat"}
		if err := s.UpsertSchedule(ctx, sc); err != nil {
			t.Fatal(err)
		} else if sc.ID == 0 {
			t.Fatal("ID not set")
		}
		got, err := s.FindScheduleByName(ctx, "zalo")
		if err != nil {
			t.Fatal(err)
		}
		if *got != *sc {
			t.Fatalf("FindScheduleByName=%+v, want %+v", *got, *sc)
		}

		// Replacing by name keeps the id and changes every field.
		repl := &cnsbot.Schedule{Name: "zalo", Cron: "0 8 * * 1", Audience: cnsbot.AudienceLeaders, Paused: true, Source: "chat"}
		if err := s.UpsertSchedule(ctx, repl); err != nil {
			t.Fatal(err)
		} else if got, want := repl.ID, sc.ID; got != want {
			t.Fatalf("ID=%d, want %d", got, want)
		}
		got, err = s.FindScheduleByName(ctx, "zalo")
		if err != nil {
			t.Fatal(err)
		}
		if *got != *repl {
			t.Fatalf("FindScheduleByName=%+v, want %+v", *got, *repl)
		}

		MustUpsertSchedule(t, db, "a_first", "0 9 * * *")
		ss, err := s.FindSchedules(ctx)
		if err != nil {
			t.Fatal(err)
		} else if got, want := len(ss), 2; got != want {
			t.Fatalf("len=%d, want %d", got, want)
		} else if got, want := ss[0].Name, "a_first"; got != want {
			t.Fatalf("Name=%q, want %q", got, want)
		}
	})

	t.Run("ConfigKeepsPaused", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewScheduleService(db)
		ctx := context.Background()

		sc := MustUpsertSchedule(t, db, "weekly_missing", "0 16 * * 5")
		if err := s.SetSchedulePaused(ctx, sc.ID, true); err != nil {
			t.Fatal(err)
		}
		// The next start upserts the config again, not paused, with a new cron.
		again := &cnsbot.Schedule{Name: "weekly_missing", Cron: "0 15 * * 5", Audience: cnsbot.AudienceSilentTeams, Source: "config"}
		if err := s.UpsertSchedule(ctx, again); err != nil {
			t.Fatal(err)
		} else if !again.Paused {
			t.Fatal("Paused=false, want the stored true")
		}
		got, err := s.FindScheduleByName(ctx, "weekly_missing")
		if err != nil {
			t.Fatal(err)
		}
		if !got.Paused {
			t.Fatal("Paused=false after config upsert, want true")
		} else if got, want := got.Cron, "0 15 * * 5"; got != want {
			t.Fatalf("Cron=%q, want %q", got, want)
		}

		// A chat edit sets Paused as given.
		chat := &cnsbot.Schedule{Name: "weekly_missing", Cron: "0 15 * * 5", Audience: cnsbot.AudienceSilentTeams, Source: "chat"}
		if err := s.UpsertSchedule(ctx, chat); err != nil {
			t.Fatal(err)
		}
		if got, err := s.FindScheduleByName(ctx, "weekly_missing"); err != nil {
			t.Fatal(err)
		} else if got.Paused {
			t.Fatal("Paused=true after chat upsert, want false")
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewScheduleService(db)
		ctx := context.Background()
		for name, sc := range map[string]*cnsbot.Schedule{
			"Audience":  {Name: "a", Cron: "0 9 * * *", Audience: "everyone", Source: "config"},
			"GroupChat": {Name: "a", Cron: "0 9 * * *", Audience: cnsbot.AudienceGroup, Source: "config"},
			"Source":    {Name: "a", Cron: "0 9 * * *", Audience: cnsbot.AudienceMembers, Source: "web"},
			"Unit":      {Name: "a", Cron: "0 9 * * *", Audience: cnsbot.AudienceMembers, UnitID: 99, Source: "config"},
			"Name":      {Cron: "0 9 * * *", Audience: cnsbot.AudienceMembers, Source: "config"},
		} {
			t.Run(name, func(t *testing.T) {
				assertCode(t, s.UpsertSchedule(ctx, sc), cnsbot.EINVALID)
			})
		}
	})
}

func TestScheduleService_FindScheduleByName(t *testing.T) {
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := sqlite.NewScheduleService(MustOpenDB(t)).FindScheduleByName(context.Background(), "nope")
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestScheduleService_SetSchedulePaused(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewScheduleService(db)
		ctx := context.Background()
		sc := MustUpsertSchedule(t, db, "digest", "0 8 * * 1")
		for _, paused := range []bool{true, false} {
			if err := s.SetSchedulePaused(ctx, sc.ID, paused); err != nil {
				t.Fatal(err)
			}
			got, err := s.FindScheduleByName(ctx, "digest")
			if err != nil {
				t.Fatal(err)
			} else if got.Paused != paused {
				t.Fatalf("Paused=%v, want %v", got.Paused, paused)
			}
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		err := sqlite.NewScheduleService(MustOpenDB(t)).SetSchedulePaused(context.Background(), 7, true)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestScheduleService_ClaimSlot(t *testing.T) {
	slot := time.Date(2026, 7, 24, 9, 0, 0, 0, time.UTC)

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewScheduleService(db)
		ctx := context.Background()
		sc := MustUpsertSchedule(t, db, "weekly_missing", "0 16 * * 5")

		if ok, err := s.ClaimSlot(ctx, sc.ID, slot, now); err != nil {
			t.Fatal(err)
		} else if !ok {
			t.Fatal("first claim=false, want true")
		}
		// The same instant in another zone is the same slot.
		local := slot.In(time.FixedZone("ICT", 7*3600))
		if ok, err := s.ClaimSlot(ctx, sc.ID, local, now); err != nil {
			t.Fatal(err)
		} else if ok {
			t.Fatal("second claim=true, want false")
		}
		if ok, err := s.ClaimSlot(ctx, sc.ID, slot.Add(7*24*time.Hour), now); err != nil {
			t.Fatal(err)
		} else if !ok {
			t.Fatal("next week's claim=false, want true")
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := sqlite.NewScheduleService(MustOpenDB(t)).ClaimSlot(context.Background(), 7, slot, now)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})

	// A press handled again claims its own slot once more, even from a
	// later minute; another press in a slot taken is refused.
	t.Run("Keyed", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewScheduleService(db)
		ctx := context.Background()
		sc := MustUpsertSchedule(t, db, "weekly_missing", "0 16 * * 5")
		manual := slot.Add(time.Nanosecond)

		if got, ok, err := s.ClaimKeyedSlot(ctx, sc.ID, manual, now, "cq:1"); err != nil {
			t.Fatal(err)
		} else if !ok || !got.Equal(manual) {
			t.Fatalf("first claim=%v, %v; want %v, true", got, ok, manual)
		}
		later := manual.Add(2 * time.Minute)
		if got, ok, err := s.ClaimKeyedSlot(ctx, sc.ID, later, now, "cq:1"); err != nil {
			t.Fatal(err)
		} else if !ok || !got.Equal(manual) {
			t.Fatalf("the same press later=%v, %v; want its slot %v, true", got, ok, manual)
		}
		if _, ok, err := s.ClaimKeyedSlot(ctx, sc.ID, manual, now, "cq:2"); err != nil {
			t.Fatal(err)
		} else if ok {
			t.Fatal("another press in the taken slot=true, want false")
		}
		if ok, err := s.ClaimSlot(ctx, sc.ID, manual, now); err != nil || ok {
			t.Fatalf("ClaimSlot of the keyed slot=%v, %v; want false", ok, err)
		}
		if err := s.FinishRun(ctx, &cnsbot.ScheduleRun{ScheduleID: sc.ID, Slot: manual, Recipients: 3}); err != nil {
			t.Fatal(err)
		}
		if runs, err := s.LastRuns(ctx, 10); err != nil {
			t.Fatal(err)
		} else if len(runs) != 1 || !runs[0].Slot.Equal(manual) || runs[0].Recipients != 3 {
			t.Fatalf("runs=%+v, want the one keyed run", runs)
		}
		_, _, err := s.ClaimKeyedSlot(ctx, 999, manual, now, "cq:3")
		assertCode(t, err, cnsbot.ENOTFOUND)
	})

	// Two handles on one file stand for two bot processes: of 20 claims of
	// one slot, from 10 goroutines each, exactly one wins.
	t.Run("TwoProcesses", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "cnsbot.db")
		var dbs [2]*sqlite.DB
		for i := range dbs {
			dbs[i] = sqlite.NewDB(path)
			if err := dbs[i].Open(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { dbs[i].Close() })
		}
		sc := MustUpsertSchedule(t, dbs[0], "weekly_missing", "0 16 * * 5")

		var mu sync.Mutex
		var won, errs int
		var wg sync.WaitGroup
		for i := range 20 {
			s := sqlite.NewScheduleService(dbs[i%2])
			wg.Go(func() {
				ok, err := s.ClaimSlot(context.Background(), sc.ID, slot, now)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Error(err)
					errs++
				} else if ok {
					won++
				}
			})
		}
		wg.Wait()
		if got, want := won, 1; got != want || errs != 0 {
			t.Fatalf("won=%d, want %d (errors %d)", got, want, errs)
		}
	})
}

func TestScheduleService_FinishRun(t *testing.T) {
	slot := time.Date(2026, 7, 24, 9, 0, 0, 0, time.UTC)

	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewScheduleService(db)
		ctx := context.Background()
		a := MustUpsertSchedule(t, db, "a", "0 16 * * 5")
		b := MustUpsertSchedule(t, db, "b", "0 9 * * *")

		started := now.Add(-time.Hour)
		if _, err := s.ClaimSlot(ctx, a.ID, slot, started); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ClaimSlot(ctx, b.ID, slot, now); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, &cnsbot.ScheduleRun{ScheduleID: a.ID, Slot: slot, BatchID: 0, Recipients: 0, Error: "boom"}); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, &cnsbot.ScheduleRun{ScheduleID: b.ID, Slot: slot, BatchID: 42, Recipients: 17}); err != nil {
			t.Fatal(err)
		}

		runs, err := s.LastRuns(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []cnsbot.ScheduleRun{
			{ScheduleID: b.ID, Slot: slot, StartedAt: now, BatchID: 42, Recipients: 17},
			{ScheduleID: a.ID, Slot: slot, StartedAt: started, Error: "boom"},
		}
		if got, want := len(runs), len(want); got != want {
			t.Fatalf("len=%d, want %d", got, want)
		}
		for i := range want {
			if got := *runs[i]; got != want[i] {
				t.Fatalf("runs[%d]=%+v, want %+v", i, got, want[i])
			}
		}
		if runs, err := s.LastRuns(ctx, 1); err != nil {
			t.Fatal(err)
		} else if got, want := len(runs), 1; got != want {
			t.Fatalf("len=%d, want %d", got, want)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		sc := MustUpsertSchedule(t, db, "a", "0 16 * * 5")
		err := sqlite.NewScheduleService(db).FinishRun(context.Background(), &cnsbot.ScheduleRun{ScheduleID: sc.ID, Slot: slot})
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}
