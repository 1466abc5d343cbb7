package sqlite_test

import (
	"context"
	"testing"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

func TestUnitService_CreateUnit(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewUnitService(db)

		u, err := s.FindUnitByCode(context.Background(), "V1")
		if err != nil {
			t.Fatal(err)
		}
		if got, want := u.ID, us["V1"].ID; got != want {
			t.Fatalf("ID=%d, want %d", got, want)
		}
		if got, want := u.ParentID, us["C1"].ID; got != want {
			t.Fatalf("ParentID=%d, want %d", got, want)
		}
		if got, want := u.ParentCode, "C1"; got != want {
			t.Fatalf("ParentCode=%q, want %q", got, want)
		}
		if got, want := u.FullName, "Thôn V1"; got != want {
			t.Fatalf("FullName=%q, want %q", got, want)
		}
		if got, want := u.Level, "village"; got != want {
			t.Fatalf("Level=%q, want %q", got, want)
		}
		if got, err := s.FindUnitByID(context.Background(), us["P"].ID); err != nil {
			t.Fatal(err)
		} else if got.ParentID != 0 || got.ParentCode != "" {
			t.Fatalf("root parent=%d/%q, want none", got.ParentID, got.ParentCode)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		MustTree(t, db)
		err := sqlite.NewUnitService(db).CreateUnit(context.Background(), &cnsbot.Unit{Code: "V1", Name: "again"})
		assertCode(t, err, cnsbot.ECONFLICT)
		if got, want := cnsbot.ErrorKey(err), "error.conflict"; got != want {
			t.Fatalf("ErrorKey=%q, want %q", got, want)
		}
	})

	t.Run("ErrUnknownParent", func(t *testing.T) {
		db := MustOpenDB(t)
		err := sqlite.NewUnitService(db).CreateUnit(context.Background(), &cnsbot.Unit{Code: "X", Name: "x", ParentCode: "nope"})
		assertCode(t, err, cnsbot.EINVALID)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := sqlite.NewUnitService(db).FindUnitByID(context.Background(), 42)
		assertCode(t, err, cnsbot.ENOTFOUND)
		_, err = sqlite.NewUnitService(db).FindUnitByCode(context.Background(), "nope")
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestUnitService_FindUnits(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	s := sqlite.NewUnitService(db)
	ctx := context.Background()

	root := int64(0)
	for _, tt := range []struct {
		name string
		f    cnsbot.UnitFilter
		want []string
	}{
		{"All", cnsbot.UnitFilter{}, []string{"P", "D1", "D2", "C1", "C2", "V1", "V2", "V3"}},
		{"Roots", cnsbot.UnitFilter{ParentID: &root}, []string{"P"}},
		{"Children", cnsbot.UnitFilter{ParentID: &us["C1"].ID}, []string{"V1", "V2"}},
		{"Level", cnsbot.UnitFilter{Level: "district"}, []string{"D1", "D2"}},
		{"Code", cnsbot.UnitFilter{Code: "C2"}, []string{"C2"}},
		{"Limit", cnsbot.UnitFilter{Level: "village", Limit: 2}, []string{"V1", "V2"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.FindUnits(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("len=%d, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got, want := got[i].Code, tt.want[i]; got != want {
					t.Fatalf("[%d].Code=%q, want %q", i, got, want)
				}
			}
		})
	}
}

func TestUnitService_IsUnitWithin(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	s := sqlite.NewUnitService(db)

	for _, tt := range []struct {
		id, root string
		want     bool
	}{
		{"V1", "V1", true},
		{"V1", "C1", true},
		{"V1", "D1", true},
		{"V1", "P", true},
		{"V3", "P", true},
		{"V3", "D1", false},
		{"V1", "D2", false},
		{"C1", "V1", false},
		{"P", "D1", false},
		{"D1", "D2", false},
	} {
		t.Run(tt.id+"In"+tt.root, func(t *testing.T) {
			got, err := s.IsUnitWithin(context.Background(), us[tt.id].ID, us[tt.root].ID)
			if err != nil {
				t.Fatal(err)
			} else if got != tt.want {
				t.Fatalf("IsUnitWithin(%s, %s)=%v, want %v", tt.id, tt.root, got, tt.want)
			}
		})
	}

	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.IsUnitWithin(context.Background(), 999, us["P"].ID)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

// A path prefix must not match a sibling whose id starts with the same
// digits: /1/ must not contain /10/.
func TestUnitService_IsUnitWithin_IDPrefix(t *testing.T) {
	db := MustOpenDB(t)
	s := sqlite.NewUnitService(db)
	ctx := context.Background()
	var first *cnsbot.Unit
	var last *cnsbot.Unit
	for i := 0; i < 12; i++ {
		u := &cnsbot.Unit{Code: string(rune('a' + i)), Name: "root"}
		if err := s.CreateUnit(ctx, u); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = u
		}
		last = u
	}
	child := &cnsbot.Unit{Code: "child", Name: "c", ParentID: last.ID}
	if err := s.CreateUnit(ctx, child); err != nil {
		t.Fatal(err)
	}
	if got, err := s.IsUnitWithin(ctx, child.ID, first.ID); err != nil {
		t.Fatal(err)
	} else if got {
		t.Fatalf("unit %d within %d, want not", child.ID, first.ID)
	}
	ms := sqlite.NewMemberService(db)
	if err := ms.CreateMember(ctx, &cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: child.ID, Role: cnsbot.RoleLeader}); err != nil {
		t.Fatal(err)
	}
	if _, n, err := ms.FindMembers(ctx, cnsbot.MemberFilter{UnitID: first.ID}); err != nil {
		t.Fatal(err)
	} else if got, want := n, 0; got != want {
		t.Fatalf("members under %d=%d, want %d", first.ID, got, want)
	}
}

func TestUnitService_SetUnitSuccessor(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	s := sqlite.NewUnitService(db)
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		if err := s.SetUnitSuccessor(ctx, us["V2"].ID, us["V1"].ID, "2025-07-01"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetUnitSuccessor(ctx, us["V2"].ID, us["V1"].ID, "2025-08-01"); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindUnitSuccessors(ctx, us["V2"].ID)
		if err != nil {
			t.Fatal(err)
		} else if len(got) != 1 || got[0].Code != "V1" {
			t.Fatalf("successors=%v, want [V1]", got)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		assertCode(t, s.SetUnitSuccessor(ctx, us["V2"].ID, 999, ""), cnsbot.EINVALID)
		assertCode(t, s.SetUnitSuccessor(ctx, us["V2"].ID, us["V2"].ID, ""), cnsbot.EINVALID)
	})
}
