package sqlite_test

import (
	"context"
	"testing"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

func TestTargetService_SetTarget(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "VNEID")
		s := sqlite.NewTargetService(db)
		ctx := context.Background()

		for _, period := range []string{"2026", "2026-H1", "2026-Q3", "2026-07", "2026-W30"} {
			if err := s.SetTarget(ctx, &cnsbot.Target{IndicatorID: ind.ID, UnitID: us["C1"].ID, Period: period, Value: 10}); err != nil {
				t.Fatalf("%s: %v", period, err)
			}
		}
		// Setting again replaces the value, keeping one row.
		tg := &cnsbot.Target{IndicatorID: ind.ID, UnitID: us["C1"].ID, Period: "2026", Value: 500}
		if err := s.SetTarget(ctx, tg); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindTargets(ctx, cnsbot.TargetFilter{IndicatorID: ind.ID, UnitID: us["C1"].ID, Period: "2026"})
		if err != nil {
			t.Fatal(err)
		} else if len(got) != 1 {
			t.Fatalf("len=%d, want 1", len(got))
		}
		if got, want := got[0].Value, 500.0; got != want {
			t.Fatalf("Value=%v, want %v", got, want)
		}
		if got, want := got[0].ID, tg.ID; got != want {
			t.Fatalf("ID=%d, want %d", got, want)
		}
		all, err := s.FindTargets(ctx, cnsbot.TargetFilter{UnitID: us["C1"].ID})
		if err != nil {
			t.Fatal(err)
		} else if got, want := len(all), 5; got != want {
			t.Fatalf("len=%d, want %d", got, want)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "VNEID")
		s := sqlite.NewTargetService(db)
		ctx := context.Background()
		assertCode(t, s.SetTarget(ctx, &cnsbot.Target{IndicatorID: ind.ID, UnitID: us["C1"].ID, Period: "2026-Q5", Value: 1}), cnsbot.EINVALID)
		assertCode(t, s.SetTarget(ctx, &cnsbot.Target{IndicatorID: 999, UnitID: us["C1"].ID, Period: "2026", Value: 1}), cnsbot.EINVALID)
	})
}
