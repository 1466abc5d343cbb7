package cnsbot

import (
	"context"
	"time"
)

// Schedule audiences.
const (
	AudienceMembers     = "members"      // every reachable member of the scope
	AudienceSilentTeams = "silent_teams" // members of teams with no report in the current week
	AudienceLeaders     = "leaders"      // leaders and admins of the scope: a digest of the figures
	AudienceGroup       = "group"        // one group chat
	AudienceEscalation  = "escalation"   // silent a day after the deadline → team lead; two days → commune leader
)

// Schedule is a recurring sending: a cron-style time in Asia/Ho_Chi_Minh,
// an audience and a message. Schedules come from the config (Source
// "config") or are edited by admins in chat.
type Schedule struct {
	ID       int64
	Name     string // unique, e.g. "weekly_missing"
	Cron     string // five fields: minute hour day-of-month month day-of-week
	Audience string
	UnitID   int64  // the scope's root; 0 = the whole tree
	ChatID   int64  // the group of AudienceGroup
	Message  string // extra text; "" uses the audience's standard text
	Paused   bool
	Source   string // config or chat
}

// ScheduleRun is one fired slot of a schedule.
type ScheduleRun struct {
	ScheduleID int64
	Slot       time.Time // the instant the cron named
	StartedAt  time.Time
	BatchID    int64 // the outbox batch it queued, 0 when nothing was sent
	Recipients int
	Error      string
}

// ScheduleService stores schedules and their runs.
type ScheduleService interface {
	FindSchedules(ctx context.Context) ([]*Schedule, error)
	FindScheduleByName(ctx context.Context, name string) (*Schedule, error)
	// UpsertSchedule creates or replaces a schedule by name; a config
	// schedule keeps the Paused an admin set in chat.
	UpsertSchedule(ctx context.Context, s *Schedule) error
	SetSchedulePaused(ctx context.Context, id int64, paused bool) error
	// ClaimSlot records that the schedule fires for slot. It returns true for
	// exactly one caller per (schedule, slot), across restarts and processes.
	ClaimSlot(ctx context.Context, id int64, slot, now time.Time) (bool, error)
	// ClaimKeyedSlot is ClaimSlot for a run started by an update (a button
	// press) that key names. When that update claimed a slot already — it is
	// handled again after a crash — it returns that slot and true, so the
	// run goes on in its own slot; otherwise it claims slot.
	ClaimKeyedSlot(ctx context.Context, id int64, slot, now time.Time, key string) (time.Time, bool, error)
	// FinishRun records what a claimed slot did.
	FinishRun(ctx context.Context, run *ScheduleRun) error
	// LastRuns returns the latest runs, newest first.
	LastRuns(ctx context.Context, limit int) ([]*ScheduleRun, error)
}
