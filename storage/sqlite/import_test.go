package sqlite_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

func TestImportService_ImportUnits(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewImportService(db)
		us := sqlite.NewUnitService(db)
		ctx := context.Background()

		// Children before their parents.
		rows := []*cnsbot.Unit{
			{Code: "V1", ParentCode: "C1", Level: "village", Name: "Thôn 1"},
			{Code: "C1", ParentCode: "D1", Level: "commune", Name: "Xã A"},
			{Code: "V2", ParentCode: "C1", Level: "village", Name: "Thôn 2"},
			{Code: "D1", ParentCode: "P", Level: "district", Name: "Huyện B"},
			{Code: "P", Level: "province", Name: "Lào Cai", FullName: "Tỉnh Lào Cai", ValidFrom: "2025-07-01"},
		}
		if err := s.ImportUnits(ctx, rows); err != nil {
			t.Fatal(err)
		}
		v1, err := us.FindUnitByCode(ctx, "V1")
		if err != nil {
			t.Fatal(err)
		}
		p, err := us.FindUnitByCode(ctx, "P")
		if err != nil {
			t.Fatal(err)
		} else if got, want := p.ValidFrom, "2025-07-01"; got != want {
			t.Fatalf("ValidFrom=%q, want %q", got, want)
		}
		if got, want := v1.ParentCode, "C1"; got != want {
			t.Fatalf("ParentCode=%q, want %q", got, want)
		}
		if ok, err := us.IsUnitWithin(ctx, v1.ID, p.ID); err != nil {
			t.Fatal(err)
		} else if !ok {
			t.Fatal("V1 not within P")
		}

		// 2025 reform: the district goes, the commune moves under the province.
		if err := s.ImportUnits(ctx, []*cnsbot.Unit{
			{Code: "C1", ParentCode: "P", Level: "commune", Name: "Xã A mới"},
			{Code: "D1", ParentCode: "P", Level: "district", Name: "Huyện B", ValidTo: "2025-06-30"},
		}); err != nil {
			t.Fatal(err)
		}
		c1, err := us.FindUnitByCode(ctx, "C1")
		if err != nil {
			t.Fatal(err)
		} else if c1.Name != "Xã A mới" || c1.ParentCode != "P" {
			t.Fatalf("C1=%+v", c1)
		}
		d1, err := us.FindUnitByCode(ctx, "D1")
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := us.IsUnitWithin(ctx, v1.ID, d1.ID); err != nil {
			t.Fatal(err)
		} else if ok {
			t.Fatal("V1 still within the old district")
		}
		if ok, err := us.IsUnitWithin(ctx, v1.ID, p.ID); err != nil {
			t.Fatal(err)
		} else if !ok {
			t.Fatal("V1 not within P after the move")
		}
		all, err := us.FindUnits(ctx, cnsbot.UnitFilter{})
		if err != nil {
			t.Fatal(err)
		} else if got, want := len(all), 5; got != want {
			t.Fatalf("units=%d, want %d", got, want)
		}
	})

	t.Run("ErrUnknownParent", func(t *testing.T) {
		db := MustOpenDB(t)
		ctx := context.Background()
		err := sqlite.NewImportService(db).ImportUnits(ctx, []*cnsbot.Unit{
			{Code: "P", Name: "P"},
			{Code: "V1", ParentCode: "missing", Name: "V1"},
		})
		assertCode(t, err, cnsbot.EINVALID)
		if got, want := cnsbot.ErrorKey(err), "error.unknown_parent"; got != want {
			t.Fatalf("ErrorKey=%q, want %q", got, want)
		}
		if all, err := sqlite.NewUnitService(db).FindUnits(ctx, cnsbot.UnitFilter{}); err != nil {
			t.Fatal(err)
		} else if got, want := len(all), 0; got != want {
			t.Fatalf("units=%d, want %d (all or nothing)", got, want)
		}
	})

	t.Run("ErrCycle", func(t *testing.T) {
		db := MustOpenDB(t)
		err := sqlite.NewImportService(db).ImportUnits(context.Background(), []*cnsbot.Unit{
			{Code: "A", ParentCode: "B", Name: "A"},
			{Code: "B", ParentCode: "A", Name: "B"},
		})
		assertCode(t, err, cnsbot.EINVALID)
		if got, want := cnsbot.ErrorKey(err), "error.unit_cycle"; got != want {
			t.Fatalf("ErrorKey=%q, want %q", got, want)
		}
	})
}

func TestImportService_ImportMembers(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		s := sqlite.NewImportService(db)
		ms := sqlite.NewMemberService(db)
		ctx := context.Background()

		rows := []*cnsbot.Member{
			{FullName: "A", Phone: "0900000001", UnitID: us["V1"].ID, Role: cnsbot.RoleMember},
			{FullName: "B", Phone: "0900000002", UnitID: us["V1"].ID, Role: cnsbot.RoleTeamLead},
			{FullName: "C", Phone: "0900000003", UnitID: us["C1"].ID, Role: cnsbot.RoleLeader},
		}
		if err := s.ImportMembers(ctx, rows); err != nil {
			t.Fatal(err)
		}
		if rows[0].TeamID == 0 || rows[0].TeamID != rows[1].TeamID {
			t.Fatalf("TeamID=%d/%d, want one new team", rows[0].TeamID, rows[1].TeamID)
		}
		if rows[2].TeamID != 0 || rows[0].InviteCode == "" {
			t.Fatalf("rows=%+v", rows)
		}
		MustActivate(t, db, rows[0].ID, 555)

		// A re-import moves A to V2 and renames it; the Telegram id stays.
		again := []*cnsbot.Member{{FullName: "A2", Phone: "0900000001", UnitID: us["V2"].ID, Role: cnsbot.RoleMember}}
		if err := s.ImportMembers(ctx, again); err != nil {
			t.Fatal(err)
		}
		got, err := ms.FindMemberByPhone(ctx, "0900000001")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != rows[0].ID || got.FullName != "A2" || got.UnitID != us["V2"].ID || got.TelegramID != 555 ||
			got.Status != cnsbot.StatusActive || got.InviteCode != rows[0].InviteCode {
			t.Fatalf("got %+v", got)
		}
		team, err := sqlite.NewTeamService(db).FindTeamByUnitID(ctx, us["V2"].ID)
		if err != nil {
			t.Fatal(err)
		} else if got, want := got.TeamID, team.ID; got != want {
			t.Fatalf("TeamID=%d, want %d", got, want)
		}
		if _, n, err := ms.FindMembers(ctx, cnsbot.MemberFilter{}); err != nil {
			t.Fatal(err)
		} else if got, want := n, 3; got != want {
			t.Fatalf("members=%d, want %d", got, want)
		}
	})

	t.Run("ErrInvalidPhone", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ctx := context.Background()
		err := sqlite.NewImportService(db).ImportMembers(ctx, []*cnsbot.Member{
			{FullName: "A", Phone: "0900000001", UnitID: us["V1"].ID, Role: cnsbot.RoleMember},
			{FullName: "B", Phone: "+84 900 000 002", UnitID: us["V1"].ID, Role: cnsbot.RoleMember},
		})
		assertCode(t, err, cnsbot.EINVALID)
		if _, n, err := sqlite.NewMemberService(db).FindMembers(ctx, cnsbot.MemberFilter{}); err != nil {
			t.Fatal(err)
		} else if got, want := n, 0; got != want {
			t.Fatalf("members=%d, want %d (all or nothing)", got, want)
		}
		if _, err := sqlite.NewTeamService(db).FindTeamByUnitID(ctx, us["V1"].ID); cnsbot.ErrorCode(err) != cnsbot.ENOTFOUND {
			t.Fatalf("team of V1 err=%v, want ENOTFOUND", err)
		}
	})
}

func TestImportService_ImportIndicators(t *testing.T) {
	db := MustOpenDB(t)
	s := sqlite.NewImportService(db)
	ctx := context.Background()
	rows := []*cnsbot.Indicator{
		{Code: "A", NameVI: "A", Kind: cnsbot.KindActivity, Aggregation: cnsbot.AggSum, Direction: cnsbot.DirHigher, Aliases: []string{"a"}},
		{Code: "B", NameVI: "B", Kind: cnsbot.KindSector, Aggregation: cnsbot.AggLast, Direction: cnsbot.DirDone},
	}
	if err := s.ImportIndicators(ctx, rows); err != nil {
		t.Fatal(err)
	}
	id := rows[0].ID

	t.Run("OK", func(t *testing.T) {
		if err := s.ImportIndicators(ctx, []*cnsbot.Indicator{
			{Code: "A", NameVI: "A mới", NameEN: "A new", Kind: cnsbot.KindActivity, Aggregation: cnsbot.AggSum, Direction: cnsbot.DirHigher, Position: 3},
		}); err != nil {
			t.Fatal(err)
		}
		got, err := sqlite.NewIndicatorService(db).FindIndicatorByCode(ctx, "A")
		if err != nil {
			t.Fatal(err)
		} else if got.ID != id || got.NameVI != "A mới" || got.NameEN != "A new" || got.Position != 3 || len(got.Aliases) != 0 {
			t.Fatalf("got %+v", got)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		err := s.ImportIndicators(ctx, []*cnsbot.Indicator{
			{Code: "C", NameVI: "C", Kind: cnsbot.KindActivity, Aggregation: cnsbot.AggSum, Direction: cnsbot.DirHigher},
			{Code: "D", NameVI: "D", Kind: cnsbot.KindActivity, Aggregation: "avg", Direction: cnsbot.DirHigher},
		})
		assertCode(t, err, cnsbot.EINVALID)
		if _, err := sqlite.NewIndicatorService(db).FindIndicatorByCode(ctx, "C"); cnsbot.ErrorCode(err) != cnsbot.ENOTFOUND {
			t.Fatalf("C err=%v, want ENOTFOUND (all or nothing)", err)
		}
	})
}

func TestImportService_ImportTargets(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	ind := MustCreateIndicator(t, db, "A")
	s := sqlite.NewImportService(db)
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		if err := s.ImportTargets(ctx, []*cnsbot.Target{
			{IndicatorID: ind.ID, UnitID: us["C1"].ID, Period: "2026", Value: 100},
			{IndicatorID: ind.ID, UnitID: us["C2"].ID, Period: "2026", Value: 200},
			{IndicatorID: ind.ID, UnitID: us["C1"].ID, Period: "2026", Value: 150},
		}); err != nil {
			t.Fatal(err)
		}
		got, err := sqlite.NewTargetService(db).FindTargets(ctx, cnsbot.TargetFilter{IndicatorID: ind.ID})
		if err != nil {
			t.Fatal(err)
		} else if len(got) != 2 || got[0].Value != 150 || got[1].Value != 200 {
			t.Fatalf("got %+v %+v", got[0], got[1])
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		err := s.ImportTargets(ctx, []*cnsbot.Target{
			{IndicatorID: ind.ID, UnitID: us["V1"].ID, Period: "2026", Value: 1},
			{IndicatorID: ind.ID, UnitID: us["V2"].ID, Period: "26", Value: 1},
		})
		assertCode(t, err, cnsbot.EINVALID)
		if got, err := sqlite.NewTargetService(db).FindTargets(ctx, cnsbot.TargetFilter{UnitID: us["V1"].ID}); err != nil {
			t.Fatal(err)
		} else if len(got) != 0 {
			t.Fatalf("targets=%d, want 0 (all or nothing)", len(got))
		}
	})
}

func TestImportService_ImportReports(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "A")
		rows := demoReports(us["V1"].ID, ind.ID, 1000)
		if err := sqlite.NewImportService(db).ImportReports(context.Background(), rows); err != nil {
			t.Fatal(err)
		}
		got, n, err := sqlite.NewReportService(db).FindReports(context.Background(), cnsbot.ReportFilter{UnitID: us["P"].ID, Limit: 1})
		if err != nil {
			t.Fatal(err)
		} else if got, want := n, 1000; got != want {
			t.Fatalf("reports=%d, want %d", got, want)
		}
		if got, want := got[0].Source, cnsbot.SourceImport; got != want {
			t.Fatalf("Source=%q, want %q", got, want)
		}
	})

	t.Run("KeepsCreatedAt", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "A")
		rows := demoReports(us["V1"].ID, ind.ID, 1)
		sent := time.Date(2026, 7, 21, 9, 30, 0, 0, time.UTC)
		rows[0].CreatedAt = sent
		if err := sqlite.NewImportService(db).ImportReports(context.Background(), rows); err != nil {
			t.Fatal(err)
		}
		got, err := sqlite.NewReportService(db).FindReportByID(context.Background(), rows[0].ID)
		if err != nil {
			t.Fatal(err)
		} else if !got.CreatedAt.Equal(sent) {
			t.Fatalf("CreatedAt=%v, want %v", got.CreatedAt, sent)
		}
	})

	t.Run("ErrBadRow", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "A")
		rows := demoReports(us["V1"].ID, ind.ID, 1000)
		rows[999].Date = "2026-13" // the last row is bad: the 999 before it must go too
		err := sqlite.NewImportService(db).ImportReports(context.Background(), rows)
		assertCode(t, err, cnsbot.EINVALID)
		if _, n, err := sqlite.NewReportService(db).FindReports(context.Background(), cnsbot.ReportFilter{}); err != nil {
			t.Fatal(err)
		} else if got, want := n, 0; got != want {
			t.Fatalf("reports=%d, want %d (all or nothing)", got, want)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "A")
		rows := demoReports(us["V1"].ID, ind.ID, 10)
		rows[3].IdempotencyKey, rows[7].IdempotencyKey = "same", "same"
		assertCode(t, sqlite.NewImportService(db).ImportReports(context.Background(), rows), cnsbot.ECONFLICT)
	})

	t.Run("ErrMissingUnit", func(t *testing.T) {
		db := MustOpenDB(t)
		ind := MustCreateIndicator(t, db, "A")
		rows := demoReports(0, ind.ID, 1)
		assertCode(t, sqlite.NewImportService(db).ImportReports(context.Background(), rows), cnsbot.EINVALID)
	})
}

// demoReports returns n imported reports for the unit and indicator, one a
// day going back from 2026-07-20.
func demoReports(unitID, indicatorID int64, n int) []*cnsbot.Report {
	day := time.Date(2026, 7, 20, 0, 0, 0, 0, time.UTC)
	rs := make([]*cnsbot.Report, n)
	for i := range rs {
		rs[i] = &cnsbot.Report{
			UnitID:      unitID,
			IndicatorID: indicatorID,
			Date:        day.AddDate(0, 0, -(i % 730)).Format("2006-01-02"),
			Value:       float64(i % 50),
		}
	}
	return rs
}

// BenchmarkImportReports imports 150,000 reports (the size of the demo data
// set) spread over 500 units and 10 indicators in one call.
//
//	go test -run '^$' -bench ImportReports -benchtime 3x ./storage/sqlite/
func BenchmarkImportReports(b *testing.B) {
	const n = 150_000
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := MustOpenDB(b)
		ctx := context.Background()
		units := make([]*cnsbot.Unit, 0, 501)
		units = append(units, &cnsbot.Unit{Code: "P", Name: "P"})
		for j := 0; j < 500; j++ {
			units = append(units, &cnsbot.Unit{Code: fmt.Sprintf("V%d", j), ParentCode: "P", Name: "V"})
		}
		if err := sqlite.NewImportService(db).ImportUnits(ctx, units); err != nil {
			b.Fatal(err)
		}
		inds := make([]*cnsbot.Indicator, 10)
		for j := range inds {
			inds[j] = MustCreateIndicator(b, db, fmt.Sprintf("I%d", j))
		}
		rs := demoReports(0, 0, n)
		for j, r := range rs {
			r.UnitID, r.IndicatorID = units[1+j%500].ID, inds[j%10].ID
			r.IdempotencyKey = fmt.Sprintf("import:%d", j)
		}
		b.StartTimer()

		if err := sqlite.NewImportService(db).ImportReports(ctx, rs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "reports/s")
}
