package sqlite_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// A "no activity" declaration counts as a report of its team in
// TeamActivity, adds no figure, and a second one with the same key is
// refused.
func TestReportService_CreateNoActivity(t *testing.T) {
	f := mustFiguresFixture(t)
	ctx := context.Background()
	rs, fs := sqlite.NewReportService(f.db), sqlite.NewFigureService(f.db)
	member, _, err := sqlite.NewMemberService(f.db).FindMembers(ctx, cnsbot.MemberFilter{TeamID: f.teams["V3"]})
	if err != nil || len(member) != 1 {
		t.Fatalf("members=%v, %v", member, err)
	}
	sumsBefore, err := fs.SumByIndicator(ctx, f.us["P"].ID, "2026-07-20", "2026-07-26")
	if err != nil {
		t.Fatal(err)
	}
	sent := time.Date(2026, 7, 21, 3, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return sent }
	n := &cnsbot.NoActivity{MemberID: member[0].ID, TeamID: f.teams["V3"], UnitID: f.us["V3"].ID, Date: "2026-07-21",
		Note: "mưa lũ", Source: cnsbot.SourceFreeText, IdempotencyKey: "r:1:2:none"}
	t.Run("OK", func(t *testing.T) {
		if err := rs.CreateNoActivity(ctx, n); err != nil {
			t.Fatal(err)
		}
		if n.ID == 0 || !n.CreatedAt.Equal(sent) {
			t.Fatalf("declaration=%+v", n)
		}
		got, err := fs.TeamActivity(ctx, f.us["V3"].ID, "2026-07-20", "2026-07-26")
		if err != nil {
			t.Fatal(err)
		}
		want := []cnsbot.TeamActivity{{TeamID: f.teams["V3"], UnitID: f.us["V3"].ID, Reports: 1, FirstSentAt: sent}}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("TeamActivity=%+v, want %+v", got, want)
		}
		// Outside its date, it does not count.
		if got, err := fs.TeamActivity(ctx, f.us["V3"].ID, "2026-07-22", "2026-07-26"); err != nil || got[0].Reports != 0 {
			t.Fatalf("TeamActivity after its day=%+v, %v", got, err)
		}
		sums, err := fs.SumByIndicator(ctx, f.us["P"].ID, "2026-07-20", "2026-07-26")
		if err != nil {
			t.Fatal(err)
		} else if !reflect.DeepEqual(sums, sumsBefore) {
			t.Fatalf("sums=%v, want %v unchanged", sums, sumsBefore)
		}
	})
	t.Run("ErrConflict", func(t *testing.T) {
		again := *n
		again.ID = 0
		assertCode(t, rs.CreateNoActivity(ctx, &again), cnsbot.ECONFLICT)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		bad := *n
		bad.ID, bad.IdempotencyKey, bad.Date = 0, "", "21/7"
		if err := rs.CreateNoActivity(ctx, &bad); err == nil {
			t.Fatal("a malformed date was saved")
		}
	})
}
