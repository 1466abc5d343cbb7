package importer_test

import (
	"context"
	"sync"

	"cnsbot"
	"cnsbot/importer"
)

// fakeDB is an in-memory stand-in for the storage services. The embedded
// interfaces are nil: a method the importer should not call panics.
type fakeDB struct {
	cnsbot.UnitService
	cnsbot.IndicatorService
	cnsbot.MemberService
	cnsbot.ReportService

	mu      sync.Mutex
	nextID  int64
	units   map[string]*cnsbot.Unit
	inds    map[string]*cnsbot.Indicator
	members map[string]*cnsbot.Member // by phone
	reports []*cnsbot.Report
	calls   int // Import* calls

	gotUnits   []*cnsbot.Unit
	gotMembers []*cnsbot.Member
	gotInds    []*cnsbot.Indicator
	gotTargets []*cnsbot.Target
	gotReports []*cnsbot.Report
}

func newFakeDB() *fakeDB {
	return &fakeDB{
		units:   map[string]*cnsbot.Unit{},
		inds:    map[string]*cnsbot.Indicator{},
		members: map[string]*cnsbot.Member{},
	}
}

func (db *fakeDB) services() importer.Services {
	return importer.Services{Import: db, Units: db, Indicators: db, Members: db, Reports: db}
}

func (db *fakeDB) addUnit(code, parent, level, name string) *cnsbot.Unit {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.nextID++
	u := &cnsbot.Unit{ID: db.nextID, Code: code, ParentCode: parent, Level: level, Name: name}
	db.units[code] = u
	return u
}

func (db *fakeDB) addIndicator(code string, kind cnsbot.IndicatorKind, unit string) *cnsbot.Indicator {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.nextID++
	ind := &cnsbot.Indicator{ID: db.nextID, Code: code, NameVI: code, Unit: unit, Kind: kind}
	db.inds[code] = ind
	return ind
}

func notFound() error { return cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found") }

func (db *fakeDB) FindUnitByCode(_ context.Context, code string) (*cnsbot.Unit, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if u, ok := db.units[code]; ok {
		return u, nil
	}
	return nil, notFound()
}

func (db *fakeDB) FindIndicatorByCode(_ context.Context, code string) (*cnsbot.Indicator, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if ind, ok := db.inds[code]; ok {
		return ind, nil
	}
	return nil, notFound()
}

func (db *fakeDB) FindMemberByPhone(_ context.Context, phone string) (*cnsbot.Member, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if m, ok := db.members[phone]; ok {
		return m, nil
	}
	return nil, notFound()
}

func (db *fakeDB) ImportUnits(_ context.Context, us []*cnsbot.Unit) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.calls++
	db.gotUnits = us
	return nil
}

func (db *fakeDB) ImportMembers(_ context.Context, ms []*cnsbot.Member) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.calls++
	db.gotMembers = ms
	return nil
}

func (db *fakeDB) ImportIndicators(_ context.Context, inds []*cnsbot.Indicator) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.calls++
	db.gotInds = inds
	return nil
}

func (db *fakeDB) ImportTargets(_ context.Context, ts []*cnsbot.Target) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.calls++
	db.gotTargets = ts
	return nil
}

func (db *fakeDB) ImportReports(_ context.Context, rs []*cnsbot.Report) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	db.calls++
	db.gotReports = rs
	return nil
}

// FindReports matches the indicator, the unit itself (not its subtree) and
// the dates, which is all the importer asks.
func (db *fakeDB) FindReports(_ context.Context, f cnsbot.ReportFilter) ([]*cnsbot.Report, int, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	var out []*cnsbot.Report
	for _, r := range db.reports {
		if r.IndicatorID == f.IndicatorID && r.UnitID == f.UnitID && r.Date >= f.From && r.Date <= f.To {
			out = append(out, r)
		}
	}
	return out, len(out), nil
}
