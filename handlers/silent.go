package handlers

import (
	"context"
	"fmt"
	"time"

	"cnsbot"
	"cnsbot/ask"
	"cnsbot/export"
	"cnsbot/textvi"
)

// The silent teams of a period, grouped by the unit one level below the
// scope they were asked for: /chuabaocao lists them, /xuat's XLSX has them
// all on a sheet of their own with the team lead and whether the bot can
// reach them.

// silentGroup is the silent teams under one child of the scope, or under
// the scope itself when a team sits on it.
type silentGroup struct {
	Unit  *cnsbot.Unit
	Teams []silentTeam
}

// silentTeam is one team with no report in the period.
type silentTeam struct {
	TeamID int64
	Label  string // the team's unit with its ancestors below the group: "Thôn Làng Mới, Xã Bản Phố"
}

// groupSilent groups the silent teams of res under the children of scope,
// groups and teams sorted the Vietnamese way.
func (b *base) groupSilent(ctx context.Context, scope *cnsbot.Unit, res *missingResult) ([]silentGroup, error) {
	if err := b.units.load(ctx, b.Units); err != nil {
		return nil, err
	}
	byID := map[int64]*silentGroup{}
	var groups []*silentGroup
	for _, a := range res.Silent {
		top, label := b.units.below(scope.ID, a.UnitID)
		if top == nil {
			// A unit newer than the index: listed under the scope itself.
			u, err := b.Units.FindUnitByID(ctx, a.UnitID)
			if err != nil {
				return nil, fmt.Errorf("find unit %d: %w", a.UnitID, err)
			}
			top, label = scope, u.DisplayName()
		}
		g := byID[top.ID]
		if g == nil {
			g = &silentGroup{Unit: top}
			byID[top.ID] = g
			groups = append(groups, g)
		}
		g.Teams = append(g.Teams, silentTeam{TeamID: a.TeamID, Label: label})
	}
	textvi.SortBy(groups, func(g *silentGroup) string { return g.Unit.Name })
	out := make([]silentGroup, 0, len(groups))
	for _, g := range groups {
		textvi.SortBy(g.Teams, func(t silentTeam) string { return t.Label })
		out = append(out, *g)
	}
	return out, nil
}

// grouped reports whether the groups say more than the teams: some team
// lies deeper than a child of the scope.
func grouped(groups []silentGroup) bool {
	for _, g := range groups {
		if len(g.Teams) > 1 || len(g.Teams) == 1 && g.Teams[0].Label != g.Unit.DisplayName() {
			return true
		}
	}
	return false
}

// silentSheet is the /xuat sheet of the teams of unit with no report in p.
func (b *base) silentSheet(ctx context.Context, req *Request, unit *cnsbot.Unit, p cnsbot.Period) (*export.SilentSheet, error) {
	res, err := b.computeMissing(ctx, unit.ID, p)
	if err != nil {
		return nil, err
	}
	groups, err := b.groupSilent(ctx, unit, res)
	if err != nil {
		return nil, err
	}
	sheet := &export.SilentSheet{Name: req.T("xuat.silent_sheet"), Title: req.T("xuat.silent_title",
		"Count", len(res.Silent), "Expected", res.Expected, "Unit", unit.DisplayName(), "Period", req.periodLabel(p))}
	for _, g := range groups {
		for _, t := range g.Teams {
			row := export.SilentRow{Group: g.Unit.DisplayName(), Team: t.Label}
			if row.Lead, row.LeadReachable, row.Reachable, err = b.teamContacts(ctx, t.TeamID); err != nil {
				return nil, err
			}
			sheet.Rows = append(sheet.Rows, row)
		}
	}
	return sheet, nil
}

// teamContacts returns a team's lead (the first on the roster), whether the
// bot can reach the lead — registered and not blocked — and how many of its
// members it can reach.
func (b *base) teamContacts(ctx context.Context, teamID int64) (lead string, leadReachable bool, reachable int, err error) {
	ms, _, err := b.Members.FindMembers(ctx, cnsbot.MemberFilter{TeamID: teamID})
	if err != nil {
		return "", false, 0, fmt.Errorf("find members of team %d: %w", teamID, err)
	}
	for _, m := range ms {
		ok := m.TelegramID != 0 && m.Status == cnsbot.StatusActive
		if ok {
			reachable++
		}
		if m.Role == cnsbot.RoleTeamLead && lead == "" && m.Status != cnsbot.StatusLeft {
			lead, leadReachable = m.FullName, ok
		}
	}
	return lead, leadReachable, reachable, nil
}

// exportArgs are the words after /xuat that name period p, checked by
// reading them back; "" when no short form names it.
func exportArgs(p cnsbot.Period, today time.Time) string {
	args := ask.DescribePeriod(p)
	if p.Kind == cnsbot.PeriodWeek {
		args = fmt.Sprintf("tuần %d", p.N)
	}
	if q, _, _, ok := ask.ParsePeriod(args, today); !ok || q.Code() != p.Code() {
		return ""
	}
	return args
}
