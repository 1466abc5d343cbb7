package sqlite_test

import (
	"context"
	"regexp"
	"testing"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// MustCreateMember creates a member and returns it.
func MustCreateMember(tb testing.TB, db *sqlite.DB, m *cnsbot.Member) *cnsbot.Member {
	tb.Helper()
	if err := sqlite.NewMemberService(db).CreateMember(context.Background(), m); err != nil {
		tb.Fatal(err)
	}
	return m
}

// MustActivate registers a member with a Telegram id.
func MustActivate(tb testing.TB, db *sqlite.DB, id, tgID int64) {
	tb.Helper()
	status := cnsbot.StatusActive
	if _, err := sqlite.NewMemberService(db).UpdateMember(context.Background(), id,
		cnsbot.MemberUpdate{TelegramID: &tgID, Status: &status}); err != nil {
		tb.Fatal(err)
	}
}

func TestMemberService_CreateMember(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewMemberService(db)
		ctx := context.Background()

		m := MustCreateMember(t, db, &cnsbot.Member{FullName: "Nguyễn Văn A", Phone: "0912345678", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
		if m.ID == 0 {
			t.Fatal("ID not set")
		}
		if got, want := m.Status, cnsbot.StatusPending; got != want {
			t.Fatalf("Status=%q, want %q", got, want)
		}
		if !regexp.MustCompile(`^[a-hjkmnp-z2-9]{8}$`).MatchString(m.InviteCode) {
			t.Fatalf("InviteCode=%q, want 8 unambiguous characters", m.InviteCode)
		}
		team, err := sqlite.NewTeamService(db).FindTeamByUnitID(ctx, us["V1"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := m.TeamID, team.ID; got != want {
			t.Fatalf("TeamID=%d, want %d", got, want)
		}

		// A second member of the unit joins the same team.
		lead := MustCreateMember(t, db, &cnsbot.Member{FullName: "B", Phone: "0912345679", UnitID: us["V1"].ID, Role: cnsbot.RoleTeamLead})
		if got, want := lead.TeamID, team.ID; got != want {
			t.Fatalf("TeamID=%d, want %d", got, want)
		}
		// Leaders have no team.
		leader := MustCreateMember(t, db, &cnsbot.Member{FullName: "C", Phone: "0912345680", UnitID: us["D1"].ID, Role: cnsbot.RoleLeader})
		if got, want := leader.TeamID, int64(0); got != want {
			t.Fatalf("TeamID=%d, want %d", got, want)
		}

		for name, find := range map[string]func() (*cnsbot.Member, error){
			"ByID":         func() (*cnsbot.Member, error) { return s.FindMemberByID(ctx, m.ID) },
			"ByPhone":      func() (*cnsbot.Member, error) { return s.FindMemberByPhone(ctx, "0912345678") },
			"ByInviteCode": func() (*cnsbot.Member, error) { return s.FindMemberByInviteCode(ctx, m.InviteCode) },
		} {
			got, err := find()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got.ID != m.ID || got.FullName != m.FullName || got.TeamID != m.TeamID || got.Role != m.Role ||
				got.InviteCode != m.InviteCode || !got.CreatedAt.Equal(now) {
				t.Fatalf("%s: got %+v, want %+v", name, got, m)
			}
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		MustCreateMember(t, db, &cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
		err := sqlite.NewMemberService(db).CreateMember(context.Background(),
			&cnsbot.Member{FullName: "B", Phone: "0912345678", UnitID: us["V2"].ID, Role: cnsbot.RoleMember})
		assertCode(t, err, cnsbot.ECONFLICT)
		// The team of V2 was created inside the failed transaction: rolled back.
		_, err = sqlite.NewTeamService(db).FindTeamByUnitID(context.Background(), us["V2"].ID)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})

	t.Run("ErrInvalidPhone", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		for _, phone := range []string{"", "+84912345678", "0912 345 678", "12"} {
			err := sqlite.NewMemberService(db).CreateMember(context.Background(),
				&cnsbot.Member{FullName: "A", Phone: phone, UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
			assertCode(t, err, cnsbot.EINVALID)
			if got, want := cnsbot.ErrorKey(err), "error.invalid_phone"; got != want {
				t.Fatalf("ErrorKey=%q, want %q", got, want)
			}
		}
	})

	t.Run("ErrInvalidRole", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		err := sqlite.NewMemberService(db).CreateMember(context.Background(),
			&cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: us["V1"].ID, Role: "boss"})
		assertCode(t, err, cnsbot.EINVALID)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewMemberService(db)
		_, err := s.FindMemberByInviteCode(context.Background(), "abcdefgh")
		assertCode(t, err, cnsbot.ENOTFOUND)
		_, err = s.FindMemberByTelegramID(context.Background(), 5)
		assertCode(t, err, cnsbot.ENOTFOUND)
		_, err = s.FindMemberByID(context.Background(), 5)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestMemberService_UpdateMember(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewMemberService(db)
		ctx := context.Background()
		m := MustCreateMember(t, db, &cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})

		tgID, locale, status, name := int64(777), "en", cnsbot.StatusActive, "Nguyễn Thị B"
		got, err := s.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{TelegramID: &tgID, Locale: &locale, Status: &status, FullName: &name})
		if err != nil {
			t.Fatal(err)
		}
		if got.TelegramID != tgID || got.Locale != locale || got.Status != status || got.FullName != name {
			t.Fatalf("got %+v", got)
		}
		if got.Phone != m.Phone || got.TeamID != m.TeamID {
			t.Fatalf("untouched fields changed: %+v", got)
		}
		byTG, err := s.FindMemberByTelegramID(ctx, tgID)
		if err != nil {
			t.Fatal(err)
		} else if got, want := byTG.ID, m.ID; got != want {
			t.Fatalf("ID=%d, want %d", got, want)
		}

		// Only Locale given: the rest stays.
		locale = "vi"
		got, err = s.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{Locale: &locale})
		if err != nil {
			t.Fatal(err)
		} else if got.TelegramID != tgID || got.Locale != "vi" {
			t.Fatalf("got %+v", got)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		a := MustCreateMember(t, db, &cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
		b := MustCreateMember(t, db, &cnsbot.Member{FullName: "B", Phone: "0912345679", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
		MustActivate(t, db, a.ID, 100)
		tgID := int64(100)
		_, err := sqlite.NewMemberService(db).UpdateMember(context.Background(), b.ID, cnsbot.MemberUpdate{TelegramID: &tgID})
		assertCode(t, err, cnsbot.ECONFLICT)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		name := "x"
		_, err := sqlite.NewMemberService(db).UpdateMember(context.Background(), 404, cnsbot.MemberUpdate{FullName: &name})
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestMemberService_FindMembers(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	s := sqlite.NewMemberService(db)
	ctx := context.Background()

	v1a := MustCreateMember(t, db, &cnsbot.Member{FullName: "V1a", Phone: "0900000001", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
	MustCreateMember(t, db, &cnsbot.Member{FullName: "V1b", Phone: "0900000002", UnitID: us["V1"].ID, Role: cnsbot.RoleTeamLead})
	MustCreateMember(t, db, &cnsbot.Member{FullName: "V2a", Phone: "0900000003", UnitID: us["V2"].ID, Role: cnsbot.RoleMember})
	MustCreateMember(t, db, &cnsbot.Member{FullName: "V3a", Phone: "0900000004", UnitID: us["V3"].ID, Role: cnsbot.RoleMember})
	MustCreateMember(t, db, &cnsbot.Member{FullName: "D1", Phone: "0900000005", UnitID: us["D1"].ID, Role: cnsbot.RoleLeader})
	MustActivate(t, db, v1a.ID, 1)

	for _, tt := range []struct {
		name  string
		f     cnsbot.MemberFilter
		want  []string
		total int
	}{
		{"All", cnsbot.MemberFilter{}, []string{"V1a", "V1b", "V2a", "V3a", "D1"}, 5},
		{"SubtreeProvince", cnsbot.MemberFilter{UnitID: us["P"].ID}, []string{"V1a", "V1b", "V2a", "V3a", "D1"}, 5},
		{"SubtreeDistrict", cnsbot.MemberFilter{UnitID: us["D1"].ID}, []string{"V1a", "V1b", "V2a", "D1"}, 4},
		{"SubtreeCommune", cnsbot.MemberFilter{UnitID: us["C1"].ID}, []string{"V1a", "V1b", "V2a"}, 3},
		{"SubtreeVillage", cnsbot.MemberFilter{UnitID: us["V1"].ID}, []string{"V1a", "V1b"}, 2},
		{"OtherBranch", cnsbot.MemberFilter{UnitID: us["D2"].ID}, []string{"V3a"}, 1},
		{"Team", cnsbot.MemberFilter{TeamID: v1a.TeamID}, []string{"V1a", "V1b"}, 2},
		{"Role", cnsbot.MemberFilter{Role: cnsbot.RoleLeader}, []string{"D1"}, 1},
		{"Status", cnsbot.MemberFilter{Status: cnsbot.StatusActive}, []string{"V1a"}, 1},
		{"Page", cnsbot.MemberFilter{UnitID: us["P"].ID, Offset: 1, Limit: 2}, []string{"V1b", "V2a"}, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ms, n, err := s.FindMembers(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := n, tt.total; got != want {
				t.Fatalf("total=%d, want %d", got, want)
			}
			if len(ms) != len(tt.want) {
				t.Fatalf("len=%d, want %d", len(ms), len(tt.want))
			}
			for i := range ms {
				if got, want := ms[i].FullName, tt.want[i]; got != want {
					t.Fatalf("[%d]=%q, want %q", i, got, want)
				}
			}
		})
	}
}

func TestMemberService_FindAdminsForUnit(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewMemberService(db)
		ctx := context.Background()

		p := MustCreateMember(t, db, &cnsbot.Member{FullName: "AdminP", Phone: "0900000001", UnitID: us["P"].ID, Role: cnsbot.RoleAdmin})
		c1 := MustCreateMember(t, db, &cnsbot.Member{FullName: "AdminC1", Phone: "0900000002", UnitID: us["C1"].ID, Role: cnsbot.RoleAdmin})
		d2 := MustCreateMember(t, db, &cnsbot.Member{FullName: "AdminD2", Phone: "0900000003", UnitID: us["D2"].ID, Role: cnsbot.RoleAdmin})
		MustCreateMember(t, db, &cnsbot.Member{FullName: "PendingD1", Phone: "0900000004", UnitID: us["D1"].ID, Role: cnsbot.RoleAdmin})
		for i, m := range []*cnsbot.Member{p, c1, d2} {
			MustActivate(t, db, m.ID, int64(100+i))
		}

		got, err := s.FindAdminsForUnit(ctx, us["V1"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Fatalf("len=%d, want 2", len(got))
		}
		if got, want := got[0].ID, c1.ID; got != want {
			t.Fatalf("[0]=%d, want nearest %d", got, want)
		}
		if got, want := got[1].ID, p.ID; got != want {
			t.Fatalf("[1]=%d, want %d", got, want)
		}
	})

	t.Run("FallbackToLeaders", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ctx := context.Background()
		l := MustCreateMember(t, db, &cnsbot.Member{FullName: "LeaderD1", Phone: "0900000001", UnitID: us["D1"].ID, Role: cnsbot.RoleLeader})
		o := MustCreateMember(t, db, &cnsbot.Member{FullName: "LeaderD2", Phone: "0900000002", UnitID: us["D2"].ID, Role: cnsbot.RoleLeader})
		MustActivate(t, db, l.ID, 1)
		MustActivate(t, db, o.ID, 2)

		got, err := sqlite.NewMemberService(db).FindAdminsForUnit(ctx, us["V2"].ID)
		if err != nil {
			t.Fatal(err)
		} else if len(got) != 1 || got[0].ID != l.ID {
			t.Fatalf("got %v, want [%d]", got, l.ID)
		}
		if got, err := sqlite.NewMemberService(db).FindAdminsForUnit(ctx, us["P"].ID); err != nil {
			t.Fatal(err)
		} else if len(got) != 0 {
			t.Fatalf("got %d members above the root, want none", len(got))
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := sqlite.NewMemberService(db).FindAdminsForUnit(context.Background(), 404)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}
