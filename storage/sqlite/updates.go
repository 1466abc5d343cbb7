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
// it; false means another call (or an earlier delivery) already had. Claims
// are group-committed (DB.Write): every update needs one, and a commit each
// would cost a WAL commit per update.
func (l *UpdateLog) ClaimUpdate(ctx context.Context, updateID int64) (bool, error) {
	var first bool
	err := l.db.Write(ctx, func(tx *Tx) error {
		// One statement, no read-then-write: two claims of one id, even in
		// one batch, give one first.
		res, err := tx.ExecContext(l.db.ctx, `
			INSERT INTO processed_updates (update_id, processed_at) VALUES (?, ?)
			ON CONFLICT (update_id) DO NOTHING`, updateID, formatTime(tx.now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		first = n == 1
		return err
	})
	if err != nil {
		return false, fmt.Errorf("claim update %d: %w", updateID, err)
	}
	return first, nil
}

// PruneUpdates forgets the updates claimed before the instant and returns
// how many it removed. Telegram stops redelivering after 24 hours, so
// keeping a few days is plenty.
func (l *UpdateLog) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	res, err := l.db.pool().ExecContext(ctx, `DELETE FROM processed_updates WHERE processed_at < ?`, formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("prune updates: %w", err)
	}
	return res.RowsAffected()
}
