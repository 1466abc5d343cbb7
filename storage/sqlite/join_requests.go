package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"cnsbot"
)

var _ cnsbot.JoinRequestService = (*JoinRequestService)(nil)

// JoinRequestService stores join requests and turns approved ones into
// members.
type JoinRequestService struct {
	db *DB
}

// NewJoinRequestService returns a JoinRequestService on db.
func NewJoinRequestService(db *DB) *JoinRequestService {
	return &JoinRequestService{db: db}
}

// joinRequestColumns are read by scanJoinRequest, in its order.
const joinRequestColumns = `id, telegram_id, chat_id, phone, full_name, unit_id, locale, status,
	COALESCE(decided_by, 0), COALESCE(member_id, 0), created_at, decided_at`

// CreateJoinRequest inserts a pending request and sets its ID, Status and
// CreatedAt. The phone must be normalised; ECONFLICT when the sender already
// has a pending request.
func (s *JoinRequestService) CreateJoinRequest(ctx context.Context, r *cnsbot.JoinRequest) error {
	if r.Phone == "" || cnsbot.NormalizePhone(r.Phone) != r.Phone {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.invalid_phone", "phone", r.Phone)
	}
	now := s.db.now()
	if err := s.db.pool().QueryRowContext(ctx, `
		INSERT INTO join_requests (telegram_id, chat_id, phone, full_name, unit_id, locale, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)
		RETURNING id`,
		r.TelegramID, r.ChatID, r.Phone, r.FullName, r.UnitID, r.Locale, formatTime(now),
	).Scan(&r.ID); err != nil {
		return fmt.Errorf("create join request: %w", translate(err))
	}
	r.Status, r.CreatedAt, r.DecidedBy, r.MemberID, r.DecidedAt = cnsbot.RequestPending, now, 0, 0, nil
	return nil
}

// FindJoinRequestByID returns the request with the id, ENOTFOUND if none.
func (s *JoinRequestService) FindJoinRequestByID(ctx context.Context, id int64) (*cnsbot.JoinRequest, error) {
	r, err := scanJoinRequest(s.db.pool().QueryRowContext(ctx, `SELECT `+joinRequestColumns+` FROM join_requests WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("find join request %d: %w", id, err)
	}
	return r, nil
}

// FindPendingJoinRequest returns the sender's open request, ENOTFOUND if none.
func (s *JoinRequestService) FindPendingJoinRequest(ctx context.Context, tgID int64) (*cnsbot.JoinRequest, error) {
	r, err := scanJoinRequest(s.db.pool().QueryRowContext(ctx, `SELECT `+joinRequestColumns+`
		FROM join_requests WHERE telegram_id = ? AND status = 'pending'`, tgID))
	if err != nil {
		return nil, fmt.Errorf("find pending join request of %d: %w", tgID, err)
	}
	return r, nil
}

// FindPendingJoinRequests returns the open requests for units in the
// subtree of unitID, oldest first, at most limit.
func (s *JoinRequestService) FindPendingJoinRequests(ctx context.Context, unitID int64, limit int) ([]*cnsbot.JoinRequest, error) {
	rows, err := s.db.pool().QueryContext(ctx, `SELECT `+joinRequestColumns+` FROM join_requests
		WHERE status = 'pending' AND unit_id IN (`+subtreeIDs+`) ORDER BY id LIMIT ?`, unitID, unitID, limit)
	if err != nil {
		return nil, fmt.Errorf("find pending join requests: %w", err)
	}
	defer rows.Close()
	var out []*cnsbot.JoinRequest
	for rows.Next() {
		r, err := scanJoinRequest(rows)
		if err != nil {
			return nil, fmt.Errorf("find pending join requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ApproveJoinRequest marks the request approved by adminID and, in the same
// transaction, makes the sender an active member with the role (their team
// created for member and team_lead). When the phone is already on the roster
// that member gets the Telegram id and becomes active instead. ECONFLICT
// "error.already_decided" when the request is no longer pending.
func (s *JoinRequestService) ApproveJoinRequest(ctx context.Context, id, adminID int64, role cnsbot.Role) (*cnsbot.Member, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	r, err := pendingJoinRequest(ctx, tx, id)
	if err != nil {
		return nil, fmt.Errorf("approve join request %d: %w", id, err)
	}

	m, err := findMemberBy(ctx, tx, "phone", r.Phone)
	switch {
	case err == nil:
		tgID, status := r.TelegramID, cnsbot.StatusActive
		upd := cnsbot.MemberUpdate{TelegramID: &tgID, Status: &status}
		if m.Locale == "" && r.Locale != "" {
			upd.Locale = &r.Locale
		}
		if m, err = updateMember(ctx, tx, m.ID, upd); err != nil {
			return nil, fmt.Errorf("approve join request %d: %w", id, err)
		}
	case cnsbot.IsNotFound(err):
		m = &cnsbot.Member{
			FullName:   r.FullName,
			Phone:      r.Phone,
			UnitID:     r.UnitID,
			Role:       role,
			TelegramID: r.TelegramID,
			Locale:     r.Locale,
			Status:     cnsbot.StatusActive,
		}
		if err := createMember(ctx, tx, m); err != nil {
			return nil, fmt.Errorf("approve join request %d: %w", id, err)
		}
	default:
		return nil, fmt.Errorf("approve join request %d: %w", id, err)
	}

	if _, err := tx.ExecContext(ctx, `
		UPDATE join_requests SET status = 'approved', decided_by = ?, decided_at = ?, member_id = ? WHERE id = ?`,
		nullInt64(adminID), formatTime(tx.now), m.ID, id); err != nil {
		return nil, fmt.Errorf("approve join request %d: %w", id, translate(err))
	}
	return m, tx.Commit()
}

// RejectJoinRequest marks the request rejected by adminID and returns it.
// ECONFLICT "error.already_decided" when it is no longer pending.
func (s *JoinRequestService) RejectJoinRequest(ctx context.Context, id, adminID int64) (*cnsbot.JoinRequest, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()

	if _, err := pendingJoinRequest(ctx, tx, id); err != nil {
		return nil, fmt.Errorf("reject join request %d: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `
		UPDATE join_requests SET status = 'rejected', decided_by = ?, decided_at = ? WHERE id = ?`,
		nullInt64(adminID), formatTime(tx.now), id); err != nil {
		return nil, fmt.Errorf("reject join request %d: %w", id, translate(err))
	}
	r, err := scanJoinRequest(tx.QueryRowContext(ctx, `SELECT `+joinRequestColumns+` FROM join_requests WHERE id = ?`, id))
	if err != nil {
		return nil, fmt.Errorf("reject join request %d: %w", id, err)
	}
	return r, tx.Commit()
}

// pendingJoinRequest reads a request inside tx: ENOTFOUND if none, ECONFLICT
// "error.already_decided" if no longer pending. The transaction holds the
// write lock (_txlock=immediate), so two admins deciding at once queue and
// the second sees the first's decision.
func pendingJoinRequest(ctx context.Context, tx *Tx, id int64) (*cnsbot.JoinRequest, error) {
	r, err := scanJoinRequest(tx.QueryRowContext(ctx, `SELECT `+joinRequestColumns+` FROM join_requests WHERE id = ?`, id))
	if err != nil {
		return nil, err
	} else if r.Status != cnsbot.RequestPending {
		return nil, cnsbot.Errorf(cnsbot.ECONFLICT, "error.already_decided", "status", string(r.Status))
	}
	return r, nil
}

// scanJoinRequest reads joinRequestColumns, ENOTFOUND on no rows.
// scanJoinRequest reads joinRequestColumns from a *sql.Row or *sql.Rows.
func scanJoinRequest(row interface{ Scan(dest ...any) error }) (*cnsbot.JoinRequest, error) {
	var r cnsbot.JoinRequest
	var createdAt string
	var decidedAt sql.NullString
	if err := row.Scan(&r.ID, &r.TelegramID, &r.ChatID, &r.Phone, &r.FullName, &r.UnitID, &r.Locale, &r.Status,
		&r.DecidedBy, &r.MemberID, &createdAt, &decidedAt); err != nil {
		return nil, translate(err)
	}
	var err error
	if r.CreatedAt, err = parseTime(createdAt); err != nil {
		return nil, err
	}
	if r.DecidedAt, err = nullTime(decidedAt); err != nil {
		return nil, err
	}
	return &r, nil
}
