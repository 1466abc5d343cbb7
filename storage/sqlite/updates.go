package sqlite

import (
	"context"
	"fmt"
	"time"

	"cnsbot"
)

var _ cnsbot.UpdateLog = (*UpdateLog)(nil)

// UpdateLog remembers which Telegram updates were handled, so that a
// redelivered update (webhook retry, restart) changes nothing.
type UpdateLog struct {
	db *DB
}

// NewUpdateLog returns an UpdateLog on db.
func NewUpdateLog(db *DB) *UpdateLog {
	return &UpdateLog{db: db}
}

// ClaimUpdate records the update id and reports whether this call recorded
// it; false means another call (or an earlier delivery) already had.
func (l *UpdateLog) ClaimUpdate(ctx context.Context, updateID int64) (bool, error) {
	// One statement, no read-then-write: concurrent claims serialise in SQLite
	// and exactly one of them inserts.
	res, err := l.db.db.ExecContext(ctx, `
		INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)
		ON CONFLICT (update_id) DO NOTHING`, updateID, formatTime(l.db.now()))
	if err != nil {
		return false, fmt.Errorf("claim update %d: %w", updateID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim update %d: %w", updateID, err)
	}
	return n == 1, nil
}

// PruneUpdates forgets the updates claimed before the instant and returns
// how many it removed. Telegram stops redelivering after 24 hours, so
// keeping a few days is plenty.
func (l *UpdateLog) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	res, err := l.db.db.ExecContext(ctx, `DELETE FROM processed_updates WHERE processed_at < ?`, formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("prune updates: %w", err)
	}
	return res.RowsAffected()
}
