package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"cnsbot"
	"cnsbot/textvi"
)

var _ cnsbot.UnitService = (*UnitService)(nil)

// UnitService reads and writes the unit tree.
type UnitService struct {
	db *DB
}

// NewUnitService returns a UnitService on db.
func NewUnitService(db *DB) *UnitService {
	return &UnitService{db: db}
}

// FindUnitByID returns the unit with the id, ENOTFOUND if none.
func (s *UnitService) FindUnitByID(ctx context.Context, id int64) (*cnsbot.Unit, error) {
	u, err := findUnit(ctx, s.db.pool(), cnsbot.UnitFilter{ID: id})
	if err != nil {
		return nil, fmt.Errorf("find unit %d: %w", id, err)
	}
	return u, nil
}

// FindUnitByCode returns the unit with the code, ENOTFOUND if none.
func (s *UnitService) FindUnitByCode(ctx context.Context, code string) (*cnsbot.Unit, error) {
	if code == "" {
		return nil, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
	}
	u, err := findUnit(ctx, s.db.pool(), cnsbot.UnitFilter{Code: code})
	if err != nil {
		return nil, fmt.Errorf("find unit %q: %w", code, err)
	}
	return u, nil
}

// FindUnits returns the units matching f, by id.
func (s *UnitService) FindUnits(ctx context.Context, f cnsbot.UnitFilter) ([]*cnsbot.Unit, error) {
	us, err := findUnits(ctx, s.db.pool(), f)
	if err != nil {
		return nil, fmt.Errorf("find units: %w", err)
	}
	return us, nil
}

// CreateUnit inserts u under its parent (ParentID, else ParentCode) and sets
// u.ID. ECONFLICT when the code exists, EINVALID when the parent is unknown.
func (s *UnitService) CreateUnit(ctx context.Context, u *cnsbot.Unit) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	if err := createUnit(ctx, tx, u); err != nil {
		return fmt.Errorf("create unit %q: %w", u.Code, err)
	}
	return tx.Commit()
}

// IsUnitWithin reports whether unit id lies in the subtree rooted at root; a
// unit is within itself. ENOTFOUND when either unit does not exist.
func (s *UnitService) IsUnitWithin(ctx context.Context, id, root int64) (bool, error) {
	var path, rootPath sql.NullString
	if err := s.db.pool().QueryRowContext(ctx, `SELECT
		(SELECT path FROM units WHERE id = ?),
		(SELECT path FROM units WHERE id = ?)`, id, root).Scan(&path, &rootPath); err != nil {
		return false, fmt.Errorf("is unit %d within %d: %w", id, root, err)
	} else if !path.Valid || !rootPath.Valid {
		return false, fmt.Errorf("is unit %d within %d: %w", id, root, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found"))
	}
	return strings.HasPrefix(path.String, rootPath.String), nil
}

// SetUnitSuccessor records that the unit from merged into the unit to since
// the date (YYYY-MM-DD or ""); setting it again replaces the date.
func (s *UnitService) SetUnitSuccessor(ctx context.Context, from, to int64, since string) error {
	if _, err := s.db.pool().ExecContext(ctx, `
		INSERT INTO unit_successors (from_unit_id, to_unit_id, since) VALUES (?, ?, ?)
		ON CONFLICT (from_unit_id, to_unit_id) DO UPDATE SET since = excluded.since`,
		from, to, since); err != nil {
		return fmt.Errorf("set unit successor %d→%d: %w", from, to, translate(err))
	}
	return nil
}

// FindUnitSuccessors returns the units that the unit from merged into.
func (s *UnitService) FindUnitSuccessors(ctx context.Context, from int64) ([]*cnsbot.Unit, error) {
	rows, err := s.db.pool().QueryContext(ctx, `SELECT to_unit_id FROM unit_successors WHERE from_unit_id = ? ORDER BY to_unit_id`, from)
	if err != nil {
		return nil, fmt.Errorf("find unit successors %d: %w", from, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find unit successors %d: %w", from, err)
	}
	us := make([]*cnsbot.Unit, 0, len(ids))
	for _, id := range ids {
		u, err := s.FindUnitByID(ctx, id)
		if err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, nil
}

// createUnit inserts u and computes its path from its parent.
func createUnit(ctx context.Context, tx *Tx, u *cnsbot.Unit) error {
	parentID, parentCode, parentPath, err := resolveParent(ctx, tx, u.ParentID, u.ParentCode)
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO units (code, parent_id, level, name, full_name, search_key, valid_from, valid_to)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		u.Code, nullInt64(parentID), u.Level, u.Name, u.FullName, unitSearchKey(u), u.ValidFrom, u.ValidTo,
	).Scan(&u.ID); err != nil {
		return translate(err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE units SET path = ? WHERE id = ?`,
		parentPath+strconv.FormatInt(u.ID, 10)+"/", u.ID); err != nil {
		return err
	}
	u.ParentID, u.ParentCode = parentID, parentCode
	return nil
}

// resolveParent finds the parent named by id, else by code, and returns its
// id, code and path ("/" for a root, so that a child's path is path+id+"/").
func resolveParent(ctx context.Context, q queryer, id int64, code string) (int64, string, string, error) {
	if id == 0 && code == "" {
		return 0, "", "/", nil
	}
	var path string
	var err error
	if id != 0 {
		err = q.QueryRowContext(ctx, `SELECT id, code, path FROM units WHERE id = ?`, id).Scan(&id, &code, &path)
	} else {
		err = q.QueryRowContext(ctx, `SELECT id, code, path FROM units WHERE code = ?`, code).Scan(&id, &code, &path)
	}
	if err == sql.ErrNoRows {
		return 0, "", "", cnsbot.Errorf(cnsbot.EINVALID, "error.unknown_parent", "code", code, "id", id)
	} else if err != nil {
		return 0, "", "", err
	}
	return id, code, path, nil
}

// unitSearchKey is the folded text matched against what users type.
func unitSearchKey(u *cnsbot.Unit) string {
	if u.FullName == "" || u.FullName == u.Name {
		return textvi.Fold(u.Name)
	}
	return textvi.Fold(u.Name + " " + u.FullName)
}

// subtreeIDs is an SQL fragment selecting the ids of the units in the
// subtree rooted at the unit given as its two parameters (the same id twice).
// It is an index range scan on units.path: /1/5/ .. /1/50 ('0' follows '/').
const subtreeIDs = `SELECT id FROM units WHERE
	path >= (SELECT path FROM units WHERE id = ?) AND
	path < (SELECT substr(path, 1, length(path) - 1) || '0' FROM units WHERE id = ?)`

// findUnit returns the first unit matching f, ENOTFOUND if none.
func findUnit(ctx context.Context, q queryer, f cnsbot.UnitFilter) (*cnsbot.Unit, error) {
	f.Limit = 1
	us, err := findUnits(ctx, q, f)
	if err != nil {
		return nil, err
	} else if len(us) == 0 {
		return nil, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
	}
	return us[0], nil
}

// findUnits returns the units matching f.
func findUnits(ctx context.Context, q queryer, f cnsbot.UnitFilter) ([]*cnsbot.Unit, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.ID != 0 {
		where, args = append(where, "u.id = ?"), append(args, f.ID)
	}
	if f.Code != "" {
		where, args = append(where, "u.code = ?"), append(args, f.Code)
	}
	if f.ParentID != nil {
		if *f.ParentID == 0 {
			where = append(where, "u.parent_id IS NULL")
		} else {
			where, args = append(where, "u.parent_id = ?"), append(args, *f.ParentID)
		}
	}
	if f.Level != "" {
		where, args = append(where, "u.level = ?"), append(args, f.Level)
	}
	limit := -1
	if f.Limit > 0 {
		limit = f.Limit
	}
	rows, err := q.QueryContext(ctx, `
		SELECT u.id, u.code, COALESCE(u.parent_id, 0), COALESCE(p.code, ''), u.level, u.name, u.full_name, u.valid_from, u.valid_to
		FROM units u LEFT JOIN units p ON p.id = u.parent_id
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY u.id
		LIMIT ?`, append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var us []*cnsbot.Unit
	for rows.Next() {
		var u cnsbot.Unit
		if err := rows.Scan(&u.ID, &u.Code, &u.ParentID, &u.ParentCode, &u.Level, &u.Name, &u.FullName, &u.ValidFrom, &u.ValidTo); err != nil {
			return nil, err
		}
		us = append(us, &u)
	}
	return us, rows.Err()
}
