package sqlite_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// figuresFixture is the small tree of MustTree with a team in each village,
// an activity indicator A, a sector indicator S and a few reports:
//
//	V1 (T1) A 2026-07-01 3 (sent 07-01 08:00), 2026-07-20 5→6 (sent 07-20 09:00),
//	        2026-07-20 10 (sent 07-20 08:00, revoked)
//	V2 (T2) A 2026-06-30 4 (sent 06-30 10:00), 2026-07-20 2 (sent 07-20 07:00)
//	V3 (T3) A 2026-05-10 1 (sent 05-10 07:00), 2026-07-15 7 (revoked); S 2026-06-01 50
//	C1      S 2026-07-10 90
//	D1      S 2026-07-10 80 (after C1's)
type figuresFixture struct {
	db      *sqlite.DB
	us      map[string]*cnsbot.Unit
	a, s    *cnsbot.Indicator
	teams   map[string]int64 // village code → team id
	reports map[string]*cnsbot.Report
}

func mustFiguresFixture(tb testing.TB) *figuresFixture {
	tb.Helper()
	db := MustOpenDB(tb)
	f := &figuresFixture{db: db, us: MustTree(tb, db), teams: map[string]int64{}, reports: map[string]*cnsbot.Report{}}
	f.a = MustCreateIndicator(tb, db, "A")
	f.s = &cnsbot.Indicator{Code: "S", NameVI: "Chỉ tiêu S", Kind: cnsbot.KindSector, Aggregation: cnsbot.AggLast, Direction: cnsbot.DirHigher}
	if err := sqlite.NewIndicatorService(db).CreateIndicator(context.Background(), f.s); err != nil {
		tb.Fatal(err)
	}
	for i, v := range []string{"V1", "V2", "V3"} {
		m := MustCreateMember(tb, db, &cnsbot.Member{FullName: "Member " + v, Phone: fmt.Sprintf("091234567%d", i),
			UnitID: f.us[v].ID, Role: cnsbot.RoleMember})
		f.teams[v] = m.TeamID
	}
	rs := sqlite.NewReportService(db)
	add := func(name, unit string, ind *cnsbot.Indicator, date string, value float64, sent string) {
		tb.Helper()
		at, err := time.Parse("2006-01-02 15:04", sent)
		if err != nil {
			tb.Fatal(err)
		}
		db.Now = func() time.Time { return at }
		r := &cnsbot.Report{TeamID: f.teams[unit], UnitID: f.us[unit].ID, Date: date, IndicatorID: ind.ID,
			Value: value, Source: cnsbot.SourceChat, IdempotencyKey: name}
		if err := rs.CreateReports(context.Background(), []*cnsbot.Report{r}); err != nil {
			tb.Fatal(err)
		}
		f.reports[name] = r
	}
	add("v1a", "V1", f.a, "2026-07-01", 3, "2026-07-01 08:00")
	add("v1b", "V1", f.a, "2026-07-20", 5, "2026-07-20 09:00")
	add("v1c", "V1", f.a, "2026-07-20", 10, "2026-07-20 08:00")
	add("v2a", "V2", f.a, "2026-06-30", 4, "2026-06-30 10:00")
	add("v2b", "V2", f.a, "2026-07-20", 2, "2026-07-20 07:00")
	add("v3a", "V3", f.a, "2026-05-10", 1, "2026-05-10 07:00")
	add("v3b", "V3", f.a, "2026-07-15", 7, "2026-07-15 07:00")
	add("v3s", "V3", f.s, "2026-06-01", 50, "2026-06-01 07:00")
	add("c1s", "C1", f.s, "2026-07-10", 90, "2026-07-10 07:00")
	add("d1s", "D1", f.s, "2026-07-10", 80, "2026-07-10 08:00")
	db.Now = func() time.Time { return now }
	ctx := context.Background()
	if _, err := rs.CorrectReport(ctx, f.reports["v1b"].ID, 6, 0); err != nil {
		tb.Fatal(err)
	}
	if _, err := rs.RevokeReport(ctx, f.reports["v1c"].ID, 0); err != nil {
		tb.Fatal(err)
	}
	if _, err := rs.RevokeReport(ctx, f.reports["v3b"].ID, 0); err != nil {
		tb.Fatal(err)
	}
	if _, err := rs.AttachEvidence(ctx, f.reports["v2b"].ID, "AgAD", 0); err != nil {
		tb.Fatal(err)
	}
	return f
}

func TestFigureService_SumByIndicator(t *testing.T) {
	f := mustFiguresFixture(t)
	s := sqlite.NewFigureService(f.db)
	a, sec := f.a.ID, f.s.ID
	for _, tt := range []struct {
		unit, from, to string
		want           map[int64]float64
	}{
		{"P", "2026-07-01", "2026-07-31", map[int64]float64{a: 11, sec: 170}},  // a whole month
		{"P", "2026-06-30", "2026-07-20", map[int64]float64{a: 15, sec: 170}},  // days only
		{"P", "2026-06-30", "2026-07-31", map[int64]float64{a: 15, sec: 170}},  // a day, then a month
		{"P", "2026-05-10", "2026-07-01", map[int64]float64{a: 8, sec: 50}},    // days, a month, a day
		{"P", "2026-05-01", "2026-07-31", map[int64]float64{a: 16, sec: 220}},  // months
		{"P", "2026-01-01", "2026-12-31", map[int64]float64{a: 16, sec: 220}},  // a year
		{"C1", "2026-07-02", "2026-07-31", map[int64]float64{a: 8, sec: 90}},   // a subtree
		{"V3", "2026-07-01", "2026-07-31", map[int64]float64{}},                // revoked only
		{"D2", "2026-05-10", "2026-05-10", map[int64]float64{a: 1}},            // one day
		{"P", "2026-08-01", "2026-07-01", map[int64]float64{}},                 // empty range
		{"V1", "2026-07-20", "2026-07-20", map[int64]float64{a: 6}},            // corrected
		{"P", "2025-12-15", "2026-06-30", map[int64]float64{a: 5, sec: 50}},    // across a year
		{"D1", "2026-06-30", "2026-06-30", map[int64]float64{a: 4}},            // the last day of a month
		{"D1", "2026-07-31", "2026-08-31", map[int64]float64{}},                // after everything
		{"P", "2026-07-20", "2026-07-20", map[int64]float64{a: 8}},             // both villages' day
		{"C2", "2026-06-01", "2026-06-30", map[int64]float64{sec: 50}},         // sector in a village
		{"D1", "2026-07-10", "2026-07-10", map[int64]float64{sec: 170}},        // sector sums too
		{"P", "2026-06-01", "2026-06-29", map[int64]float64{sec: 50}},          // a month but its last day
		{"P", "2026-06-02", "2026-06-30", map[int64]float64{a: 4}},             // a month but its first day
		{"P", "2026-05-31", "2026-08-01", map[int64]float64{a: 15, sec: 220}},  // a day, months, a day
		{"V2", "2026-01-01", "2026-12-31", map[int64]float64{a: 6}},            // a leaf's year
		{"D2", "2026-07-01", "2026-07-31", map[int64]float64{}},                // nothing live
		{"C1", "2026-07-10", "2026-07-10", map[int64]float64{sec: 90}},         // its own report
		{"V1", "2026-07-01", "2026-07-31", map[int64]float64{a: 9}},            // revoked 10 left out
		{"D1", "2026-01-01", "2026-12-31", map[int64]float64{a: 15, sec: 170}}, // a district's year
		{"P", "2026-07-15", "2026-07-15", map[int64]float64{}},                 // the revoked day
		{"P", "2026-07-01", "2026-07-01", map[int64]float64{a: 3}},             // the first of a month
		{"P", "2026-04-01", "2026-05-31", map[int64]float64{a: 1}},             // two months
		{"P", "2026-06-01", "2026-06-01", map[int64]float64{sec: 50}},          // a sector day
		{"C2", "2026-01-01", "2026-12-31", map[int64]float64{a: 1, sec: 50}},   // a commune's year
		{"P", "2026-07-21", "2026-07-31", map[int64]float64{}},                 // days after reports
		{"P", "2026-06-30", "2026-06-30", map[int64]float64{a: 4}},             // one day before a month
		{"P", "2026-01-01", "2026-06-30", map[int64]float64{a: 5, sec: 50}},    // H1
		{"P", "2026-07-01", "2026-09-30", map[int64]float64{a: 11, sec: 170}},  // Q3
		{"D1", "2026-07-01", "2026-07-31", map[int64]float64{a: 11, sec: 170}}, // D1 holds both villages
		{"V2", "2026-07-20", "2026-07-31", map[int64]float64{a: 2}},            // evidence changes nothing
		{"P", "2026-05-11", "2026-06-29", map[int64]float64{sec: 50}},          // between
		{"P", "2026-02-01", "2026-02-28", map[int64]float64{}},                 // February
		{"P", "2026-05-01", "2026-05-31", map[int64]float64{a: 1}},             // May
		{"P", "2026-06-01", "2026-06-30", map[int64]float64{a: 4, sec: 50}},    // June
		{"P", "2026-06-15", "2026-07-14", map[int64]float64{a: 7, sec: 170}},   // an administrative month
		{"V3", "2026-05-01", "2026-07-31", map[int64]float64{a: 1, sec: 50}},   // V3
		{"P", "2026-07-10", "2026-07-20", map[int64]float64{a: 8, sec: 170}},   // days in a month
		{"C1", "2026-06-30", "2026-07-01", map[int64]float64{a: 7}},            // across months
		{"P", "2026-05-10", "2026-07-20", map[int64]float64{a: 16, sec: 220}},  // all of it
		{"P", "2026-05-09", "2026-05-09", map[int64]float64{}},                 // before
		{"V1", "2026-07-02", "2026-07-19", map[int64]float64{}},                // between V1's days
		{"D2", "2026-06-01", "2026-06-01", map[int64]float64{sec: 50}},         // V3's sector value in D2
		{"C1", "2026-01-01", "2026-12-31", map[int64]float64{a: 15, sec: 90}},  // C1's year
		{"P", "2026-07-02", "2026-07-30", map[int64]float64{a: 8, sec: 170}},   // inner days
		{"P", "2026-06-30", "2026-07-01", map[int64]float64{a: 7}},             // two days
		{"P", "2026-05-10", "2026-05-31", map[int64]float64{a: 1}},             // head only
		{"P", "2026-07-01", "2026-07-20", map[int64]float64{a: 11, sec: 170}},  // month to date
		{"P", "2026-05-01", "2026-06-30", map[int64]float64{a: 5, sec: 50}},    // May and June
		{"D1", "2026-06-01", "2026-07-31", map[int64]float64{a: 15, sec: 170}}, // D1 June–July
		{"V2", "2026-06-30", "2026-07-20", map[int64]float64{a: 6}},            // V2 both
		{"P", "2025-01-01", "2025-12-31", map[int64]float64{}},                 // last year
		{"P", "2026-01-01", "2027-12-31", map[int64]float64{a: 16, sec: 220}},  // two years
		{"C2", "2026-05-10", "2026-07-15", map[int64]float64{a: 1, sec: 50}},   // C2 with the revoked
		{"P", "2026-06-01", "2026-07-31", map[int64]float64{a: 15, sec: 220}},  // two whole months
		{"P", "2026-03-01", "2026-03-31", map[int64]float64{}},                 // March
		{"V1", "2026-07-20", "2026-07-31", map[int64]float64{a: 6}},            // V1 tail
		{"P", "2026-07-11", "2026-07-19", map[int64]float64{}},                 // between
		{"P", "2026-05-02", "2026-08-30", map[int64]float64{a: 16, sec: 220}},  // days, months, days
		{"D2", "2026-01-01", "2026-12-31", map[int64]float64{a: 1, sec: 50}},   // D2's year
		{"P", "2026-07-01", "2026-07-10", map[int64]float64{a: 3, sec: 170}},   // ten days
		{"C1", "2026-07-01", "2026-07-31", map[int64]float64{a: 11, sec: 90}},  // C1 July
		{"P", "2026-12-01", "2026-12-31", map[int64]float64{}},                 // December
		{"V3", "2026-07-15", "2026-07-15", map[int64]float64{}},                // the revoked report
		{"P", "2026-05-10", "2026-05-10", map[int64]float64{a: 1}},             // V3's day
		{"P", "2026-07-20", "2026-08-31", map[int64]float64{a: 8}},             // a tail and a month
		{"D1", "2026-07-20", "2026-07-20", map[int64]float64{a: 8}},            // D1's day
		{"P", "2026-05-11", "2026-05-31", map[int64]float64{}},                 // after V3
		{"P", "2026-06-02", "2026-06-29", map[int64]float64{}},                 // June's inside
		{"P", "2026-05-10", "2026-06-30", map[int64]float64{a: 5, sec: 50}},    // May 10 to June
		{"P", "2026-07-10", "2026-07-10", map[int64]float64{sec: 170}},         // sector day
		{"C1", "2026-05-01", "2026-06-30", map[int64]float64{a: 4}},            // C1 before July
		{"P", "2026-08-01", "2026-08-31", map[int64]float64{}},                 // August
		{"V1", "2026-01-01", "2026-12-31", map[int64]float64{a: 9}},            // V1's year
		{"P", "2026-05-31", "2026-06-01", map[int64]float64{sec: 50}},          // across May and June
		{"C2", "2026-07-01", "2026-07-31", map[int64]float64{}},                // C2 July
		{"P", "2026-04-30", "2026-05-10", map[int64]float64{a: 1}},             // before and V3
		{"P", "2026-07-01", "2026-07-19", map[int64]float64{a: 3, sec: 170}},   // before the 20th
		{"D1", "2026-06-01", "2026-06-30", map[int64]float64{a: 4}},            // D1 June
		{"P", "2026-01-01", "2026-07-31", map[int64]float64{a: 16, sec: 220}},  // year to date
		{"V2", "2026-06-30", "2026-06-30", map[int64]float64{a: 4}},            // V2 day
		{"P", "2026-06-30", "2026-07-15", map[int64]float64{a: 7, sec: 170}},   // with the revoked day
		{"C1", "2026-06-01", "2026-06-29", map[int64]float64{}},                // nothing
		{"P", "2026-07-20", "2026-07-21", map[int64]float64{a: 8}},             // the 20th and 21st
		{"D2", "2026-05-01", "2026-05-31", map[int64]float64{a: 1}},            // D2 May
		{"P", "2026-06-01", "2026-07-09", map[int64]float64{a: 7, sec: 50}},    // to the 9th
		{"P", "2026-05-01", "2026-07-09", map[int64]float64{a: 8, sec: 50}},    // May to the 9th
		{"V3", "2026-06-01", "2026-06-01", map[int64]float64{sec: 50}},         // V3 sector
		{"P", "2026-07-11", "2026-07-31", map[int64]float64{a: 8}},             // from the 11th
		{"P", "2026-06-01", "2026-08-31", map[int64]float64{a: 15, sec: 220}},  // summer
		{"C1", "2026-07-20", "2026-07-20", map[int64]float64{a: 8}},            // C1's 20th
		{"P", "2026-07-16", "2026-07-31", map[int64]float64{a: 8}},             // second half of July
	} {
		t.Run(tt.unit+"_"+tt.from+"_"+tt.to, func(t *testing.T) {
			got, err := s.SumByIndicator(context.Background(), f.us[tt.unit].ID, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			} else if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("SumByIndicator=%v, want %v", got, tt.want)
			}
		})
	}

	// A report of 0 is a real 0, present in the map; no report is absent
	// (the leader reads "—"): see the revoked-only case above.
	t.Run("ZeroIsPresent", func(t *testing.T) {
		ctx := context.Background()
		if err := sqlite.NewImportService(f.db).ImportReports(ctx, []*cnsbot.Report{{UnitID: f.us["V3"].ID, IndicatorID: a,
			Date: "2026-09-01", Value: 0, IdempotencyKey: "zero"}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.SumByIndicator(ctx, f.us["P"].ID, "2026-09-01", "2026-09-30")
		if err != nil {
			t.Fatal(err)
		} else if want := map[int64]float64{a: 0}; !reflect.DeepEqual(got, want) {
			t.Fatalf("SumByIndicator=%v, want %v", got, want)
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.SumByIndicator(context.Background(), 9999, "2026-07-01", "2026-07-31")
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		_, err := s.SumByIndicator(context.Background(), f.us["P"].ID, "2026-07", "2026-07-31")
		assertCode(t, err, cnsbot.EINVALID)
	})
}

func TestFigureService_SumByChild(t *testing.T) {
	f := mustFiguresFixture(t)
	s := sqlite.NewFigureService(f.db)
	a, sec := f.a.ID, f.s.ID
	ctx := context.Background()
	for _, tt := range []struct {
		unit, from, to string
		want           map[int64]map[int64]float64
	}{
		{"P", "2026-07-01", "2026-07-31", map[int64]map[int64]float64{f.us["D1"].ID: {a: 11, sec: 170}}},
		{"P", "2026-05-01", "2026-07-31", map[int64]map[int64]float64{
			f.us["D1"].ID: {a: 15, sec: 170}, f.us["D2"].ID: {a: 1, sec: 50}}},
		{"P", "2026-05-10", "2026-07-01", map[int64]map[int64]float64{
			f.us["D1"].ID: {a: 7}, f.us["D2"].ID: {a: 1, sec: 50}}},
		// C1's own sector value is not a child's.
		{"C1", "2026-07-01", "2026-07-31", map[int64]map[int64]float64{f.us["V1"].ID: {a: 9}, f.us["V2"].ID: {a: 2}}},
		{"V1", "2026-07-01", "2026-07-31", map[int64]map[int64]float64{}},
	} {
		t.Run(tt.unit+"_"+tt.from+"_"+tt.to, func(t *testing.T) {
			got, err := s.SumByChild(ctx, f.us[tt.unit].ID, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			} else if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("SumByChild=%v, want %v", got, tt.want)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.SumByChild(ctx, 9999, "2026-07-01", "2026-07-31")
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestFigureService_LastValues(t *testing.T) {
	f := mustFiguresFixture(t)
	s := sqlite.NewFigureService(f.db)
	a, sec := f.a.ID, f.s.ID
	ctx := context.Background()
	for _, tt := range []struct {
		unit, from, to string
		want           map[int64]string // indicator → fixture report
		values         map[int64]float64
	}{
		// Two reports on 07-20: the greatest id wins; on 07-10 D1's came after C1's.
		{"P", "2026-07-01", "2026-07-31", map[int64]string{a: "v2b", sec: "d1s"}, map[int64]float64{a: 2, sec: 80}},
		// V3's 07-15 is revoked: its 05-10 is the latest.
		{"D2", "2026-05-01", "2026-07-31", map[int64]string{a: "v3a", sec: "v3s"}, map[int64]float64{a: 1, sec: 50}},
		{"V1", "2026-07-01", "2026-07-31", map[int64]string{a: "v1b"}, map[int64]float64{a: 6}}, // corrected
		{"C1", "2026-07-01", "2026-07-19", map[int64]string{a: "v1a", sec: "c1s"}, map[int64]float64{a: 3, sec: 90}},
		{"P", "2026-06-01", "2026-06-30", map[int64]string{a: "v2a", sec: "v3s"}, map[int64]float64{a: 4, sec: 50}},
		{"P", "2026-08-01", "2026-08-31", map[int64]string{}, map[int64]float64{}},
	} {
		t.Run(tt.unit+"_"+tt.from+"_"+tt.to, func(t *testing.T) {
			got, err := s.LastValues(ctx, f.us[tt.unit].ID, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			ids, values := map[int64]string{}, map[int64]float64{}
			for ind, r := range got {
				for name, fr := range f.reports {
					if fr.ID == r.ID {
						ids[ind] = name
					}
				}
				values[ind] = r.Value
				if r.IndicatorID != ind || r.RevokedAt != nil {
					t.Fatalf("report %+v under indicator %d", r, ind)
				}
			}
			if !reflect.DeepEqual(ids, tt.want) || !reflect.DeepEqual(values, tt.values) {
				t.Fatalf("LastValues=%v %v, want %v %v", ids, values, tt.want, tt.values)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.LastValues(ctx, 9999, "2026-07-01", "2026-07-31")
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestFigureService_TeamActivity(t *testing.T) {
	f := mustFiguresFixture(t)
	s := sqlite.NewFigureService(f.db)
	ctx := context.Background()
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	t1, t2, t3 := f.teams["V1"], f.teams["V2"], f.teams["V3"]
	v1, v2, v3 := f.us["V1"].ID, f.us["V2"].ID, f.us["V3"].ID
	for _, tt := range []struct {
		unit, from, to string
		want           []cnsbot.TeamActivity
	}{
		// The week of 2026-07-20: V1's 08:00 report is revoked, its 09:00 one counts.
		{"P", "2026-07-20", "2026-07-26", []cnsbot.TeamActivity{
			{TeamID: t1, UnitID: v1, Reports: 1, FirstSentAt: at("2026-07-20 09:00")},
			{TeamID: t2, UnitID: v2, Reports: 1, FirstSentAt: at("2026-07-20 07:00")},
			{TeamID: t3, UnitID: v3}}},
		{"P", "2026-07-01", "2026-07-31", []cnsbot.TeamActivity{
			{TeamID: t1, UnitID: v1, Reports: 2, FirstSentAt: at("2026-07-01 08:00")},
			{TeamID: t2, UnitID: v2, Reports: 1, FirstSentAt: at("2026-07-20 07:00")},
			{TeamID: t3, UnitID: v3}}},
		{"P", "2026-06-30", "2026-07-31", []cnsbot.TeamActivity{
			{TeamID: t1, UnitID: v1, Reports: 2, FirstSentAt: at("2026-07-01 08:00")},
			{TeamID: t2, UnitID: v2, Reports: 2, FirstSentAt: at("2026-06-30 10:00")},
			{TeamID: t3, UnitID: v3}}},
		{"D2", "2026-05-01", "2026-07-31", []cnsbot.TeamActivity{
			{TeamID: t3, UnitID: v3, Reports: 2, FirstSentAt: at("2026-05-10 07:00")}}},
		{"D1", "2026-07-01", "2026-07-31", []cnsbot.TeamActivity{
			{TeamID: t1, UnitID: v1, Reports: 2, FirstSentAt: at("2026-07-01 08:00")},
			{TeamID: t2, UnitID: v2, Reports: 1, FirstSentAt: at("2026-07-20 07:00")}}},
	} {
		t.Run(tt.unit+"_"+tt.from+"_"+tt.to, func(t *testing.T) {
			got, err := s.TeamActivity(ctx, f.us[tt.unit].ID, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			} else if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("TeamActivity=%+v, want %+v", got, tt.want)
			}
		})
	}
	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.TeamActivity(ctx, 9999, "2026-07-01", "2026-07-31")
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

// TestFigures_RandomWrites checks that the aggregates equal a brute-force
// recomputation from reports after a seeded random sequence of every write
// path, and that the service's sums equal sums over raw reports.
func TestFigures_RandomWrites(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	us := MustTree(t, db)
	imp := sqlite.NewImportService(db)
	// Two more villages, so that moves have something to carry.
	if err := imp.ImportUnits(ctx, []*cnsbot.Unit{
		{Code: "V4", ParentCode: "C2", Name: "V4"}, {Code: "V5", ParentCode: "C1", Name: "V5"}}); err != nil {
		t.Fatal(err)
	}
	units, err := sqlite.NewUnitService(db).FindUnits(ctx, cnsbot.UnitFilter{})
	if err != nil {
		t.Fatal(err)
	}
	teams := map[int64]int64{} // unit → team
	for i, v := range []string{"V1", "V2", "V3", "V4"} {
		u, err := sqlite.NewUnitService(db).FindUnitByCode(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		m := MustCreateMember(t, db, &cnsbot.Member{FullName: "M", Phone: fmt.Sprintf("09123456%02d", i), UnitID: u.ID, Role: cnsbot.RoleMember})
		teams[u.ID] = m.TeamID
	}
	inds := []*cnsbot.Indicator{MustCreateIndicator(t, db, "A"), MustCreateIndicator(t, db, "B"), MustCreateIndicator(t, db, "C")}

	rng := rand.New(rand.NewPCG(1, 2))
	rs := sqlite.NewReportService(db)
	var live []int64
	key := 0
	newReport := func() *cnsbot.Report {
		u := units[rng.IntN(len(units))]
		key++
		return &cnsbot.Report{TeamID: teams[u.ID], UnitID: u.ID, IndicatorID: inds[rng.IntN(len(inds))].ID,
			Date:  time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(120)).Format(time.DateOnly),
			Value: float64(rng.IntN(40)) / 4, Source: cnsbot.SourceChat, IdempotencyKey: fmt.Sprintf("k%d", key),
			CreatedAt: now.Add(time.Duration(rng.IntN(1000)) * time.Minute)}
	}
	parents := []string{"C1", "C2"}
	for step := 0; step < 300; step++ {
		db.Now = func() time.Time { return now.Add(time.Duration(rng.IntN(1000)) * time.Minute) }
		switch op := rng.IntN(100); {
		case op < 40:
			batch := make([]*cnsbot.Report, 1+rng.IntN(3))
			for i := range batch {
				batch[i] = newReport()
			}
			if err := rs.CreateReports(ctx, batch); err != nil {
				t.Fatal(err)
			}
			for _, r := range batch {
				live = append(live, r.ID)
			}
		case op < 60 && len(live) > 0:
			if _, err := rs.CorrectReport(ctx, live[rng.IntN(len(live))], float64(rng.IntN(40))/4, 0); err != nil {
				t.Fatal(err)
			}
		case op < 75 && len(live) > 0:
			i := rng.IntN(len(live))
			if _, err := rs.RevokeReport(ctx, live[i], 0); err != nil {
				t.Fatal(err)
			}
			live = append(live[:i], live[i+1:]...)
		case op < 90:
			batch := make([]*cnsbot.Report, 20+rng.IntN(50))
			for i := range batch {
				batch[i] = newReport()
			}
			if err := imp.ImportReports(ctx, batch); err != nil {
				t.Fatal(err)
			}
			for _, r := range batch {
				live = append(live, r.ID)
			}
		case op < 95:
			// Move a village, or a commune with its villages, elsewhere.
			var u *cnsbot.Unit
			if rng.IntN(2) == 0 {
				u = &cnsbot.Unit{Code: "V2", ParentCode: parents[rng.IntN(2)], Name: "Unit V2"}
			} else {
				u = &cnsbot.Unit{Code: "C2", ParentCode: []string{"D1", "D2"}[rng.IntN(2)], Name: "Unit C2"}
			}
			if err := imp.ImportUnits(ctx, []*cnsbot.Unit{u}); err != nil {
				t.Fatal(err)
			}
		default:
			if len(live) > 0 {
				if _, err := rs.AttachEvidence(ctx, live[rng.IntN(len(live))], "AgAD", 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		if step%50 == 49 {
			assertFiguresMatchReports(t, db)
		}
	}
	assertFiguresMatchReports(t, db)

	// The service against raw sums, on random ranges.
	s := sqlite.NewFigureService(db)
	for i := 0; i < 100; i++ {
		u := units[rng.IntN(len(units))]
		if i == 0 {
			u = us["P"]
		}
		from := time.Date(2026, 4, 20, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(140))
		to := from.AddDate(0, 0, rng.IntN(100))
		got, err := s.SumByIndicator(ctx, u.ID, from.Format(time.DateOnly), to.Format(time.DateOnly))
		if err != nil {
			t.Fatal(err)
		}
		want := rawSums(t, db, u.ID, from.Format(time.DateOnly), to.Format(time.DateOnly))
		if !floatMapsEqual(got, want) {
			t.Fatalf("SumByIndicator(%s, %s, %s)=%v, want %v", u.Code, from, to, got, want)
		}
	}
}

// TestFigures_Backfill checks that migration 0003 and RebuildFigures compute
// the aggregates of reports written before them.
func TestFigures_Backfill(t *testing.T) {
	f := mustFiguresFixture(t)
	ctx := context.Background()
	want, err := sqlite.NewFigureService(f.db).SumByIndicator(ctx, f.us["P"].ID, "2026-01-01", "2026-12-31")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("RebuildFigures", func(t *testing.T) {
		if _, err := f.db.SQL().Exec(`DELETE FROM unit_day_totals; DELETE FROM unit_month_totals;
			DELETE FROM team_day; DELETE FROM team_month`); err != nil {
			t.Fatal(err)
		}
		if err := f.db.RebuildFigures(ctx); err != nil {
			t.Fatal(err)
		}
		assertFiguresMatchReports(t, f.db)
	})

	t.Run("Migration", func(t *testing.T) {
		// Back to the schema before 0003, reports kept; then open again.
		if _, err := f.db.SQL().Exec(`DROP TABLE unit_day_totals; DROP TABLE unit_month_totals;
			DROP TABLE team_day; DROP TABLE team_month; DROP INDEX reports_team_id_date_idx;
			DELETE FROM schema_migrations WHERE name = '0003_figures.sql'`); err != nil {
			t.Fatal(err)
		}
		db := sqlite.NewDB(f.db.Path)
		if err := db.Open(); err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		assertFiguresMatchReports(t, db)
		got, err := sqlite.NewFigureService(db).SumByIndicator(ctx, f.us["P"].ID, "2026-01-01", "2026-12-31")
		if err != nil {
			t.Fatal(err)
		} else if !reflect.DeepEqual(got, want) {
			t.Fatalf("SumByIndicator=%v, want %v", got, want)
		}
	})
}

// assertFiguresMatchReports recomputes every aggregate from the live reports
// with plain GROUP BYs (ancestors from units.path) and compares.
func assertFiguresMatchReports(tb testing.TB, db *sqlite.DB) {
	tb.Helper()
	for _, q := range [][2]string{
		{`SELECT unit_id, date, indicator_id, total, n FROM unit_day_totals`, `
			SELECT a.id, r.date, r.indicator_id, SUM(r.value), COUNT(*)
			FROM reports r JOIN units u ON u.id = r.unit_id JOIN units a ON substr(u.path, 1, length(a.path)) = a.path
			WHERE r.revoked_at IS NULL GROUP BY a.id, r.date, r.indicator_id`},
		{`SELECT unit_id, month, indicator_id, total, n FROM unit_month_totals`, `
			SELECT a.id, substr(r.date, 1, 7), r.indicator_id, SUM(r.value), COUNT(*)
			FROM reports r JOIN units u ON u.id = r.unit_id JOIN units a ON substr(u.path, 1, length(a.path)) = a.path
			WHERE r.revoked_at IS NULL GROUP BY a.id, substr(r.date, 1, 7), r.indicator_id`},
		{`SELECT team_id, date, first_created_at, 0, reports FROM team_day`, `
			SELECT team_id, date, MIN(created_at), 0, COUNT(*) FROM reports
			WHERE revoked_at IS NULL AND team_id IS NOT NULL GROUP BY team_id, date`},
		{`SELECT team_id, month, first_created_at, 0, reports FROM team_month`, `
			SELECT team_id, substr(date, 1, 7), MIN(created_at), 0, COUNT(*) FROM reports
			WHERE revoked_at IS NULL AND team_id IS NOT NULL GROUP BY team_id, substr(date, 1, 7)`},
	} {
		got, want := figureRows(tb, db, q[0]), figureRows(tb, db, q[1])
		if len(got) != len(want) {
			tb.Fatalf("%d aggregate rows, want %d\n%s", len(got), len(want), q[0])
		}
		for k, w := range want {
			g, ok := got[k]
			if !ok || g.n != w.n || math.Abs(g.total-w.total) > 1e-9 {
				tb.Fatalf("%s: %+v, want %+v\n%s", k, g, w, q[0])
			}
		}
	}
}

type figureRow struct {
	total float64
	n     int64
}

// figureRows reads rows of (key, key, key, total, n) into a map.
func figureRows(tb testing.TB, db *sqlite.DB, q string) map[string]figureRow {
	tb.Helper()
	rows, err := db.SQL().Query(q)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	m := map[string]figureRow{}
	for rows.Next() {
		var a, b, c string
		var r figureRow
		if err := rows.Scan(&a, &b, &c, &r.total, &r.n); err != nil {
			tb.Fatal(err)
		}
		m[a+"|"+b+"|"+c] = r
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return m
}

// rawSums sums the live reports of a subtree per indicator, from reports.
func rawSums(tb testing.TB, db *sqlite.DB, unitID int64, from, to string) map[int64]float64 {
	tb.Helper()
	rows, err := db.SQL().Query(`
		SELECT r.indicator_id, SUM(r.value) FROM reports r JOIN units u ON u.id = r.unit_id
		WHERE r.revoked_at IS NULL AND r.date BETWEEN ? AND ?
			AND substr(u.path, 1, length((SELECT path FROM units WHERE id = ?))) = (SELECT path FROM units WHERE id = ?)
		GROUP BY r.indicator_id`, from, to, unitID, unitID)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	m := map[int64]float64{}
	for rows.Next() {
		var id int64
		var v float64
		if err := rows.Scan(&id, &v); err != nil {
			tb.Fatal(err)
		}
		m[id] = v
	}
	return m
}

func floatMapsEqual(a, b map[int64]float64) bool {
	if len(a) != len(b) {
		return false
	}
	keys := make([]int64, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	for _, k := range keys {
		if v, ok := b[k]; !ok || math.Abs(a[k]-v) > 1e-9 {
			return false
		}
	}
	return true
}
