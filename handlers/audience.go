package handlers

import (
	"context"
	"fmt"

	"cnsbot"
)

// Audiences, shared by broadcasts, reminders and schedules: who is
// reachable in a unit's subtree, which teams are silent in a period, and
// queueing one message per member through the outbox.

// recipients returns the reachable members of an audience in a unit's
// subtree.
func (b *base) recipients(ctx context.Context, unitID int64, audience string) ([]*cnsbot.Member, error) {
	var out []*cnsbot.Member
	add := func(f cnsbot.MemberFilter) error {
		f.UnitID, f.Status = unitID, cnsbot.StatusActive
		ms, _, err := b.Members.FindMembers(ctx, f)
		if err != nil {
			return fmt.Errorf("find audience: %w", err)
		}
		for _, m := range ms {
			if m.TelegramID != 0 {
				out = append(out, m)
			}
		}
		return nil
	}
	switch audience {
	case bcAll:
		return out, add(cnsbot.MemberFilter{})
	case bcLeads:
		return out, add(cnsbot.MemberFilter{Role: cnsbot.RoleTeamLead})
	case bcLeaders:
		if err := add(cnsbot.MemberFilter{Role: cnsbot.RoleLeader}); err != nil {
			return nil, err
		}
		return out, add(cnsbot.MemberFilter{Role: cnsbot.RoleAdmin})
	case bcSilent:
		return b.silentTeamMembers(ctx, unitID, cnsbot.PeriodOf(cnsbot.PeriodWeek, b.today()), nil)
	}
	return nil, cnsbot.Errorf(cnsbot.EINVALID, "error.stale_button")
}

// silentTeamMembers returns the reachable members of the teams with no
// report in p, optionally only those of a role.
func (b *base) silentTeamMembers(ctx context.Context, unitID int64, p cnsbot.Period, role *cnsbot.Role) ([]*cnsbot.Member, error) {
	res, err := b.computeMissing(ctx, unitID, p)
	if err != nil {
		return nil, err
	}
	var out []*cnsbot.Member
	for _, a := range res.Silent {
		f := cnsbot.MemberFilter{TeamID: a.TeamID, Status: cnsbot.StatusActive}
		if role != nil {
			f.Role = *role
		}
		ms, _, err := b.Members.FindMembers(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("find members of team %d: %w", a.TeamID, err)
		}
		for _, m := range ms {
			if m.TelegramID != 0 {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// computeMissing counts the teams of a unit's subtree that reported in p,
// on time or not, and lists the silent ones.
func (b *base) computeMissing(ctx context.Context, unitID int64, p cnsbot.Period) (*missingResult, error) {
	acts, err := b.Figures.TeamActivity(ctx, unitID, p.From, p.To)
	if err != nil {
		return nil, fmt.Errorf("team activity: %w", err)
	}
	deadline := b.endOfDay(p.To)
	res := &missingResult{Period: p, Expected: len(acts)}
	for _, a := range acts {
		if a.Reports == 0 {
			res.Silent = append(res.Silent, a)
			continue
		}
		res.Reported++
		if !a.FirstSentAt.After(deadline) {
			res.OnTime++
		}
	}
	return res, nil
}

// queueReminders queues one reminder per member, in the member's language,
// as one outbox batch; the delivery report goes to reportChat when set.
func (b *base) queueReminders(ctx context.Context, kind, title string, by, reportChat int64, reportLang string, ms []*cnsbot.Member, p cnsbot.Period) (int64, error) {
	if len(ms) == 0 {
		return 0, nil
	}
	msgs := make([]*cnsbot.OutboxMessage, 0, len(ms))
	for _, m := range ms {
		req := b.forMember(m)
		msgs = append(msgs, &cnsbot.OutboxMessage{ChatID: m.TelegramID, MemberID: m.ID,
			Text: req.T("missing.reminder", "Name", m.FullName, "Period", req.periodLabel(p))})
	}
	batch := &cnsbot.OutboxBatch{Kind: kind, Title: title, CreatedBy: by, ReportChatID: reportChat, ReportLocale: reportLang}
	if err := b.Outbox.CreateBatch(ctx, batch, msgs); err != nil {
		return 0, fmt.Errorf("queue reminders: %w", err)
	}
	b.notifyOutbox()
	return batch.ID, nil
}
