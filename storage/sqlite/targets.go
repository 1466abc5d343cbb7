package sqlite

import (
	"context"
	"fmt"
	"strings"

	"cnsbot"
)

var _ cnsbot.TargetService = (*TargetService)(nil)

// TargetService reads and writes targets.
type TargetService struct {
	db *DB
}

// NewTargetService returns a TargetService on db.
func NewTargetService(db *DB) *TargetService {
	return &TargetService{db: db}
}

// FindTargets returns the targets matching f, by indicator, unit and period.
func (s *TargetService) FindTargets(ctx context.Context, f cnsbot.TargetFilter) ([]*cnsbot.Target, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.IndicatorID != 0 {
		where, args = append(where, "indicator_id = ?"), append(args, f.IndicatorID)
	}
	if f.UnitID != 0 {
		where, args = append(where, "unit_id = ?"), append(args, f.UnitID)
	}
	if f.Period != "" {
		where, args = append(where, "period = ?"), append(args, f.Period)
	}
	rows, err := s.db.pool().QueryContext(ctx, `
		SELECT id, indicator_id, unit_id, period, value FROM targets
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY indicator_id, unit_id, period`, args...)
	if err != nil {
		return nil, fmt.Errorf("find targets: %w", err)
	}
	defer rows.Close()

	var ts []*cnsbot.Target
	for rows.Next() {
		var t cnsbot.Target
		if err := rows.Scan(&t.ID, &t.IndicatorID, &t.UnitID, &t.Period, &t.Value); err != nil {
			return nil, fmt.Errorf("find targets: %w", err)
		}
		ts = append(ts, &t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find targets: %w", err)
	}
	return ts, nil
}

// SetTarget creates or replaces the target of (indicator, unit, period) and
// sets t.ID. EINVALID for a malformed period or an unknown indicator or unit.
func (s *TargetService) SetTarget(ctx context.Context, t *cnsbot.Target) error {
	if err := setTarget(ctx, s.db.pool(), t); err != nil {
		return fmt.Errorf("set target %d/%d/%s: %w", t.IndicatorID, t.UnitID, t.Period, err)
	}
	return nil
}

// upsertTargetSQL inserts or replaces a target, returning its id.
const upsertTargetSQL = `
	INSERT INTO targets (indicator_id, unit_id, period, value) VALUES (?, ?, ?, ?)
	ON CONFLICT (indicator_id, unit_id, period) DO UPDATE SET value = excluded.value
	RETURNING id`

// setTarget upserts t.
func setTarget(ctx context.Context, q queryer, t *cnsbot.Target) error {
	if err := q.QueryRowContext(ctx, upsertTargetSQL, t.IndicatorID, t.UnitID, t.Period, t.Value).Scan(&t.ID); err != nil {
		return translate(err)
	}
	return nil
}
