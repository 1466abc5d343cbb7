package sqlite_test

import (
	"context"
	"testing"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// MustCreateIndicator creates an activity indicator with the code.
func MustCreateIndicator(tb testing.TB, db *sqlite.DB, code string) *cnsbot.Indicator {
	tb.Helper()
	ind := &cnsbot.Indicator{Code: code, NameVI: "Chỉ tiêu " + code, Kind: cnsbot.KindActivity,
		Aggregation: cnsbot.AggSum, Direction: cnsbot.DirHigher}
	if err := sqlite.NewIndicatorService(db).CreateIndicator(context.Background(), ind); err != nil {
		tb.Fatal(err)
	}
	return ind
}

func TestIndicatorService_CreateIndicator(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewIndicatorService(db)
		ctx := context.Background()
		lo, hi := 0.0, 100.0
		ind := &cnsbot.Indicator{
			Code: "VNEID", NameVI: "Kích hoạt VNeID", NameEN: "VNeID activations", Unit: "người",
			Kind: cnsbot.KindActivity, Aggregation: cnsbot.AggSum, Direction: cnsbot.DirHigher,
			Aliases: []string{"vneid", "định danh"}, NumeratorLabel: "đã kích hoạt", DenominatorLabel: "dân số",
			Min: &lo, Max: &hi, Position: 2,
		}
		if err := s.CreateIndicator(ctx, ind); err != nil {
			t.Fatal(err)
		}
		MustCreateIndicator(t, db, "CT01") // position 0: listed first
		sector := &cnsbot.Indicator{Code: "S1", NameVI: "Ngành", Kind: cnsbot.KindSector, Aggregation: cnsbot.AggLast, Direction: cnsbot.DirLower, Position: 9}
		if err := s.CreateIndicator(ctx, sector); err != nil {
			t.Fatal(err)
		}

		got, err := s.FindIndicatorByCode(ctx, "VNEID")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != ind.ID || got.NameEN != ind.NameEN || got.Unit != ind.Unit || got.Position != 2 ||
			got.NumeratorLabel != ind.NumeratorLabel || got.DenominatorLabel != ind.DenominatorLabel {
			t.Fatalf("got %+v", got)
		}
		if len(got.Aliases) != 2 || got.Aliases[1] != "định danh" {
			t.Fatalf("Aliases=%q", got.Aliases)
		}
		if got.Min == nil || *got.Min != 0 || got.Max == nil || *got.Max != 100 {
			t.Fatalf("Min/Max=%v/%v", got.Min, got.Max)
		}
		if byID, err := s.FindIndicatorByID(ctx, ind.ID); err != nil {
			t.Fatal(err)
		} else if got, want := byID.Code, "VNEID"; got != want {
			t.Fatalf("Code=%q, want %q", got, want)
		}

		all, err := s.FindIndicators(ctx, cnsbot.IndicatorFilter{})
		if err != nil {
			t.Fatal(err)
		} else if len(all) != 3 || all[0].Code != "CT01" || all[1].Code != "VNEID" || all[2].Code != "S1" {
			t.Fatalf("order=%v", all)
		}
		if all[0].Aliases == nil || all[0].Min != nil {
			t.Fatalf("CT01 Aliases=%v Min=%v, want empty and nil", all[0].Aliases, all[0].Min)
		}
		sectors, err := s.FindIndicators(ctx, cnsbot.IndicatorFilter{Kind: cnsbot.KindSector})
		if err != nil {
			t.Fatal(err)
		} else if len(sectors) != 1 || sectors[0].Code != "S1" {
			t.Fatalf("sector=%v", sectors)
		}
	})

	t.Run("ErrConflict", func(t *testing.T) {
		db := MustOpenDB(t)
		MustCreateIndicator(t, db, "VNEID")
		err := sqlite.NewIndicatorService(db).CreateIndicator(context.Background(), &cnsbot.Indicator{
			Code: "VNEID", NameVI: "x", Kind: cnsbot.KindActivity, Aggregation: cnsbot.AggSum, Direction: cnsbot.DirHigher})
		assertCode(t, err, cnsbot.ECONFLICT)
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		db := MustOpenDB(t)
		err := sqlite.NewIndicatorService(db).CreateIndicator(context.Background(), &cnsbot.Indicator{
			Code: "X", NameVI: "x", Kind: "other", Aggregation: cnsbot.AggSum, Direction: cnsbot.DirHigher})
		assertCode(t, err, cnsbot.EINVALID)
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		_, err := sqlite.NewIndicatorService(db).FindIndicatorByCode(context.Background(), "nope")
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}
