package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// MustCreateJoinRequest files a request from the Telegram user for the unit.
func MustCreateJoinRequest(tb testing.TB, db *sqlite.DB, tgID int64, phone string, unitID int64) *cnsbot.JoinRequest {
	tb.Helper()
	r := &cnsbot.JoinRequest{TelegramID: tgID, ChatID: tgID, Phone: phone, FullName: "Người mới", UnitID: unitID, Locale: "en"}
	if err := sqlite.NewJoinRequestService(db).CreateJoinRequest(context.Background(), r); err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestJoinRequestService_CreateJoinRequest(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewJoinRequestService(db)
		r := MustCreateJoinRequest(t, db, 42, "0912345678", us["V1"].ID)

		got, err := s.FindPendingJoinRequest(context.Background(), 42)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != r.ID || got.Status != cnsbot.RequestPending || got.Phone != "0912345678" ||
			got.Locale != "en" || !got.CreatedAt.Equal(now) || got.DecidedAt != nil {
			t.Fatalf("got %+v", got)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		MustCreateJoinRequest(t, db, 42, "0912345678", us["V1"].ID)
		err := sqlite.NewJoinRequestService(db).CreateJoinRequest(context.Background(),
			&cnsbot.JoinRequest{TelegramID: 42, ChatID: 42, Phone: "0912345678", FullName: "x", UnitID: us["V2"].ID})
		assertCode(t, err, cnsbot.ECONFLICT)
	})

	t.Run("ErrInvalidPhone", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		err := sqlite.NewJoinRequestService(db).CreateJoinRequest(context.Background(),
			&cnsbot.JoinRequest{TelegramID: 42, ChatID: 42, Phone: "+84912345678", FullName: "x", UnitID: us["V2"].ID})
		assertCode(t, err, cnsbot.EINVALID)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := sqlite.NewJoinRequestService(db).FindPendingJoinRequest(context.Background(), 42)
		assertCode(t, err, cnsbot.ENOTFOUND)
		_, err = sqlite.NewJoinRequestService(db).FindJoinRequestByID(context.Background(), 1)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestJoinRequestService_ApproveJoinRequest(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		admin := MustCreateMember(t, db, &cnsbot.Member{FullName: "Admin", Phone: "0900000001", UnitID: us["P"].ID, Role: cnsbot.RoleAdmin})
		s := sqlite.NewJoinRequestService(db)
		ctx := context.Background()
		r := MustCreateJoinRequest(t, db, 42, "0912345678", us["V1"].ID)

		m, err := s.ApproveJoinRequest(ctx, r.ID, admin.ID, cnsbot.RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		if m.TelegramID != 42 || m.Status != cnsbot.StatusActive || m.Phone != r.Phone || m.UnitID != us["V1"].ID ||
			m.Role != cnsbot.RoleMember || m.TeamID == 0 || m.Locale != "en" || m.FullName != "Người mới" {
			t.Fatalf("member %+v", m)
		}
		got, err := s.FindJoinRequestByID(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != cnsbot.RequestApproved || got.DecidedBy != admin.ID || got.MemberID != m.ID ||
			got.DecidedAt == nil || !got.DecidedAt.Equal(now) {
			t.Fatalf("request %+v", got)
		}
		if _, err := s.FindPendingJoinRequest(ctx, 42); cnsbot.ErrorCode(err) != cnsbot.ENOTFOUND {
			t.Fatalf("pending err=%v, want ENOTFOUND", err)
		}
	})

	t.Run("PhoneOnRoster", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ctx := context.Background()
		roster := MustCreateMember(t, db, &cnsbot.Member{FullName: "On roster", Phone: "0912345678", UnitID: us["V2"].ID, Role: cnsbot.RoleTeamLead})
		r := MustCreateJoinRequest(t, db, 42, "0912345678", us["V1"].ID)

		m, err := sqlite.NewJoinRequestService(db).ApproveJoinRequest(ctx, r.ID, 0, cnsbot.RoleMember)
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != roster.ID || m.TelegramID != 42 || m.Status != cnsbot.StatusActive ||
			m.Role != cnsbot.RoleTeamLead || m.UnitID != us["V2"].ID || m.FullName != "On roster" {
			t.Fatalf("member %+v", m)
		}
		if _, n, err := sqlite.NewMemberService(db).FindMembers(ctx, cnsbot.MemberFilter{}); err != nil {
			t.Fatal(err)
		} else if got, want := n, 1; got != want {
			t.Fatalf("members=%d, want %d", got, want)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewJoinRequestService(db)
		ctx := context.Background()
		r := MustCreateJoinRequest(t, db, 42, "0912345678", us["V1"].ID)

		if _, err := s.ApproveJoinRequest(ctx, r.ID, 0, cnsbot.RoleMember); err != nil {
			t.Fatal(err)
		}
		_, err := s.ApproveJoinRequest(ctx, r.ID, 0, cnsbot.RoleMember)
		assertCode(t, err, cnsbot.ECONFLICT)
		if got, want := cnsbot.ErrorKey(err), "error.already_decided"; got != want {
			t.Fatalf("ErrorKey=%q, want %q", got, want)
		}
		_, err = s.RejectJoinRequest(ctx, r.ID, 0)
		assertCode(t, err, cnsbot.ECONFLICT)
	})

	// Two admins tap Approve at the same moment: one wins, the other is told
	// it was already decided, and there is one member.
	t.Run("ErrConflictConcurrent", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewJoinRequestService(db)
		ctx := context.Background()
		r := MustCreateJoinRequest(t, db, 42, "0912345678", us["V1"].ID)

		errs := make([]error, 4)
		var wg sync.WaitGroup
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = s.ApproveJoinRequest(ctx, r.ID, 0, cnsbot.RoleMember)
			}()
		}
		wg.Wait()
		var ok, conflict int
		for _, err := range errs {
			switch cnsbot.ErrorCode(err) {
			case "":
				ok++
			case cnsbot.ECONFLICT:
				conflict++
			default:
				t.Fatal(err)
			}
		}
		if ok != 1 || conflict != len(errs)-1 {
			t.Fatalf("ok=%d conflict=%d, want 1 and %d", ok, conflict, len(errs)-1)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := sqlite.NewJoinRequestService(db).ApproveJoinRequest(context.Background(), 9, 0, cnsbot.RoleMember)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestJoinRequestService_RejectJoinRequest(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		admin := MustCreateMember(t, db, &cnsbot.Member{FullName: "Admin", Phone: "0900000001", UnitID: us["P"].ID, Role: cnsbot.RoleAdmin})
		r := MustCreateJoinRequest(t, db, 42, "0912345678", us["V1"].ID)

		got, err := sqlite.NewJoinRequestService(db).RejectJoinRequest(context.Background(), r.ID, admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != cnsbot.RequestRejected || got.DecidedBy != admin.ID || got.MemberID != 0 || got.DecidedAt == nil {
			t.Fatalf("request %+v", got)
		}
		// The sender may ask again once the old request is decided.
		MustCreateJoinRequest(t, db, 42, "0912345678", us["V1"].ID)
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewJoinRequestService(db)
		r := MustCreateJoinRequest(t, db, 42, "0912345678", us["V1"].ID)
		if _, err := s.RejectJoinRequest(context.Background(), r.ID, 0); err != nil {
			t.Fatal(err)
		}
		_, err := s.RejectJoinRequest(context.Background(), r.ID, 0)
		assertCode(t, err, cnsbot.ECONFLICT)
		_, err = s.ApproveJoinRequest(context.Background(), r.ID, 0, cnsbot.RoleMember)
		assertCode(t, err, cnsbot.ECONFLICT)
	})
}

func TestJoinRequestService_FindPendingJoinRequests(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	svc := sqlite.NewJoinRequestService(db)
	ctx := context.Background()
	for i, unit := range []string{"V1", "V1", "V2"} {
		r := &cnsbot.JoinRequest{TelegramID: int64(900 + i), ChatID: int64(900 + i), Phone: fmt.Sprintf("098765432%d", i),
			FullName: "Người " + unit, UnitID: us[unit].ID, Status: cnsbot.RequestPending}
		if err := svc.CreateJoinRequest(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	got, err := svc.FindPendingJoinRequests(ctx, us["V1"].ID, 10)
	if err != nil {
		t.Fatal(err)
	} else if len(got) != 2 {
		t.Fatalf("V1 has %d pending requests, want 2", len(got))
	}
	if got, err = svc.FindPendingJoinRequests(ctx, us["P"].ID, 10); err != nil || len(got) != 3 {
		t.Fatalf("province has %d pending requests (%v), want 3", len(got), err)
	}
	if _, err := svc.RejectJoinRequest(ctx, got[0].ID, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ = svc.FindPendingJoinRequests(ctx, us["P"].ID, 10); len(got) != 2 {
		t.Fatalf("after a rejection %d pending, want 2", len(got))
	}
}
