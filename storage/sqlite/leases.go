package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cnsbot"
)

// leaseOutbox is the name of the sender's lease in the leases table.
const leaseOutbox = "outbox"

// FindSenderLease returns the sender's lease, ENOTFOUND when no process
// ever took it. A read on the pool: a standby process polls it every few
// seconds without taking a write turn from the one that sends.
func (s *OutboxService) FindSenderLease(ctx context.Context) (*cnsbot.Lease, error) {
	var l cnsbot.Lease
	var acquired, expires string
	err := s.db.pool().QueryRowContext(ctx, `SELECT owner, acquired_at, expires_at FROM leases WHERE name = ?`,
		leaseOutbox).Scan(&l.Owner, &acquired, &expires)
	if err == nil {
		if l.AcquiredAt, err = parseTime(acquired); err == nil {
			l.ExpiresAt, err = parseTime(expires)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("find sender lease: %w", translate(err))
	}
	return &l, nil
}

// AcquireSenderLease gives the sender's lease to owner from now until
// now+ttl, provided it is still as prev was read (nil: no lease yet) — a
// compare-and-swap on the holder and its expiry, so that of two processes
// that saw the same expired lease one gets it, and a holder that renewed
// meanwhile keeps it. ECONFLICT otherwise.
//
// In the same transaction every message left sending goes back to the
// queue, due at the time it had, and the count is returned. Messages are
// claimed only under the lease (ClaimDue), so these are the previous
// holder's — its calls in flight when it died or lost the lease, and what
// it had claimed and not called — or owner's own from an earlier run, or,
// once, those a version before the lease left sending. Whether the previous
// holder should lose it (its lease expired, or it is dead) is the caller's
// judgement.
func (s *OutboxService) AcquireSenderLease(ctx context.Context, owner string, prev *cnsbot.Lease, now time.Time, ttl time.Duration) (*cnsbot.Lease, int, error) {
	if owner == "" || ttl <= 0 {
		return nil, 0, cnsbot.Errorf(cnsbot.EINVALID, "error.invalid")
	}
	l := &cnsbot.Lease{Owner: owner, AcquiredAt: now.UTC(), ExpiresAt: now.Add(ttl).UTC()}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("acquire sender lease: %w", err)
	}
	defer tx.Rollback()

	var res sql.Result
	if prev == nil {
		res, err = tx.ExecContext(ctx, `INSERT INTO leases (name, owner, acquired_at, expires_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (name) DO NOTHING`, leaseOutbox, owner, formatTime(l.AcquiredAt), formatTime(l.ExpiresAt))
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE leases SET owner = ?, acquired_at = ?, expires_at = ?
			WHERE name = ? AND owner = ? AND expires_at = ?`,
			owner, formatTime(l.AcquiredAt), formatTime(l.ExpiresAt), leaseOutbox, prev.Owner, formatTime(prev.ExpiresAt))
	}
	if err != nil {
		return nil, 0, fmt.Errorf("acquire sender lease: %w", translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, 0, fmt.Errorf("acquire sender lease: %w", err)
	} else if n == 0 {
		return nil, 0, fmt.Errorf("acquire sender lease: %w", cnsbot.Errorf(cnsbot.ECONFLICT, "error.conflict"))
	}
	res, err = tx.ExecContext(ctx, `UPDATE outbox_messages SET status = 'queued', owner = NULL WHERE status = 'sending'`)
	if err != nil {
		return nil, 0, fmt.Errorf("acquire sender lease: %w", err)
	}
	requeued, err := res.RowsAffected()
	if err != nil {
		return nil, 0, fmt.Errorf("acquire sender lease: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, 0, fmt.Errorf("acquire sender lease: %w", err)
	}
	return l, int(requeued), nil
}

// RenewSenderLease extends owner's lease to now+ttl, expired or not, as
// long as no other process took it; ECONFLICT when one did. It goes through
// the group commit (DB.Write) with the sender's marks.
func (s *OutboxService) RenewSenderLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (*cnsbot.Lease, error) {
	l := &cnsbot.Lease{Owner: owner, ExpiresAt: now.Add(ttl).UTC()}
	err := s.db.Write(ctx, func(tx *Tx) error {
		var acquired string
		err := tx.QueryRowContext(s.db.ctx, `UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ?
			RETURNING acquired_at`, formatTime(l.ExpiresAt), leaseOutbox, owner).Scan(&acquired)
		if errors.Is(err, sql.ErrNoRows) {
			return cnsbot.Errorf(cnsbot.ECONFLICT, "error.conflict")
		} else if err != nil {
			return err
		}
		l.AcquiredAt, err = parseTime(acquired)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("renew sender lease: %w", err)
	}
	return l, nil
}

// ReleaseSenderLease ends owner's lease at now, so that a standby process
// takes it at its next look instead of when it would have expired. Nothing
// happens when owner does not hold it.
func (s *OutboxService) ReleaseSenderLease(ctx context.Context, owner string, now time.Time) error {
	err := s.db.Write(ctx, func(tx *Tx) error {
		_, err := tx.ExecContext(s.db.ctx, `UPDATE leases SET expires_at = ? WHERE name = ? AND owner = ? AND expires_at > ?`,
			formatTime(now), leaseOutbox, owner, formatTime(now))
		return err
	})
	if err != nil {
		return fmt.Errorf("release sender lease: %w", err)
	}
	return nil
}
