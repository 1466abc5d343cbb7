package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"cnsbot"
)

var _ cnsbot.MemberService = (*MemberService)(nil)

// MemberService reads and writes the roster.
type MemberService struct {
	db *DB
}

// NewMemberService returns a MemberService on db.
func NewMemberService(db *DB) *MemberService {
	return &MemberService{db: db}
}

// memberColumns are read by scanMember, in its order.
const memberColumns = `m.id, m.full_name, m.phone, m.unit_id, COALESCE(m.team_id, 0), m.role,
	COALESCE(m.telegram_id, 0), m.locale, m.status, COALESCE(m.invite_code, ''), m.created_at, m.updated_at`

// FindMemberByID returns the member with the id, ENOTFOUND if none.
func (s *MemberService) FindMemberByID(ctx context.Context, id int64) (*cnsbot.Member, error) {
	m, err := findMemberBy(ctx, s.db.pool(), "id", id)
	if err != nil {
		return nil, fmt.Errorf("find member %d: %w", id, err)
	}
	return m, nil
}

// FindMemberByTelegramID returns the member registered with the Telegram
// user id, ENOTFOUND if none.
func (s *MemberService) FindMemberByTelegramID(ctx context.Context, tgID int64) (*cnsbot.Member, error) {
	m, err := findMemberBy(ctx, s.db.pool(), "telegram_id", tgID)
	if err != nil {
		return nil, fmt.Errorf("find member by telegram id %d: %w", tgID, err)
	}
	return m, nil
}

// FindMemberByPhone returns the member with the normalised phone, ENOTFOUND
// if none.
func (s *MemberService) FindMemberByPhone(ctx context.Context, phone string) (*cnsbot.Member, error) {
	m, err := findMemberBy(ctx, s.db.pool(), "phone", phone)
	if err != nil {
		return nil, fmt.Errorf("find member by phone: %w", err)
	}
	return m, nil
}

// FindMemberByInviteCode returns the member whose deep-link code it is,
// ENOTFOUND if none.
func (s *MemberService) FindMemberByInviteCode(ctx context.Context, code string) (*cnsbot.Member, error) {
	m, err := findMemberBy(ctx, s.db.pool(), "invite_code", code)
	if err != nil {
		return nil, fmt.Errorf("find member by invite code: %w", err)
	}
	return m, nil
}

// FindMembers returns one page of the members matching f, by id, and the
// number of all matching members.
func (s *MemberService) FindMembers(ctx context.Context, f cnsbot.MemberFilter) ([]*cnsbot.Member, int, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.UnitID != 0 {
		where, args = append(where, "m.unit_id IN ("+subtreeIDs+")"), append(args, f.UnitID, f.UnitID)
	}
	if f.TeamID != 0 {
		where, args = append(where, "m.team_id = ?"), append(args, f.TeamID)
	}
	if f.Role != "" {
		where, args = append(where, "m.role = ?"), append(args, f.Role)
	}
	if f.Status != "" {
		where, args = append(where, "m.status = ?"), append(args, f.Status)
	}
	cond := strings.Join(where, " AND ")

	var n int
	if err := s.db.pool().QueryRowContext(ctx, `SELECT COUNT(*) FROM members m WHERE `+cond, args...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count members: %w", err)
	}
	limit := -1
	if f.Limit > 0 {
		limit = f.Limit
	}
	ms, err := queryMembers(ctx, s.db.pool(), `SELECT `+memberColumns+` FROM members m WHERE `+cond+`
		ORDER BY m.id LIMIT ? OFFSET ?`, append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("find members: %w", err)
	}
	return ms, n, nil
}

// CreateMember inserts m and sets its ID, TeamID, InviteCode, Status and
// times. For member and team_lead roles with TeamID 0 the team of the unit
// is used, created if missing. The phone must be normalised (EINVALID
// "error.invalid_phone" otherwise); ECONFLICT when the phone or Telegram id
// is already on the roster.
func (s *MemberService) CreateMember(ctx context.Context, m *cnsbot.Member) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()

	if err := createMember(ctx, tx, m); err != nil {
		return fmt.Errorf("create member: %w", err)
	}
	return tx.Commit()
}

// UpdateMember sets the non-nil fields of upd and returns the new row. A
// TelegramID of 0 clears it; one used by another member is ECONFLICT.
func (s *MemberService) UpdateMember(ctx context.Context, id int64, upd cnsbot.MemberUpdate) (*cnsbot.Member, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	m, err := updateMember(ctx, tx, id, upd)
	if err != nil {
		return nil, fmt.Errorf("update member %d: %w", id, err)
	}
	return m, tx.Commit()
}

// FindAdminsForUnit returns the active, registered admins whose unit is the
// unit or one of its ancestors, nearest first; when there are none, the
// active leaders chosen the same way.
func (s *MemberService) FindAdminsForUnit(ctx context.Context, unitID int64) ([]*cnsbot.Member, error) {
	var path string
	if err := s.db.pool().QueryRowContext(ctx, `SELECT path FROM units WHERE id = ?`, unitID).Scan(&path); err != nil {
		return nil, fmt.Errorf("find admins for unit %d: %w", unitID, translate(err))
	}
	var ids []string
	for _, p := range strings.Split(strings.Trim(path, "/"), "/") {
		if _, err := strconv.ParseInt(p, 10, 64); err == nil {
			ids = append(ids, p) // digits only: safe to inline
		}
	}
	for _, role := range []cnsbot.Role{cnsbot.RoleAdmin, cnsbot.RoleLeader} {
		ms, err := queryMembers(ctx, s.db.pool(), `
			SELECT `+memberColumns+`
			FROM members m JOIN units u ON u.id = m.unit_id
			WHERE m.role = ? AND m.status = 'active' AND m.telegram_id IS NOT NULL
			AND m.unit_id IN (`+strings.Join(ids, ",")+`)
			ORDER BY length(u.path) DESC, m.id`, role)
		if err != nil {
			return nil, fmt.Errorf("find admins for unit %d: %w", unitID, err)
		} else if len(ms) > 0 {
			return ms, nil
		}
	}
	return nil, nil
}

// createMember validates and inserts m inside tx.
func createMember(ctx context.Context, tx *Tx, m *cnsbot.Member) error {
	if m.Phone == "" || cnsbot.NormalizePhone(m.Phone) != m.Phone {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid_phone", "phone", m.Phone)
	}
	if !m.Role.Valid() {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid_role", "role", string(m.Role))
	}
	if m.Status == "" {
		m.Status = cnsbot.StatusPending
	}
	teamID, err := memberTeam(ctx, tx, m)
	if err != nil {
		return err
	}
	code, err := newInviteCode()
	if err != nil {
		return err
	}
	now := formatTime(tx.now)
	if err := tx.QueryRowContext(ctx, `
		INSERT INTO members (full_name, phone, unit_id, team_id, role, telegram_id, locale, status, invite_code, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`,
		m.FullName, m.Phone, m.UnitID, nullInt64(teamID), m.Role, nullInt64(m.TelegramID), m.Locale, m.Status, code, now, now,
	).Scan(&m.ID); err != nil {
		return translate(err)
	}
	m.TeamID, m.InviteCode, m.CreatedAt, m.UpdatedAt = teamID, code, tx.now, tx.now
	return nil
}

// memberTeam returns the team a member row belongs to: its TeamID, else for
// member and team_lead roles the unit's team (created if missing), else 0.
func memberTeam(ctx context.Context, tx *Tx, m *cnsbot.Member) (int64, error) {
	if m.TeamID != 0 {
		return m.TeamID, nil
	}
	if m.Role != cnsbot.RoleMember && m.Role != cnsbot.RoleTeamLead {
		return 0, nil
	}
	return ensureTeam(ctx, tx, m.UnitID)
}

// updateMember applies upd inside tx and returns the new row.
func updateMember(ctx context.Context, tx *Tx, id int64, upd cnsbot.MemberUpdate) (*cnsbot.Member, error) {
	set, args := []string{"updated_at = ?"}, []any{formatTime(tx.now)}
	if upd.TelegramID != nil {
		set, args = append(set, "telegram_id = ?"), append(args, nullInt64(*upd.TelegramID))
	}
	if upd.Locale != nil {
		set, args = append(set, "locale = ?"), append(args, *upd.Locale)
	}
	if upd.Status != nil {
		set, args = append(set, "status = ?"), append(args, *upd.Status)
	}
	if upd.FullName != nil {
		set, args = append(set, "full_name = ?"), append(args, *upd.FullName)
	}
	res, err := tx.ExecContext(ctx, `UPDATE members SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return nil, translate(err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, err
	} else if n == 0 {
		return nil, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
	}
	return findMemberBy(ctx, tx, "id", id)
}

// findMemberBy returns the member whose column equals v, ENOTFOUND if none.
// column is one of the constant names used in this file, never user input.
func findMemberBy(ctx context.Context, q queryer, column string, v any) (*cnsbot.Member, error) {
	ms, err := queryMembers(ctx, q, `SELECT `+memberColumns+` FROM members m WHERE m.`+column+` = ?`, v)
	if err != nil {
		return nil, err
	} else if len(ms) == 0 {
		return nil, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
	}
	return ms[0], nil
}

// queryMembers runs a query selecting memberColumns.
func queryMembers(ctx context.Context, q queryer, query string, args ...any) ([]*cnsbot.Member, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var ms []*cnsbot.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}

// scanMember reads memberColumns.
func scanMember(rows *sql.Rows) (*cnsbot.Member, error) {
	var m cnsbot.Member
	var createdAt, updatedAt string
	if err := rows.Scan(&m.ID, &m.FullName, &m.Phone, &m.UnitID, &m.TeamID, &m.Role,
		&m.TelegramID, &m.Locale, &m.Status, &m.InviteCode, &createdAt, &updatedAt); err != nil {
		return nil, err
	}
	var err error
	if m.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, err
	}
	if m.UpdatedAt, err = parseTime(updatedAt); err != nil {
		return nil, err
	}
	return &m, nil
}

// inviteAlphabet is lower-case letters and digits without the ones read
// alike (0/o, 1/l/i), so a code can be read out over the phone.
const inviteAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newInviteCode returns 8 random characters of inviteAlphabet (about 40
// bits), drawn without modulo bias.
func newInviteCode() (string, error) {
	const n = 8
	code := make([]byte, 0, n)
	var buf [16]byte
	for len(code) < n {
		if _, err := rand.Read(buf[:]); err != nil {
			return "", fmt.Errorf("invite code: %w", err)
		}
		for _, b := range buf {
			// 248 = 8*31: bytes above are rejected so every letter is equally likely.
			if int(b) < 248 && len(code) < n {
				code = append(code, inviteAlphabet[int(b)%len(inviteAlphabet)])
			}
		}
	}
	return string(code), nil
}
