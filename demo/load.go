package demo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"cnsbot"
)

// Services are the domain services Load writes through and reads back with.
// Teams is optional: it is used only when the roster read back lacks the
// team of a member (a store that does not fill Member.TeamID).
type Services struct {
	Import     cnsbot.ImportService
	Units      cnsbot.UnitService
	Members    cnsbot.MemberService
	Indicators cnsbot.IndicatorService
	Teams      cnsbot.TeamService
}

// Summary counts what Load wrote, as read back from the store where the
// store can say (units, teams, members, indicators).
type Summary struct {
	Provinces, Districts, Communes, Villages int
	Teams                                    int
	TeamLeads, Members, Leaders, Admins      int // Members: role member only
	ActivityIndicators, SectorIndicators     int
	Targets                                  int
	SectorValues                             int
	Reports                                  int // activity reports
	FirstDate, LastDate                      string
	SectorYear                               int
	Elapsed                                  time.Duration
}

// Roster returns everyone on the roster.
func (s *Summary) Roster() int { return s.TeamLeads + s.Members + s.Leaders + s.Admins }

// String prints the counts in Vietnamese, with Vietnamese number formatting
// (1.562, 3,2 giây).
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Dữ liệu mẫu tỉnh Lào Cai:\n")
	fmt.Fprintf(&b, "  đơn vị: %s tỉnh, %s huyện, %s xã/phường/thị trấn, %s thôn/tổ dân phố\n",
		num(s.Provinces), num(s.Districts), num(s.Communes), num(s.Villages))
	fmt.Fprintf(&b, "  tổ công nghệ số cộng đồng: %s tổ, %s thành viên tổ (%s tổ trưởng, %s thành viên)\n",
		num(s.Teams), num(s.TeamLeads+s.Members), num(s.TeamLeads), num(s.Members))
	fmt.Fprintf(&b, "  lãnh đạo: %s, quản trị: %s; tổng cộng %s người trong danh sách\n",
		num(s.Leaders), num(s.Admins), num(s.Roster()))
	fmt.Fprintf(&b, "  chỉ tiêu: %s hoạt động, %s chỉ tiêu ngành; %s kế hoạch\n",
		num(s.ActivityIndicators), num(s.SectorIndicators), num(s.Targets))
	fmt.Fprintf(&b, "  số liệu ngành: %s giá trị (ngày 21/07/%d)\n", num(s.SectorValues), s.SectorYear)
	fmt.Fprintf(&b, "  báo cáo hoạt động: %s", num(s.Reports))
	if s.FirstDate != "" {
		fmt.Fprintf(&b, " (từ %s đến %s)", viDate(s.FirstDate), viDate(s.LastDate))
	}
	b.WriteString("\n")
	if s.Elapsed > 0 {
		fmt.Fprintf(&b, "  thời gian nạp: %s giây\n", strings.Replace(strconv.FormatFloat(s.Elapsed.Seconds(), 'f', 1, 64), ".", ",", 1))
	}
	return b.String()
}

// num formats an integer the Vietnamese way: 7.363.
func num(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// viDate turns YYYY-MM-DD into DD/MM/YYYY.
func viDate(s string) string {
	if len(s) != 10 {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[0:4]
}

// Loaded reports whether the demo data is already in the store: the demo
// province (unit code 10) exists.
func Loaded(ctx context.Context, svc Services) (bool, error) {
	_, err := svc.Units.FindUnitByCode(ctx, ProvinceCode)
	if cnsbot.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("find demo province: %w", err)
	}
	return true, nil
}

// Load generates the demo world for now and writes it through svc: units,
// roster (teams are created by ImportMembers), indicators, targets, sector
// values and activity reports. It returns ECONFLICT "demo.already_loaded"
// when the demo province exists already.
func Load(ctx context.Context, svc Services, now time.Time, loc *time.Location) (*Summary, error) {
	start := time.Now()
	if ok, err := Loaded(ctx, svc); err != nil {
		return nil, err
	} else if ok {
		return nil, cnsbot.Errorf(cnsbot.ECONFLICT, "demo.already_loaded")
	}
	s, err := LoadDataset(ctx, svc, Generate(now, loc))
	if err != nil {
		return nil, err
	}
	s.Elapsed = time.Since(start)
	return s, nil
}

// LoadDataset writes a generated dataset through svc and counts what the
// store holds afterwards. It does not check whether the data exists: the
// import fails with the store's ECONFLICT then.
func LoadDataset(ctx context.Context, svc Services, ds *Dataset) (*Summary, error) {
	start := time.Now()
	s := &Summary{SectorYear: ds.SectorYear}

	// Units: parents come first in ds.Units, each naming its parent by code.
	units := make([]*cnsbot.Unit, len(ds.Units))
	for i, u := range ds.Units {
		c := *u
		units[i] = &c
	}
	if err := svc.Import.ImportUnits(ctx, units); err != nil {
		return nil, fmt.Errorf("import demo units: %w", err)
	}
	unitIDs, levels, err := unitIDs(ctx, svc.Units, ds.Units)
	if err != nil {
		return nil, err
	}
	for _, u := range ds.Units {
		switch levels[u.Code] {
		case LevelProvince:
			s.Provinces++
		case LevelDistrict:
			s.Districts++
		case LevelCommune:
			s.Communes++
		case LevelVillage:
			s.Villages++
		}
	}

	// Roster.
	members := make([]cnsbot.Member, len(ds.Members))
	mptrs := make([]*cnsbot.Member, len(ds.Members))
	for i, r := range ds.Members {
		members[i] = cnsbot.Member{FullName: r.FullName, Phone: r.Phone, UnitID: unitIDs[r.UnitCode],
			Role: r.Role, Status: cnsbot.StatusPending}
		mptrs[i] = &members[i]
	}
	if err := svc.Import.ImportMembers(ctx, mptrs); err != nil {
		return nil, fmt.Errorf("import demo members: %w", err)
	}
	stored, err := readRoster(ctx, svc, ds)
	if err != nil {
		return nil, err
	}
	teams := map[int64]bool{}
	for _, m := range stored {
		switch m.Role {
		case cnsbot.RoleTeamLead:
			s.TeamLeads++
		case cnsbot.RoleMember:
			s.Members++
		case cnsbot.RoleLeader:
			s.Leaders++
		case cnsbot.RoleAdmin:
			s.Admins++
		}
		if m.TeamID != 0 {
			teams[m.TeamID] = true
		}
	}
	s.Teams = len(teams)

	// Indicators.
	inds := make([]*cnsbot.Indicator, len(ds.Indicators))
	for i, ind := range ds.Indicators {
		c := *ind
		c.Aliases = append([]string(nil), ind.Aliases...)
		inds[i] = &c
	}
	if err := svc.Import.ImportIndicators(ctx, inds); err != nil {
		return nil, fmt.Errorf("import demo indicators: %w", err)
	}
	found, err := svc.Indicators.FindIndicators(ctx, cnsbot.IndicatorFilter{})
	if err != nil {
		return nil, fmt.Errorf("find demo indicators: %w", err)
	}
	indIDs := map[string]int64{}
	for _, ind := range found {
		indIDs[ind.Code] = ind.ID
		switch ind.Kind {
		case cnsbot.KindActivity:
			s.ActivityIndicators++
		case cnsbot.KindSector:
			s.SectorIndicators++
		}
	}
	for _, ind := range ds.Indicators {
		if indIDs[ind.Code] == 0 {
			return nil, fmt.Errorf("find demo indicator %s: %w", ind.Code, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found"))
		}
	}

	// Targets.
	targets := make([]*cnsbot.Target, len(ds.Targets))
	for i, t := range ds.Targets {
		targets[i] = &cnsbot.Target{IndicatorID: indIDs[t.IndicatorCode], UnitID: unitIDs[t.UnitCode],
			Period: t.Period, Value: t.Value}
	}
	if err := svc.Import.ImportTargets(ctx, targets); err != nil {
		return nil, fmt.Errorf("import demo targets: %w", err)
	}
	s.Targets = len(targets)

	// Sector values: entered by staff, so an import without member or team.
	values := make([]*cnsbot.Report, len(ds.Values))
	for i, v := range ds.Values {
		values[i] = &cnsbot.Report{UnitID: unitIDs[v.UnitCode], Date: v.Date, IndicatorID: indIDs[v.IndicatorCode],
			Value: v.Value, Numerator: v.Numerator, Denominator: v.Denominator, Source: cnsbot.SourceImport,
			CreatedAt: v.At, UpdatedAt: v.At}
	}
	if err := svc.Import.ImportReports(ctx, values); err != nil {
		return nil, fmt.Errorf("import demo sector values: %w", err)
	}
	s.SectorValues = len(values)

	// Activity reports: as if sent in the chat by the member, on the
	// member's team and village.
	reports := make([]cnsbot.Report, len(ds.Reports))
	rptrs := make([]*cnsbot.Report, len(ds.Reports))
	for i, r := range ds.Reports {
		m := stored[r.Member]
		reports[i] = cnsbot.Report{MemberID: m.ID, TeamID: m.TeamID, UnitID: m.UnitID, Date: r.Date,
			IndicatorID: indIDs[r.Indicator], Value: r.Value, Source: cnsbot.SourceChat,
			CreatedAt: r.At, UpdatedAt: r.At}
		rptrs[i] = &reports[i]
		if s.FirstDate == "" || r.Date < s.FirstDate {
			s.FirstDate = r.Date
		}
		if r.Date > s.LastDate {
			s.LastDate = r.Date
		}
	}
	if err := svc.Import.ImportReports(ctx, rptrs); err != nil {
		return nil, fmt.Errorf("import demo reports: %w", err)
	}
	s.Reports = len(rptrs)
	s.Elapsed = time.Since(start)
	return s, nil
}

// unitIDs reads back the ids and levels of the imported units: one query
// for the whole tree, then one lookup per unit the store did not return.
func unitIDs(ctx context.Context, svc cnsbot.UnitService, want []*cnsbot.Unit) (map[string]int64, map[string]string, error) {
	all, err := svc.FindUnits(ctx, cnsbot.UnitFilter{})
	if err != nil {
		return nil, nil, fmt.Errorf("find demo units: %w", err)
	}
	ids := make(map[string]int64, len(all))
	levels := make(map[string]string, len(all))
	for _, u := range all {
		ids[u.Code], levels[u.Code] = u.ID, u.Level
	}
	for _, u := range want {
		if ids[u.Code] != 0 {
			continue
		}
		found, err := svc.FindUnitByCode(ctx, u.Code)
		if err != nil {
			return nil, nil, fmt.Errorf("find demo unit %q: %w", u.Code, err)
		}
		ids[u.Code], levels[u.Code] = found.ID, found.Level
	}
	return ids, levels, nil
}

// rosterPage is how many members one FindMembers call reads.
const rosterPage = 5000

// readRoster reads back the imported members, in the order of ds.Members,
// with their ids, teams and units.
func readRoster(ctx context.Context, svc Services, ds *Dataset) ([]*cnsbot.Member, error) {
	byPhone := make(map[string]*cnsbot.Member, len(ds.Members))
	for off := 0; ; off += rosterPage {
		page, total, err := svc.Members.FindMembers(ctx, cnsbot.MemberFilter{Offset: off, Limit: rosterPage})
		if err != nil {
			return nil, fmt.Errorf("find demo members: %w", err)
		}
		for _, m := range page {
			byPhone[m.Phone] = m
		}
		if len(page) < rosterPage || off+len(page) >= total {
			break
		}
	}
	out := make([]*cnsbot.Member, len(ds.Members))
	teamOfUnit := map[int64]int64{}
	for i, r := range ds.Members {
		m := byPhone[r.Phone]
		if m == nil {
			found, err := svc.Members.FindMemberByPhone(ctx, r.Phone)
			if err != nil {
				return nil, fmt.Errorf("find demo member %s: %w", r.Phone, err)
			}
			m = found
		}
		if m.TeamID == 0 && (m.Role == cnsbot.RoleMember || m.Role == cnsbot.RoleTeamLead) && svc.Teams != nil {
			id, ok := teamOfUnit[m.UnitID]
			if !ok {
				t, err := svc.Teams.FindTeamByUnitID(ctx, m.UnitID)
				if err != nil {
					return nil, fmt.Errorf("find demo team of unit %d: %w", m.UnitID, err)
				}
				id = t.ID
				teamOfUnit[m.UnitID] = id
			}
			m.TeamID = id
		}
		out[i] = m
	}
	return out, nil
}
