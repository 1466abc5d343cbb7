package demo

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"cnsbot"
)

// The seed's unit tree (facts copied from domain/), embedded so that
// `cnsbot demo` needs no files.
var (
	//go:embed data/laocai-units-2023.csv
	units2023CSV []byte
	//go:embed data/laocai-communes-2025.csv
	communes2025CSV []byte
)

// The seed's totals (Lào Cai, mid-2023).
const (
	ProvinceCode = "10"                                  // code of the demo province, Lào Cai
	NumDistricts = 9                                     // district-level units
	NumCommunes  = 152                                   // communes, wards and towns
	NumVillages  = 1562                                  // villages and residential groups, one team each
	NumTeamMates = 7363                                  // team members, team leads included
	NumLeaders   = 1 + NumDistricts + NumCommunes        // province, district and commune leaders
	NumAdmins    = 2 + NumDistricts                      // two at the province, one per district
	NumMembers   = NumTeamMates + NumLeaders + NumAdmins // everyone on the roster
)

// Unit levels used by the demo tree.
const (
	LevelProvince = "province"
	LevelDistrict = "district"
	LevelCommune  = "commune"
	LevelVillage  = "village"
)

// Fixed seeds: the same now gives the same world.
const (
	seedWorld   = 0x636e73626f74 // "cnsbot"
	seedReports = 20230721       // the seed article's date
)

// Persona is a showcase person on the roster, not yet registered, whose
// phone a visitor can share to register and try the bot in that role.
type Persona struct {
	Role     cnsbot.Role
	Phone    string // normalised
	Name     string
	UnitCode string // scope unit: the team's village for members and team leads
	Note     string // who they are, in Vietnamese
}

// PersonaVillage is the code of the village whose team lead and member are
// personas: Thôn Làng Mới, Xã Bản Phố, Huyện Bắc Hà.
const PersonaVillage = "02866-01"

// Personas are the showcase people, one per role (two for the team: lead and
// member). Their phones lie in the block 0912000xxx, which generated phones
// never use.
var Personas = []Persona{
	{cnsbot.RoleAdmin, "0912000001", "Nguyễn Thị Thu Hà", ProvinceCode,
		"Quản trị cấp tỉnh (Sở Khoa học và Công nghệ): quản lý danh mục, số liệu ngành, lịch nhắc việc"},
	{cnsbot.RoleLeader, "0912000002", "Hoàng Quốc Khánh", ProvinceCode,
		"Lãnh đạo tỉnh Lào Cai: xem tiến độ, chỉ tiêu ngành, xuất báo cáo toàn tỉnh"},
	{cnsbot.RoleLeader, "0912000003", "Vàng Seo Lử", "085",
		"Lãnh đạo huyện Bắc Hà: xem tiến độ các xã, thôn trong huyện"},
	{cnsbot.RoleTeamLead, "0912000004", "Giàng A Sử", PersonaVillage,
		"Tổ trưởng Tổ công nghệ số cộng đồng thôn Làng Mới, xã Bản Phố, huyện Bắc Hà"},
	{cnsbot.RoleMember, "0912000005", "Sùng Thị Mỷ", PersonaVillage,
		"Thành viên Tổ công nghệ số cộng đồng thôn Làng Mới, xã Bản Phố, huyện Bắc Hà"},
}

// personaBlock is the phone prefix reserved for personas.
const personaBlock = "0912000"

// MemberRow is one person on the roster, its unit given by code because
// unit ids exist only once the units are stored.
type MemberRow struct {
	FullName string
	Phone    string // normalised
	UnitCode string
	Role     cnsbot.Role
}

// TargetRow is a planned value, by indicator and unit code.
type TargetRow struct {
	IndicatorCode string
	UnitCode      string
	Period        string // 2026, 2026-H1, ...
	Value         float64
}

// ValueRow is a sector indicator's value as entered by department staff.
type ValueRow struct {
	IndicatorCode string
	UnitCode      string
	Date          string // YYYY-MM-DD
	Value         float64
	Numerator     *float64
	Denominator   *float64
	At            time.Time // when it was entered
}

// ReportRow is one activity report of one indicator by a team member.
type ReportRow struct {
	Member    int // index into Dataset.Members; the team is the member's village's
	Indicator string
	Date      string // YYYY-MM-DD in the dataset's location
	Value     float64
	At        time.Time // when it was sent
}

// Dataset is the generated demo world, ready to be written by Load.
type Dataset struct {
	Now        time.Time
	Units      []*cnsbot.Unit // parents before children; ParentCode set, ids zero
	Members    []MemberRow
	Indicators []*cnsbot.Indicator
	Targets    []TargetRow
	Values     []ValueRow // sector indicator values
	Reports    []ReportRow
	// Year is the current year in the dataset's location: the year of the
	// activity targets.
	Year int
	// SectorYear is the year of the sector figures: Year when now is on or
	// after 21/07, else Year-1.
	SectorYear int
}

// village is the generator's view of one village unit.
type village struct {
	unit     *cnsbot.Unit
	district int // index into the districts
	urban    bool
	highland float64  // share of highland family names
	members  []int    // indices into Dataset.Members, team lead first
	sums     *[11]int // of the village's district
}

// Generate builds the demo world for the given time: the same now and loc
// give an equal Dataset. The unit tree and the roster do not depend on now;
// the reports cover the 52 weeks up to now, and the targets now's year.
func Generate(now time.Time, loc *time.Location) *Dataset {
	if loc == nil {
		loc = time.UTC
	}
	now = now.In(loc)
	ds := &Dataset{Now: now, Year: now.Year(), Indicators: indicators()}
	rng := rand.New(rand.NewPCG(seedWorld, 1))

	villages, districts := ds.genUnits(rng)
	ds.genMembers(rng, villages, districts)

	sums := make([][11]int, len(districts))
	for i := range villages {
		villages[i].sums = &sums[villages[i].district]
	}
	ds.genReports(rand.New(rand.NewPCG(seedReports, 2)), villages, loc)
	ds.genTargets(rand.New(rand.NewPCG(seedWorld, 3)), districts, sums)
	ds.genValues(loc)
	return ds
}

// csvRows reads an embedded CSV without its header.
func csvRows(b []byte) [][]string {
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("demo: embedded csv: %v", err)) // a build-time fact
	}
	return rows[1:]
}

// highlandDistricts have mostly Mông, Dao and Hà Nhì communes.
var highlandDistricts = map[string]bool{"082": true, "083": true, "084": true, "085": true, "088": true}

// genUnits adds the province, districts, communes (from the 2023 CSV) and
// exactly NumVillages villages, returning the villages and district codes.
func (ds *Dataset) genUnits(rng *rand.Rand) ([]village, []string) {
	type commune struct {
		unit     *cnsbot.Unit
		district int
		typ      string
	}
	var communes []commune
	var districts []string
	districtIndex := map[string]int{}
	for _, r := range csvRows(units2023CSV) {
		code, parent, level, typ, name, full := r[0], r[1], r[2], r[3], r[4], r[5]
		u := &cnsbot.Unit{Code: code, ParentCode: parent, Level: level, Name: name, FullName: full}
		ds.Units = append(ds.Units, u)
		switch level {
		case LevelDistrict:
			districtIndex[code] = len(districts)
			districts = append(districts, code)
		case LevelCommune:
			communes = append(communes, commune{u, districtIndex[parent], typ})
		}
	}

	// Villages per commune: wards and towns have more residential groups than
	// a rural commune has villages; then nudge to the exact total.
	counts := make([]int, len(communes))
	total := 0
	for i, c := range communes {
		lo, hi := 6, 14
		if c.typ != "xa" {
			lo, hi = 8, 17
		}
		counts[i] = lo + rng.IntN(hi-lo+1)
		total += counts[i]
	}
	for total != NumVillages {
		i := rng.IntN(len(counts))
		if total < NumVillages && counts[i] < 25 {
			counts[i]++
			total++
		} else if total > NumVillages && counts[i] > 4 {
			counts[i]--
			total--
		}
	}

	var villages []village
	for i, c := range communes {
		urban := c.typ != "xa"
		high := 0.35
		if highlandDistricts[c.unit.ParentCode] {
			high = 0.75
		}
		if urban {
			high /= 4
		}
		names := append([]string(nil), villageNames...)
		rng.Shuffle(len(names), func(a, b int) { names[a], names[b] = names[b], names[a] })
		if c.unit.Code+"-01" == PersonaVillage {
			for k, n := range names {
				if n == "Làng Mới" {
					names[0], names[k] = names[k], names[0]
				}
			}
		}
		prefix := "Thôn"
		if rng.Float64() < 0.35 {
			prefix = "Bản"
		}
		for k := 0; k < counts[i]; k++ {
			u := &cnsbot.Unit{
				Code:       fmt.Sprintf("%s-%02d", c.unit.Code, k+1),
				ParentCode: c.unit.Code,
				Level:      LevelVillage,
			}
			if urban {
				u.Name = fmt.Sprintf("Tổ dân phố số %d", k+1)
				u.FullName = u.Name
			} else {
				p := prefix
				if strings.HasPrefix(names[k], "Bản ") {
					p = "Thôn"
				}
				u.Name = names[k]
				u.FullName = p + " " + names[k]
			}
			ds.Units = append(ds.Units, u)
			villages = append(villages, village{unit: u, district: c.district, urban: urban, highland: high})
		}
	}
	return villages, districts
}

// phones hands out unique normalised mobile numbers outside the persona block.
type phones struct {
	rng  *rand.Rand
	used map[string]bool
}

var phonePrefixes = []string{"090", "091", "093", "094", "096", "097", "098"}

func (p *phones) next() string {
	for {
		prefix := phonePrefixes[p.rng.IntN(len(phonePrefixes))]
		s := fmt.Sprintf("%s%07d", prefix, p.rng.IntN(10_000_000))
		if strings.HasPrefix(s, personaBlock) || p.used[s] {
			continue
		}
		p.used[s] = true
		return s
	}
}

// pick returns an element of list, earlier ones more often.
func pick(rng *rand.Rand, list []string) string {
	x := rng.Float64()
	return list[int(x*x*float64(len(list)))]
}

// personName invents a full name; highland is the share of highland names.
func personName(rng *rand.Rand, highland float64, female bool) string {
	if rng.Float64() < highland {
		weights := make([]float64, len(highlandGroups))
		for i, g := range highlandGroups {
			weights[i] = g.weight
		}
		g := highlandGroups[weighted(rng, weights)]
		fam := g.families[rng.IntN(len(g.families))]
		middles, givens := g.maleMiddles, g.maleGivens
		if female {
			middles, givens = g.femaleMiddles, g.femaleGivens
		}
		if g.kinhGivens {
			givens = kinhMaleGivens
			if female {
				givens = kinhFemaleGivens
			}
		}
		return fam + " " + middles[rng.IntN(len(middles))] + " " + givens[rng.IntN(len(givens))]
	}
	fam := pick(rng, kinhFamilies)
	if female {
		return fam + " " + kinhFemaleMiddles[rng.IntN(len(kinhFemaleMiddles))] + " " +
			kinhFemaleGivens[rng.IntN(len(kinhFemaleGivens))]
	}
	return fam + " " + kinhMaleMiddles[rng.IntN(len(kinhMaleMiddles))] + " " +
		kinhMaleGivens[rng.IntN(len(kinhMaleGivens))]
}

// genMembers builds the roster: province admins and leader, a leader and an
// admin per district, a leader per commune, then each village's team (a lead
// and 2–7 members, NumTeamMates in all). Personas take their places in it.
func (ds *Dataset) genMembers(rng *rand.Rand, villages []village, districts []string) {
	ph := &phones{rng: rng, used: map[string]bool{}}
	persona := map[string]Persona{} // role|unit → persona, consumed once
	for _, p := range Personas {
		ph.used[p.Phone] = true
		persona[string(p.Role)+"|"+p.UnitCode] = p
	}
	add := func(role cnsbot.Role, unit string, highland float64, femaleShare float64) int {
		if p, ok := persona[string(role)+"|"+unit]; ok {
			delete(persona, string(role)+"|"+unit)
			ds.Members = append(ds.Members, MemberRow{p.Name, p.Phone, unit, role})
			return len(ds.Members) - 1
		}
		name := personName(rng, highland, rng.Float64() < femaleShare)
		ds.Members = append(ds.Members, MemberRow{name, ph.next(), unit, role})
		return len(ds.Members) - 1
	}

	add(cnsbot.RoleAdmin, ProvinceCode, 0.1, 0.5)
	add(cnsbot.RoleAdmin, ProvinceCode, 0.1, 0.5)
	add(cnsbot.RoleLeader, ProvinceCode, 0.1, 0.3)
	for _, d := range districts {
		h := 0.2
		if highlandDistricts[d] {
			h = 0.5
		}
		add(cnsbot.RoleLeader, d, h, 0.3)
		add(cnsbot.RoleAdmin, d, h, 0.5)
	}
	for _, u := range ds.Units {
		if u.Level == LevelCommune {
			h := 0.3
			if highlandDistricts[u.ParentCode] {
				h = 0.7
			}
			add(cnsbot.RoleLeader, u.Code, h, 0.3)
		}
	}

	// Team sizes besides the lead: 2–7, nudged to the exact total.
	sizes := make([]int, len(villages))
	total := 0
	for i := range sizes {
		sizes[i] = 2 + rng.IntN(5)
		total += sizes[i]
	}
	want := NumTeamMates - len(villages)
	for total != want {
		i := rng.IntN(len(sizes))
		if total < want && sizes[i] < 7 {
			sizes[i]++
			total++
		} else if total > want && sizes[i] > 2 {
			sizes[i]--
			total--
		}
	}
	for i := range villages {
		v := &villages[i]
		v.members = append(v.members, add(cnsbot.RoleTeamLead, v.unit.Code, v.highland, 0.35))
		for k := 0; k < sizes[i]; k++ {
			v.members = append(v.members, add(cnsbot.RoleMember, v.unit.Code, v.highland, 0.5))
		}
	}
	if len(persona) != 0 {
		panic("demo: a persona found no place on the roster")
	}
}

// tetDates are the first days of the lunar new year (Tết Nguyên Đán).
var tetDates = []string{
	"2020-01-25", "2021-02-12", "2022-02-01", "2023-01-22", "2024-02-10", "2025-01-29",
	"2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13", "2030-02-03", "2031-01-23",
	"2032-02-11", "2033-01-31", "2034-02-19", "2035-02-08",
}

// tetFactor scales a team's chance of reporting near Tết: hardly anyone
// reports in the holiday, and the weeks after it are slow.
func tetFactor(d time.Time) float64 {
	for _, s := range tetDates {
		t, _ := time.ParseInLocation(time.DateOnly, s, d.Location())
		days := d.Sub(t).Hours() / 24
		switch {
		case days >= -10 && days <= 7:
			return 0.12
		case days > 7 && days <= 21:
			return 0.6
		}
	}
	return 1
}

// weekdayWeights: Monday first. Most reports come on Friday and Saturday,
// after the Friday 16:00 reminder.
var weekdayWeights = []float64{8, 8, 10, 12, 26, 22, 14}

func weighted(rng *rand.Rand, w []float64) int {
	sum := 0.0
	for _, x := range w {
		sum += x
	}
	x := rng.Float64() * sum
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// genReports invents the 52 weeks of activity reports up to now.
func (ds *Dataset) genReports(rng *rand.Rand, villages []village, loc *time.Location) {
	now := ds.Now
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	first := today.AddDate(0, 0, -7*52+1)
	monday := first.AddDate(0, 0, -((int(first.Weekday()) + 6) % 7))
	var weeks []time.Time
	for w := monday; !w.After(today); w = w.AddDate(0, 0, 7) {
		weeks = append(weeks, w)
	}
	tet := make([]float64, len(weeks))
	for i, w := range weeks {
		tet[i] = tetFactor(w.AddDate(0, 0, 3))
	}

	const buoi, luot = 5, 6
	weightsRural := make([]float64, len(activitySpecs))
	weightsUrban := make([]float64, len(activitySpecs))
	for i, s := range activitySpecs {
		weightsRural[i], weightsUrban[i] = s.weight, s.urbanWeight
	}
	ds.Reports = make([]ReportRow, 0, 160_000)
	chosen := make([]float64, len(activitySpecs))
	for vi := range villages {
		v := &villages[vi]
		// How keen the team is: a few never report, some rarely, most
		// roughly every week.
		var p float64
		switch x := rng.Float64(); {
		case x < 0.02:
			p = 0
		case x < 0.15:
			p = 0.05 + 0.2*rng.Float64()
		case x < 0.40:
			p = 0.4 + 0.3*rng.Float64()
		default:
			p = 0.78 + 0.2*rng.Float64()
		}
		vigour := 0.5 + rng.Float64()
		primary := v.members[0]
		if rng.Float64() < 0.45 {
			primary = v.members[1+rng.IntN(len(v.members)-1)]
		}
		weights := weightsRural
		if v.urban {
			weights = weightsUrban
		}
		for wi, w := range weeks {
			if rng.Float64() >= p*tet[wi] {
				continue
			}
			day := w.AddDate(0, 0, weighted(rng, weekdayWeights))
			at := day.Add(time.Duration(7*60+rng.IntN(15*60)) * time.Minute)
			if day.Before(first) || at.After(now) {
				continue
			}
			date := day.Format(time.DateOnly)
			member := primary
			if rng.Float64() < 0.25 {
				member = v.members[rng.IntN(len(v.members))]
			}
			k := 1 + weighted(rng, []float64{20, 30, 30, 20})
			copy(chosen, weights)
			for n := 0; n < k; n++ {
				i := weighted(rng, chosen)
				if chosen[i] == 0 {
					break // nothing left to choose
				}
				chosen[i] = 0
				val := ds.activityValue(rng, i, vigour)
				ds.addReport(v, member, i, date, val, at)
				if i == buoi && n+1 < k {
					n++
					s := activitySpecs[luot]
					att := val * float64(s.lo+rng.IntN(s.hi-s.lo+1))
					ds.addReport(v, member, luot, date, att, at)
				}
			}
		}
	}
}

// activityValue draws one weekly value of activity indicator i.
func (ds *Dataset) activityValue(rng *rand.Rand, i int, vigour float64) float64 {
	s := activitySpecs[i]
	x := (rng.Float64() + rng.Float64()) / 2 * vigour
	v := s.lo + int(math.Round(x*float64(s.hi-s.lo)))
	return float64(min(max(v, s.lo), int(s.max)))
}

func (ds *Dataset) addReport(v *village, member, ind int, date string, val float64, at time.Time) {
	ds.Reports = append(ds.Reports, ReportRow{member, activitySpecs[ind].code, date, val, at})
	v.sums[ind] += int(val)
}

// niceRound rounds a planned value the way a plan is written: two
// significant digits above 100, whole tens above 20.
func niceRound(x float64) float64 {
	switch {
	case x < 5:
		return 5
	case x < 20:
		return math.Round(x)
	case x < 100:
		return math.Round(x/5) * 5
	}
	step := math.Pow(10, math.Floor(math.Log10(x))-1)
	return math.Round(x/step) * step
}

// genTargets sets the year's activity targets per district, sized from the
// district's last 52 weeks (a year's pace) times 0.9–1.3, the province's as
// their sum; and the sector plans at the province.
func (ds *Dataset) genTargets(rng *rand.Rand, districts []string, sums [][11]int) {
	year := fmt.Sprint(ds.Year)
	prov := make([]float64, len(activitySpecs))
	for d, code := range districts {
		for i, s := range activitySpecs {
			v := niceRound(float64(sums[d][i]) * (0.9 + 0.4*rng.Float64()))
			prov[i] += v
			ds.Targets = append(ds.Targets, TargetRow{s.code, code, year, v})
		}
	}
	for i, s := range activitySpecs {
		ds.Targets = append(ds.Targets, TargetRow{s.code, ProvinceCode, year, prov[i]})
	}
	ds.SectorYear = ds.Year
	if ds.Now.Before(time.Date(ds.Year, time.July, 21, 0, 0, 0, 0, ds.Now.Location())) {
		ds.SectorYear = ds.Year - 1
	}
	years := []int{ds.SectorYear}
	if ds.SectorYear != ds.Year {
		years = append(years, ds.Year)
	}
	for _, y := range years {
		for _, s := range sectorSpecs {
			ds.Targets = append(ds.Targets, TargetRow{s.code, ProvinceCode, fmt.Sprint(y), s.plan})
		}
	}
}

// genValues enters the seed's figures of 21/07 of the sector year.
func (ds *Dataset) genValues(loc *time.Location) {
	at := time.Date(ds.SectorYear, time.July, 21, 10, 0, 0, 0, loc)
	date := at.Format(time.DateOnly)
	for _, s := range sectorSpecs {
		r := ValueRow{IndicatorCode: s.code, UnitCode: ProvinceCode, Date: date, Value: s.value(), At: at}
		if s.den != 0 {
			r.Numerator, r.Denominator = ptr(s.num), ptr(s.den)
		}
		ds.Values = append(ds.Values, r)
	}
}

// Communes2025 returns the 99 communes of the merged Lào Cai province
// (code 15) since 1/7/2025, as units whose parent is the province "15".
// The demo loads the 2023 tree; this list is here for the reform's tests.
func Communes2025() []*cnsbot.Unit {
	var out []*cnsbot.Unit
	for _, r := range csvRows(communes2025CSV) {
		out = append(out, &cnsbot.Unit{
			Code: r[0], ParentCode: r[1], Level: LevelCommune, Name: r[3], FullName: r[4],
			ValidFrom: "2025-07-01",
		})
	}
	return out
}
