package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"cnsbot"

	"github.com/go-telegram/bot/models"
)

// schedules: the runner the scheduler calls for each slot — it works out
// the audience and queues the messages in the outbox — and /lichnhac, where
// admins list, pause, resume and run schedules.

// Scheduler is what /lichnhac needs of the scheduler.
type Scheduler interface {
	// RunNow runs the named schedule at once for the update key names; the
	// same key again finds what that run queued (schedule.Scheduler).
	RunNow(ctx context.Context, name, key string) (*cnsbot.ScheduleRun, error)
	Reload()
	NextRuns(now time.Time) map[string]time.Time
}

type schedules struct{ *base }

func (f *schedules) features() []Feature {
	return []Feature{{Name: "schedules", VI: "lichnhac", Roles: adminRoles, Groups: true, Help: "help.cmd_lichnhac",
		Command: f.command, Prefix: prefixSchedules, Button: f.button}}
}

// run builds the audience of one slot and queues its messages as one
// outbox batch, keyed by key ("" for a cron slot): run again with the same
// key it returns the batch queued the first time.
func (f *schedules) run(ctx context.Context, s *cnsbot.Schedule, slot time.Time, key string) (batchID int64, recipients int, err error) {
	unitID := s.UnitID
	if unitID == 0 {
		roots, err := f.Units.FindUnits(ctx, cnsbot.UnitFilter{ParentID: new(int64)})
		if err != nil || len(roots) == 0 {
			return 0, 0, fmt.Errorf("find the root unit: %v", err)
		}
		unitID = roots[0].ID
	}
	local := slot.In(f.Location)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, f.Location)
	title := "schedule " + s.Name
	switch s.Audience {
	case cnsbot.AudienceSilentTeams:
		p := cnsbot.PeriodOf(cnsbot.PeriodWeek, day)
		if monthly(s.Cron) {
			p = cnsbot.PeriodOf(cnsbot.PeriodAdminMonth, day)
			if !f.AdminMonth {
				p = cnsbot.PeriodOf(cnsbot.PeriodMonth, day)
			}
		}
		ms, err := f.silentTeamMembers(ctx, unitID, p, nil)
		if err != nil {
			return 0, 0, err
		}
		b := &cnsbot.OutboxBatch{Kind: "schedule", Title: title, Key: key}
		err = f.queueReminders(ctx, b, ms, p)
		return b.ID, b.Total, err
	case cnsbot.AudienceEscalation:
		return f.escalate(ctx, unitID, day, &cnsbot.OutboxBatch{Kind: "escalation", Title: title, Key: key})
	case cnsbot.AudienceMembers:
		ms, err := f.recipients(ctx, unitID, bcAll)
		if err != nil {
			return 0, 0, err
		}
		return f.queueTexts(ctx, &cnsbot.OutboxBatch{Kind: "schedule", Title: title, Key: key}, ms, func(m *cnsbot.Member, lang string) string {
			return f.scheduleText(lang, s, "schedule.members_default")
		})
	case cnsbot.AudienceLeaders:
		ms, err := f.recipients(ctx, unitID, bcLeaders)
		if err != nil {
			return 0, 0, err
		}
		texts := make(map[int64]string, len(ms))
		for _, m := range ms {
			text, err := f.digest(ctx, m, day)
			if err != nil {
				return 0, 0, err
			}
			texts[m.ID] = text
		}
		b := &cnsbot.OutboxBatch{Kind: "schedule", Title: title, Key: key}
		return f.queueTexts(ctx, b, ms, func(m *cnsbot.Member, _ string) string { return texts[m.ID] })
	case cnsbot.AudienceGroup:
		b := &cnsbot.OutboxBatch{Kind: "schedule", Title: title, Key: key}
		msg := &cnsbot.OutboxMessage{ChatID: s.ChatID, IsGroup: true, Text: f.scheduleText(f.DefaultLocale, s, "schedule.group_default")}
		if err := f.createBatch(ctx, b, []*cnsbot.OutboxMessage{msg}); err != nil {
			return 0, 0, fmt.Errorf("queue group message: %w", err)
		}
		return b.ID, b.Total, nil
	}
	return 0, 0, fmt.Errorf("schedule %s: unknown audience %q", s.Name, s.Audience)
}

// monthly reports whether a cron spec names a day of the month.
func monthly(spec string) bool {
	f := strings.Fields(spec)
	return len(f) == 5 && f[2] != "*"
}

func (f *schedules) scheduleText(lang string, s *cnsbot.Schedule, fallback string) string {
	if s.Message != "" {
		return f.Catalog.T(lang, "schedule.custom", map[string]any{"Text": s.Message})
	}
	return f.Catalog.T(lang, fallback, nil)
}

// queueTexts queues one message per member, text rendered per member, as
// the batch b.
func (f *schedules) queueTexts(ctx context.Context, b *cnsbot.OutboxBatch, ms []*cnsbot.Member, text func(m *cnsbot.Member, lang string) string) (int64, int, error) {
	if len(ms) == 0 {
		return 0, 0, nil
	}
	msgs := make([]*cnsbot.OutboxMessage, 0, len(ms))
	for _, m := range ms {
		msgs = append(msgs, &cnsbot.OutboxMessage{ChatID: m.TelegramID, MemberID: m.ID, Text: text(m, f.memberLang(m))})
	}
	if err := f.createBatch(ctx, b, msgs); err != nil {
		return 0, 0, fmt.Errorf("queue %s: %w", b.Title, err)
	}
	return b.ID, b.Total, nil
}

// escalate: the weekly deadline is the end of the ISO week (Sunday). On
// Monday the teams silent last week are named to their team lead; on
// Tuesday the teams still silent are named to the commune's leaders, as
// the batch b.
func (f *schedules) escalate(ctx context.Context, unitID int64, day time.Time, b *cnsbot.OutboxBatch) (int64, int, error) {
	var toLeads bool
	switch day.Weekday() {
	case time.Monday:
		toLeads = true
	case time.Tuesday:
	default:
		return 0, 0, nil
	}
	lastWeek := cnsbot.PeriodOf(cnsbot.PeriodWeek, day).Prev()
	// Still silent means nothing for last week even now (a late report
	// counts: reports are dated, so a Monday report dated Sunday clears it).
	res, err := f.computeMissing(ctx, unitID, lastWeek)
	if err != nil {
		return 0, 0, err
	}
	if err := f.units.load(ctx, f.Units); err != nil {
		return 0, 0, err
	}
	var msgs []*cnsbot.OutboxMessage
	if toLeads {
		lead := cnsbot.RoleTeamLead
		for _, a := range res.Silent {
			ms, _, err := f.Members.FindMembers(ctx, cnsbot.MemberFilter{TeamID: a.TeamID, Role: lead, Status: cnsbot.StatusActive})
			if err != nil {
				return 0, 0, err
			}
			for _, m := range ms {
				if m.TelegramID == 0 {
					continue
				}
				req := f.forMember(m)
				msgs = append(msgs, &cnsbot.OutboxMessage{ChatID: m.TelegramID, MemberID: m.ID,
					Text: req.T("escalation.team_lead", "Name", m.FullName, "Period", req.periodLabel(lastWeek))})
			}
		}
	} else {
		// Group the silent teams by commune (the parent of their village).
		byCommune := map[int64][]string{}
		for _, a := range res.Silent {
			if u := f.units.unit(a.UnitID); u != nil && u.ParentID != 0 {
				byCommune[u.ParentID] = append(byCommune[u.ParentID], u.DisplayName())
			}
		}
		communes := make([]int64, 0, len(byCommune))
		for id := range byCommune {
			communes = append(communes, id)
		}
		sort.Slice(communes, func(i, j int) bool { return communes[i] < communes[j] })
		for _, cid := range communes {
			leaders, _, err := f.Members.FindMembers(ctx, cnsbot.MemberFilter{UnitID: cid, Role: cnsbot.RoleLeader, Status: cnsbot.StatusActive})
			if err != nil {
				return 0, 0, err
			}
			for _, m := range leaders {
				if m.TelegramID == 0 || m.UnitID != cid {
					continue
				}
				req := f.forMember(m)
				msgs = append(msgs, &cnsbot.OutboxMessage{ChatID: m.TelegramID, MemberID: m.ID,
					Text: req.T("escalation.commune", "Name", m.FullName, "Period", req.periodLabel(lastWeek),
						"Count", len(byCommune[cid]), "Teams", strings.Join(byCommune[cid], ", "))})
			}
		}
	}
	if len(msgs) == 0 {
		return 0, 0, nil
	}
	if err := f.createBatch(ctx, b, msgs); err != nil {
		return 0, 0, fmt.Errorf("queue escalation: %w", err)
	}
	return b.ID, b.Total, nil
}

// digest is a leader's Monday summary: the sector indicators met and the
// reporting rate of last week, for the leader's own scope.
func (f *schedules) digest(ctx context.Context, m *cnsbot.Member, day time.Time) (string, error) {
	req := f.forMember(m)
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return "", err
	}
	unit, err := f.scope(ctx, req)
	if err != nil {
		return "", err
	}
	// As /chitieu: the province's figures where the unit keeps none, and
	// only indicators with a plan and a value counted.
	rows, err := f.sectorRowsUp(ctx, set, unit, day.Year(), day.Format(time.DateOnly))
	if err != nil {
		return "", err
	}
	met, total := 0, 0
	for _, row := range rows {
		if row.Status.Met() {
			met++
		}
		if row.HasPct {
			total++
		}
	}
	week := cnsbot.PeriodOf(cnsbot.PeriodWeek, day).Prev()
	res, err := f.computeMissing(ctx, unit.ID, week)
	if err != nil {
		return "", err
	}
	return req.T("digest.text", "Name", m.FullName, "Unit", unit.DisplayName(), "Met", met, "Total", total,
		"Year", day.Year(), "Period", req.periodLabel(week), "Reported", res.Reported, "Expected", res.Expected,
		"Rate", rate(res.Reported, res.Expected), "Silent", len(res.Silent)), nil
}

func (f *schedules) command(ctx context.Context, req *Request) error { return f.list(ctx, req, false) }

// list lists the schedules for admins in words, numbered, with buttons to
// pause, resume and run each now.
func (f *schedules) list(ctx context.Context, req *Request, edit bool) error {
	ss, err := f.Schedules.FindSchedules(ctx)
	if err != nil {
		return fmt.Errorf("find schedules: %w", err)
	}
	var next map[string]time.Time
	if f.Scheduler != nil {
		next = f.Scheduler.NextRuns(f.Now())
	}
	var b strings.Builder
	b.WriteString(req.T("lichnhac.header"))
	var rows [][]models.InlineKeyboardButton
	for i, s := range ss {
		n := i + 1
		at := ""
		if t, ok := next[s.Name]; ok && !s.Paused {
			at = t.In(f.Location).Format("15:04 02/01/2006")
		}
		b.WriteString("\n" + req.T("lichnhac.line", "N", n, "Name", req.describeSchedule(s), "Paused", s.Paused, "Next", at))
		toggle := Callback{Feature: prefixSchedules, Action: "p", ID: s.ID}
		label := req.T("lichnhac.pause_button", "N", n)
		if s.Paused {
			toggle.Action, label = "r", req.T("lichnhac.resume_button", "N", n)
		}
		row := []models.InlineKeyboardButton{button(label, toggle.String())}
		if f.Scheduler != nil {
			row = append(row, button(req.T("lichnhac.run_button", "N", n), Callback{Feature: prefixSchedules, Action: "n", ID: s.ID}.String()))
		}
		rows = append(rows, row)
	}
	if runs, err := f.Schedules.LastRuns(ctx, 5); err == nil && len(runs) > 0 {
		b.WriteString("\n\n" + req.T("lichnhac.runs_header"))
		for _, line := range req.runLines(ss, runs, f.Location) {
			b.WriteString("\n" + line)
		}
	}
	return req.show(ctx, edit, b.String(), inlineKeyboard(rows...))
}

// runLines are the recent runs of schedules, each named in words.
func (req *Request) runLines(ss []*cnsbot.Schedule, runs []*cnsbot.ScheduleRun, loc *time.Location) []string {
	names := map[int64]string{}
	for _, s := range ss {
		names[s.ID] = req.describeSchedule(s)
	}
	lines := make([]string, 0, len(runs))
	for _, run := range runs {
		lines = append(lines, req.T("lichnhac.run_line", "Name", names[run.ScheduleID],
			"At", run.StartedAt.In(loc).Format("15:04 02/01"), "Count", run.Recipients, "Error", run.Error != ""))
	}
	return lines
}

// button: "lich:p:ID" pause, "lich:r:ID" resume, "lich:n:ID" run now —
// which asks "lich:y:ID" to confirm, naming the schedule, or "lich:l:ID"
// to go back to the list.
func (f *schedules) button(ctx context.Context, req *Request, cb Callback) error {
	ss, err := f.Schedules.FindSchedules(ctx)
	if err != nil {
		return fmt.Errorf("find schedules: %w", err)
	}
	var s *cnsbot.Schedule
	for _, x := range ss {
		if x.ID == cb.ID {
			s = x
		}
	}
	if s == nil {
		return req.staleButton(ctx)
	}
	switch cb.Action {
	case "p", "r":
		if err := f.Schedules.SetSchedulePaused(ctx, s.ID, cb.Action == "p"); err != nil {
			return fmt.Errorf("pause schedule %d: %w", s.ID, err)
		}
		if f.Scheduler != nil {
			f.Scheduler.Reload()
		}
		return f.list(ctx, req, true)
	case "l":
		return f.list(ctx, req, true)
	case "n":
		if f.Scheduler == nil {
			return req.staleButton(ctx)
		}
		kb := inlineKeyboard([]models.InlineKeyboardButton{
			button(req.T("lichnhac.run_confirm_button"), Callback{Feature: prefixSchedules, Action: "y", ID: s.ID}.String()),
			button(req.T("common.back_button"), Callback{Feature: prefixSchedules, Action: "l", ID: s.ID}.String()),
		})
		return req.show(ctx, true, req.T("lichnhac.run_confirm", "Name", req.describeSchedule(s)), kb)
	case "y":
		if f.Scheduler == nil {
			return req.staleButton(ctx)
		}
		// Keyed by the press: handled again after a crash, it finds its
		// run and batch instead of being refused or queueing another.
		run, err := f.Scheduler.RunNow(ctx, s.Name, pressKey(req))
		if err != nil {
			return fmt.Errorf("run schedule %s: %w", s.Name, err)
		}
		return req.show(ctx, true, req.T("lichnhac.ran", "Name", req.describeSchedule(s), "Count", run.Recipients), nil)
	}
	return req.staleButton(ctx)
}
