package cnsbot

import (
	"context"
	"time"
)

// IndicatorKind says who provides an indicator's values.
type IndicatorKind string

// Indicator kinds.
const (
	KindActivity IndicatorKind = "activity" // reported by teams
	KindSector   IndicatorKind = "sector"   // entered by department staff
)

// Aggregation says how values combine over a period and a subtree.
type Aggregation string

// Aggregations (DHIS2's SUM and LAST).
const (
	AggSum  Aggregation = "sum"  // counts: add up
	AggLast Aggregation = "last" // stock values, ratios, ranks: the latest value
)

// Direction says which way is better.
type Direction string

// Directions.
const (
	DirHigher Direction = "higher"
	DirLower  Direction = "lower" // ranks: 1 is best
	DirDone   Direction = "done"  // a milestone: done or not
)

// Indicator is something counted or measured, with its names, unit of
// measure, the words people type for it and the bounds of one report.
type Indicator struct {
	ID               int64
	Code             string // VNEID, CT01, ...
	NameVI           string
	NameEN           string
	Unit             string // ĐVT: người, hộ, %, ...
	Kind             IndicatorKind
	Aggregation      Aggregation
	Direction        Direction
	Aliases          []string
	NumeratorLabel   string
	DenominatorLabel string
	Min              *float64
	Max              *float64
	Position         int // display order
}

// Name returns the indicator's name in the locale ("vi" or "en").
func (ind *Indicator) Name(locale string) string {
	if locale == "en" && ind.NameEN != "" {
		return ind.NameEN
	}
	return ind.NameVI
}

// IndicatorFilter selects indicators. Zero fields do not filter.
type IndicatorFilter struct {
	Kind IndicatorKind
	Code string
}

// IndicatorService reads and writes indicators.
type IndicatorService interface {
	FindIndicatorByCode(ctx context.Context, code string) (*Indicator, error)
	FindIndicators(ctx context.Context, f IndicatorFilter) ([]*Indicator, error)
	CreateIndicator(ctx context.Context, ind *Indicator) error
}

// Target is the planned value of an indicator for a unit and a period.
// Period is written 2026, 2026-H1, 2026-Q3, 2026-07 or 2026-W30.
type Target struct {
	ID          int64
	IndicatorID int64
	UnitID      int64
	Period      string
	Value       float64
}

// Source says where a report came from.
type Source string

// Report sources.
const (
	SourceChat     Source = "chat"     // the guided flow
	SourceQuick    Source = "quick"    // /bc vneid 15
	SourceFreeText Source = "freetext" // parsed from an ordinary message
	SourceImport   Source = "import"   // cnsbot import values
)

// Report is one value of one indicator for one unit (and team) on one date.
// IdempotencyKey ties it to the update that caused it so that a redelivered
// update or a double tap cannot create a second report.
type Report struct {
	ID       int64
	MemberID int64 // whose work it is; 0 for imports
	// AuthorID is who entered it when not the member (a team lead reporting
	// on a member's behalf); it is the "create" entry's author in the audit
	// trail. 0 means the member themself.
	AuthorID       int64
	TeamID         int64 // 0 for sector values
	UnitID         int64
	Date           string // YYYY-MM-DD in Asia/Ho_Chi_Minh
	IndicatorID    int64
	Value          float64
	Numerator      *float64
	Denominator    *float64
	Note           string
	EvidenceFileID string
	Source         Source
	IdempotencyKey string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	RevokedAt      *time.Time
}

// NoActivity is a team member's word that the team did nothing on a day
// ("tuần này không có hoạt động", "hôm nay không làm được gì vì mưa"). The
// team counts as having reported for reporting rates, reminders and
// escalation; no indicator gets a figure from it.
type NoActivity struct {
	ID       int64
	MemberID int64
	// AuthorID is the team lead who entered it for the member; 0 means the
	// member themself.
	AuthorID       int64
	TeamID         int64
	UnitID         int64
	Date           string // YYYY-MM-DD in Asia/Ho_Chi_Minh
	Note           string // the reason, as the member wrote it
	Source         Source
	IdempotencyKey string
	CreatedAt      time.Time
}

// ReportChange is one entry of a report's audit trail.
type ReportChange struct {
	ID        int64
	ReportID  int64
	Action    string // create, correct, revoke, evidence
	OldValue  *float64
	NewValue  *float64
	ChangedBy int64 // member id, 0 for the system
	ChangedAt time.Time
}

// ReportFilter selects reports. Zero fields do not filter.
type ReportFilter struct {
	ID          int64
	MemberID    int64
	TeamID      int64
	UnitID      int64 // reports whose unit lies in this subtree
	IndicatorID int64
	From, To    string // inclusive YYYY-MM-DD bounds
	// KeyPrefix selects the reports whose IdempotencyKey starts with it:
	// the batch saved by one update or one confirmed draft.
	KeyPrefix   string
	WithRevoked bool
	Offset      int
	Limit       int
}

// ReportService reads and writes reports.
type ReportService interface {
	FindReportByID(ctx context.Context, id int64) (*Report, error)
	FindReports(ctx context.Context, f ReportFilter) ([]*Report, int, error)
	// CreateReports saves reports in one transaction. A report whose
	// IdempotencyKey already exists is not saved again: ECONFLICT is
	// returned and nothing of the batch is written.
	CreateReports(ctx context.Context, rs []*Report) error
	FindReportChanges(ctx context.Context, reportID int64) ([]*ReportChange, error)
	// CorrectReport sets a new value, keeping the old one, who and when in
	// the audit trail. ECONFLICT when the report is revoked.
	CorrectReport(ctx context.Context, id int64, value float64, by int64) (*Report, error)
	// RevokeReport withdraws a report (audited). ECONFLICT when already revoked.
	RevokeReport(ctx context.Context, id, by int64) (*Report, error)
	// AttachEvidence sets the report's evidence photo (audited).
	AttachEvidence(ctx context.Context, id int64, fileID string, by int64) (*Report, error)
	// CreateNoActivity saves a team's "no activity" declaration. ECONFLICT
	// when its IdempotencyKey already exists: nothing is written twice.
	CreateNoActivity(ctx context.Context, n *NoActivity) error
	// FindNoActivityByKey returns the declaration saved with an idempotency
	// key, ENOTFOUND when none: a replayed confirmation shows its receipt.
	FindNoActivityByKey(ctx context.Context, key string) (*NoActivity, error)
}

// ImportService loads master data in bulk. Each call is all-or-nothing: one
// transaction, nothing written when any row fails.
type ImportService interface {
	ImportUnits(ctx context.Context, us []*Unit) error
	// ImportMembers creates teams for member and team_lead rows whose unit has none.
	ImportMembers(ctx context.Context, ms []*Member) error
	ImportIndicators(ctx context.Context, inds []*Indicator) error
	ImportTargets(ctx context.Context, ts []*Target) error
	ImportReports(ctx context.Context, rs []*Report) error
}

// Clock returns the current time; injected wherever time decides behaviour.
type Clock func() time.Time

// TargetFilter selects targets. Zero fields do not filter.
type TargetFilter struct {
	IndicatorID int64
	UnitID      int64
	Period      string
}

// TargetService reads and writes targets.
type TargetService interface {
	FindTargets(ctx context.Context, f TargetFilter) ([]*Target, error)
	// SetTarget creates or replaces the target of (indicator, unit, period).
	SetTarget(ctx context.Context, t *Target) error
}
