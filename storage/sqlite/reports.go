package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"cnsbot"
)

var _ cnsbot.ReportService = (*ReportService)(nil)

// ReportService reads and writes reports and their audit trail.
type ReportService struct {
	db *DB
}

// NewReportService returns a ReportService on db.
func NewReportService(db *DB) *ReportService {
	return &ReportService{db: db}
}

// reportColumns are read by scanReport, in its order.
const reportColumns = `r.id, COALESCE(r.member_id, 0), COALESCE(r.team_id, 0), r.unit_id, r.date, r.indicator_id,
	r.value, r.numerator, r.denominator, r.note, r.evidence_file_id, r.source, COALESCE(r.idempotency_key, ''),
	r.created_at, r.updated_at, r.revoked_at`

// FindReportByID returns the report with the id, revoked or not, ENOTFOUND
// if none.
func (s *ReportService) FindReportByID(ctx context.Context, id int64) (*cnsbot.Report, error) {
	r, err := findReportByID(ctx, s.db.pool(), id)
	if err != nil {
		return nil, fmt.Errorf("find report %d: %w", id, err)
	}
	return r, nil
}

// FindReports returns one page of the reports matching f, newest date first
// (then newest id), and the number of all matching reports. Revoked reports
// are left out unless f.WithRevoked.
func (s *ReportService) FindReports(ctx context.Context, f cnsbot.ReportFilter) ([]*cnsbot.Report, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.ID != 0 {
		where, args = append(where, "r.id = ?"), append(args, f.ID)
	}
	if f.MemberID != 0 {
		where, args = append(where, "r.member_id = ?"), append(args, f.MemberID)
	}
	if f.TeamID != 0 {
		where, args = append(where, "r.team_id = ?"), append(args, f.TeamID)
	}
	if f.UnitID != 0 {
		where, args = append(where, "r.unit_id IN ("+subtreeIDs+")"), append(args, f.UnitID, f.UnitID)
	}
	if f.IndicatorID != 0 {
		where, args = append(where, "r.indicator_id = ?"), append(args, f.IndicatorID)
	}
	if f.From != "" {
		where, args = append(where, "r.date >= ?"), append(args, f.From)
	}
	if f.To != "" {
		where, args = append(where, "r.date <= ?"), append(args, f.To)
	}
	if f.KeyPrefix != "" {
		// A range on the unique index rather than LIKE, which would scan.
		where, args = append(where, "r.idempotency_key >= ? AND r.idempotency_key < ?"), append(args, f.KeyPrefix, f.KeyPrefix+"\uffff")
	}
	if !f.WithRevoked {
		where = append(where, "r.revoked_at IS NULL")
	}
	cond := strings.Join(where, " AND ")

	var n int
	if err := s.db.pool().QueryRowContext(ctx, `SELECT COUNT(*) FROM reports r WHERE `+cond, args...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count reports: %w", err)
	}
	limit := -1
	if f.Limit > 0 {
		limit = f.Limit
	}
	rs, err := queryReports(ctx, s.db.pool(), `SELECT `+reportColumns+` FROM reports r WHERE `+cond+`
		ORDER BY r.date DESC, r.id DESC LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find reports: %w", err)
	}
	return rs, n, nil
}

// CreateReports saves rs in one transaction, sets their IDs and times and
// writes a "create" entry in the audit trail for each. When any
// IdempotencyKey already exists it returns ECONFLICT and writes nothing.
func (s *ReportService) CreateReports(ctx context.Context, rs []*cnsbot.Report) error {
	// Group-committed: reports of concurrent updates share one commit. The
	// idempotency keys make a commit after the caller gave up harmless.
	err := s.db.Write(ctx, func(tx *Tx) error { return insertReports(s.db.ctx, tx, rs, false) })
	if err != nil {
		return fmt.Errorf("create reports: %w", err)
	}
	return nil
}

// CreateNoActivity saves a team's "no activity" declaration, stamped by the
// database's clock. ECONFLICT when its idempotency key already exists.
func (s *ReportService) CreateNoActivity(ctx context.Context, n *cnsbot.NoActivity) error {
	err := s.db.Write(ctx, func(tx *Tx) error {
		now := tx.now
		res, err := tx.ExecContext(s.db.ctx, `
			INSERT INTO no_activity (member_id, author_id, team_id, unit_id, date, note, source, idempotency_key, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			n.MemberID, nullInt64(n.AuthorID), n.TeamID, n.UnitID, n.Date, n.Note, n.Source,
			nullString(n.IdempotencyKey), formatTime(now))
		if err != nil {
			return translate(err)
		}
		if n.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		n.CreatedAt = now
		return nil
	})
	if err != nil {
		return fmt.Errorf("create no-activity declaration: %w", err)
	}
	return nil
}

// FindNoActivityByKey returns the "no activity" declaration saved with the
// idempotency key, ENOTFOUND when there is none.
func (s *ReportService) FindNoActivityByKey(ctx context.Context, key string) (*cnsbot.NoActivity, error) {
	var n cnsbot.NoActivity
	var createdAt string
	err := s.db.pool().QueryRowContext(ctx, `
		SELECT id, member_id, COALESCE(author_id, 0), team_id, unit_id, date, note, source, COALESCE(idempotency_key, ''), created_at
		FROM no_activity WHERE idempotency_key = ?`, key).Scan(
		&n.ID, &n.MemberID, &n.AuthorID, &n.TeamID, &n.UnitID, &n.Date, &n.Note, &n.Source, &n.IdempotencyKey, &createdAt)
	if err != nil {
		return nil, fmt.Errorf("find no-activity declaration %q: %w", key, translate(err))
	}
	if n.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, fmt.Errorf("find no-activity declaration %q: %w", key, err)
	}
	return &n, nil
}

// CorrectReport changes the value of a report, keeping the old value in the
// audit trail, and returns the new row. by is the member who corrected it
// (0 for the system). ECONFLICT when the report is revoked.
func (s *ReportService) CorrectReport(ctx context.Context, id int64, value float64, by int64) (*cnsbot.Report, error) {
	r, err := s.changeReport(ctx, id, "correct", &value, by, "")
	if err != nil {
		return nil, fmt.Errorf("correct report %d: %w", id, err)
	}
	return r, nil
}

// RevokeReport marks a report revoked, recording who did it, and returns
// the new row. ECONFLICT when it is already revoked.
func (s *ReportService) RevokeReport(ctx context.Context, id, by int64) (*cnsbot.Report, error) {
	r, err := s.changeReport(ctx, id, "revoke", nil, by, "")
	if err != nil {
		return nil, fmt.Errorf("revoke report %d: %w", id, err)
	}
	return r, nil
}

// AttachEvidence sets the report's evidence photo (a Telegram file id) and
// records it in the audit trail. ECONFLICT when the report is revoked.
func (s *ReportService) AttachEvidence(ctx context.Context, id int64, fileID string, by int64) (*cnsbot.Report, error) {
	r, err := s.changeReport(ctx, id, "evidence", nil, by, fileID)
	if err != nil {
		return nil, fmt.Errorf("attach evidence to report %d: %w", id, err)
	}
	return r, nil
}

// changeReport corrects (value set), revokes, or attaches evidence to a report.
func (s *ReportService) changeReport(ctx context.Context, id int64, action string, value *float64, by int64, fileID string) (*cnsbot.Report, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	r, err := findReportByID(ctx, tx, id)
	if err != nil {
		return nil, err
	} else if r.RevokedAt != nil {
		return nil, cnsbot.Errorf(cnsbot.ECONFLICT, "error.report_revoked")
	}
	now := formatTime(tx.now)
	old := r.Value
	var evidence any
	switch action {
	case "correct":
		_, err = tx.ExecContext(ctx, `UPDATE reports SET value = ?, updated_at = ? WHERE id = ?`, *value, now, id)
	case "revoke":
		_, err = tx.ExecContext(ctx, `UPDATE reports SET revoked_at = ?, updated_at = ? WHERE id = ?`, now, now, id)
	case "evidence":
		evidence = fileID
		_, err = tx.ExecContext(ctx, `UPDATE reports SET evidence_file_id = ?, updated_at = ? WHERE id = ?`, fileID, now, id)
	}
	if err != nil {
		return nil, translate(err)
	}
	switch action {
	case "correct":
		err = changeFigures(ctx, tx, r, *value-old, false)
	case "revoke":
		err = changeFigures(ctx, tx, r, -old, true)
	}
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO report_changes (report_id, action, old_value, new_value, evidence_file_id, changed_by, changed_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, action, old, nullFloat(value), evidence, nullInt64(by), now); err != nil {
		return nil, translate(err)
	}
	if r, err = findReportByID(ctx, tx, id); err != nil {
		return nil, err
	}
	return r, tx.Commit()
}

// FindReportChanges returns the audit trail of a report, oldest first.
func (s *ReportService) FindReportChanges(ctx context.Context, reportID int64) ([]*cnsbot.ReportChange, error) {
	rows, err := s.db.pool().QueryContext(ctx, `
		SELECT id, report_id, action, old_value, new_value, COALESCE(changed_by, 0), changed_at
		FROM report_changes WHERE report_id = ? ORDER BY id`, reportID)
	if err != nil {
		return nil, fmt.Errorf("find report changes %d: %w", reportID, err)
	}
	defer rows.Close()

	var cs []*cnsbot.ReportChange
	for rows.Next() {
		var c cnsbot.ReportChange
		var oldValue, newValue sql.NullFloat64
		var at string
		if err := rows.Scan(&c.ID, &c.ReportID, &c.Action, &oldValue, &newValue, &c.ChangedBy, &at); err != nil {
			return nil, fmt.Errorf("find report changes %d: %w", reportID, err)
		}
		c.OldValue, c.NewValue = floatPtr(oldValue), floatPtr(newValue)
		if c.ChangedAt, err = parseTime(at); err != nil {
			return nil, err
		}
		cs = append(cs, &c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find report changes %d: %w", reportID, err)
	}
	return cs, nil
}

// insertReports inserts rs and a "create" audit entry for each with
// statements prepared once, so big imports stay fast. keepCreatedAt keeps
// the reports' own CreatedAt (imports of history). The INSERT has no
// RETURNING clause on purpose: SQLite implements RETURNING like a trigger,
// which makes every row write a statement journal (three times slower).
// The figures' aggregates are then updated for the whole batch at once.
func insertReports(ctx context.Context, tx *Tx, rs []*cnsbot.Report, keepCreatedAt bool) error {
	// The batch gets the ids above the greatest one: rowids grow and this
	// transaction is the only writer. The figures of every report the
	// transaction inserts are added once, at commit (see Tx.Commit): a
	// group commit of many callers pays for one aggregate update.
	if !tx.figuresPending {
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM reports`).Scan(&tx.figuresAfter); err != nil {
			return err
		}
		tx.figuresPending = true
	}
	ins, err := tx.PrepareContext(ctx, `
		INSERT INTO reports (member_id, team_id, unit_id, date, indicator_id, value, numerator, denominator,
			note, evidence_file_id, source, idempotency_key, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer ins.Close()
	audit, err := tx.PrepareContext(ctx, `
		INSERT INTO report_changes (report_id, action, new_value, changed_by, changed_at)
		VALUES (?, 'create', ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer audit.Close()

	for i, r := range rs {
		// Imports carry when a report was really sent (history, the demo);
		// everything else is stamped by the database's clock.
		at := tx.now
		if keepCreatedAt && !r.CreatedAt.IsZero() {
			at = r.CreatedAt
		}
		now := formatTime(at)
		res, err := ins.ExecContext(ctx, nullInt64(r.MemberID), nullInt64(r.TeamID), r.UnitID, r.Date, r.IndicatorID,
			r.Value, nullFloat(r.Numerator), nullFloat(r.Denominator), r.Note, r.EvidenceFileID, r.Source,
			nullString(r.IdempotencyKey), now, now)
		if err != nil {
			return fmt.Errorf("report %d: %w", i+1, translate(err))
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		author := r.MemberID
		if r.AuthorID != 0 {
			author = r.AuthorID
		}
		if _, err := audit.ExecContext(ctx, r.ID, r.Value, nullInt64(author), now); err != nil {
			return fmt.Errorf("report %d: %w", i+1, translate(err))
		}
		r.CreatedAt, r.UpdatedAt, r.RevokedAt = at, at, nil
	}
	return nil
}

// findReportByID returns one report, ENOTFOUND if none.
func findReportByID(ctx context.Context, q queryer, id int64) (*cnsbot.Report, error) {
	rs, err := queryReports(ctx, q, `SELECT `+reportColumns+` FROM reports r WHERE r.id = ?`, id)
	if err != nil {
		return nil, err
	} else if len(rs) == 0 {
		return nil, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
	}
	return rs[0], nil
}

// queryReports runs a query selecting reportColumns.
func queryReports(ctx context.Context, q queryer, query string, args ...any) ([]*cnsbot.Report, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var rs []*cnsbot.Report
	for rows.Next() {
		var r cnsbot.Report
		var num, den sql.NullFloat64
		var createdAt, updatedAt string
		var revokedAt sql.NullString
		if err := rows.Scan(&r.ID, &r.MemberID, &r.TeamID, &r.UnitID, &r.Date, &r.IndicatorID, &r.Value, &num, &den,
			&r.Note, &r.EvidenceFileID, &r.Source, &r.IdempotencyKey, &createdAt, &updatedAt, &revokedAt); err != nil {
			return nil, err
		}
		r.Numerator, r.Denominator = floatPtr(num), floatPtr(den)
		if r.CreatedAt, err = parseTime(createdAt); err != nil {
			return nil, err
		}
		if r.UpdatedAt, err = parseTime(updatedAt); err != nil {
			return nil, err
		}
		if r.RevokedAt, err = nullTime(revokedAt); err != nil {
			return nil, err
		}
		rs = append(rs, &r)
	}
	return rs, rows.Err()
}
