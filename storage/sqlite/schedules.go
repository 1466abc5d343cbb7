package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"cnsbot"
)

var _ cnsbot.ScheduleService = (*ScheduleService)(nil)

// ScheduleService stores reminder schedules and the runs of their slots.
//
// ClaimSlot is what makes a slot fire once: it inserts the run row, and the
// UNIQUE (schedule_id, slot) constraint lets exactly one insert through,
// whether the competitor is a goroutine, a restarted process or a second bot
// process on the same file (SQLite serialises writers across processes; they
// queue on busy_timeout).
type ScheduleService struct {
	db *DB
}

// NewScheduleService returns a ScheduleService on db.
func NewScheduleService(db *DB) *ScheduleService {
	return &ScheduleService{db: db}
}

const scheduleColumns = `id, name, cron, audience, unit_id, chat_id, message, paused, source`

// FindSchedules returns every schedule, by name.
func (s *ScheduleService) FindSchedules(ctx context.Context) ([]*cnsbot.Schedule, error) {
	rows, err := s.db.pool().QueryContext(ctx, `SELECT `+scheduleColumns+` FROM schedules ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("find schedules: %w", err)
	}
	defer rows.Close()
	var ss []*cnsbot.Schedule
	for rows.Next() {
		sc, err := scanSchedule(rows)
		if err != nil {
			return nil, fmt.Errorf("find schedules: %w", err)
		}
		ss = append(ss, sc)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find schedules: %w", err)
	}
	return ss, nil
}

// FindScheduleByName returns the schedule with the name, ENOTFOUND if none.
func (s *ScheduleService) FindScheduleByName(ctx context.Context, name string) (*cnsbot.Schedule, error) {
	sc, err := scanSchedule(s.db.pool().QueryRowContext(ctx, `SELECT `+scheduleColumns+` FROM schedules WHERE name = ?`, name))
	if err != nil {
		return nil, fmt.Errorf("find schedule %q: %w", name, err)
	}
	return sc, nil
}

// UpsertSchedule creates the schedule named sc.Name or replaces its fields,
// and sets sc.ID. A schedule from the config (Source "config") that already
// exists keeps its stored Paused, which an admin may have set in chat, and
// sc.Paused is updated to it; a chat edit sets Paused as given. EINVALID for
// an unknown audience, source or unit, or a group audience without a chat.
func (s *ScheduleService) UpsertSchedule(ctx context.Context, sc *cnsbot.Schedule) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	var paused bool
	if err := tx.QueryRowContext(ctx, `INSERT INTO schedules (name, cron, audience, unit_id, chat_id, message, paused, source, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET
			cron = excluded.cron,
			audience = excluded.audience,
			unit_id = excluded.unit_id,
			chat_id = excluded.chat_id,
			message = excluded.message,
			paused = CASE WHEN excluded.source = 'config' THEN schedules.paused ELSE excluded.paused END,
			source = excluded.source,
			updated_at = excluded.updated_at
		RETURNING id, paused`,
		sc.Name, sc.Cron, sc.Audience, nullInt64(sc.UnitID), nullInt64(sc.ChatID), sc.Message, sc.Paused, sc.Source,
		formatTime(tx.now)).Scan(&sc.ID, &paused); err != nil {
		return fmt.Errorf("upsert schedule %q: %w", sc.Name, translate(err))
	}
	sc.Paused = paused
	return tx.Commit()
}

// SetSchedulePaused pauses or resumes the schedule, ENOTFOUND if none.
func (s *ScheduleService) SetSchedulePaused(ctx context.Context, id int64, paused bool) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx, `UPDATE schedules SET paused = ?, updated_at = ? WHERE id = ?`, paused, formatTime(tx.now), id)
	if err != nil {
		return fmt.Errorf("set schedule %d paused: %w", id, translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("set schedule %d paused: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("set schedule %d paused: %w", id, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found"))
	}
	return tx.Commit()
}

// ClaimSlot inserts the run of (id, slot), started at now, unless it exists.
// It returns true to the one caller whose insert went through: across
// goroutines, restarts and processes sharing the file, one claim wins per
// slot. ENOTFOUND when the schedule does not exist.
func (s *ScheduleService) ClaimSlot(ctx context.Context, id int64, slot, now time.Time) (bool, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx, `INSERT INTO schedule_runs (schedule_id, slot, started_at) VALUES (?, ?, ?)
		ON CONFLICT (schedule_id, slot) DO NOTHING`, id, formatTime(slot), formatTime(now))
	if err != nil {
		err = translate(err)
		if cnsbot.ErrorCode(err) == cnsbot.EINVALID { // the foreign key: no such schedule
			err = cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
		}
		return false, fmt.Errorf("claim schedule %d slot %s: %w", id, formatTime(slot), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim schedule %d slot %s: %w", id, formatTime(slot), err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("claim schedule %d slot %s: %w", id, formatTime(slot), err)
	}
	return n == 1, nil
}

// ClaimKeyedSlot claims slot of schedule id for the run that key names (a
// button press), started at now, as ClaimSlot does. When a run with key
// exists already — the same press handled again after a crash, maybe in a
// later minute — it returns that run's slot and true: the press goes on in
// the slot it claimed, whose FinishRun records the outcome once more.
func (s *ScheduleService) ClaimKeyedSlot(ctx context.Context, id int64, slot, now time.Time, key string) (time.Time, bool, error) {
	if key == "" {
		ok, err := s.ClaimSlot(ctx, id, slot, now)
		return slot, ok, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return time.Time{}, false, err
	}
	defer tx.Rollback()

	var claimed string
	err = tx.QueryRowContext(ctx, `SELECT slot FROM schedule_runs WHERE idempotency_key = ? AND schedule_id = ?`, key, id).Scan(&claimed)
	if err == nil {
		t, err := parseTime(claimed)
		if err != nil {
			return time.Time{}, false, fmt.Errorf("claim schedule %d slot for %q: %w", id, key, err)
		}
		return t, true, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, fmt.Errorf("claim schedule %d slot for %q: %w", id, key, err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO schedule_runs (schedule_id, slot, started_at, idempotency_key) VALUES (?, ?, ?, ?)
		ON CONFLICT DO NOTHING`, id, formatTime(slot), formatTime(now), key)
	if err != nil {
		err = translate(err)
		if cnsbot.ErrorCode(err) == cnsbot.EINVALID { // the foreign key: no such schedule
			err = cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
		}
		return time.Time{}, false, fmt.Errorf("claim schedule %d slot %s: %w", id, formatTime(slot), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return time.Time{}, false, fmt.Errorf("claim schedule %d slot %s: %w", id, formatTime(slot), err)
	}
	if err := tx.Commit(); err != nil {
		return time.Time{}, false, fmt.Errorf("claim schedule %d slot %s: %w", id, formatTime(slot), err)
	}
	return slot, n == 1, nil
}

// FinishRun records the outcome of the claimed run (run.ScheduleID,
// run.Slot): its batch, recipients and error. ENOTFOUND when the slot was
// never claimed.
func (s *ScheduleService) FinishRun(ctx context.Context, run *cnsbot.ScheduleRun) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	res, err := tx.ExecContext(ctx, `UPDATE schedule_runs SET finished_at = ?, batch_id = ?, recipients = ?, error = ?
		WHERE schedule_id = ? AND slot = ?`,
		formatTime(tx.now), nullInt64(run.BatchID), run.Recipients, run.Error, run.ScheduleID, formatTime(run.Slot))
	if err != nil {
		return fmt.Errorf("finish schedule %d run %s: %w", run.ScheduleID, formatTime(run.Slot), translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("finish schedule %d run %s: %w", run.ScheduleID, formatTime(run.Slot), err)
	} else if n == 0 {
		return fmt.Errorf("finish schedule %d run %s: %w", run.ScheduleID, formatTime(run.Slot),
			cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found"))
	}
	return tx.Commit()
}

// LastRuns returns up to limit runs, the latest started first. A run that
// was claimed but not finished (the process stopped while it ran) has no
// batch, no recipients and no error.
func (s *ScheduleService) LastRuns(ctx context.Context, limit int) ([]*cnsbot.ScheduleRun, error) {
	rows, err := s.db.pool().QueryContext(ctx, `SELECT schedule_id, slot, started_at, batch_id, recipients, error
		FROM schedule_runs ORDER BY started_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("find last schedule runs: %w", err)
	}
	defer rows.Close()
	var runs []*cnsbot.ScheduleRun
	for rows.Next() {
		var run cnsbot.ScheduleRun
		var slot, startedAt string
		var batchID sql.NullInt64
		if err := rows.Scan(&run.ScheduleID, &slot, &startedAt, &batchID, &run.Recipients, &run.Error); err != nil {
			return nil, fmt.Errorf("find last schedule runs: %w", err)
		}
		if run.Slot, err = parseTime(slot); err != nil {
			return nil, err
		}
		if run.StartedAt, err = parseTime(startedAt); err != nil {
			return nil, err
		}
		run.BatchID = batchID.Int64
		runs = append(runs, &run)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find last schedule runs: %w", err)
	}
	return runs, nil
}

// scanSchedule reads one schedule row from a *sql.Row or *sql.Rows.
func scanSchedule(row interface{ Scan(...any) error }) (*cnsbot.Schedule, error) {
	var sc cnsbot.Schedule
	var unitID, chatID sql.NullInt64
	if err := row.Scan(&sc.ID, &sc.Name, &sc.Cron, &sc.Audience, &unitID, &chatID, &sc.Message, &sc.Paused, &sc.Source); err != nil {
		return nil, translate(err)
	}
	sc.UnitID, sc.ChatID = unitID.Int64, chatID.Int64
	return &sc, nil
}
