package handlers

import (
	"context"
	"fmt"

	"cnsbot"
)

// Audiences, shared by broadcasts, reminders and schedules: who is
// reachable in a unit's subtree, which teams are silent in a period, and
// queueing one message per member through the outbox.

// reach is who an audience is: the members a message through the bot
// reaches, and how many on the roster it cannot (never registered on
// Telegram, or blocked the bot), so that nobody believes a silent zero.
type reach struct {
	Members      []*cnsbot.Member // active and registered: they get it
	Unregistered int              // on the roster, not on Telegram yet
	Blocked      int              // blocked the bot
	Teams        int              // teams with at least one member reached
	Silent       int              // silent teams looked at (silentTeamReach only)
}

// add sorts members into the reach; members who left count nowhere.
func (r *reach) add(ms []*cnsbot.Member) {
	teams := map[int64]bool{}
	for _, m := range r.Members {
		teams[m.TeamID] = true
	}
	for _, m := range ms {
		switch {
		case m.Status == cnsbot.StatusLeft:
		case m.Status == cnsbot.StatusBlocked:
			r.Blocked++
		case m.Status == cnsbot.StatusActive && m.TelegramID != 0:
			r.Members = append(r.Members, m)
			if m.TeamID != 0 && !teams[m.TeamID] {
				teams[m.TeamID] = true
				r.Teams++
			}
		default:
			r.Unregistered++
		}
	}
}

// unreachable says in the request's language whom the reach misses.
func (r *reach) unreachable(req *Request) string {
	return req.T("reach.unreachable", "Unregistered", r.Unregistered, "Blocked", r.Blocked)
}

// recipients returns the reachable members of an audience in a unit's
// subtree.
func (b *base) recipients(ctx context.Context, unitID int64, audience string) ([]*cnsbot.Member, error) {
	r, err := b.audienceReach(ctx, unitID, audience)
	if err != nil {
		return nil, err
	}
	return r.Members, nil
}

// audienceReach is the reach of an audience in a unit's subtree.
func (b *base) audienceReach(ctx context.Context, unitID int64, audience string) (*reach, error) {
	r := &reach{}
	add := func(f cnsbot.MemberFilter) error {
		f.UnitID = unitID
		ms, _, err := b.Members.FindMembers(ctx, f)
		if err != nil {
			return fmt.Errorf("find audience: %w", err)
		}
		r.add(ms)
		return nil
	}
	switch audience {
	case bcAll:
		return r, add(cnsbot.MemberFilter{})
	case bcLeads:
		return r, add(cnsbot.MemberFilter{Role: cnsbot.RoleTeamLead})
	case bcLeaders:
		if err := add(cnsbot.MemberFilter{Role: cnsbot.RoleLeader}); err != nil {
			return nil, err
		}
		return r, add(cnsbot.MemberFilter{Role: cnsbot.RoleAdmin})
	case bcSilent:
		return b.silentTeamReach(ctx, unitID, cnsbot.PeriodOf(cnsbot.PeriodWeek, b.today()), nil)
	}
	return nil, cnsbot.Errorf(cnsbot.EINVALID, "error.stale_button")
}

// silentTeamMembers returns the reachable members of the teams with no
// report in p, optionally only those of a role.
func (b *base) silentTeamMembers(ctx context.Context, unitID int64, p cnsbot.Period, role *cnsbot.Role) ([]*cnsbot.Member, error) {
	r, err := b.silentTeamReach(ctx, unitID, p, role)
	if err != nil {
		return nil, err
	}
	return r.Members, nil
}

// silentTeamReach is the reach of the members of the teams with no report
// in p, optionally only those of a role.
func (b *base) silentTeamReach(ctx context.Context, unitID int64, p cnsbot.Period, role *cnsbot.Role) (*reach, error) {
	res, err := b.computeMissing(ctx, unitID, p)
	if err != nil {
		return nil, err
	}
	r := &reach{Silent: len(res.Silent)}
	for _, a := range res.Silent {
		f := cnsbot.MemberFilter{TeamID: a.TeamID}
		if role != nil {
			f.Role = *role
		}
		ms, _, err := b.Members.FindMembers(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("find members of team %d: %w", a.TeamID, err)
		}
		r.add(ms)
	}
	return r, nil
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
// as the outbox batch b (its kind, title, delivery report, key and
// subject set by the caller); see createBatch for a key queued already.
func (b *base) queueReminders(ctx context.Context, batch *cnsbot.OutboxBatch, ms []*cnsbot.Member, p cnsbot.Period) error {
	if len(ms) == 0 {
		return nil
	}
	msgs := make([]*cnsbot.OutboxMessage, 0, len(ms))
	for _, m := range ms {
		req := b.forMember(m)
		msgs = append(msgs, &cnsbot.OutboxMessage{ChatID: m.TelegramID, MemberID: m.ID,
			Text: req.T("missing.reminder", "Name", m.FullName, "Period", req.periodLabel(p))})
	}
	if err := b.createBatch(ctx, batch, msgs); err != nil {
		return fmt.Errorf("queue reminders: %w", err)
	}
	return nil
}

// createBatch queues batch with msgs and wakes the sender. When batch.Key
// was queued already — the same update handled again after a crash —
// batch becomes the batch queued then, and nothing is queued twice.
func (b *base) createBatch(ctx context.Context, batch *cnsbot.OutboxBatch, msgs []*cnsbot.OutboxMessage) error {
	err := b.Outbox.CreateBatch(ctx, batch, msgs)
	if batch.Key != "" && cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
		found, ferr := b.Outbox.FindBatchByKey(ctx, batch.Key)
		if ferr != nil {
			return fmt.Errorf("find batch %q: %w", batch.Key, ferr)
		}
		*batch = *found
		return nil
	} else if err != nil {
		return err
	}
	b.notifyOutbox()
	return nil
}
