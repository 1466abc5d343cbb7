package cnsbot

import (
	"context"
	"strings"
	"time"
)

// Role is what a member may do. Scope is always a subtree of the unit tree.
type Role string

// Roles, from least to most powerful.
const (
	RoleMember   Role = "member"    // thành viên
	RoleTeamLead Role = "team_lead" // tổ trưởng
	RoleLeader   Role = "leader"    // lãnh đạo
	RoleAdmin    Role = "admin"     // quản trị
)

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	switch r {
	case RoleMember, RoleTeamLead, RoleLeader, RoleAdmin:
		return true
	}
	return false
}

// ParseRole reads a role name as typed in a file or a flag: the English code
// or the Vietnamese word, with or without diacritics.
func ParseRole(s string) (Role, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "member", "thành viên", "thanh vien", "tv":
		return RoleMember, true
	case "team_lead", "teamlead", "lead", "tổ trưởng", "to truong", "tt":
		return RoleTeamLead, true
	case "leader", "lãnh đạo", "lanh dao", "ld":
		return RoleLeader, true
	case "admin", "quản trị", "quan tri", "qt":
		return RoleAdmin, true
	}
	return "", false
}

// MemberStatus is where a member stands with the bot.
type MemberStatus string

// Member statuses.
const (
	StatusPending MemberStatus = "pending" // on the roster, or asked to join, not yet registered
	StatusActive  MemberStatus = "active"  // registered and reachable
	StatusBlocked MemberStatus = "blocked" // they blocked the bot
	StatusLeft    MemberStatus = "left"    // no longer on a team
)

// Member is a person on the roster: a volunteer, a team lead, a leader or an
// admin. TelegramID is zero until they register.
type Member struct {
	ID         int64
	FullName   string
	Phone      string // normalised: 0xxxxxxxxx (see NormalizePhone)
	UnitID     int64  // the scope unit: the team's village for members, the led unit for leaders
	TeamID     int64  // 0 for leaders and admins
	Role       Role
	TelegramID int64
	Locale     string // "vi" or "en"; "" = the bot's default
	Status     MemberStatus
	InviteCode string // deep-link code for /start <code>; unique when set
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// MemberFilter selects members. Zero fields do not filter.
type MemberFilter struct {
	UnitID int64 // members whose unit lies in this subtree
	TeamID int64
	Role   Role
	Status MemberStatus
	Offset int
	Limit  int
}

// MemberUpdate holds the fields to change; nil fields stay.
type MemberUpdate struct {
	TelegramID *int64
	Locale     *string
	Status     *MemberStatus
	FullName   *string
}

// MemberService reads and writes the roster.
type MemberService interface {
	FindMemberByID(ctx context.Context, id int64) (*Member, error)
	FindMemberByTelegramID(ctx context.Context, tgID int64) (*Member, error)
	FindMemberByPhone(ctx context.Context, phone string) (*Member, error)
	FindMemberByInviteCode(ctx context.Context, code string) (*Member, error)
	FindMembers(ctx context.Context, f MemberFilter) ([]*Member, int, error)
	// CreateMember adds a member; for member and team_lead roles with TeamID 0
	// the team of the unit is created if missing.
	CreateMember(ctx context.Context, m *Member) error
	UpdateMember(ctx context.Context, id int64, upd MemberUpdate) (*Member, error)
	// FindAdminsForUnit returns the active admins whose scope contains the
	// unit, nearest first (falling back to leaders when no admin exists).
	FindAdminsForUnit(ctx context.Context, unitID int64) ([]*Member, error)
}

// NormalizePhone turns a Vietnamese mobile number typed in any usual form
// (0912 345 678, +84912345678, 84912345678, 912345678) into the one stored
// form 0912345678. It returns "" when s is not a plausible number.
func NormalizePhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if r == '+' && b.Len() == 0 {
			continue
		} else if strings.ContainsRune(" .-()\u00a0", r) {
			continue
		} else {
			return ""
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "0084"):
		d = "0" + d[4:]
	case strings.HasPrefix(d, "84") && len(d) >= 11:
		d = "0" + d[2:]
	case !strings.HasPrefix(d, "0") && len(d) == 9:
		d = "0" + d
	}
	if len(d) < 10 || len(d) > 11 || d[0] != '0' {
		return ""
	}
	return d
}
