package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"cnsbot"
)

// Leaders' figures come from four aggregate tables (migration 0003):
// unit_day_totals and unit_month_totals hold, for every unit and each of its
// ancestors, the sum and the count of live report values per indicator and
// day or month; team_day and team_month hold per team the number of live
// reports and the earliest created_at. Every write of reports keeps them
// right in its own transaction:
//
//   - insertReports (CreateReports, ImportReports) adds the batch's reports
//     with one set-based statement per table (addFigures): the batch is the
//     reports whose id is above the greatest id before it.
//   - changeReport adds the difference of a correction, subtracts a revoked
//     report (changeFigures); evidence changes nothing.
//   - importUnits moves the figures of units whose path changed from the
//     ancestors they left to the ancestors they joined (moveFigures).
//
// RebuildFigures recomputes everything from reports, as the migration did.

var _ cnsbot.FigureService = (*FigureService)(nil)

// FigureService answers leaders' questions from the aggregate tables: a
// province-wide sum reads a few hundred rows whatever the number of reports.
type FigureService struct {
	db *DB
}

// NewFigureService returns a FigureService on db.
func NewFigureService(db *DB) *FigureService {
	return &FigureService{db: db}
}

// SumByIndicator returns the sum of the live report values per indicator id
// of the units in the subtree of unitID dated from..to (inclusive).
// ENOTFOUND when the unit does not exist, EINVALID for a malformed date.
func (s *FigureService) SumByIndicator(ctx context.Context, unitID int64, from, to string) (map[int64]float64, error) {
	spans, err := splitDays(from, to)
	if err != nil {
		return nil, fmt.Errorf("sum by indicator: %w", err)
	}
	if _, err := unitPath(ctx, s.db.pool(), unitID); err != nil {
		return nil, fmt.Errorf("sum by indicator of unit %d: %w", unitID, err)
	}
	rows, err := s.db.pool().QueryContext(ctx, `
		SELECT indicator_id, SUM(total) FROM (
			SELECT indicator_id, total FROM unit_day_totals WHERE unit_id = ?1 AND date BETWEEN ?2 AND ?3
			UNION ALL
			SELECT indicator_id, total FROM unit_day_totals WHERE unit_id = ?1 AND date BETWEEN ?4 AND ?5
			UNION ALL
			SELECT indicator_id, total FROM unit_month_totals WHERE unit_id = ?1 AND month BETWEEN ?6 AND ?7
		) GROUP BY indicator_id`, append([]any{unitID}, spans.args()...)...)
	if err != nil {
		return nil, fmt.Errorf("sum by indicator of unit %d: %w", unitID, err)
	}
	defer rows.Close()
	sums := make(map[int64]float64)
	for rows.Next() {
		var id int64
		var sum float64
		if err := rows.Scan(&id, &sum); err != nil {
			return nil, fmt.Errorf("sum by indicator of unit %d: %w", unitID, err)
		}
		sums[id] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sum by indicator of unit %d: %w", unitID, err)
	}
	return sums, nil
}

// SumByChild returns, per direct child of unitID, the sums per indicator of
// the live reports of the child's subtree dated from..to. Children without
// live reports in the period are absent.
func (s *FigureService) SumByChild(ctx context.Context, unitID int64, from, to string) (map[int64]map[int64]float64, error) {
	spans, err := splitDays(from, to)
	if err != nil {
		return nil, fmt.Errorf("sum by child: %w", err)
	}
	if _, err := unitPath(ctx, s.db.pool(), unitID); err != nil {
		return nil, fmt.Errorf("sum by child of unit %d: %w", unitID, err)
	}
	rows, err := s.db.pool().QueryContext(ctx, `
		SELECT unit_id, indicator_id, SUM(total) FROM (
			SELECT t.unit_id, t.indicator_id, t.total FROM units c
			JOIN unit_day_totals t ON t.unit_id = c.id AND t.date BETWEEN ?2 AND ?3
			WHERE c.parent_id = ?1
			UNION ALL
			SELECT t.unit_id, t.indicator_id, t.total FROM units c
			JOIN unit_day_totals t ON t.unit_id = c.id AND t.date BETWEEN ?4 AND ?5
			WHERE c.parent_id = ?1
			UNION ALL
			SELECT t.unit_id, t.indicator_id, t.total FROM units c
			JOIN unit_month_totals t ON t.unit_id = c.id AND t.month BETWEEN ?6 AND ?7
			WHERE c.parent_id = ?1
		) GROUP BY unit_id, indicator_id`, append([]any{unitID}, spans.args()...)...)
	if err != nil {
		return nil, fmt.Errorf("sum by child of unit %d: %w", unitID, err)
	}
	defer rows.Close()
	sums := make(map[int64]map[int64]float64)
	for rows.Next() {
		var child, ind int64
		var sum float64
		if err := rows.Scan(&child, &ind, &sum); err != nil {
			return nil, fmt.Errorf("sum by child of unit %d: %w", unitID, err)
		}
		if sums[child] == nil {
			sums[child] = make(map[int64]float64)
		}
		sums[child][ind] = sum
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sum by child of unit %d: %w", unitID, err)
	}
	return sums, nil
}

// LastValues returns per indicator the latest live report of the subtree of
// unitID dated from..to: the greatest date, then the greatest id. The
// aggregates say which day is the latest; only that day's reports of the
// indicator are read, on the (indicator_id, date) index.
func (s *FigureService) LastValues(ctx context.Context, unitID int64, from, to string) (map[int64]*cnsbot.Report, error) {
	if _, err := splitDays(from, to); err != nil {
		return nil, fmt.Errorf("last values: %w", err)
	}
	path, err := unitPath(ctx, s.db.pool(), unitID)
	if err != nil {
		return nil, fmt.Errorf("last values of unit %d: %w", unitID, err)
	}
	rs, err := queryReports(ctx, s.db.pool(), `
		WITH last (indicator_id, date) AS (
			SELECT indicator_id, MAX(date) FROM unit_day_totals
			WHERE unit_id = ?1 AND date BETWEEN ?2 AND ?3 AND n > 0
			GROUP BY indicator_id
		)
		SELECT `+reportColumns+` FROM last JOIN reports r ON r.id = (
			SELECT r2.id FROM reports r2 JOIN units u ON u.id = r2.unit_id
			WHERE r2.indicator_id = last.indicator_id AND r2.date = last.date AND r2.revoked_at IS NULL
				AND u.path >= ?4 AND u.path < ?5
			ORDER BY r2.id DESC LIMIT 1)`,
		unitID, from, to, path, pathEnd(path))
	if err != nil {
		return nil, fmt.Errorf("last values of unit %d: %w", unitID, err)
	}
	last := make(map[int64]*cnsbot.Report, len(rs))
	for _, r := range rs {
		last[r.IndicatorID] = r
	}
	return last, nil
}

// TeamActivity returns every team whose unit lies in the subtree of unitID,
// by id, with the number of its live reports and "no activity" declarations
// dated from..to and when the earliest of them was created (zero when
// none). Declarations are few and read from their own table; reports from
// the team_day and team_month aggregates.
func (s *FigureService) TeamActivity(ctx context.Context, unitID int64, from, to string) ([]cnsbot.TeamActivity, error) {
	spans, err := splitDays(from, to)
	if err != nil {
		return nil, fmt.Errorf("team activity: %w", err)
	}
	path, err := unitPath(ctx, s.db.pool(), unitID)
	if err != nil {
		return nil, fmt.Errorf("team activity of unit %d: %w", unitID, err)
	}
	const teamsOf = `units u JOIN teams tm ON tm.unit_id = u.id`
	const within = `u.path >= ?1 AND u.path < ?2`
	rows, err := s.db.pool().QueryContext(ctx, `
		SELECT tm.id, tm.unit_id, COALESCE(a.reports, 0), a.first
		FROM `+teamsOf+`
		LEFT JOIN (
			SELECT team_id, SUM(reports) AS reports, MIN(first) AS first FROM (
				SELECT d.team_id, d.reports, d.first_created_at AS first FROM `+teamsOf+`
				JOIN team_day d ON d.team_id = tm.id AND d.date BETWEEN ?3 AND ?4 WHERE `+within+`
				UNION ALL
				SELECT d.team_id, d.reports, d.first_created_at FROM `+teamsOf+`
				JOIN team_day d ON d.team_id = tm.id AND d.date BETWEEN ?5 AND ?6 WHERE `+within+`
				UNION ALL
				SELECT m.team_id, m.reports, m.first_created_at FROM `+teamsOf+`
				JOIN team_month m ON m.team_id = tm.id AND m.month BETWEEN ?7 AND ?8 WHERE `+within+`
				UNION ALL
				SELECT q.team_id, 1, q.created_at FROM `+teamsOf+`
				JOIN no_activity q ON q.team_id = tm.id AND q.date BETWEEN ?9 AND ?10 WHERE `+within+`
			) GROUP BY team_id
		) a ON a.team_id = tm.id
		WHERE `+within+`
		ORDER BY tm.id`, append(append([]any{path, pathEnd(path)}, spans.args()...), from, to)...)
	if err != nil {
		return nil, fmt.Errorf("team activity of unit %d: %w", unitID, err)
	}
	defer rows.Close()
	var as []cnsbot.TeamActivity
	for rows.Next() {
		var a cnsbot.TeamActivity
		var first sql.NullString
		if err := rows.Scan(&a.TeamID, &a.UnitID, &a.Reports, &first); err != nil {
			return nil, fmt.Errorf("team activity of unit %d: %w", unitID, err)
		}
		if first.Valid {
			if a.FirstSentAt, err = parseTime(first.String); err != nil {
				return nil, err
			}
		}
		as = append(as, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("team activity of unit %d: %w", unitID, err)
	}
	return as, nil
}

// unitPath returns the materialised path of a unit, ENOTFOUND if none.
func unitPath(ctx context.Context, q queryer, id int64) (string, error) {
	var path string
	if err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = ?`, id).Scan(&path); err != nil {
		return "", translate(err)
	}
	return path, nil
}

// pathEnd is the first path after the subtree of path: /1/5/ → /1/50
// ('0' follows '/'), so that a subtree is path >= p AND path < pathEnd(p).
func pathEnd(path string) string { return path[:len(path)-1] + "0" }

// daySpans cuts a range of days in the part read from monthly rows (whole
// months) and the days before and after it read from daily rows. An empty
// part is the range "9".."0", which nothing lies in.
type daySpans struct {
	headFrom, headTo   string // days before the first whole month
	tailFrom, tailTo   string // days after the last whole month
	monthFrom, monthTo string // YYYY-MM
}

func (s daySpans) args() []any {
	return []any{s.headFrom, s.headTo, s.tailFrom, s.tailTo, s.monthFrom, s.monthTo}
}

// splitDays splits from..to (inclusive YYYY-MM-DD dates) into daySpans.
// EINVALID when a date is malformed; to before from is an empty range.
func splitDays(from, to string) (daySpans, error) {
	none := daySpans{"9", "0", "9", "0", "9", "0"}
	f, err1 := time.Parse(time.DateOnly, from)
	t, err2 := time.Parse(time.DateOnly, to)
	if err1 != nil || err2 != nil {
		return none, cnsbot.Errorf(cnsbot.EINVALID, "error.invalid")
	}
	if t.Before(f) {
		return none, nil
	}
	firstWhole := f // first day of the first whole month
	if f.Day() != 1 {
		firstWhole = time.Date(f.Year(), f.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	}
	afterWhole := t.AddDate(0, 0, 1) // the day after the last whole month
	if afterWhole.Day() != 1 {
		afterWhole = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	if !firstWhole.Before(afterWhole) { // no whole month
		none.headFrom, none.headTo = from, to
		return none, nil
	}
	s := none
	if f.Before(firstWhole) {
		s.headFrom, s.headTo = from, firstWhole.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	if afterWhole.Before(t) || afterWhole.Equal(t) {
		s.tailFrom, s.tailTo = afterWhole.Format(time.DateOnly), to
	}
	s.monthFrom, s.monthTo = firstWhole.Format("2006-01"), afterWhole.AddDate(0, 0, -1).Format("2006-01")
	return s, nil
}

// addFigures adds the live reports whose id is above afterID (the batch just
// inserted in tx) to the aggregates, one set-based statement per table: the
// batch is grouped per ancestor, day (month) and indicator, then upserted.
func addFigures(ctx context.Context, tx *Tx, afterID int64) error {
	// The batch's units and their ancestors, from parent_id. NOT INDEXED:
	// the batch is a rowid range, and DISTINCT would rather scan the whole
	// (unit_id, date) index.
	const ancestors = `WITH RECURSIVE anc (unit_id, ancestor_id) AS (
			SELECT DISTINCT unit_id, unit_id FROM reports NOT INDEXED WHERE id > ?1
			UNION ALL
			SELECT anc.unit_id, u.parent_id FROM anc JOIN units u ON u.id = anc.ancestor_id
			WHERE u.parent_id IS NOT NULL
		)`
	// CROSS JOIN keeps reports outer: the batch is a rowid range, and the
	// unit index would read every report of the batch's units.
	for _, q := range []string{ancestors + `
		INSERT INTO unit_day_totals (unit_id, date, indicator_id, total, n)
		SELECT a.ancestor_id, r.date, r.indicator_id, SUM(r.value), COUNT(*)
		FROM reports r CROSS JOIN anc a
		WHERE r.id > ?1 AND r.revoked_at IS NULL AND a.unit_id = r.unit_id
		GROUP BY a.ancestor_id, r.date, r.indicator_id
		ON CONFLICT (unit_id, date, indicator_id) DO UPDATE SET total = total + excluded.total, n = n + excluded.n`,
		ancestors + `
		INSERT INTO unit_month_totals (unit_id, month, indicator_id, total, n)
		SELECT a.ancestor_id, substr(r.date, 1, 7), r.indicator_id, SUM(r.value), COUNT(*)
		FROM reports r CROSS JOIN anc a
		WHERE r.id > ?1 AND r.revoked_at IS NULL AND a.unit_id = r.unit_id
		GROUP BY a.ancestor_id, substr(r.date, 1, 7), r.indicator_id
		ON CONFLICT (unit_id, month, indicator_id) DO UPDATE SET total = total + excluded.total, n = n + excluded.n`,
		`
		INSERT INTO team_day (team_id, date, reports, first_created_at)
		SELECT team_id, date, COUNT(*), MIN(created_at) FROM reports
		WHERE id > ?1 AND +team_id IS NOT NULL AND revoked_at IS NULL
		GROUP BY +team_id, date
		ON CONFLICT (team_id, date) DO UPDATE SET reports = reports + excluded.reports,
			first_created_at = min(first_created_at, excluded.first_created_at)`,
		`
		INSERT INTO team_month (team_id, month, reports, first_created_at)
		SELECT team_id, substr(date, 1, 7), COUNT(*), MIN(created_at) FROM reports
		WHERE id > ?1 AND +team_id IS NOT NULL AND revoked_at IS NULL
		GROUP BY +team_id, substr(date, 1, 7)
		ON CONFLICT (team_id, month) DO UPDATE SET reports = reports + excluded.reports,
			first_created_at = min(first_created_at, excluded.first_created_at)`,
	} {
		if _, err := tx.ExecContext(ctx, q, afterID); err != nil {
			return fmt.Errorf("add figures: %w", err)
		}
	}
	return nil
}

// changeFigures applies a change of one live report r to the aggregates of
// its unit and ancestors: delta is added to the totals; revoked also takes
// the report out of the counts (and out of its team's activity), deleting
// the rows left with none.
func changeFigures(ctx context.Context, tx *Tx, r *cnsbot.Report, delta float64, revoked bool) error {
	const ancestors = `WITH RECURSIVE anc (id) AS (
			SELECT ?1
			UNION ALL
			SELECT u.parent_id FROM anc JOIN units u ON u.id = anc.id WHERE u.parent_id IS NOT NULL
		)`
	dn := 0
	if revoked {
		dn = -1
	}
	month := r.Date[:7]
	qs := []struct {
		sql  string
		args []any
	}{
		{ancestors + ` UPDATE unit_day_totals SET total = total + ?4, n = n + ?5
			WHERE unit_id IN (SELECT id FROM anc) AND date = ?2 AND indicator_id = ?3`,
			[]any{r.UnitID, r.Date, r.IndicatorID, delta, dn}},
		{ancestors + ` UPDATE unit_month_totals SET total = total + ?4, n = n + ?5
			WHERE unit_id IN (SELECT id FROM anc) AND month = ?2 AND indicator_id = ?3`,
			[]any{r.UnitID, month, r.IndicatorID, delta, dn}},
	}
	if revoked {
		qs = append(qs, []struct {
			sql  string
			args []any
		}{
			{ancestors + ` DELETE FROM unit_day_totals
				WHERE unit_id IN (SELECT id FROM anc) AND date = ?2 AND indicator_id = ?3 AND n <= 0`,
				[]any{r.UnitID, r.Date, r.IndicatorID}},
			{ancestors + ` DELETE FROM unit_month_totals
				WHERE unit_id IN (SELECT id FROM anc) AND month = ?2 AND indicator_id = ?3 AND n <= 0`,
				[]any{r.UnitID, month, r.IndicatorID}},
		}...)
		if r.TeamID != 0 {
			// The earliest report may be the one revoked: look again.
			qs = append(qs, []struct {
				sql  string
				args []any
			}{
				{`UPDATE team_day SET reports = reports - 1, first_created_at = COALESCE((
					SELECT MIN(created_at) FROM reports WHERE team_id = ?1 AND date = ?2 AND revoked_at IS NULL
				), first_created_at) WHERE team_id = ?1 AND date = ?2`, []any{r.TeamID, r.Date}},
				{`DELETE FROM team_day WHERE team_id = ?1 AND date = ?2 AND reports <= 0`, []any{r.TeamID, r.Date}},
				{`UPDATE team_month SET reports = reports - 1, first_created_at = COALESCE((
					SELECT MIN(first_created_at) FROM team_day WHERE team_id = ?1 AND date BETWEEN ?2 || '-01' AND ?2 || '-31'
				), first_created_at) WHERE team_id = ?1 AND month = ?2`, []any{r.TeamID, month}},
				{`DELETE FROM team_month WHERE team_id = ?1 AND month = ?2 AND reports <= 0`, []any{r.TeamID, month}},
			}...)
		}
	}
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("change figures: %w", err)
		}
	}
	return nil
}

// pathChange is a unit whose materialised path changed.
type pathChange struct {
	id       int64
	old, new string
}

// moveFigures moves the figures of the units whose path changed (a unit
// imported under another parent, and its whole subtree with it): each
// unit's own live reports are subtracted from the ancestors it left and
// added to those it joined. Units new to the tree (no old path) have no
// reports. Teams belong to units, so team activity does not change.
func moveFigures(ctx context.Context, tx *Tx, changes []pathChange) error {
	var moves [][3]int64 // unit, ancestor, sign
	for _, c := range changes {
		if c.old == "" {
			continue
		}
		oldIDs, newIDs := pathIDs(c.old), pathIDs(c.new)
		for id := range oldIDs {
			if !newIDs[id] {
				moves = append(moves, [3]int64{c.id, id, -1})
			}
		}
		for id := range newIDs {
			if !oldIDs[id] {
				moves = append(moves, [3]int64{c.id, id, 1})
			}
		}
	}
	if len(moves) == 0 {
		return nil
	}
	buf, err := json.Marshal(moves)
	if err != nil {
		return err
	}
	const moved = `(SELECT value ->> 0 AS unit_id, value ->> 1 AS ancestor_id, value ->> 2 AS sign FROM json_each(?1))`
	for _, q := range []string{`
		INSERT INTO unit_day_totals (unit_id, date, indicator_id, total, n)
		SELECT m.ancestor_id, r.date, r.indicator_id, SUM(m.sign * r.value), SUM(m.sign)
		FROM ` + moved + ` m JOIN reports r ON r.unit_id = m.unit_id
		WHERE r.revoked_at IS NULL
		GROUP BY m.ancestor_id, r.date, r.indicator_id
		ON CONFLICT (unit_id, date, indicator_id) DO UPDATE SET total = total + excluded.total, n = n + excluded.n`, `
		INSERT INTO unit_month_totals (unit_id, month, indicator_id, total, n)
		SELECT m.ancestor_id, substr(r.date, 1, 7), r.indicator_id, SUM(m.sign * r.value), SUM(m.sign)
		FROM ` + moved + ` m JOIN reports r ON r.unit_id = m.unit_id
		WHERE r.revoked_at IS NULL
		GROUP BY m.ancestor_id, substr(r.date, 1, 7), r.indicator_id
		ON CONFLICT (unit_id, month, indicator_id) DO UPDATE SET total = total + excluded.total, n = n + excluded.n`,
		`DELETE FROM unit_day_totals WHERE unit_id IN (SELECT ancestor_id FROM ` + moved + `) AND n <= 0`,
		`DELETE FROM unit_month_totals WHERE unit_id IN (SELECT ancestor_id FROM ` + moved + `) AND n <= 0`,
	} {
		if _, err := tx.Tx.ExecContext(ctx, q, string(buf)); err != nil {
			return fmt.Errorf("move figures: %w", err)
		}
	}
	return nil
}

// pathIDs returns the unit ids of a materialised path (/1/5/23/).
func pathIDs(path string) map[int64]bool {
	ids := make(map[int64]bool)
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ids[id] = true
		}
	}
	return ids
}

// RebuildFigures recomputes the aggregate tables from the reports, in one
// transaction, with the very statements migration 0003 backfilled them
// with. The write paths keep the aggregates right; this is for repairs and
// tests. It reads every report: seconds for a few hundred thousand.
func (db *DB) RebuildFigures(ctx context.Context) error {
	backfill, err := figuresBackfill()
	if err != nil {
		return fmt.Errorf("rebuild figures: %w", err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rebuild figures: %w", err)
	}
	defer tx.Rollback()
	if err := bulkSettings(ctx, tx); err != nil {
		return fmt.Errorf("rebuild figures: %w", err)
	}
	// The underlying Tx: these run once and stay out of the statement cache.
	if _, err := tx.Tx.ExecContext(ctx, `DELETE FROM unit_day_totals; DELETE FROM unit_month_totals;
		DELETE FROM team_day; DELETE FROM team_month;`+backfill); err != nil {
		return fmt.Errorf("rebuild figures: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rebuild figures: %w", err)
	}
	return nil
}

// figuresBackfill returns the statements of migration 0003 between its
// backfill markers.
func figuresBackfill() (string, error) {
	buf, err := fs.ReadFile(migrationFS, "migration/0003_figures.sql")
	if err != nil {
		return "", err
	}
	_, rest, ok1 := strings.Cut(string(buf), "-- backfill:begin\n")
	backfill, _, ok2 := strings.Cut(rest, "-- backfill:end")
	if !ok1 || !ok2 {
		return "", fmt.Errorf("0003_figures.sql: backfill markers missing")
	}
	return backfill, nil
}
