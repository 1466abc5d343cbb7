package schedule

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"cnsbot"
)

// Schedule sources.
const (
	SourceConfig = "config" // from the config file, upserted at every start
	SourceChat   = "chat"   // created or edited by an admin in chat
)

// vietnam is Asia/Ho_Chi_Minh. Without a time zone database (cmd/ embeds
// time/tzdata) it falls back to UTC+7, which is exact: Vietnam has kept
// UTC+7 without daylight saving time since 1975.
var vietnam = loadVietnam()

func loadVietnam() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("Asia/Ho_Chi_Minh", 7*60*60)
}

// parser reads five fields (minute hour day-of-month month day-of-week):
// no seconds, no descriptors (@every would make slots depend on when a
// process started, so two processes could not agree on them).
var parser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// Parse reads a cron spec of five fields — minute hour day-of-month month
// day-of-week, as in crontab(5), with names (MON, JAN), ranges, lists and
// steps — evaluated in Asia/Ho_Chi_Minh: "0 16 * * 5" is Friday 16:00
// Vietnam time, 09:00 UTC. Set Location on the result to evaluate it in
// another zone. Time zone prefixes (TZ=, CRON_TZ=), seconds and descriptors
// (@daily, @every) are rejected, and so is a spec that never fires
// ("0 0 30 2 *").
func Parse(spec string) (sched *cron.SpecSchedule, err error) {
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "TZ=") || strings.HasPrefix(spec, "CRON_TZ=") {
		return nil, fmt.Errorf("time zone prefix not allowed: times are Vietnam time")
	}
	defer func() {
		// The cron parser is third-party code fed with user input.
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("invalid spec %q", spec)
		}
	}()
	s, err := parser.Parse(spec)
	if err != nil {
		return nil, err
	}
	sched, ok := s.(*cron.SpecSchedule)
	if !ok {
		return nil, fmt.Errorf("unsupported spec %q", spec)
	}
	sched.Location = vietnam
	// Next searches five years ahead; from a fixed instant, so that the
	// answer does not depend on the clock, and 29 February still fires.
	if sched.Next(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fmt.Errorf("spec %q never fires", spec)
	}
	return sched, nil
}

// namePattern is what a schedule name may hold: admins type it after
// /lichnhac and it names the schedule in logs.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// Validate checks a schedule before it is stored, from the config or from
// chat: a name of 1–64 letters, digits, '_', '.' or '-'; a cron spec that
// Parse accepts; a known audience; a chat for the group audience; a known
// source. The error is EINVALID (key "error.invalid", Args "Field" and
// "Value") and its text names the field, e.g.
//
//	schedule "weekly_missing": cron "0 16 * *": expected exactly 5 fields, found 4: [0 16 * *]
func Validate(s *cnsbot.Schedule) error {
	invalid := func(field string, value any, format string, args ...any) error {
		e := cnsbot.Errorf(cnsbot.EINVALID, "error.invalid", "Field", field, "Value", value)
		e.Err = fmt.Errorf("schedule %q: %s", s.Name, fmt.Sprintf(format, args...))
		return e
	}
	if !namePattern.MatchString(s.Name) {
		return invalid("name", s.Name, "name: want 1–64 letters, digits, '_', '.' or '-'")
	}
	if _, err := Parse(s.Cron); err != nil {
		return invalid("cron", s.Cron, "cron %q: %v", s.Cron, err)
	}
	switch s.Audience {
	case cnsbot.AudienceMembers, cnsbot.AudienceSilentTeams, cnsbot.AudienceLeaders, cnsbot.AudienceEscalation:
	case cnsbot.AudienceGroup:
		if s.ChatID == 0 {
			return invalid("chat_id", s.ChatID, "chat_id: required by audience %q", s.Audience)
		}
	default:
		return invalid("audience", s.Audience, "audience %q: want one of %s, %s, %s, %s, %s", s.Audience,
			cnsbot.AudienceMembers, cnsbot.AudienceSilentTeams, cnsbot.AudienceLeaders, cnsbot.AudienceGroup, cnsbot.AudienceEscalation)
	}
	if s.UnitID < 0 {
		return invalid("unit", s.UnitID, "unit: invalid id %d", s.UnitID)
	}
	if s.Source != SourceConfig && s.Source != SourceChat {
		return invalid("source", s.Source, "source %q: want %s or %s", s.Source, SourceConfig, SourceChat)
	}
	return nil
}

// DefaultSchedules returns the schedules that are on out of the box, for
// the whole unit tree, with the audiences' standard texts:
//
//   - weekly_missing, Friday 16:00: the teams with no report this week.
//   - monthly_cutoff, the 13th at 16:00: the teams with no report in the
//     current month, the day before the administrative cut-off (the 14th,
//     Nghị định 09/2019: a month's report covers the 15th of the month
//     before to the 14th).
//   - weekly_digest, Monday 08:00: a digest of the figures to leaders.
//   - escalation, daily 09:00: the runner escalates from the deadline rule
//     (see the package documentation) and sends nothing on other days.
func DefaultSchedules() []*cnsbot.Schedule {
	return []*cnsbot.Schedule{
		{Name: "weekly_missing", Cron: "0 16 * * 5", Audience: cnsbot.AudienceSilentTeams, Source: SourceConfig},
		{Name: "monthly_cutoff", Cron: "0 16 13 * *", Audience: cnsbot.AudienceSilentTeams, Source: SourceConfig},
		{Name: "weekly_digest", Cron: "0 8 * * 1", Audience: cnsbot.AudienceLeaders, Source: SourceConfig},
		{Name: "escalation", Cron: "0 9 * * *", Audience: cnsbot.AudienceEscalation, Source: SourceConfig},
	}
}

// ManualSlot is the slot of a run started by hand at now: its minute plus
// one nanosecond. Cron slots fall on whole minutes, so a manual run never
// takes a cron slot (nor blocks it), and a second manual run within the
// same minute — a double tap, or two admins at once — finds its slot taken.
func ManualSlot(now time.Time) time.Time {
	return now.Truncate(time.Minute).Add(time.Nanosecond)
}

// IsManual reports whether slot is a ManualSlot rather than a cron slot.
func IsManual(slot time.Time) bool {
	return !slot.Equal(slot.Truncate(time.Minute))
}
