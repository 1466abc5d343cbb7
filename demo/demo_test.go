package demo

import (
	"context"
	"math"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"cnsbot"
)

// MustLoadLocation returns Asia/Ho_Chi_Minh.
func MustLoadLocation(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// testNow is after 21/07, so the sector figures are this year's.
func testNow(tb testing.TB) time.Time {
	return time.Date(2026, time.August, 14, 9, 30, 0, 0, MustLoadLocation(tb))
}

func TestGenerate(t *testing.T) {
	loc := MustLoadLocation(t)
	ds := Generate(testNow(t), loc)

	t.Run("Deterministic", func(t *testing.T) {
		if again := Generate(testNow(t), loc); !reflect.DeepEqual(ds, again) {
			t.Fatal("two runs with the same now differ")
		}
		// The world does not depend on now; only reports, targets and values do.
		other := Generate(testNow(t).AddDate(0, -3, 0), loc)
		if !reflect.DeepEqual(ds.Units, other.Units) || !reflect.DeepEqual(ds.Members, other.Members) {
			t.Fatal("units or roster depend on now")
		}
	})

	t.Run("Units", func(t *testing.T) {
		levels := map[string]int{}
		codes := map[string]bool{}
		seen := map[string]bool{} // parent code + full name
		for _, u := range ds.Units {
			levels[u.Level]++
			if codes[u.Code] {
				t.Fatalf("duplicate unit code %q", u.Code)
			}
			codes[u.Code] = true
			if u.ParentCode != "" && !codes[u.ParentCode] {
				t.Fatalf("unit %q comes before its parent %q", u.Code, u.ParentCode)
			}
			if u.Name == "" || u.ValidTo != "" {
				t.Fatalf("unit %+v: want a name and no end of validity", u)
			}
			if u.Level == LevelVillage {
				if !regexp.MustCompile(`^\d{5}-\d{2}$`).MatchString(u.Code) {
					t.Fatalf("village code %q", u.Code)
				}
				key := u.ParentCode + "|" + u.FullName
				if seen[key] {
					t.Fatalf("village name %q twice in commune %s", u.FullName, u.ParentCode)
				}
				seen[key] = true
			}
		}
		for level, want := range map[string]int{LevelProvince: 1, LevelDistrict: NumDistricts, LevelCommune: NumCommunes, LevelVillage: NumVillages} {
			if got := levels[level]; got != want {
				t.Errorf("%s units = %d, want %d", level, got, want)
			}
		}
	})

	t.Run("Roster", func(t *testing.T) {
		roles := map[cnsbot.Role]int{}
		phones := map[string]bool{}
		teamOf := map[string]int{} // village → team mates
		leads := map[string]int{}
		for _, m := range ds.Members {
			roles[m.Role]++
			if cnsbot.NormalizePhone(m.Phone) != m.Phone || !strings.HasPrefix(m.Phone, "09") || len(m.Phone) != 10 {
				t.Fatalf("phone %q not a normalised 09xxxxxxxx", m.Phone)
			}
			if phones[m.Phone] {
				t.Fatalf("phone %q twice", m.Phone)
			}
			phones[m.Phone] = true
			if len(strings.Fields(m.FullName)) < 3 {
				t.Fatalf("name %q: want family, middle and given names", m.FullName)
			}
			if m.Role == cnsbot.RoleMember || m.Role == cnsbot.RoleTeamLead {
				teamOf[m.UnitCode]++
			}
			if m.Role == cnsbot.RoleTeamLead {
				leads[m.UnitCode]++
			}
		}
		if got, want := roles[cnsbot.RoleMember]+roles[cnsbot.RoleTeamLead], NumTeamMates; got != want {
			t.Errorf("team members = %d, want %d", got, want)
		}
		if got, want := roles[cnsbot.RoleTeamLead], NumVillages; got != want {
			t.Errorf("team leads = %d, want %d", got, want)
		}
		if got, want := roles[cnsbot.RoleLeader], NumLeaders; got != want {
			t.Errorf("leaders = %d, want %d", got, want)
		}
		if got, want := roles[cnsbot.RoleAdmin], NumAdmins; got != want {
			t.Errorf("admins = %d, want %d", got, want)
		}
		if got, want := len(ds.Members), NumMembers; got != want {
			t.Errorf("roster = %d, want %d", got, want)
		}
		if got, want := len(teamOf), NumVillages; got != want {
			t.Errorf("teams = %d, want %d", got, want)
		}
		for v, n := range teamOf {
			if n < 3 || n > 8 || leads[v] != 1 {
				t.Fatalf("team of %s: %d people, %d leads", v, n, leads[v])
			}
		}
	})

	t.Run("Personas", func(t *testing.T) {
		units := map[string]*cnsbot.Unit{}
		for _, u := range ds.Units {
			units[u.Code] = u
		}
		byPhone := map[string]MemberRow{}
		for _, m := range ds.Members {
			byPhone[m.Phone] = m
		}
		roles := map[cnsbot.Role]bool{}
		for _, p := range Personas {
			if cnsbot.NormalizePhone(p.Phone) != p.Phone {
				t.Fatalf("persona phone %q not normalised", p.Phone)
			}
			m, ok := byPhone[p.Phone]
			if !ok {
				t.Fatalf("persona %s not on the roster", p.Phone)
			}
			if m.Role != p.Role || m.UnitCode != p.UnitCode || m.FullName != p.Name {
				t.Fatalf("persona %+v on the roster as %+v", p, m)
			}
			if units[p.UnitCode] == nil || p.Note == "" {
				t.Fatalf("persona %+v: unknown unit or no note", p)
			}
			roles[p.Role] = true
		}
		if len(roles) != 4 {
			t.Fatalf("personas cover roles %v, want all four", roles)
		}
		v := units[PersonaVillage]
		if v.FullName != "Thôn Làng Mới" || units[v.ParentCode].FullName != "Xã Bản Phố" || units[v.ParentCode].ParentCode != "085" {
			t.Fatalf("persona village %+v", v)
		}
		for phone := range byPhone {
			if strings.HasPrefix(phone, personaBlock) && !isPersona(phone) {
				t.Fatalf("generated phone %s in the persona block", phone)
			}
		}
	})

	t.Run("Indicators", func(t *testing.T) {
		var activity, sector int
		for _, ind := range ds.Indicators {
			switch ind.Kind {
			case cnsbot.KindActivity:
				activity++
				if ind.Aggregation != cnsbot.AggSum || ind.Direction != cnsbot.DirHigher || len(ind.Aliases) == 0 || ind.NameEN == "" {
					t.Fatalf("activity indicator %+v", ind)
				}
			case cnsbot.KindSector:
				sector++
			}
			if ind.Min == nil || ind.Max == nil || *ind.Min > *ind.Max {
				t.Fatalf("indicator %s bounds", ind.Code)
			}
		}
		if activity != 11 || sector != 10 {
			t.Fatalf("indicators: %d activity, %d sector; want 11, 10", activity, sector)
		}
	})

	t.Run("Sector", func(t *testing.T) {
		if ds.SectorYear != 2026 {
			t.Fatalf("SectorYear = %d, want 2026", ds.SectorYear)
		}
		plans := map[string]float64{}
		for _, tr := range ds.Targets {
			if tr.UnitCode == ProvinceCode && tr.Period == "2026" {
				plans[tr.IndicatorCode] = tr.Value
			}
		}
		dirs := map[string]cnsbot.Direction{}
		for _, ind := range ds.Indicators {
			dirs[ind.Code] = ind.Direction
		}
		met := 0
		values := map[string]ValueRow{}
		for _, v := range ds.Values {
			values[v.IndicatorCode] = v
			if v.Date != "2026-07-21" || v.UnitCode != ProvinceCode {
				t.Fatalf("value %+v: want 2026-07-21 at the province", v)
			}
			plan := plans[v.IndicatorCode]
			if (dirs[v.IndicatorCode] == cnsbot.DirLower && v.Value <= plan) ||
				(dirs[v.IndicatorCode] == cnsbot.DirHigher && v.Value >= plan) {
				met++
			}
		}
		if met != 5 {
			t.Fatalf("%d/10 met or exceeded, want 5/10", met)
		}
		ct02 := values["CT02"]
		if ct02.Numerator == nil || *ct02.Numerator != 156 || *ct02.Denominator != 163 {
			t.Fatalf("CT02 = %+v, want 156/163", ct02)
		}
		if got := math.Round(ct02.Value / plans["CT02"] * 100); got != 96 {
			t.Fatalf("CT02 completion = %v%%, want 96%%", got)
		}
		if got, plan := values["CT01"].Value, plans["CT01"]; got != 97.4 || plan != 95 || math.Round(got/plan*100) != 103 {
			t.Fatalf("CT01 = %v vs plan %v, want 97,4 vs 95 (103%%)", got, plan)
		}
		for code, want := range map[string][2]float64{"CT07": {24, 50}, "CT09": {1525, 1562}, "CT10": {9, 9}} {
			v := values[code]
			if v.Numerator == nil || *v.Numerator != want[0] || *v.Denominator != want[1] {
				t.Fatalf("%s = %+v, want %v/%v", code, v, want[0], want[1])
			}
		}
		if v := values["CT05"]; v.Value != 1 || plans["CT05"] != 5 || dirs["CT05"] != cnsbot.DirLower {
			t.Fatalf("CT05 = %v vs %v (%s), want rank 1 vs ≤5, lower", v.Value, plans["CT05"], dirs["CT05"])
		}
	})

	t.Run("SectorBefore21July", func(t *testing.T) {
		early := Generate(time.Date(2026, time.March, 2, 8, 0, 0, 0, loc), loc)
		if early.SectorYear != 2025 || early.Values[0].Date != "2025-07-21" {
			t.Fatalf("SectorYear = %d, date %s; want 2025, 2025-07-21", early.SectorYear, early.Values[0].Date)
		}
		years := map[string]int{}
		for _, tr := range early.Targets {
			if tr.IndicatorCode == "CT01" {
				years[tr.Period]++
			}
		}
		if years["2025"] != 1 || years["2026"] != 1 {
			t.Fatalf("CT01 plans %v, want one for 2025 and one for 2026", years)
		}
	})

	t.Run("Reports", func(t *testing.T) {
		if n := len(ds.Reports); n < 100_000 || n > 200_000 {
			t.Fatalf("%d reports, want 100k–200k", n)
		}
		now := testNow(t)
		today := now.Format(time.DateOnly)
		first := now.AddDate(0, 0, -7*52).Format(time.DateOnly)
		byTeam := map[string]int{}
		perInd := map[string]int{}
		for _, r := range ds.Reports {
			if r.Date > today || r.Date < first {
				t.Fatalf("report dated %s outside %s..%s", r.Date, first, today)
			}
			if r.At.After(now) || r.At.In(now.Location()).Format(time.DateOnly) != r.Date {
				t.Fatalf("report %+v sent at %v", r, r.At)
			}
			m := ds.Members[r.Member]
			if m.Role != cnsbot.RoleMember && m.Role != cnsbot.RoleTeamLead {
				t.Fatalf("report by a %s", m.Role)
			}
			byTeam[m.UnitCode]++
			perInd[r.Indicator]++
			if r.Value < 0 || r.Value > 2000 {
				t.Fatalf("report %+v: implausible value", r)
			}
		}
		if silent := NumVillages - len(byTeam); silent == 0 || silent > NumVillages/10 {
			t.Fatalf("%d teams never reported; want a few", silent)
		}
		if perInd["OCOP"]*50 > perInd["VNEID"] {
			t.Fatalf("OCOP %d vs VNEID %d reports: OCOP should be rare", perInd["OCOP"], perInd["VNEID"])
		}
	})

	t.Run("Targets", func(t *testing.T) {
		sum := map[string]float64{}
		prov := map[string]float64{}
		for _, tr := range ds.Targets {
			if tr.Period != "2026" || strings.HasPrefix(tr.IndicatorCode, "CT") {
				continue
			}
			if tr.UnitCode == ProvinceCode {
				prov[tr.IndicatorCode] = tr.Value
			} else {
				sum[tr.IndicatorCode] += tr.Value
			}
		}
		if len(prov) != 11 {
			t.Fatalf("%d province activity targets, want 11", len(prov))
		}
		for code, v := range prov {
			if v <= 0 || v != sum[code] {
				t.Fatalf("%s province target %v, districts' sum %v", code, v, sum[code])
			}
		}
	})
}

func isPersona(phone string) bool {
	for _, p := range Personas {
		if p.Phone == phone {
			return true
		}
	}
	return false
}

func TestCommunes2025(t *testing.T) {
	if got, want := len(Communes2025()), 99; got != want {
		t.Fatalf("communes = %d, want %d", got, want)
	}
}

func TestSummaryString(t *testing.T) {
	s := &Summary{Provinces: 1, Districts: 9, Communes: 152, Villages: 1562, Teams: 1562,
		TeamLeads: 1562, Members: 5801, Leaders: 162, Admins: 11, Reports: 133446,
		SectorYear: 2026, FirstDate: "2025-08-16", LastDate: "2026-08-14", Elapsed: 3200 * time.Millisecond}
	got := s.String()
	for _, want := range []string{"1.562 thôn", "7.363 thành viên tổ", "133.446", "7.536 người", "3,2 giây", "16/08/2025"} {
		if !strings.Contains(got, want) {
			t.Errorf("summary lacks %q:\n%s", want, got)
		}
	}
}

func TestLoadFake(t *testing.T) {
	ctx := context.Background()
	loc := MustLoadLocation(t)
	store := newFakeStore()
	svc := store.services()

	if ok, err := Loaded(ctx, svc); err != nil || ok {
		t.Fatalf("Loaded = %v, %v before Load", ok, err)
	}
	s, err := Load(ctx, svc, testNow(t), loc)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Load (fake store) in %v\n%s", s.Elapsed, s)
	checkSummary(t, s)
	if got, want := len(store.reports), s.Reports+s.SectorValues; got != want {
		t.Fatalf("stored reports = %d, want %d", got, want)
	}
	for _, r := range store.reports[s.SectorValues:] {
		if r.MemberID == 0 || r.TeamID == 0 || r.UnitID == 0 || r.Source != cnsbot.SourceChat || r.IdempotencyKey != "" {
			t.Fatalf("activity report %+v", r)
		}
	}
	if ok, err := Loaded(ctx, svc); err != nil || !ok {
		t.Fatalf("Loaded = %v, %v after Load", ok, err)
	}
	if _, err := Load(ctx, svc, testNow(t), loc); cnsbot.ErrorCode(err) != cnsbot.ECONFLICT {
		t.Fatalf("second Load: err = %v, want ECONFLICT", err)
	}
}

// checkSummary asserts the counts of a loaded demo.
func checkSummary(tb testing.TB, s *Summary) {
	tb.Helper()
	for _, c := range []struct {
		name      string
		got, want int
	}{
		{"provinces", s.Provinces, 1}, {"districts", s.Districts, NumDistricts},
		{"communes", s.Communes, NumCommunes}, {"villages", s.Villages, NumVillages},
		{"teams", s.Teams, NumVillages}, {"team mates", s.TeamLeads + s.Members, NumTeamMates},
		{"leaders", s.Leaders, NumLeaders}, {"admins", s.Admins, NumAdmins},
		{"activity indicators", s.ActivityIndicators, 11}, {"sector indicators", s.SectorIndicators, 10},
		{"sector values", s.SectorValues, 10},
	} {
		if c.got != c.want {
			tb.Errorf("%s = %d, want %d", c.name, c.got, c.want)
		}
	}
	if s.Reports < 100_000 {
		tb.Errorf("reports = %d, want ≥ 100.000", s.Reports)
	}
}

func BenchmarkGenerate(b *testing.B) {
	loc := MustLoadLocation(b)
	now := testNow(b)
	for b.Loop() {
		Generate(now, loc)
	}
}
