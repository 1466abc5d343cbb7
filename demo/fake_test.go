package demo

import (
	"context"
	"sync"

	"cnsbot"
)

// fakeStore is an in-memory store with just what Load uses. The embedded
// interfaces are nil: calling any other method panics, which a test notices.
type fakeStore struct {
	cnsbot.UnitService
	cnsbot.MemberService
	cnsbot.IndicatorService
	cnsbot.TeamService

	mu         sync.Mutex
	units      []*cnsbot.Unit
	unitByCode map[string]*cnsbot.Unit
	members    []*cnsbot.Member
	teams      map[int64]int64 // unit id → team id
	indicators []*cnsbot.Indicator
	targets    []*cnsbot.Target
	reports    []*cnsbot.Report
}

func newFakeStore() *fakeStore {
	return &fakeStore{unitByCode: map[string]*cnsbot.Unit{}, teams: map[int64]int64{}}
}

func (s *fakeStore) services() Services {
	return Services{Import: (*fakeImport)(s), Units: (*fakeUnits)(s), Members: (*fakeMembers)(s),
		Indicators: (*fakeIndicators)(s), Teams: (*fakeTeams)(s)}
}

func notFound() error { return cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found") }

type fakeImport fakeStore

func (f *fakeImport) ImportUnits(ctx context.Context, us []*cnsbot.Unit) error {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range us {
		if s.unitByCode[u.Code] != nil {
			return cnsbot.Errorf(cnsbot.ECONFLICT, "error.conflict")
		}
		c := *u
		if c.ParentCode != "" {
			p := s.unitByCode[c.ParentCode]
			if p == nil {
				return cnsbot.Errorf(cnsbot.EINVALID, "error.unknown_parent")
			}
			c.ParentID = p.ID
		}
		c.ID = int64(len(s.units) + 1)
		s.units = append(s.units, &c)
		s.unitByCode[c.Code] = &c
	}
	return nil
}

func (f *fakeImport) ImportMembers(ctx context.Context, ms []*cnsbot.Member) error {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	phones := map[string]bool{}
	for _, m := range s.members {
		phones[m.Phone] = true
	}
	for _, m := range ms {
		if m.UnitID == 0 || m.UnitID > int64(len(s.units)) {
			return cnsbot.Errorf(cnsbot.EINVALID, "error.unknown_unit")
		}
		if phones[m.Phone] || cnsbot.NormalizePhone(m.Phone) != m.Phone {
			return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid_phone")
		}
		phones[m.Phone] = true
		c := *m
		c.ID = int64(len(s.members) + 1)
		if c.Role == cnsbot.RoleMember || c.Role == cnsbot.RoleTeamLead {
			if s.teams[c.UnitID] == 0 {
				s.teams[c.UnitID] = int64(len(s.teams) + 1)
			}
			c.TeamID = s.teams[c.UnitID]
		}
		s.members = append(s.members, &c)
	}
	return nil
}

func (f *fakeImport) ImportIndicators(ctx context.Context, inds []*cnsbot.Indicator) error {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ind := range inds {
		c := *ind
		c.ID = int64(len(s.indicators) + 1)
		s.indicators = append(s.indicators, &c)
	}
	return nil
}

func (f *fakeImport) ImportTargets(ctx context.Context, ts []*cnsbot.Target) error {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range ts {
		if t.IndicatorID == 0 || t.UnitID == 0 {
			return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid")
		}
		c := *t
		s.targets = append(s.targets, &c)
	}
	return nil
}

func (f *fakeImport) ImportReports(ctx context.Context, rs []*cnsbot.Report) error {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range rs {
		if r.IndicatorID == 0 || r.UnitID == 0 || r.Date == "" {
			return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid")
		}
		c := *r
		c.ID = int64(len(s.reports) + 1)
		s.reports = append(s.reports, &c)
	}
	return nil
}

type fakeUnits fakeStore

func (f *fakeUnits) FindUnitByCode(ctx context.Context, code string) (*cnsbot.Unit, error) {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.unitByCode[code]; u != nil {
		c := *u
		return &c, nil
	}
	return nil, notFound()
}

func (f *fakeUnits) FindUnits(ctx context.Context, flt cnsbot.UnitFilter) ([]*cnsbot.Unit, error) {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*cnsbot.Unit
	for _, u := range s.units {
		if flt.Level != "" && u.Level != flt.Level {
			continue
		}
		c := *u
		out = append(out, &c)
	}
	return out, nil
}

type fakeMembers fakeStore

func (f *fakeMembers) FindMembers(ctx context.Context, flt cnsbot.MemberFilter) ([]*cnsbot.Member, int, error) {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*cnsbot.Member
	for _, m := range s.members {
		if flt.Role != "" && m.Role != flt.Role {
			continue
		}
		all = append(all, m)
	}
	n := len(all)
	all = all[min(flt.Offset, n):]
	if flt.Limit > 0 && len(all) > flt.Limit {
		all = all[:flt.Limit]
	}
	out := make([]*cnsbot.Member, len(all))
	for i, m := range all {
		c := *m
		out[i] = &c
	}
	return out, n, nil
}

func (f *fakeMembers) FindMemberByPhone(ctx context.Context, phone string) (*cnsbot.Member, error) {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.members {
		if m.Phone == phone {
			c := *m
			return &c, nil
		}
	}
	return nil, notFound()
}

type fakeIndicators fakeStore

func (f *fakeIndicators) FindIndicators(ctx context.Context, flt cnsbot.IndicatorFilter) ([]*cnsbot.Indicator, error) {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*cnsbot.Indicator
	for _, ind := range s.indicators {
		if flt.Kind != "" && ind.Kind != flt.Kind {
			continue
		}
		c := *ind
		out = append(out, &c)
	}
	return out, nil
}

type fakeTeams fakeStore

func (f *fakeTeams) FindTeamByUnitID(ctx context.Context, unitID int64) (*cnsbot.Team, error) {
	s := (*fakeStore)(f)
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := s.teams[unitID]; id != 0 {
		return &cnsbot.Team{ID: id, UnitID: unitID}, nil
	}
	return nil, notFound()
}
