package sqlite_test

import (
	"context"
	"testing"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

func TestReportService_CreateReports(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "VNEID")
		m := MustCreateMember(t, db, &cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
		s := sqlite.NewReportService(db)
		ctx := context.Background()

		num, den := 15.0, 20.0
		rs := []*cnsbot.Report{
			{MemberID: m.ID, TeamID: m.TeamID, UnitID: us["V1"].ID, Date: "2026-07-20", IndicatorID: ind.ID, Value: 15,
				Numerator: &num, Denominator: &den, Note: "ok", EvidenceFileID: "AgAD", Source: cnsbot.SourceChat, IdempotencyKey: "u1"},
			{MemberID: m.ID, TeamID: m.TeamID, UnitID: us["V1"].ID, Date: "2026-07-21", IndicatorID: ind.ID, Value: 3,
				Source: cnsbot.SourceQuick, IdempotencyKey: "u2"},
		}
		if err := s.CreateReports(ctx, rs); err != nil {
			t.Fatal(err)
		}
		got, err := s.FindReportByID(ctx, rs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.MemberID != m.ID || got.TeamID != m.TeamID || got.Value != 15 || got.Note != "ok" ||
			got.EvidenceFileID != "AgAD" || got.Source != cnsbot.SourceChat || got.IdempotencyKey != "u1" ||
			got.Numerator == nil || *got.Numerator != 15 || got.Denominator == nil || *got.Denominator != 20 ||
			!got.CreatedAt.Equal(now) || got.RevokedAt != nil {
			t.Fatalf("got %+v", got)
		}
		cs, err := s.FindReportChanges(ctx, rs[0].ID)
		if err != nil {
			t.Fatal(err)
		} else if len(cs) != 1 || cs[0].Action != "create" || cs[0].NewValue == nil || *cs[0].NewValue != 15 ||
			cs[0].OldValue != nil || cs[0].ChangedBy != m.ID || !cs[0].ChangedAt.Equal(now) {
			t.Fatalf("changes=%+v", cs)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "VNEID")
		s := sqlite.NewReportService(db)
		ctx := context.Background()

		if err := s.CreateReports(ctx, []*cnsbot.Report{{UnitID: us["V1"].ID, Date: "2026-07-20", IndicatorID: ind.ID,
			Value: 1, Source: cnsbot.SourceChat, IdempotencyKey: "update:42"}}); err != nil {
			t.Fatal(err)
		}
		// The batch repeats the key in its second row: nothing of it is written.
		err := s.CreateReports(ctx, []*cnsbot.Report{
			{UnitID: us["V1"].ID, Date: "2026-07-21", IndicatorID: ind.ID, Value: 2, Source: cnsbot.SourceChat, IdempotencyKey: "update:43"},
			{UnitID: us["V1"].ID, Date: "2026-07-21", IndicatorID: ind.ID, Value: 2, Source: cnsbot.SourceChat, IdempotencyKey: "update:42"},
		})
		assertCode(t, err, cnsbot.ECONFLICT)
		if _, n, err := s.FindReports(ctx, cnsbot.ReportFilter{}); err != nil {
			t.Fatal(err)
		} else if got, want := n, 1; got != want {
			t.Fatalf("reports=%d, want %d", got, want)
		}
	})

	t.Run("EmptyKeysDoNotConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "VNEID")
		r := func() *cnsbot.Report {
			return &cnsbot.Report{UnitID: us["V1"].ID, Date: "2026-07-20", IndicatorID: ind.ID, Value: 1, Source: cnsbot.SourceImport}
		}
		if err := sqlite.NewReportService(db).CreateReports(context.Background(), []*cnsbot.Report{r(), r()}); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		ind := MustCreateIndicator(t, db, "VNEID")
		s := sqlite.NewReportService(db)
		for name, r := range map[string]*cnsbot.Report{
			"Date":      {UnitID: us["V1"].ID, Date: "20/07/2026", IndicatorID: ind.ID, Source: cnsbot.SourceChat},
			"Source":    {UnitID: us["V1"].ID, Date: "2026-07-20", IndicatorID: ind.ID, Source: "fax"},
			"Unit":      {UnitID: 999, Date: "2026-07-20", IndicatorID: ind.ID, Source: cnsbot.SourceChat},
			"Indicator": {UnitID: us["V1"].ID, Date: "2026-07-20", IndicatorID: 999, Source: cnsbot.SourceChat},
		} {
			if err := s.CreateReports(context.Background(), []*cnsbot.Report{r}); cnsbot.ErrorCode(err) != cnsbot.EINVALID {
				t.Fatalf("%s: err=%v, want EINVALID", name, err)
			}
		}
	})
}

func TestReportService_FindReports(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	a := MustCreateIndicator(t, db, "A")
	b := MustCreateIndicator(t, db, "B")
	m := MustCreateMember(t, db, &cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
	s := sqlite.NewReportService(db)
	ctx := context.Background()

	// Name each report by its value so the assertions read as lists of values.
	rs := []*cnsbot.Report{
		{MemberID: m.ID, TeamID: m.TeamID, UnitID: us["V1"].ID, Date: "2026-07-01", IndicatorID: a.ID, Value: 1, Source: cnsbot.SourceChat},
		{MemberID: m.ID, TeamID: m.TeamID, UnitID: us["V1"].ID, Date: "2026-07-03", IndicatorID: b.ID, Value: 2, Source: cnsbot.SourceChat},
		{UnitID: us["V2"].ID, Date: "2026-07-02", IndicatorID: a.ID, Value: 3, Source: cnsbot.SourceImport},
		{UnitID: us["V3"].ID, Date: "2026-07-03", IndicatorID: a.ID, Value: 4, Source: cnsbot.SourceImport},
		{UnitID: us["C2"].ID, Date: "2026-06-30", IndicatorID: a.ID, Value: 5, Source: cnsbot.SourceImport},
		{UnitID: us["V1"].ID, Date: "2026-07-03", IndicatorID: a.ID, Value: 6, Source: cnsbot.SourceImport},
	}
	if err := s.CreateReports(ctx, rs); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RevokeReport(ctx, rs[5].ID, m.ID); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name  string
		f     cnsbot.ReportFilter
		want  []float64
		total int
	}{
		{"All", cnsbot.ReportFilter{}, []float64{4, 2, 3, 1, 5}, 5},
		{"WithRevoked", cnsbot.ReportFilter{WithRevoked: true}, []float64{6, 4, 2, 3, 1, 5}, 6},
		{"SubtreeProvince", cnsbot.ReportFilter{UnitID: us["P"].ID}, []float64{4, 2, 3, 1, 5}, 5},
		{"SubtreeDistrict", cnsbot.ReportFilter{UnitID: us["D2"].ID}, []float64{4, 5}, 2},
		{"SubtreeCommune", cnsbot.ReportFilter{UnitID: us["C1"].ID}, []float64{2, 3, 1}, 3},
		{"SubtreeVillage", cnsbot.ReportFilter{UnitID: us["V1"].ID}, []float64{2, 1}, 2},
		{"Member", cnsbot.ReportFilter{MemberID: m.ID}, []float64{2, 1}, 2},
		{"Team", cnsbot.ReportFilter{TeamID: m.TeamID}, []float64{2, 1}, 2},
		{"Indicator", cnsbot.ReportFilter{IndicatorID: b.ID}, []float64{2}, 1},
		{"Dates", cnsbot.ReportFilter{From: "2026-07-01", To: "2026-07-02"}, []float64{3, 1}, 2},
		{"ID", cnsbot.ReportFilter{ID: rs[2].ID}, []float64{3}, 1},
		{"Page", cnsbot.ReportFilter{Offset: 1, Limit: 2}, []float64{2, 3}, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, n, err := s.FindReports(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := n, tt.total; got != want {
				t.Fatalf("total=%d, want %d", got, want)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("len=%d, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if got, want := got[i].Value, tt.want[i]; got != want {
					t.Fatalf("[%d].Value=%v, want %v", i, got, want)
				}
			}
		})
	}
}

func TestReportService_CorrectAndRevoke(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	ind := MustCreateIndicator(t, db, "A")
	m := MustCreateMember(t, db, &cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
	s := sqlite.NewReportService(db)
	ctx := context.Background()
	r := &cnsbot.Report{MemberID: m.ID, UnitID: us["V1"].ID, Date: "2026-07-01", IndicatorID: ind.ID, Value: 10, Source: cnsbot.SourceChat}
	if err := s.CreateReports(ctx, []*cnsbot.Report{r}); err != nil {
		t.Fatal(err)
	}

	t.Run("OK", func(t *testing.T) {
		got, err := s.CorrectReport(ctx, r.ID, 12, m.ID)
		if err != nil {
			t.Fatal(err)
		} else if got, want := got.Value, 12.0; got != want {
			t.Fatalf("Value=%v, want %v", got, want)
		}
		got, err = s.RevokeReport(ctx, r.ID, 0)
		if err != nil {
			t.Fatal(err)
		} else if got.RevokedAt == nil || !got.RevokedAt.Equal(now) {
			t.Fatalf("RevokedAt=%v, want %v", got.RevokedAt, now)
		}
		cs, err := s.FindReportChanges(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		} else if len(cs) != 3 {
			t.Fatalf("changes=%d, want 3", len(cs))
		}
		if c := cs[1]; c.Action != "correct" || *c.OldValue != 10 || *c.NewValue != 12 || c.ChangedBy != m.ID {
			t.Fatalf("correct=%+v", c)
		}
		if c := cs[2]; c.Action != "revoke" || *c.OldValue != 12 || c.NewValue != nil || c.ChangedBy != 0 {
			t.Fatalf("revoke=%+v", c)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		_, err := s.RevokeReport(ctx, r.ID, 0)
		assertCode(t, err, cnsbot.ECONFLICT)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		_, err := s.FindReportByID(ctx, 999)
		assertCode(t, err, cnsbot.ENOTFOUND)
		_, err = s.CorrectReport(ctx, 999, 1, 0)
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}

func TestReportService_AttachEvidenceAndBatch(t *testing.T) {
	db := MustOpenDB(t)
	us := MustTree(t, db)
	ind := MustCreateIndicator(t, db, "A")
	svc := sqlite.NewReportService(db)
	ctx := context.Background()
	var rs []*cnsbot.Report
	for i, key := range []string{"q:10:0", "q:10:1", "q:100:0", "q:11:0"} {
		rs = append(rs, &cnsbot.Report{UnitID: us["V1"].ID, Date: "2026-07-21", IndicatorID: ind.ID, Value: float64(i + 1), Source: cnsbot.SourceQuick, IdempotencyKey: key})
	}
	if err := svc.CreateReports(ctx, rs); err != nil {
		t.Fatal(err)
	}
	t.Run("KeyPrefix", func(t *testing.T) {
		got, n, err := svc.FindReports(ctx, cnsbot.ReportFilter{KeyPrefix: "q:10:"})
		if err != nil {
			t.Fatal(err)
		} else if n != 2 || len(got) != 2 {
			t.Fatalf("batch q:10: has %d reports, want 2", n)
		}
	})
	t.Run("Evidence", func(t *testing.T) {
		r, err := svc.AttachEvidence(ctx, rs[0].ID, "photo-1", 0)
		if err != nil {
			t.Fatal(err)
		} else if r.EvidenceFileID != "photo-1" || r.Value != 1 {
			t.Fatalf("report=%+v", r)
		}
		cs, err := svc.FindReportChanges(ctx, rs[0].ID)
		if err != nil {
			t.Fatal(err)
		} else if len(cs) != 2 || cs[1].Action != "evidence" {
			t.Fatalf("changes=%+v, want create then evidence", cs)
		}
	})
	t.Run("ErrRevoked", func(t *testing.T) {
		if _, err := svc.RevokeReport(ctx, rs[1].ID, 0); err != nil {
			t.Fatal(err)
		}
		_, err := svc.AttachEvidence(ctx, rs[1].ID, "photo-2", 0)
		assertCode(t, err, cnsbot.ECONFLICT)
	})
}
