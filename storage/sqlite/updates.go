package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cnsbot"
	"cnsbot/lease"
)

var (
	_ cnsbot.UpdateLog = (*UpdateLog)(nil)
	_ cnsbot.Intake    = (*UpdateLog)(nil)
)

// Defaults of an UpdateLog.
const (
	// DefaultUpdateLease is how long an update stays with a process that
	// stopped renewing. A process of this host that died is seen dead at
	// once (package lease); the lease only bounds the rest.
	DefaultUpdateLease = time.Minute
	// DefaultUpdateAttempts bounds the handlings of one update: one that
	// kills the process every time is given up after that many.
	DefaultUpdateAttempts = 3
)

// UpdateLog is the update intake (polling) and the update claims (webhook
// without Redis) in the telegram_updates table: an update is pending —
// owned by a process, with a lease — until its handler finished, then done.
type UpdateLog struct {
	db *DB
	// Owner names this process (default lease.Self); tests give two logs
	// on one database different owners.
	Owner string
	// Lease and MaxAttempts default to DefaultUpdateLease and
	// DefaultUpdateAttempts.
	Lease       time.Duration
	MaxAttempts int
	// Dead reports whether an owner is gone (default lease.Dead).
	Dead func(owner string) bool
}

// NewUpdateLog returns an UpdateLog on db owned by this process.
func NewUpdateLog(db *DB) *UpdateLog {
	return &UpdateLog{db: db, Owner: lease.Self, Lease: DefaultUpdateLease, MaxAttempts: DefaultUpdateAttempts, Dead: lease.Dead}
}

// Receive implements cnsbot.Intake: one transaction for the batch, group
// committed with the reports being saved meanwhile.
func (l *UpdateLog) Receive(ctx context.Context, batch []cnsbot.IncomingUpdate) ([]bool, error) {
	fresh := make([]bool, len(batch))
	err := l.db.Write(ctx, func(tx *Tx) error {
		until := formatTime(tx.now.Add(l.Lease))
		for i, u := range batch {
			res, err := tx.ExecContext(l.db.ctx, `
				INSERT INTO telegram_updates (update_id, chat_id, body, owner, lease_until, received_at)
				VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (update_id) DO NOTHING`,
				u.ID, u.Chat, string(u.Body), l.Owner, until, formatTime(tx.now))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			fresh[i] = n == 1
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("receive %d updates: %w", len(batch), err)
	}
	return fresh, nil
}

// FinishUpdate implements cnsbot.UpdateFinisher. The body is dropped: a
// done update is only remembered to recognise a redelivery.
func (l *UpdateLog) FinishUpdate(ctx context.Context, updateID int64) error {
	err := l.db.Write(ctx, func(tx *Tx) error {
		now := formatTime(tx.now)
		_, err := tx.ExecContext(l.db.ctx, `
			INSERT INTO telegram_updates (update_id, state, received_at, done_at) VALUES (?, 'done', ?, ?)
			ON CONFLICT (update_id) DO UPDATE SET state = 'done', done_at = excluded.done_at,
				body = NULL, owner = '', lease_until = NULL`, updateID, now, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("finish update %d: %w", updateID, err)
	}
	return nil
}

// ClaimUpdate implements cnsbot.UpdateLog: a new update is taken; a done
// one is a duplicate; one in progress is busy while its owner lives and
// its lease runs, and taken over otherwise.
func (l *UpdateLog) ClaimUpdate(ctx context.Context, updateID int64) (cnsbot.UpdateClaim, error) {
	claim := cnsbot.ClaimBusy
	err := l.db.Write(ctx, func(tx *Tx) error {
		claim = cnsbot.ClaimBusy
		until := formatTime(tx.now.Add(l.Lease))
		res, err := tx.ExecContext(l.db.ctx, `
			INSERT INTO telegram_updates (update_id, owner, lease_until, received_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (update_id) DO NOTHING`, updateID, l.Owner, until, formatTime(tx.now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			claim = cnsbot.ClaimTaken
			return nil
		}
		var state, owner string
		var leaseUntil sql.NullString
		if err := tx.QueryRowContext(l.db.ctx, `SELECT state, owner, lease_until FROM telegram_updates WHERE update_id = ?`,
			updateID).Scan(&state, &owner, &leaseUntil); err != nil {
			return err
		}
		if state != "pending" {
			claim = cnsbot.ClaimDone
			return nil
		}
		if owner == l.Owner || !l.gone(owner, leaseUntil, tx.now) {
			return nil
		}
		taken, err := l.takeOver(tx, updateID, owner, until)
		if taken {
			claim = cnsbot.ClaimTaken
		}
		return err
	})
	if err != nil {
		return cnsbot.ClaimBusy, fmt.Errorf("claim update %d: %w", updateID, err)
	}
	return claim, nil
}

// gone reports whether an update's owner can no longer finish it.
func (l *UpdateLog) gone(owner string, leaseUntil sql.NullString, now time.Time) bool {
	if l.Dead != nil && l.Dead(owner) {
		return true
	}
	if !leaseUntil.Valid {
		return true
	}
	t, err := parseTime(leaseUntil.String)
	return err != nil || !t.After(now)
}

// takeOver moves an update from a gone owner to this one, counting the
// attempt; false when another process took it first.
func (l *UpdateLog) takeOver(tx *Tx, updateID int64, from, until string) (bool, error) {
	res, err := tx.ExecContext(l.db.ctx, `
		UPDATE telegram_updates SET owner = ?, lease_until = ?, attempts = attempts + 1
		WHERE update_id = ? AND owner = ? AND state = 'pending'`, l.Owner, until, updateID, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Adopt implements cnsbot.Intake. An update whose handlings reached
// MaxAttempts is marked failed and returned in abandoned instead.
func (l *UpdateLog) Adopt(ctx context.Context) (adopted []cnsbot.IncomingUpdate, abandoned []int64, err error) {
	type row struct {
		u        cnsbot.IncomingUpdate
		owner    string
		lease    sql.NullString
		attempts int
	}
	rows, err := l.db.pool().QueryContext(ctx, `
		SELECT update_id, chat_id, body, owner, lease_until, attempts FROM telegram_updates
		WHERE state = 'pending' AND owner <> ? AND body IS NOT NULL ORDER BY update_id`, l.Owner)
	if err != nil {
		return nil, nil, fmt.Errorf("adopt updates: %w", err)
	}
	var found []row
	for rows.Next() {
		var r row
		var body string
		if err := rows.Scan(&r.u.ID, &r.u.Chat, &body, &r.owner, &r.lease, &r.attempts); err != nil {
			rows.Close()
			return nil, nil, fmt.Errorf("adopt updates: %w", err)
		}
		r.u.Body = []byte(body)
		found = append(found, r)
	}
	if err := rows.Close(); err != nil {
		return nil, nil, fmt.Errorf("adopt updates: %w", err)
	}
	if len(found) == 0 {
		return nil, nil, nil
	}
	err = l.db.Write(ctx, func(tx *Tx) error {
		adopted, abandoned = adopted[:0], abandoned[:0]
		until := formatTime(tx.now.Add(l.Lease))
		for _, r := range found {
			if !l.gone(r.owner, r.lease, tx.now) {
				continue
			}
			if r.attempts >= l.MaxAttempts {
				if _, err := tx.ExecContext(l.db.ctx, `
					UPDATE telegram_updates SET state = 'failed', done_at = ?, owner = '', lease_until = NULL
					WHERE update_id = ? AND owner = ? AND state = 'pending'`, formatTime(tx.now), r.u.ID, r.owner); err != nil {
					return err
				}
				abandoned = append(abandoned, r.u.ID)
				continue
			}
			if ok, err := l.takeOver(tx, r.u.ID, r.owner, until); err != nil {
				return err
			} else if ok {
				adopted = append(adopted, r.u)
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("adopt updates: %w", err)
	}
	return adopted, abandoned, nil
}

// Renew implements cnsbot.Intake: one statement for every update this
// process has in progress.
func (l *UpdateLog) Renew(ctx context.Context) error {
	err := l.db.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(l.db.ctx, `UPDATE telegram_updates SET lease_until = ? WHERE owner = ? AND state = 'pending'`,
			formatTime(tx.now.Add(l.Lease)), l.Owner)
		return err
	})
	if err != nil {
		return fmt.Errorf("renew update leases: %w", err)
	}
	return nil
}

// PruneUpdates forgets the updates finished before the instant and returns
// how many it removed. Telegram stops redelivering after 24 hours, so a day
// is enough; updates in progress are never pruned.
func (l *UpdateLog) PruneUpdates(ctx context.Context, before time.Time) (int64, error) {
	res, err := l.db.pool().ExecContext(ctx, `DELETE FROM telegram_updates WHERE state <> 'pending' AND done_at < ?`, formatTime(before))
	if err != nil {
		return 0, fmt.Errorf("prune updates: %w", err)
	}
	return res.RowsAffected()
}

// PendingUpdates counts the updates in progress (tests, status).
func (l *UpdateLog) PendingUpdates(ctx context.Context) (int, error) {
	var n int
	err := l.db.pool().QueryRowContext(ctx, `SELECT COUNT(*) FROM telegram_updates WHERE state = 'pending'`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, err
}
