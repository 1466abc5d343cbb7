package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"cnsbot"
)

var _ cnsbot.ImportService = (*ImportService)(nil)

// ImportService loads master data and historical values in bulk. Each call
// is one transaction with statements prepared once: all rows are written or,
// when any row fails, none. Errors name the 1-based row that failed.
type ImportService struct {
	db *DB
}

// NewImportService returns an ImportService on db.
func NewImportService(db *DB) *ImportService {
	return &ImportService{db: db}
}

// ImportUnits upserts units by code: an existing code gets the row's name,
// full name, level, validity and parent. Rows may come in any order (a parent
// after its children); a parent is named by ParentID or ParentCode, either in
// the batch or already stored. EINVALID "error.unknown_parent" for a parent
// that is nowhere, "error.unit_cycle" when parents form a loop.
func (s *ImportService) ImportUnits(ctx context.Context, us []*cnsbot.Unit) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	if err := importUnits(ctx, tx, us); err != nil {
		return fmt.Errorf("import units: %w", err)
	}
	return tx.Commit()
}

// importUnits upserts the rows without parents, then sets the parents once
// every code in the batch has an id, then recomputes the paths.
func importUnits(ctx context.Context, tx *Tx, us []*cnsbot.Unit) error {
	upsert, err := tx.PrepareContext(ctx, `
		INSERT INTO units (code, level, name, full_name, search_key, valid_from, valid_to)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET
			level = excluded.level, name = excluded.name, full_name = excluded.full_name,
			search_key = excluded.search_key, valid_from = excluded.valid_from, valid_to = excluded.valid_to
		RETURNING id`)
	if err != nil {
		return err
	}
	defer upsert.Close()
	for i, u := range us {
		if err := upsert.QueryRowContext(ctx, u.Code, u.Level, u.Name, u.FullName, unitSearchKey(u),
			u.ValidFrom, u.ValidTo).Scan(&u.ID); err != nil {
			return fmt.Errorf("row %d (%s): %w", i+1, u.Code, translate(err))
		}
	}

	codes := make(map[string]int64) // every stored code, batch included
	ids := make(map[int64]string)
	rows, err := tx.QueryContext(ctx, `SELECT id, code FROM units`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			rows.Close()
			return err
		}
		codes[code], ids[id] = id, code
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	setParent, err := tx.PrepareContext(ctx, `UPDATE units SET parent_id = ? WHERE id = ?`)
	if err != nil {
		return err
	}
	defer setParent.Close()
	for i, u := range us {
		parentID, ok := u.ParentID, true
		switch {
		case parentID != 0:
			u.ParentCode, ok = ids[parentID]
		case u.ParentCode != "":
			parentID, ok = codes[u.ParentCode]
		}
		if !ok {
			return fmt.Errorf("row %d (%s): %w", i+1, u.Code,
				cnsbot.Errorf(cnsbot.EINVALID, "error.unknown_parent", "code", u.ParentCode, "id", u.ParentID))
		}
		if _, err := setParent.ExecContext(ctx, nullInt64(parentID), u.ID); err != nil {
			return fmt.Errorf("row %d (%s): %w", i+1, u.Code, translate(err))
		}
		u.ParentID = parentID
	}
	changes, err := rebuildPaths(ctx, tx)
	if err != nil {
		return err
	}
	// A unit under another parent takes its reports' figures along.
	return moveFigures(ctx, tx, changes)
}

// rebuildPaths recomputes every unit's materialised path from parent_id and
// writes the ones that changed, which it returns. A unit that cannot reach a
// root is in a loop: EINVALID "error.unit_cycle".
func rebuildPaths(ctx context.Context, tx *Tx) ([]pathChange, error) {
	type node struct {
		parent   int64
		old, new string
		code     string
	}
	nodes := make(map[int64]*node)
	rows, err := tx.QueryContext(ctx, `SELECT id, COALESCE(parent_id, 0), path, code FROM units`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		n := &node{}
		if err := rows.Scan(&id, &n.parent, &n.old, &n.code); err != nil {
			rows.Close()
			return nil, err
		}
		nodes[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}

	var pathOf func(id int64, depth int) (string, error)
	pathOf = func(id int64, depth int) (string, error) {
		n := nodes[id]
		if n.new != "" {
			return n.new, nil
		}
		if depth > len(nodes) {
			return "", cnsbot.Errorf(cnsbot.EINVALID, "error.unit_cycle", "code", n.code)
		}
		prefix := "/"
		if n.parent != 0 {
			p, err := pathOf(n.parent, depth+1)
			if err != nil {
				return "", err
			}
			prefix = p
		}
		n.new = prefix + strconv.FormatInt(id, 10) + "/"
		return n.new, nil
	}

	update, err := tx.PrepareContext(ctx, `UPDATE units SET path = ? WHERE id = ?`)
	if err != nil {
		return nil, err
	}
	defer update.Close()
	var changes []pathChange
	for id, n := range nodes {
		p, err := pathOf(id, 0)
		if err != nil {
			return nil, err
		}
		if p != n.old {
			if _, err := update.ExecContext(ctx, p, id); err != nil {
				return nil, err
			}
			changes = append(changes, pathChange{id: id, old: n.old, new: p})
		}
	}
	return changes, nil
}

// ImportMembers upserts members by phone: an existing phone gets the row's
// name, unit, role and team; its Telegram id, status, locale and invite code
// stay. New members are pending with an invite code. Member and team_lead
// rows without a TeamID join their unit's team, created if missing.
func (s *ImportService) ImportMembers(ctx context.Context, ms []*cnsbot.Member) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	update, err := tx.PrepareContext(ctx, `
		UPDATE members SET full_name = ?, unit_id = ?, role = ?, team_id = ?, updated_at = ?
		WHERE id = ?`)
	if err != nil {
		return fmt.Errorf("import members: %w", err)
	}
	defer update.Close()

	for i, m := range ms {
		if err := importMember(ctx, tx, update.ExecContext, m); err != nil {
			return fmt.Errorf("import members: row %d: %w", i+1, err)
		}
	}
	return tx.Commit()
}

// importMember creates m or updates the member with its phone.
func importMember(ctx context.Context, tx *Tx, update func(context.Context, ...any) (sql.Result, error), m *cnsbot.Member) error {
	if m.Phone == "" || cnsbot.NormalizePhone(m.Phone) != m.Phone {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid_phone", "phone", m.Phone)
	}
	if !m.Role.Valid() {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid_role", "role", string(m.Role))
	}
	old, err := findMemberBy(ctx, tx, "phone", m.Phone)
	if cnsbot.IsNotFound(err) {
		return createMember(ctx, tx, m)
	} else if err != nil {
		return err
	}
	teamID, err := memberTeam(ctx, tx, m)
	if err != nil {
		return err
	}
	if _, err := update(ctx, m.FullName, m.UnitID, m.Role, nullInt64(teamID), formatTime(tx.now), old.ID); err != nil {
		return translate(err)
	}
	m.ID, m.TeamID, m.TelegramID, m.Locale, m.Status = old.ID, teamID, old.TelegramID, old.Locale, old.Status
	m.InviteCode, m.CreatedAt, m.UpdatedAt = old.InviteCode, old.CreatedAt, tx.now
	return nil
}

// ImportIndicators upserts indicators by code and sets their IDs.
func (s *ImportService) ImportIndicators(ctx context.Context, inds []*cnsbot.Indicator) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	upsert, err := tx.PrepareContext(ctx, `
		INSERT INTO indicators (`+indicatorInsertColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (code) DO UPDATE SET
			name_vi = excluded.name_vi, name_en = excluded.name_en, unit = excluded.unit, kind = excluded.kind,
			aggregation = excluded.aggregation, direction = excluded.direction, aliases = excluded.aliases,
			numerator_label = excluded.numerator_label, denominator_label = excluded.denominator_label,
			min_value = excluded.min_value, max_value = excluded.max_value, position = excluded.position
		RETURNING id`)
	if err != nil {
		return fmt.Errorf("import indicators: %w", err)
	}
	defer upsert.Close()

	for i, ind := range inds {
		args, err := indicatorArgs(ind)
		if err != nil {
			return fmt.Errorf("import indicators: row %d (%s): %w", i+1, ind.Code, err)
		}
		if err := upsert.QueryRowContext(ctx, args...).Scan(&ind.ID); err != nil {
			return fmt.Errorf("import indicators: row %d (%s): %w", i+1, ind.Code, translate(err))
		}
	}
	return tx.Commit()
}

// ImportTargets upserts targets on (indicator, unit, period) and sets their IDs.
func (s *ImportService) ImportTargets(ctx context.Context, ts []*cnsbot.Target) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	upsert, err := tx.PrepareContext(ctx, upsertTargetSQL)
	if err != nil {
		return fmt.Errorf("import targets: %w", err)
	}
	defer upsert.Close()

	for i, t := range ts {
		if err := upsert.QueryRowContext(ctx, t.IndicatorID, t.UnitID, t.Period, t.Value).Scan(&t.ID); err != nil {
			return fmt.Errorf("import targets: row %d: %w", i+1, translate(err))
		}
	}
	return tx.Commit()
}

// ImportReports inserts reports whose UnitID and IndicatorID are set, with a
// "create" audit entry each; an empty Source becomes "import"; a set
// CreatedAt (when the report was really sent) is kept. A repeated
// IdempotencyKey is ECONFLICT and nothing is written.
func (s *ImportService) ImportReports(ctx context.Context, rs []*cnsbot.Report) error {
	for i, r := range rs {
		if r.UnitID == 0 || r.IndicatorID == 0 {
			return fmt.Errorf("import reports: row %d: %w", i+1, cnsbot.Errorf(cnsbot.EINVALID, "error.invalid"))
		}
		if r.Source == "" {
			r.Source = cnsbot.SourceImport
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	if err := bulkSettings(ctx, tx); err != nil {
		return fmt.Errorf("import reports: %w", err)
	}
	if err := insertReports(ctx, tx, rs, true); err != nil {
		return fmt.Errorf("import reports: %w", err)
	}
	return tx.Commit()
}

// bulkSettings tunes the transaction's connection for a big batch: the page
// cache holds 64 MiB so that dirty pages are not spilled mid-transaction
// (temporary files live in memory for every connection, see DSN). Measured
// on 150,000 reports: 4.1 s without both, 2.6 s with. Harmless to leave on
// a pooled connection.
func bulkSettings(ctx context.Context, tx *Tx) error {
	for _, pragma := range []string{"PRAGMA cache_size = -65536"} {
		if _, err := tx.ExecContext(ctx, pragma); err != nil {
			return err
		}
	}
	return nil
}
