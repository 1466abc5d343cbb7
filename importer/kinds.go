package importer

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"cnsbot"
)

// A parse function checks every row of a batch, recording row errors in it,
// and returns the number of rows and the write to run when there are none.
// Its error is for failures other than bad rows (a lookup that broke).
type parseFunc func(context.Context, *batch) (int, func(context.Context) error, error)

// resolver looks codes up in the database, once per code.
type resolver struct {
	svc   Services
	units map[string]*cnsbot.Unit      // nil value: no such unit
	inds  map[string]*cnsbot.Indicator // nil value: no such indicator
}

func newResolver(svc Services) *resolver {
	return &resolver{svc: svc, units: map[string]*cnsbot.Unit{}, inds: map[string]*cnsbot.Indicator{}}
}

// unit returns the unit with the code, nil when there is none.
func (r *resolver) unit(ctx context.Context, code string) (*cnsbot.Unit, error) {
	if u, ok := r.units[code]; ok {
		return u, nil
	}
	if r.svc.Units == nil {
		return nil, errors.New("importer: no unit service")
	}
	u, err := r.svc.Units.FindUnitByCode(ctx, code)
	if cnsbot.IsNotFound(err) {
		u, err = nil, nil
	} else if err != nil {
		return nil, fmt.Errorf("find unit %q: %w", code, err)
	}
	r.units[code] = u
	return u, nil
}

// indicator returns the indicator with the code, trying it upper-cased too
// ("vneid" finds VNEID); nil when there is none.
func (r *resolver) indicator(ctx context.Context, code string) (*cnsbot.Indicator, error) {
	if ind, ok := r.inds[code]; ok {
		return ind, nil
	}
	if r.svc.Indicators == nil {
		return nil, errors.New("importer: no indicator service")
	}
	var ind *cnsbot.Indicator
	for _, c := range []string{code, strings.ToUpper(code)} {
		var err error
		ind, err = r.svc.Indicators.FindIndicatorByCode(ctx, c)
		if cnsbot.IsNotFound(err) {
			ind = nil
			if c == strings.ToUpper(code) {
				break
			}
			continue
		} else if err != nil {
			return nil, fmt.Errorf("find indicator %q: %w", c, err)
		}
		break
	}
	r.inds[code] = ind
	return ind, nil
}

// units checks a units file: codes unique in the file, parents in the
// database or in the file, no cycles in the file, dates valid. Units are
// written parents first; a code already stored is updated.
func (im *Importer) units(ctx context.Context, b *batch) (int, func(context.Context) error, error) {
	res := newResolver(im.svc)
	if !b.has("level") && !b.has("type") {
		return 0, nil, &ImportError{Rows: []RowError{{Line: b.t.header.line, Reason: "missing columns: level"}}}
	}
	type row struct {
		rec record
		u   *cnsbot.Unit
	}
	var first []*row // the first row of each code, in file order
	byCode := map[string]*row{}
	// Bad cells go to b.errs; the batch fails after all the checks.
	for _, rec := range b.t.rows {
		u := &cnsbot.Unit{
			Code:       b.text(rec, "code"),
			ParentCode: b.text(rec, "parent_code"),
			Name:       b.text(rec, "name"),
			FullName:   b.text(rec, "name_with_type"),
			Level:      b.text(rec, "level"),
		}
		if u.Code == "" {
			b.fail(rec, "code", "", "required")
		} else if prev, dup := byCode[u.Code]; dup {
			b.fail(rec, "code", u.Code, fmt.Sprintf("also on line %d", prev.rec.line))
		} else {
			existing, err := res.unit(ctx, u.Code)
			if err != nil {
				return 0, nil, err
			}
			if existing != nil {
				b.updated++ // ImportUnits upserts by code
			}
			r := &row{rec: rec, u: u}
			byCode[u.Code] = r
			first = append(first, r)
		}
		if u.ParentCode != "" && u.ParentCode == u.Code {
			b.fail(rec, "parent_code", u.ParentCode, "a unit cannot be its own parent")
		}
		if u.Name == "" {
			b.fail(rec, "name", "", "required")
		}
		if u.Level == "" {
			typ := b.text(rec, "type")
			u.Level = unitTypeLevels[headerKey(typ)]
			if headerKey(typ) == "thanh pho" {
				// A city is a province or a district depending on where it sits.
				u.Level = "district"
				if u.ParentCode == "" {
					u.Level = "province"
				}
			}
			if u.Level == "" && typ == "" {
				b.fail(rec, "level", "", "required")
			} else if u.Level == "" {
				b.fail(rec, "type", typ, "unknown unit type: fill the level column")
			}
		}
		u.ValidFrom, _ = b.date(rec, "valid_from")
		u.ValidTo, _ = b.date(rec, "valid_to")
		if u.ValidFrom != "" && u.ValidTo != "" && u.ValidTo < u.ValidFrom {
			b.fail(rec, "valid_to", b.text(rec, "valid_to"), "before valid_from")
		}
	}
	// Parents: in the file (any line) or in the database.
	for _, rec := range b.t.rows {
		pc := b.text(rec, "parent_code")
		if pc == "" || pc == b.text(rec, "code") {
			continue
		}
		if _, ok := byCode[pc]; ok {
			continue
		}
		p, err := res.unit(ctx, pc)
		if err != nil {
			return 0, nil, err
		}
		if p == nil {
			b.fail(rec, "parent_code", pc, "no such unit in the database or in this file")
		} else if r := byCode[b.text(rec, "code")]; r != nil && r.rec.line == rec.line {
			r.u.ParentID = p.ID
		}
	}
	// Order parents before children, keeping the file's order otherwise, and
	// catch cycles inside the file.
	var ordered []*cnsbot.Unit
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(r *row) bool
	visit = func(r *row) bool {
		switch state[r.u.Code] {
		case 1:
			return false
		case 2:
			return true
		}
		state[r.u.Code] = 1
		if p, ok := byCode[r.u.ParentCode]; ok && p != r && !visit(p) {
			return false
		}
		state[r.u.Code] = 2
		ordered = append(ordered, r.u)
		return true
	}
	for _, r := range first {
		if state[r.u.Code] == 0 && !visit(r) {
			b.fail(r.rec, "parent_code", r.u.ParentCode, "the parents in this file form a cycle")
			for c, s := range state {
				if s == 1 {
					state[c] = 2 // report each cycle once
				}
			}
		}
	}
	if len(b.errs) > 0 {
		return len(b.t.rows), nil, nil
	}
	return len(ordered), func(ctx context.Context) error {
		return im.svc.Import.ImportUnits(ctx, ordered)
	}, nil
}

// members checks a members file: names, phones (normalised, unique in the
// file), units that exist, roles. A phone already on the roster is updated.
func (im *Importer) members(ctx context.Context, b *batch) (int, func(context.Context) error, error) {
	res := newResolver(im.svc)
	var ms []*cnsbot.Member
	phones := map[string]int{} // normalised phone → line
	for _, rec := range b.t.rows {
		m := &cnsbot.Member{Status: cnsbot.StatusPending}
		name, ok := b.need(rec, "full_name")
		m.FullName = strings.Join(strings.Fields(name), " ")

		if raw, good := b.need(rec, "phone"); !good {
			ok = false
		} else if m.Phone = cnsbot.NormalizePhone(raw); m.Phone == "" {
			b.fail(rec, "phone", raw, "not a Vietnamese phone number")
			ok = false
		} else if line, dup := phones[m.Phone]; dup {
			b.fail(rec, "phone", raw, fmt.Sprintf("also on line %d", line))
			ok = false
		} else {
			phones[m.Phone] = rec.line
			if im.svc.Members != nil {
				_, err := im.svc.Members.FindMemberByPhone(ctx, m.Phone)
				if err == nil {
					b.updated++ // ImportMembers upserts by phone
				} else if !cnsbot.IsNotFound(err) {
					return 0, nil, fmt.Errorf("find member by phone: %w", err)
				}
			}
		}

		if code, good := b.need(rec, "unit_code"); !good {
			ok = false
		} else {
			u, err := res.unit(ctx, code)
			if err != nil {
				return 0, nil, err
			}
			if u == nil {
				b.fail(rec, "unit_code", code, "no such unit")
				ok = false
			} else {
				m.UnitID = u.ID
			}
		}

		if raw := b.text(rec, "role"); raw == "" {
			m.Role = cnsbot.RoleMember
		} else if role, good := cnsbot.ParseRole(raw); good {
			m.Role = role
		} else if role, good := cnsbot.ParseRole(fold(raw)); good {
			m.Role = role
		} else {
			b.fail(rec, "role", raw, "not a role (member, team_lead, leader, admin or thành viên, tổ trưởng, lãnh đạo, quản trị)")
			ok = false
		}
		if ok {
			ms = append(ms, m)
		}
	}
	return len(b.t.rows), func(ctx context.Context) error {
		return im.svc.Import.ImportMembers(ctx, ms)
	}, nil
}

// indicators checks an indicators file: codes unique in the file, kind,
// aggregation and direction known, bounds that are numbers. A code already
// stored is updated.
func (im *Importer) indicators(ctx context.Context, b *batch) (int, func(context.Context) error, error) {
	res := newResolver(im.svc)
	var inds []*cnsbot.Indicator
	codes := map[string]int{} // upper-cased code → line
	for i, rec := range b.t.rows {
		ind := &cnsbot.Indicator{Position: i + 1}
		code, ok := b.need(rec, "code")
		ind.Code = code
		if ok {
			key := strings.ToUpper(code)
			if line, dup := codes[key]; dup {
				b.fail(rec, "code", code, fmt.Sprintf("also on line %d", line))
				ok = false
			} else {
				codes[key] = rec.line
				existing, err := res.indicator(ctx, code)
				if err != nil {
					return 0, nil, err
				}
				if existing != nil {
					b.updated++ // ImportIndicators upserts by code
				}
			}
		}
		var good bool
		if ind.NameVI, good = b.need(rec, "name_vi"); !good {
			ok = false
		}
		ind.NameEN = b.text(rec, "name_en")
		if ind.Unit, good = b.need(rec, "unit"); !good {
			ok = false
		}
		if v, good := b.word(rec, "kind", kindWords, "activity or sector"); good {
			ind.Kind = cnsbot.IndicatorKind(v)
		} else {
			ok = false
		}
		if v, good := b.word(rec, "aggregation", aggregationWords, "sum or last"); good {
			ind.Aggregation = cnsbot.Aggregation(v)
		} else {
			ok = false
		}
		if v, good := b.word(rec, "direction", directionWords, "higher, lower or done"); good {
			ind.Direction = cnsbot.Direction(v)
		} else {
			ok = false
		}
		ind.Aliases = splitAliases(b.text(rec, "aliases"))
		if ind.Min, good = b.number(rec, "min"); !good {
			ok = false
		}
		if ind.Max, good = b.number(rec, "max"); !good {
			ok = false
		}
		if ind.Min != nil && ind.Max != nil && *ind.Max < *ind.Min {
			b.fail(rec, "max", b.text(rec, "max"), "smaller than min")
			ok = false
		}
		ind.NumeratorLabel = b.text(rec, "numerator_label")
		ind.DenominatorLabel = b.text(rec, "denominator_label")
		if p := b.text(rec, "position"); p != "" {
			n, err := strconv.Atoi(p)
			if err != nil || n < 0 {
				b.fail(rec, "position", p, "not a whole number")
				ok = false
			}
			ind.Position = n
		}
		if ok {
			inds = append(inds, ind)
		}
	}
	return len(b.t.rows), func(ctx context.Context) error {
		return im.svc.Import.ImportIndicators(ctx, inds)
	}, nil
}

// word reads a cell that must be one of a few words, matched folded.
func (b *batch) word(rec record, col string, words map[string]string, want string) (string, bool) {
	raw, ok := b.need(rec, col)
	if !ok {
		return "", false
	}
	if v, ok := words[headerKey(raw)]; ok {
		return v, true
	}
	b.fail(rec, col, raw, "not one of "+want)
	return "", false
}

// splitAliases splits "vneid; định danh;;ddđt" into trimmed, distinct words.
func splitAliases(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range strings.Split(s, ";") {
		a = strings.Join(strings.Fields(a), " ")
		if a == "" || seen[fold(a)] {
			continue
		}
		seen[fold(a)] = true
		out = append(out, a)
	}
	return out
}

// refs reads and resolves the indicator_code and unit_code cells of a row.
func (b *batch) refs(ctx context.Context, res *resolver, rec record) (*cnsbot.Indicator, *cnsbot.Unit, bool, error) {
	ok := true
	var ind *cnsbot.Indicator
	var u *cnsbot.Unit
	if code, good := b.need(rec, "indicator_code"); !good {
		ok = false
	} else {
		var err error
		if ind, err = res.indicator(ctx, code); err != nil {
			return nil, nil, false, err
		}
		if ind == nil {
			b.fail(rec, "indicator_code", code, "no such indicator")
			ok = false
		}
	}
	if code, good := b.need(rec, "unit_code"); !good {
		ok = false
	} else {
		var err error
		if u, err = res.unit(ctx, code); err != nil {
			return nil, nil, false, err
		}
		if u == nil {
			b.fail(rec, "unit_code", code, "no such unit")
			ok = false
		}
	}
	return ind, u, ok, nil
}

// targets checks a targets file: indicators and units exist, periods are
// valid, values are numbers, no (indicator, unit, period) twice.
func (im *Importer) targets(ctx context.Context, b *batch) (int, func(context.Context) error, error) {
	res := newResolver(im.svc)
	var ts []*cnsbot.Target
	seen := map[string]int{}
	for _, rec := range b.t.rows {
		ind, u, ok, err := b.refs(ctx, res, rec)
		if err != nil {
			return 0, nil, err
		}
		t := &cnsbot.Target{}
		if raw, good := b.need(rec, "period"); !good {
			ok = false
		} else if p, good := b.period(rec, raw); !good {
			ok = false
		} else {
			t.Period = p
		}
		if v, good := b.number(rec, "value"); !good {
			ok = false
		} else if v == nil {
			b.fail(rec, "value", "", "required")
			ok = false
		} else {
			t.Value = *v
		}
		if !ok {
			continue
		}
		t.IndicatorID, t.UnitID = ind.ID, u.ID
		key := fmt.Sprintf("%d/%d/%s", ind.ID, u.ID, t.Period)
		if line, dup := seen[key]; dup {
			b.fail(rec, "", "", fmt.Sprintf("same indicator, unit and period as line %d", line))
			continue
		}
		seen[key] = rec.line
		ts = append(ts, t)
	}
	return len(b.t.rows), func(ctx context.Context) error {
		return im.svc.Import.ImportTargets(ctx, ts)
	}, nil
}

// period validates a period cell. An XLSX number cell holding a year is
// fine.
func (b *batch) period(rec record, raw string) (string, bool) {
	if p, ok := parsePeriod(raw); ok {
		return p, true
	}
	b.fail(rec, "period", raw, "not a period (2026, 2026-H1, 2026-Q3, 2026-07 or 2026-W30)")
	return "", false
}

// values checks a values file: sector indicators and units exist, dates and
// numbers are valid and within the indicator's bounds, numerator and
// denominator come together, no (indicator, unit, date) twice.
func (im *Importer) values(ctx context.Context, b *batch) (int, func(context.Context) error, error) {
	res := newResolver(im.svc)
	var rs []*cnsbot.Report
	seen := map[string]int{}
	for _, rec := range b.t.rows {
		ind, u, ok, err := b.refs(ctx, res, rec)
		if err != nil {
			return 0, nil, err
		}
		if ind != nil && ind.Kind != cnsbot.KindSector {
			b.fail(rec, "indicator_code", b.text(rec, "indicator_code"), "not a sector indicator: teams report it")
			ok = false
		}
		r := &cnsbot.Report{Source: cnsbot.SourceImport, Note: b.text(rec, "note")}
		var good bool
		if r.Date, good = b.date(rec, "date"); !good {
			ok = false
		} else if r.Date == "" {
			b.fail(rec, "date", "", "required")
			ok = false
		}
		value, valueOK := b.number(rec, "value")
		ok = ok && valueOK
		if r.Numerator, good = b.number(rec, "numerator"); !good {
			ok = false
		}
		if r.Denominator, good = b.number(rec, "denominator"); !good {
			ok = false
		}
		switch {
		case (r.Numerator == nil) != (r.Denominator == nil):
			if b.text(rec, "numerator") == "" {
				b.fail(rec, "numerator", "", "required when denominator is given")
			} else if b.text(rec, "denominator") == "" {
				b.fail(rec, "denominator", "", "required when numerator is given")
			}
			ok = false
		case r.Denominator != nil && *r.Denominator == 0:
			b.fail(rec, "denominator", b.text(rec, "denominator"), "must not be 0")
			ok = false
		}
		if value == nil && valueOK && r.Numerator != nil && r.Denominator != nil && *r.Denominator != 0 {
			// 156/163 of a % indicator is 95,7.
			v := *r.Numerator / *r.Denominator
			if ind != nil && ind.Unit == "%" {
				v *= 100
			}
			value = &v
		}
		if value == nil {
			if valueOK {
				b.fail(rec, "value", "", "required")
			}
			ok = false
		} else {
			r.Value = *value
			if ind != nil && ind.Min != nil && r.Value < *ind.Min {
				b.fail(rec, "value", b.text(rec, "value"), fmt.Sprintf("below the minimum %v", *ind.Min))
				ok = false
			}
			if ind != nil && ind.Max != nil && r.Value > *ind.Max {
				b.fail(rec, "value", b.text(rec, "value"), fmt.Sprintf("above the maximum %v", *ind.Max))
				ok = false
			}
		}
		if !ok {
			continue
		}
		r.IndicatorID, r.UnitID = ind.ID, u.ID
		// The same fact imported twice conflicts instead of adding up.
		r.IdempotencyKey = fmt.Sprintf("import:%s:%s:%s", ind.Code, u.Code, r.Date)
		if line, dup := seen[r.IdempotencyKey]; dup {
			b.fail(rec, "", "", fmt.Sprintf("same indicator, unit and date as line %d", line))
			continue
		}
		seen[r.IdempotencyKey] = rec.line
		if im.svc.Reports != nil {
			dup, err := imported(ctx, im.svc.Reports, r)
			if err != nil {
				return 0, nil, err
			}
			if dup {
				b.fail(rec, "", "", "already imported: correct the stored value instead")
				continue
			}
		}
		rs = append(rs, r)
	}
	return len(b.t.rows), func(ctx context.Context) error {
		return im.svc.Import.ImportReports(ctx, rs)
	}, nil
}

// imported reports whether a report with r's idempotency key is stored: the
// same indicator, unit and date from an earlier import.
func imported(ctx context.Context, reports cnsbot.ReportService, r *cnsbot.Report) (bool, error) {
	// UnitID selects a subtree; the key comparison keeps the unit itself.
	found, _, err := reports.FindReports(ctx, cnsbot.ReportFilter{
		IndicatorID: r.IndicatorID, UnitID: r.UnitID, From: r.Date, To: r.Date, WithRevoked: true,
	})
	if err != nil {
		return false, fmt.Errorf("find reports: %w", err)
	}
	for _, f := range found {
		if f.IdempotencyKey == r.IdempotencyKey {
			return true, nil
		}
	}
	return false, nil
}
