package demo_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/demo"
	"cnsbot/storage/sqlite"
)

// MustOpenDB opens a fresh SQLite file in a temporary directory.
func MustOpenDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db := sqlite.NewDB(filepath.Join(tb.TempDir(), "cnsbot.db"))
	if err := db.Open(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func sqliteServices(db *sqlite.DB) demo.Services {
	return demo.Services{
		Import:     sqlite.NewImportService(db),
		Units:      sqlite.NewUnitService(db),
		Members:    sqlite.NewMemberService(db),
		Indicators: sqlite.NewIndicatorService(db),
		Teams:      sqlite.NewTeamService(db),
	}
}

func mustLocation(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// TestLoadSQLite loads the demo into the real store and reads it back with
// the services the bot uses.
func TestLoadSQLite(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 130.000 reports")
	}
	ctx := context.Background()
	loc := mustLocation(t)
	now := time.Date(2026, time.August, 14, 9, 30, 0, 0, loc)
	db := MustOpenDB(t)
	svc := sqliteServices(db)

	if ok, err := demo.Loaded(ctx, svc); err != nil || ok {
		t.Fatalf("Loaded = %v, %v before Load", ok, err)
	}
	var s *demo.Summary
	var err error
	if raceEnabled {
		// The whole roster but a slice of the reports: the race detector
		// makes the full load take minutes. The timing below is meaningless then.
		ds := demo.Generate(now, loc)
		var some []demo.ReportRow
		for i := 0; i < len(ds.Reports); i += 13 {
			some = append(some, ds.Reports[i])
		}
		ds.Reports = some
		s, err = demo.LoadDataset(ctx, svc, ds)
	} else {
		s, err = demo.Load(ctx, svc, now, loc)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Load (SQLite) in %v\n%s", s.Elapsed, s)

	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"provinces", s.Provinces, 1}, {"districts", s.Districts, demo.NumDistricts},
		{"communes", s.Communes, demo.NumCommunes}, {"villages", s.Villages, demo.NumVillages},
		{"teams", s.Teams, demo.NumVillages}, {"team mates", s.TeamLeads + s.Members, demo.NumTeamMates},
		{"leaders", s.Leaders, demo.NumLeaders}, {"admins", s.Admins, demo.NumAdmins},
		{"activity indicators", s.ActivityIndicators, 11}, {"sector indicators", s.SectorIndicators, 10},
	} {
		if c.got != c.want {
			t.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if ok, err := demo.Loaded(ctx, svc); err != nil || !ok {
		t.Fatalf("Loaded = %v, %v after Load", ok, err)
	}

	t.Run("Personas", func(t *testing.T) {
		for _, p := range demo.Personas {
			m, err := svc.Members.FindMemberByPhone(ctx, p.Phone)
			if err != nil {
				t.Fatalf("persona %s: %v", p.Phone, err)
			}
			u, err := svc.Units.FindUnitByID(ctx, m.UnitID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Role != p.Role || u.Code != p.UnitCode || m.Status != cnsbot.StatusPending || m.TelegramID != 0 {
				t.Fatalf("persona %+v stored as %+v in %s", p, m, u.Code)
			}
			if (p.Role == cnsbot.RoleMember || p.Role == cnsbot.RoleTeamLead) && m.TeamID == 0 {
				t.Fatalf("persona %s has no team", p.Phone)
			}
		}
	})

	t.Run("SectorValues", func(t *testing.T) {
		ct02, err := svc.Indicators.FindIndicatorByCode(ctx, "CT02")
		if err != nil {
			t.Fatal(err)
		}
		rs, _, err := sqlite.NewReportService(db).FindReports(ctx, cnsbot.ReportFilter{IndicatorID: ct02.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 1 || rs[0].Date != "2026-07-21" || rs[0].Numerator == nil || *rs[0].Numerator != 156 || *rs[0].Denominator != 163 {
			t.Fatalf("CT02 values %+v, want one of 156/163 on 2026-07-21", rs)
		}
		prov, err := svc.Units.FindUnitByCode(ctx, demo.ProvinceCode)
		if err != nil {
			t.Fatal(err)
		}
		ts, err := sqlite.NewTargetService(db).FindTargets(ctx, cnsbot.TargetFilter{IndicatorID: ct02.ID, UnitID: prov.ID, Period: "2026"})
		if err != nil || len(ts) != 1 || ts[0].Value != 100 {
			t.Fatalf("CT02 plan %+v, %v; want 100", ts, err)
		}
	})

	t.Run("Reports", func(t *testing.T) {
		bacHa, err := svc.Units.FindUnitByCode(ctx, "085")
		if err != nil {
			t.Fatal(err)
		}
		_, n, err := sqlite.NewReportService(db).FindReports(ctx, cnsbot.ReportFilter{UnitID: bacHa.ID, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 || n >= s.Reports {
			t.Fatalf("Bắc Hà has %d of %d reports", n, s.Reports)
		}
	})

	t.Run("ErrAlreadyLoaded", func(t *testing.T) {
		if _, err := demo.Load(ctx, svc, now, loc); cnsbot.ErrorCode(err) != cnsbot.ECONFLICT {
			t.Fatalf("second Load: err = %v, want ECONFLICT", err)
		}
	})
}

// BenchmarkLoadSQLite measures a whole demo load into a fresh SQLite file.
func BenchmarkLoadSQLite(b *testing.B) {
	ctx := context.Background()
	loc := mustLocation(b)
	now := time.Date(2026, time.August, 14, 9, 30, 0, 0, loc)
	for b.Loop() {
		b.StopTimer()
		db := MustOpenDB(b)
		b.StartTimer()
		s, err := demo.Load(ctx, sqliteServices(db), now, loc)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(s.Reports)/s.Elapsed.Seconds(), "reports/s")
	}
}
