package sqlite_test

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// The generated province of BenchmarkFigures.
const (
	benchDistricts  = 9
	benchCommunes   = 152
	benchVillages   = 1562 // one team each
	benchMembers    = 7363
	benchActivities = 11
	benchSectors    = 3
	benchReports    = 2_000_000
)

// benchLastDay is the fixed day the generated year of reports ends on.
var benchLastDay = time.Date(2026, 7, 21, 0, 0, 0, 0, time.UTC)

// benchFiguresDB is the generated database, kept in the temporary directory
// across runs (delete it to generate it again); the name changes with the
// generator.
var benchFiguresDB = filepath.Join(os.TempDir(), "cnsbot-bench-figures-v1", "cnsbot.db")

// genEnv names the file TestFiguresGenerate writes; set only by
// BenchmarkFigures, which runs it in a child process so that the memory the
// generation used does not count in the benchmark's resident memory.
const genEnv = "CNSBOT_FIGURES_GENERATE"

// BenchmarkFigures times the queries behind a province-wide /chitieu,
// /tiendo and /chuabaocao on a generated province of 1,562 teams and
// 2,000,000 reports over a year, reporting p50 and p99 in ms, and the
// process's resident memory once the database is open and queried.
// The database is generated once (about a minute) and kept in the temporary
// directory for later runs.
//
//	go test -run '^$' -bench Figures -benchtime 2s ./storage/sqlite/
func BenchmarkFigures(b *testing.B) {
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		b.Skip("only with -bench")
	}
	genOnce.Do(func() { genErr = generateBenchDB(b) })
	if genErr != nil {
		b.Fatal(genErr)
	}
	db := sqlite.NewDB(benchFiguresDB)
	if err := db.Open(); err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	units := sqlite.NewUnitService(db)
	province, err := units.FindUnitByCode(ctx, "P")
	if err != nil {
		b.Fatal(err)
	}
	district, err := units.FindUnitByCode(ctx, "D1")
	if err != nil {
		b.Fatal(err)
	}
	s := sqlite.NewFigureService(db)
	year := cnsbot.RangePeriod(benchLastDay.AddDate(-1, 0, 1).Format(time.DateOnly), benchLastDay.Format(time.DateOnly))
	month := cnsbot.MonthPeriod(2026, time.July)
	monthToDate := cnsbot.RangePeriod("2026-07-01", benchLastDay.Format(time.DateOnly))
	quarter := cnsbot.QuarterPeriod(2026, 2)
	week := cnsbot.WeekPeriod(benchLastDay)

	queries := []struct {
		name string
		run  func() (int, error) // the number of things it found
	}{
		{"SumByIndicator/province/year", func() (int, error) {
			m, err := s.SumByIndicator(ctx, province.ID, year.From, year.To)
			return len(m), err
		}},
		{"SumByIndicator/province/month", func() (int, error) {
			m, err := s.SumByIndicator(ctx, province.ID, month.From, month.To)
			return len(m), err
		}},
		{"SumByChild/province/year", func() (int, error) {
			m, err := s.SumByChild(ctx, province.ID, year.From, year.To)
			return len(m), err
		}},
		{"SumByChild/district/quarter", func() (int, error) {
			m, err := s.SumByChild(ctx, district.ID, quarter.From, quarter.To)
			return len(m), err
		}},
		{"LastValues/province/year", func() (int, error) {
			m, err := s.LastValues(ctx, province.ID, year.From, year.To)
			return len(m), err
		}},
		{"TeamActivity/province/week", func() (int, error) {
			as, err := s.TeamActivity(ctx, province.ID, week.From, week.To)
			return len(as), err
		}},
		{"TeamActivity/province/month", func() (int, error) {
			as, err := s.TeamActivity(ctx, province.ID, month.From, month.To)
			return len(as), err
		}},
		{"TeamActivity/province/month_to_date", func() (int, error) {
			as, err := s.TeamActivity(ctx, province.ID, monthToDate.From, monthToDate.To)
			return len(as), err
		}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			took := make([]time.Duration, 0, b.N)
			var found int
			for i := 0; i < b.N; i++ {
				start := time.Now()
				n, err := q.run()
				if err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(start))
				found = n
			}
			if found == 0 {
				b.Fatal("found nothing")
			}
			slices.Sort(took)
			at := func(p float64) float64 {
				return float64(took[int(math.Ceil(p*float64(len(took))))-1]) / 1e6
			}
			b.ReportMetric(at(0.50), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
			b.ReportMetric(float64(found), "rows")
		})
	}
	// A team's report written and revoked, with the aggregates, on the big
	// database: what every /bc costs in writes. The revoke takes it back
	// out of the figures; the reports table keeps it.
	b.Run("CreateAndRevokeReport", func(b *testing.B) {
		rs := sqlite.NewReportService(db)
		village, err := units.FindUnitByCode(ctx, "V7")
		if err != nil {
			b.Fatal(err)
		}
		team, err := sqlite.NewTeamService(db).FindTeamByUnitID(ctx, village.ID)
		if err != nil {
			b.Fatal(err)
		}
		took := make([]time.Duration, 0, b.N)
		for i := 0; i < b.N; i++ {
			r := &cnsbot.Report{TeamID: team.ID, UnitID: village.ID, Date: week.From, IndicatorID: 1, Value: 3,
				Source: cnsbot.SourceQuick, IdempotencyKey: fmt.Sprintf("bench:%d:%d", time.Now().UnixNano(), i)}
			start := time.Now()
			if err := rs.CreateReports(ctx, []*cnsbot.Report{r}); err != nil {
				b.Fatal(err)
			}
			took = append(took, time.Since(start))
			if _, err := rs.RevokeReport(ctx, r.ID, 0); err != nil {
				b.Fatal(err)
			}
		}
		slices.Sort(took)
		b.ReportMetric(float64(took[len(took)/2])/1e6, "create-p50-ms")
		b.ReportMetric(float64(took[len(took)*99/100])/1e6, "create-p99-ms")
	})
	b.Run("RSS", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			for _, q := range queries {
				if _, err := q.run(); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(residentMB(b), "rss-MB")
		if genTook > 0 {
			b.ReportMetric(genTook.Seconds(), "generate-s")
		}
	})
}

var (
	genOnce sync.Once
	genErr  error
	genTook time.Duration
)

// generateBenchDB generates benchFiguresDB in a child process unless it is
// there already.
func generateBenchDB(tb testing.TB) error {
	if _, err := os.Stat(benchFiguresDB + ".done"); err == nil {
		return nil
	}
	os.RemoveAll(filepath.Dir(benchFiguresDB))
	start := time.Now()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFiguresGenerate$", "-test.v", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), genEnv+"="+benchFiguresDB)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("generate %s: %w", benchFiguresDB, err)
	}
	genTook = time.Since(start)
	tb.Logf("generated %s in %v", benchFiguresDB, genTook.Round(time.Second))
	return os.WriteFile(benchFiguresDB+".done", nil, 0o600)
}

// residentMB reads the process's resident memory (VmRSS) in MB.
func residentMB(tb testing.TB) float64 {
	tb.Helper()
	buf, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skip(err)
	}
	for _, line := range strings.Split(string(buf), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				tb.Fatal(err)
			}
			return kb / 1024
		}
	}
	tb.Fatal("no VmRSS")
	return 0
}

// TestFiguresGenerate writes the database of BenchmarkFigures to the file
// named by $CNSBOT_FIGURES_GENERATE; without it, it is skipped.
func TestFiguresGenerate(t *testing.T) {
	path := os.Getenv(genEnv)
	if path == "" {
		t.Skip("run by BenchmarkFigures")
	}
	start := time.Now()
	db := sqlite.NewDB(path)
	db.Now = func() time.Time { return benchLastDay.Add(12 * time.Hour) }
	if err := db.Open(); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	imp := sqlite.NewImportService(db)
	rng := rand.New(rand.NewPCG(7, 21))

	// The tree: districts get the communes in turn, communes the villages.
	us := []*cnsbot.Unit{{Code: "P", Name: "Tỉnh", Level: "province"}}
	for d := 1; d <= benchDistricts; d++ {
		us = append(us, &cnsbot.Unit{Code: fmt.Sprintf("D%d", d), ParentCode: "P", Name: fmt.Sprintf("Huyện %d", d), Level: "district"})
	}
	for c := 1; c <= benchCommunes; c++ {
		us = append(us, &cnsbot.Unit{Code: fmt.Sprintf("C%d", c), ParentCode: fmt.Sprintf("D%d", 1+(c-1)%benchDistricts),
			Name: fmt.Sprintf("Xã %d", c), Level: "commune"})
	}
	for v := 1; v <= benchVillages; v++ {
		us = append(us, &cnsbot.Unit{Code: fmt.Sprintf("V%d", v), ParentCode: fmt.Sprintf("C%d", 1+(v-1)%benchCommunes),
			Name: fmt.Sprintf("Thôn %d", v), Level: "village"})
	}
	if err := imp.ImportUnits(ctx, us); err != nil {
		t.Fatal(err)
	}
	villages := us[1+benchDistricts+benchCommunes:]
	communesAndUp := us[:1+benchDistricts+benchCommunes]

	// Members: four or five per village, the first its team lead.
	ms := make([]*cnsbot.Member, benchMembers)
	for i := range ms {
		role := cnsbot.RoleMember
		if i < benchVillages {
			role = cnsbot.RoleTeamLead
		}
		ms[i] = &cnsbot.Member{FullName: fmt.Sprintf("Thành viên %d", i), Phone: fmt.Sprintf("09%08d", i),
			UnitID: villages[i%benchVillages].ID, Role: role}
	}
	if err := imp.ImportMembers(ctx, ms); err != nil {
		t.Fatal(err)
	}
	byVillage := make([][]*cnsbot.Member, benchVillages)
	for i, m := range ms {
		byVillage[i%benchVillages] = append(byVillage[i%benchVillages], m)
	}

	inds := make([]*cnsbot.Indicator, 0, benchActivities+benchSectors)
	for i := 0; i < benchActivities; i++ {
		inds = append(inds, &cnsbot.Indicator{Code: fmt.Sprintf("HD%02d", i+1), NameVI: fmt.Sprintf("Hoạt động %d", i+1),
			Kind: cnsbot.KindActivity, Aggregation: cnsbot.AggSum, Direction: cnsbot.DirHigher, Position: i})
	}
	for i := 0; i < benchSectors; i++ {
		inds = append(inds, &cnsbot.Indicator{Code: fmt.Sprintf("CT%02d", i+1), NameVI: fmt.Sprintf("Chỉ tiêu %d", i+1),
			Kind: cnsbot.KindSector, Aggregation: cnsbot.AggLast, Direction: cnsbot.DirHigher, Position: 20 + i})
	}
	if err := imp.ImportIndicators(ctx, inds); err != nil {
		t.Fatal(err)
	}

	// Skew: a few teams report much more than most (Zipf-like), some
	// indicators much more than others, weekdays more than weekends, and
	// more as the year goes on.
	teamW := cumulative(benchVillages, func(i int) float64 { return 1 / math.Pow(float64(1+rng.IntN(benchVillages)), 0.7) })
	indW := cumulative(benchActivities, func(i int) float64 { return 1 / float64(1+i) })
	days := 365
	dayW := make([]float64, days)
	var dayTotal float64
	for d := range dayW {
		date := benchLastDay.AddDate(0, 0, d-days+1)
		w := 0.6 + 0.8*float64(d)/float64(days)
		switch date.Weekday() {
		case time.Saturday:
			w *= 0.5
		case time.Sunday:
			w *= 0.3
		}
		dayW[d], dayTotal = w, dayTotal+w
	}

	const chunk = 250_000
	batch := make([]*cnsbot.Report, 0, chunk)
	flush := func() {
		if err := imp.ImportReports(ctx, batch); err != nil {
			t.Fatal(err)
		}
		batch = batch[:0]
	}
	made, key := 0, 0
	for d := 0; d < days; d++ {
		date := benchLastDay.AddDate(0, 0, d-days+1)
		n := int(math.Round(float64(benchReports) * dayW[d] / dayTotal))
		if d == days-1 {
			n = benchReports - made
		}
		for i := 0; i < n; i++ {
			v := pick(rng, teamW)
			team := byVillage[v]
			m := team[rng.IntN(len(team))]
			key++
			// Sent between 07:00 and 22:00 in Hà Nội, stored in UTC.
			sent := date.Add(time.Duration(rng.IntN(15*3600)) * time.Second)
			batch = append(batch, &cnsbot.Report{MemberID: m.ID, TeamID: m.TeamID, UnitID: m.UnitID,
				Date: date.Format(time.DateOnly), IndicatorID: inds[pick(rng, indW)].ID,
				Value: float64(1 + rng.IntN(rng.IntN(30)+1)), Source: cnsbot.SourceChat,
				IdempotencyKey: "g:" + strconv.Itoa(key), CreatedAt: sent})
			if len(batch) == chunk {
				flush()
			}
		}
		made += n
	}
	// Sector values: each commune, district and the province, monthly.
	for mo := 0; mo < 12; mo++ {
		date := time.Date(benchLastDay.Year(), benchLastDay.Month()-time.Month(mo), 5, 0, 0, 0, 0, time.UTC)
		for _, u := range communesAndUp {
			for _, ind := range inds[benchActivities:] {
				key++
				batch = append(batch, &cnsbot.Report{UnitID: u.ID, Date: date.Format(time.DateOnly), IndicatorID: ind.ID,
					Value: float64(50 + rng.IntN(50)), IdempotencyKey: "g:" + strconv.Itoa(key), CreatedAt: date.Add(3 * time.Hour)})
			}
		}
	}
	flush()
	t.Logf("generated %d units, %d members, %d reports in %v", len(us), len(ms), key, time.Since(start).Round(time.Second))
}

// cumulative returns the running sums of n weights.
func cumulative(n int, w func(i int) float64) []float64 {
	c := make([]float64, n)
	var sum float64
	for i := range c {
		sum += w(i)
		c[i] = sum
	}
	return c
}

// pick draws an index with probability proportional to its weight.
func pick(rng *rand.Rand, cum []float64) int {
	i, _ := slices.BinarySearch(cum, rng.Float64()*cum[len(cum)-1])
	return min(i, len(cum)-1)
}
