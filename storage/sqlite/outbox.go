package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"cnsbot"
)

var _ cnsbot.OutboxService = (*OutboxService)(nil)

// OutboxService persists mass messages: batches and their messages, claimed
// by the sender in package bot and marked one by one as Telegram answers.
//
// A message goes queued → sending (ClaimDue) → sent, blocked or failed, or
// back to queued (MarkRetry, RecoverInFlight, AcquireSenderLease). Attempts
// counts the calls that got an answer: every Mark method adds one; the
// others do not, so a message claimed but never called (held back by a
// rate limit when the process stopped) has used no attempt.
//
// One process sends: the holder of the sender's lease, a row of the leases
// table. ClaimDue claims only for the holder, in the same transaction that
// checks it holds the lease, so every message sending was claimed by the
// holder of the moment; taking the lease over puts them back in the queue.
type OutboxService struct {
	db *DB
}

// NewOutboxService returns an OutboxService on db.
func NewOutboxService(db *DB) *OutboxService {
	return &OutboxService{db: db}
}

// outboxColumns are read by scanOutboxMessage, in its order.
const outboxColumns = `id, batch_id, chat_id, COALESCE(member_id, 0), is_group, text, status, COALESCE(owner, ''), attempts,
	next_attempt_at, last_error, created_at, sent_at`

// CreateBatch stores the batch and its messages in one transaction and sets
// their IDs, times, statuses and the batch's counts. A message whose
// NextAttemptAt is zero is due at once. EINVALID for a batch without a kind
// or a message without a chat or text.
func (s *OutboxService) CreateBatch(ctx context.Context, b *cnsbot.OutboxBatch, msgs []*cnsbot.OutboxMessage) error {
	if b.Kind == "" {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid")
	}
	for _, m := range msgs {
		if m.ChatID == 0 || m.Text == "" {
			return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid")
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create outbox batch: %w", err)
	}
	defer tx.Rollback()

	now := formatTime(tx.now)
	var doneAt any
	if len(msgs) == 0 {
		// Nothing to send: done at once, or no sender would ever finish it.
		doneAt = now
	}
	res, err := tx.ExecContext(ctx, `
		INSERT INTO outbox_batches (kind, title, created_by, report_chat_id, report_locale, idempotency_key, subject, created_at, done_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.Kind, b.Title, nullInt64(b.CreatedBy), nullInt64(b.ReportChatID), b.ReportLocale, nullString(b.Key), nullString(b.Subject),
		now, doneAt)
	if err != nil {
		return fmt.Errorf("create outbox batch: %w", translate(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("create outbox batch: %w", err)
	}
	ids := make([]int64, len(msgs))
	for i, m := range msgs {
		next := m.NextAttemptAt
		if next.IsZero() {
			next = tx.now
		}
		res, err := tx.ExecContext(ctx, `
			INSERT INTO outbox_messages (batch_id, chat_id, member_id, is_group, text, status, attempts,
				next_attempt_at, last_error, created_at)
			VALUES (?, ?, ?, ?, ?, 'queued', 0, ?, '', ?)`,
			id, m.ChatID, nullInt64(m.MemberID), m.IsGroup, m.Text, formatTime(next), now)
		if err != nil {
			return fmt.Errorf("create outbox message to chat %d: %w", m.ChatID, translate(err))
		}
		if ids[i], err = res.LastInsertId(); err != nil {
			return fmt.Errorf("create outbox batch: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create outbox batch: %w", err)
	}

	b.ID, b.CreatedAt, b.DoneAt = id, tx.now, nil
	if len(msgs) == 0 {
		t := tx.now
		b.DoneAt = &t
	}
	b.Total, b.Queued, b.Sent, b.Failed, b.Blocked = len(msgs), len(msgs), 0, 0, 0
	for i, m := range msgs {
		m.ID, m.BatchID, m.Status, m.Attempts, m.LastError = ids[i], id, cnsbot.OutboxQueued, 0, ""
		m.CreatedAt, m.SentAt = tx.now, nil
		if m.NextAttemptAt.IsZero() {
			m.NextAttemptAt = tx.now
		} else {
			m.NextAttemptAt = m.NextAttemptAt.UTC()
		}
	}
	return nil
}

// ClaimDue marks up to limit queued messages whose next attempt is at or
// before now as sending by owner and returns them in claim order (next
// attempt, then id). One UPDATE … RETURNING in one write transaction: two
// claimers never get the same message. The transaction first checks that
// owner holds the sender's lease — expired or not, as long as nobody took
// it over — and claims nothing otherwise (ECONFLICT): a process that lost
// the lease while paused cannot claim when it resumes.
func (s *OutboxService) ClaimDue(ctx context.Context, owner string, now time.Time, limit int) ([]*cnsbot.OutboxMessage, error) {
	if limit <= 0 {
		return nil, nil
	}
	// An idle outbox polls often: look first, on the pool, so that finding
	// nothing due takes no write turn from the bot's reports.
	var due int
	if err := s.db.pool().QueryRowContext(ctx, `
		SELECT COUNT(*) FROM (SELECT 1 FROM outbox_messages
			WHERE status = 'queued' AND next_attempt_at <= ? LIMIT 1)`, formatTime(now)).Scan(&due); err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	} else if due == 0 {
		return nil, nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	}
	defer tx.Rollback()

	var holds int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM leases WHERE name = ? AND owner = ?`,
		leaseOutbox, owner).Scan(&holds); err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	} else if holds == 0 {
		return nil, fmt.Errorf("claim outbox messages: %w", cnsbot.Errorf(cnsbot.ECONFLICT, "error.conflict"))
	}
	rows, err := tx.QueryContext(ctx, `
		UPDATE outbox_messages SET status = 'sending', owner = ?
		WHERE id IN (
			SELECT id FROM outbox_messages
			WHERE status = 'queued' AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ?)
		RETURNING `+outboxColumns, owner, formatTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	}
	var ms []*cnsbot.OutboxMessage
	for rows.Next() {
		m, err := scanOutboxMessage(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("claim outbox messages: %w", err)
		}
		ms = append(ms, m)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("claim outbox messages: %w", err)
	}
	// RETURNING gives no order.
	slices.SortFunc(ms, func(a, b *cnsbot.OutboxMessage) int {
		if c := a.NextAttemptAt.Compare(b.NextAttemptAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return ms, nil
}

// MarkSent records that Telegram accepted the message at at. ENOTFOUND
// when there is no such message, ECONFLICT when it already ended.
func (s *OutboxService) MarkSent(ctx context.Context, id int64, at time.Time) error {
	return s.mark(ctx, "sent", id, func(tx *Tx) (sql.Result, error) {
		return tx.ExecContext(s.db.ctx, `UPDATE outbox_messages
			SET status = 'sent', owner = NULL, attempts = attempts + 1, sent_at = ?, last_error = ''
			WHERE id = ? AND status IN ('queued', 'sending')`, formatTime(at), id)
	})
}

// MarkRetry puts a message back in the queue for an attempt at next,
// keeping the error of this one. ENOTFOUND or ECONFLICT as for MarkSent.
func (s *OutboxService) MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error {
	return s.mark(ctx, "for retry", id, func(tx *Tx) (sql.Result, error) {
		return tx.ExecContext(s.db.ctx, `UPDATE outbox_messages
			SET status = 'queued', owner = NULL, attempts = attempts + 1, next_attempt_at = ?, last_error = ?
			WHERE id = ? AND status IN ('queued', 'sending')`, formatTime(next), lastErr, id)
	})
}

// MarkFailed ends a message that will not be sent: retries exhausted or an
// answer that no retry can change. ENOTFOUND or ECONFLICT as for MarkSent.
func (s *OutboxService) MarkFailed(ctx context.Context, id int64, lastErr string) error {
	return s.mark(ctx, "failed", id, func(tx *Tx) (sql.Result, error) {
		return tx.ExecContext(s.db.ctx, `UPDATE outbox_messages
			SET status = 'failed', owner = NULL, attempts = attempts + 1, last_error = ?
			WHERE id = ? AND status IN ('queued', 'sending')`, lastErr, id)
	})
}

// MarkBlocked ends the message (Telegram answered 403: the user blocked the
// bot) and, in the same transaction, marks its member blocked, so leaders
// see them as unreachable and later mass messages leave them out. A group
// message has no member; only the message is marked. ENOTFOUND or ECONFLICT
// as for MarkSent.
func (s *OutboxService) MarkBlocked(ctx context.Context, id int64) error {
	return s.mark(ctx, "blocked", id, func(tx *Tx) (sql.Result, error) {
		res, err := tx.ExecContext(s.db.ctx, `UPDATE outbox_messages
			SET status = 'blocked', owner = NULL, attempts = attempts + 1, last_error = 'blocked by the user'
			WHERE id = ? AND status IN ('queued', 'sending')`, id)
		if err != nil {
			return nil, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return res, err
		}
		if _, err := tx.ExecContext(s.db.ctx, `UPDATE members SET status = 'blocked', updated_at = ?
			WHERE id = (SELECT member_id FROM outbox_messages WHERE id = ?) AND status <> 'blocked'`,
			formatTime(tx.now), id); err != nil {
			return nil, err
		}
		return res, nil
	})
}

// mark runs one status change through the group commit (DB.Write): the
// sender marks every message, thousands a second, and one WAL commit serves
// all the marks that arrive meanwhile. A mark is guarded by the message's
// status, so running it again after a commit the caller gave up on changes
// nothing.
func (s *OutboxService) mark(ctx context.Context, verb string, id int64, exec func(*Tx) (sql.Result, error)) error {
	err := s.db.Write(ctx, func(tx *Tx) error {
		res, err := exec(tx)
		if err != nil {
			return translate(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		} else if n == 1 {
			return nil
		}
		var status string
		err = tx.QueryRowContext(s.db.ctx, `SELECT status FROM outbox_messages WHERE id = ?`, id).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return translate(err)
		} else if err != nil {
			return err
		}
		return cnsbot.Errorf(cnsbot.ECONFLICT, "error.conflict")
	})
	if err != nil {
		return fmt.Errorf("mark outbox message %d %s: %w", id, verb, err)
	}
	return nil
}

// RecoverInFlight returns the messages owner left sending to the queue,
// due at the time they already had, and reports how many. The sender calls
// it when it stops, for what it claimed but did not call. What a process
// that died left sending is put back by the next holder of the lease
// (AcquireSenderLease).
func (s *OutboxService) RecoverInFlight(ctx context.Context, owner string) (int, error) {
	var n int64
	err := s.db.Write(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(s.db.ctx, `UPDATE outbox_messages SET status = 'queued', owner = NULL
			WHERE status = 'sending' AND owner = ?`, owner)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("recover outbox messages in flight: %w", err)
	}
	return int(n), nil
}

// FindBatch returns the batch with its counts; Queued counts the messages
// queued or sending. ENOTFOUND if none.
func (s *OutboxService) FindBatch(ctx context.Context, id int64) (*cnsbot.OutboxBatch, error) {
	b, err := findOutboxBatch(ctx, s.db.pool(), id)
	if err != nil {
		return nil, fmt.Errorf("find outbox batch %d: %w", id, err)
	}
	return b, nil
}

// FindBatchByKey returns the batch queued with the idempotency key, with
// its counts; ENOTFOUND when there is none.
func (s *OutboxService) FindBatchByKey(ctx context.Context, key string) (*cnsbot.OutboxBatch, error) {
	var id int64
	err := s.db.pool().QueryRowContext(ctx, `SELECT id FROM outbox_batches WHERE idempotency_key = ?`, key).Scan(&id)
	if err == nil {
		return s.FindBatch(ctx, id)
	}
	return nil, fmt.Errorf("find outbox batch %q: %w", key, translate(err))
}

// FindLatestBatch returns the newest batch about subject, with its counts;
// ENOTFOUND when there is none.
func (s *OutboxService) FindLatestBatch(ctx context.Context, subject string) (*cnsbot.OutboxBatch, error) {
	var id int64
	err := s.db.pool().QueryRowContext(ctx, `
		SELECT id FROM outbox_batches WHERE subject = ? ORDER BY created_at DESC, id DESC LIMIT 1`, subject).Scan(&id)
	if err == nil {
		return s.FindBatch(ctx, id)
	}
	return nil, fmt.Errorf("find latest outbox batch about %q: %w", subject, translate(err))
}

func findOutboxBatch(ctx context.Context, q queryer, id int64) (*cnsbot.OutboxBatch, error) {
	var b cnsbot.OutboxBatch
	var createdAt string
	var doneAt sql.NullString
	if err := q.QueryRowContext(ctx, `
		SELECT id, kind, title, COALESCE(created_by, 0), COALESCE(report_chat_id, 0), report_locale,
			COALESCE(idempotency_key, ''), COALESCE(subject, ''), created_at, done_at
		FROM outbox_batches WHERE id = ?`, id).Scan(
		&b.ID, &b.Kind, &b.Title, &b.CreatedBy, &b.ReportChatID, &b.ReportLocale, &b.Key, &b.Subject, &createdAt, &doneAt); err != nil {
		return nil, translate(err)
	}
	var err error
	if b.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, err
	}
	if b.DoneAt, err = nullTime(doneAt); err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT status, COUNT(*) FROM outbox_messages WHERE batch_id = ? GROUP BY status`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, err
		}
		b.Total += n
		switch cnsbot.OutboxStatus(status) {
		case cnsbot.OutboxQueued, cnsbot.OutboxSending:
			b.Queued += n
		case cnsbot.OutboxSent:
			b.Sent += n
		case cnsbot.OutboxFailed:
			b.Failed += n
		case cnsbot.OutboxBlocked:
			b.Blocked += n
		}
	}
	return &b, rows.Err()
}

// FinishBatch marks the batch done at at when none of its messages is
// queued or sending. first is true for the one call that did it, so the
// delivery report goes out once even when several senders or restarts try.
// ENOTFOUND when there is no such batch.
func (s *OutboxService) FinishBatch(ctx context.Context, id int64, at time.Time) (first bool, err error) {
	// Not cancelled with ctx: a commit the caller stopped waiting for would
	// finish the batch with nobody to send its report.
	err = s.db.Write(context.WithoutCancel(ctx), func(tx *Tx) error {
		res, err := tx.ExecContext(s.db.ctx, `UPDATE outbox_batches SET done_at = ?
			WHERE id = ? AND done_at IS NULL AND NOT EXISTS (
				SELECT 1 FROM outbox_messages WHERE batch_id = ? AND status IN ('queued', 'sending'))`,
			formatTime(at), id, id)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if first = n == 1; first {
			return nil
		}
		var one int
		return translate(tx.QueryRowContext(s.db.ctx, `SELECT 1 FROM outbox_batches WHERE id = ?`, id).Scan(&one))
	})
	if err != nil {
		return false, fmt.Errorf("finish outbox batch %d: %w", id, err)
	}
	return first, nil
}

// UnfinishedBatches returns the ids of the batches not done yet, oldest
// first. The sender checks them when it starts: a process that stopped
// between a batch's last mark and FinishBatch left one behind.
func (s *OutboxService) UnfinishedBatches(ctx context.Context) ([]int64, error) {
	rows, err := s.db.pool().QueryContext(ctx, `SELECT id FROM outbox_batches WHERE done_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("find unfinished outbox batches: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("find unfinished outbox batches: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find unfinished outbox batches: %w", err)
	}
	return ids, nil
}

// Depth is the number of messages queued or sending, due or not.
func (s *OutboxService) Depth(ctx context.Context) (int, error) {
	var n int
	if err := s.db.pool().QueryRowContext(ctx,
		`SELECT COUNT(*) FROM outbox_messages WHERE status IN ('queued', 'sending')`).Scan(&n); err != nil {
		return 0, fmt.Errorf("outbox depth: %w", err)
	}
	return n, nil
}

// FindOutboxMessage returns one message, ENOTFOUND if none; for tests and
// the delivery report's details.
func (s *OutboxService) FindOutboxMessage(ctx context.Context, id int64) (*cnsbot.OutboxMessage, error) {
	rows, err := s.db.pool().QueryContext(ctx, `SELECT `+outboxColumns+` FROM outbox_messages WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("find outbox message %d: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("find outbox message %d: %w", id, err)
		}
		return nil, fmt.Errorf("find outbox message %d: %w", id, translate(sql.ErrNoRows))
	}
	m, err := scanOutboxMessage(rows)
	if err != nil {
		return nil, fmt.Errorf("find outbox message %d: %w", id, err)
	}
	return m, nil
}

func scanOutboxMessage(rows *sql.Rows) (*cnsbot.OutboxMessage, error) {
	var m cnsbot.OutboxMessage
	var status, next, created string
	var sent sql.NullString
	if err := rows.Scan(&m.ID, &m.BatchID, &m.ChatID, &m.MemberID, &m.IsGroup, &m.Text, &status, &m.Owner, &m.Attempts,
		&next, &m.LastError, &created, &sent); err != nil {
		return nil, err
	}
	m.Status = cnsbot.OutboxStatus(status)
	var err error
	if m.NextAttemptAt, err = parseTime(next); err != nil {
		return nil, err
	}
	if m.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if m.SentAt, err = nullTime(sent); err != nil {
		return nil, err
	}
	return &m, nil
}
