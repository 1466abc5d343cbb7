package sqlite_test

import (
	"context"
	"testing"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

func TestTeamService_CreateTeam(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewTeamService(db)
		ctx := context.Background()

		team := &cnsbot.Team{UnitID: us["V1"].ID}
		if err := s.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		if got, want := team.Name, "Thôn V1"; got != want {
			t.Fatalf("Name=%q, want %q", got, want)
		}
		got, err := s.FindTeamByID(ctx, team.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := got.UnitID, us["V1"].ID; got != want {
			t.Fatalf("UnitID=%d, want %d", got, want)
		}
		if got, want := got.CreatedAt, now; !got.Equal(want) {
			t.Fatalf("CreatedAt=%v, want %v", got, want)
		}
		byUnit, err := s.FindTeamByUnitID(ctx, us["V1"].ID)
		if err != nil {
			t.Fatal(err)
		} else if got, want := byUnit.ID, team.ID; got != want {
			t.Fatalf("ID=%d, want %d", got, want)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewTeamService(db)
		if err := s.CreateTeam(context.Background(), &cnsbot.Team{UnitID: us["V1"].ID, Name: "A"}); err != nil {
			t.Fatal(err)
		}
		assertCode(t, s.CreateTeam(context.Background(), &cnsbot.Team{UnitID: us["V1"].ID, Name: "B"}), cnsbot.ECONFLICT)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		_, err := sqlite.NewTeamService(db).FindTeamByUnitID(context.Background(), us["V2"].ID)
		assertCode(t, err, cnsbot.ENOTFOUND)
		_, err = sqlite.NewTeamService(db).FindTeamByID(context.Background(), 7)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}
