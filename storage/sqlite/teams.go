package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"cnsbot"
)

var _ cnsbot.TeamService = (*TeamService)(nil)

// TeamService reads and writes teams.
type TeamService struct {
	db *DB
}

// NewTeamService returns a TeamService on db.
func NewTeamService(db *DB) *TeamService {
	return &TeamService{db: db}
}

// FindTeamByID returns the team with the id, ENOTFOUND if none.
func (s *TeamService) FindTeamByID(ctx context.Context, id int64) (*cnsbot.Team, error) {
	t, err := scanTeam(s.db.pool().QueryRowContext(ctx, `SELECT id, unit_id, name, created_at FROM teams WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find team %d: %w", id, err)
	}
	return t, nil
}

// FindTeamByUnitID returns the team attached to the unit, ENOTFOUND if none.
func (s *TeamService) FindTeamByUnitID(ctx context.Context, unitID int64) (*cnsbot.Team, error) {
	t, err := findTeamByUnitID(ctx, s.db.pool(), unitID)
	if err != nil {
		return nil, fmt.Errorf("find team of unit %d: %w", unitID, err)
	}
	return t, nil
}

// CreateTeam inserts t and sets its ID and CreatedAt. ECONFLICT when the unit
// already has a team; an empty Name takes the unit's display name.
func (s *TeamService) CreateTeam(ctx context.Context, t *cnsbot.Team) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	if err := createTeam(ctx, tx, t); err != nil {
		return fmt.Errorf("create team of unit %d: %w", t.UnitID, err)
	}
	return tx.Commit()
}

// createTeam inserts t, naming it after its unit when Name is empty.
func createTeam(ctx context.Context, tx *Tx, t *cnsbot.Team) error {
	if t.Name == "" {
		u, err := findUnit(ctx, tx, cnsbot.UnitFilter{ID: t.UnitID})
		if cnsbot.IsNotFound(err) {
			return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid")
		} else if err != nil {
			return err
		}
		t.Name = u.DisplayName()
	}
	t.CreatedAt = tx.now
	if err := tx.QueryRowContext(ctx, `INSERT INTO teams (unit_id, name, created_at) VALUES (?, ?, ?) RETURNING id`,
		t.UnitID, t.Name, formatTime(t.CreatedAt)).Scan(&t.ID); err != nil {
		return translate(err)
	}
	return nil
}

// findTeamByUnitID returns the unit's team, ENOTFOUND if none.
func findTeamByUnitID(ctx context.Context, q queryer, unitID int64) (*cnsbot.Team, error) {
	return scanTeam(q.QueryRowContext(ctx, `SELECT id, unit_id, name, created_at FROM teams WHERE unit_id = ?`, unitID))
}

// ensureTeam returns the id of the unit's team, creating the team if missing.
func ensureTeam(ctx context.Context, tx *Tx, unitID int64) (int64, error) {
	t, err := findTeamByUnitID(ctx, tx, unitID)
	if err == nil {
		return t.ID, nil
	} else if !cnsbot.IsNotFound(err) {
		return 0, err
	}
	t = &cnsbot.Team{UnitID: unitID}
	if err := createTeam(ctx, tx, t); err != nil {
		return 0, err
	}
	return t.ID, nil
}

// scanTeam reads one team row, ENOTFOUND on no rows.
func scanTeam(row *sql.Row) (*cnsbot.Team, error) {
	var t cnsbot.Team
	var createdAt string
	if err := row.Scan(&t.ID, &t.UnitID, &t.Name, &createdAt); err != nil {
		return nil, translate(err)
	}
	var err error
	if t.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, err
	}
	return &t, nil
}
