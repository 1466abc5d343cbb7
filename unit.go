package cnsbot

import (
	"context"
	"strings"
	"time"
)

// Unit is a node of the administrative tree: province, district, commune,
// village or residential group today; the tree has no fixed depth because the
// 2025 reform removed the district level. Level is a free label.
type Unit struct {
	ID         int64
	Code       string
	ParentID   int64  // 0 for a root
	ParentCode string // filled on reads and imports
	Level      string // province, district, commune, village, ...
	Name       string // short name: "Bắc Hà"
	FullName   string // with its type: "Huyện Bắc Hà"; may be empty
	ValidFrom  string // YYYY-MM-DD or ""
	ValidTo    string // YYYY-MM-DD or "" (still valid)
}

// DisplayName returns the full name when known, else the short name.
func (u *Unit) DisplayName() string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Name
}

// TypeWord returns the short word for the unit's type, read from the words
// FullName puts before Name: "TP" for "Thành phố Lào Cai", "TX" for "Thị xã
// Sa Pa", "TDP" for "Tổ dân phố 1", otherwise the words as written ("Huyện",
// "Xã", "Thị trấn", "Tỉnh", "Thôn"). It is "" when FullName does not end with
// Name or adds nothing to it.
func (u *Unit) TypeWord() string {
	full, name := strings.TrimSpace(u.FullName), strings.TrimSpace(u.Name)
	if name == "" || !strings.HasSuffix(full, name) {
		return ""
	}
	prefix := strings.Join(strings.Fields(strings.TrimSuffix(full, name)), " ")
	if short, ok := typeAbbreviations[strings.ToLower(prefix)]; ok {
		return short
	}
	return prefix
}

// typeAbbreviations are the type words officials write short.
var typeAbbreviations = map[string]string{"thành phố": "TP", "thị xã": "TX", "tổ dân phố": "TDP"}

// TypedName is the unit's name after its short type word, "TP Lào Cai",
// for a list where another unit has the same name; the full name when the
// type word is unknown.
func (u *Unit) TypedName() string {
	if w := u.TypeWord(); w != "" {
		return w + " " + u.Name
	}
	return u.DisplayName()
}

// UnitFilter selects units. Zero fields do not filter.
type UnitFilter struct {
	ID       int64
	Code     string
	ParentID *int64 // children of this unit; pointer to 0 selects roots
	Level    string
	Limit    int
}

// UnitService reads and writes the unit tree.
type UnitService interface {
	FindUnitByID(ctx context.Context, id int64) (*Unit, error)
	FindUnitByCode(ctx context.Context, code string) (*Unit, error)
	FindUnits(ctx context.Context, f UnitFilter) ([]*Unit, error)
	CreateUnit(ctx context.Context, u *Unit) error
	// IsUnitWithin reports whether unit id lies in the subtree rooted at root
	// (a unit is within itself).
	IsUnitWithin(ctx context.Context, id, root int64) (bool, error)
	// SetUnitSuccessor records that the unit from merged into the unit to.
	SetUnitSuccessor(ctx context.Context, from, to int64, since string) error
}

// Team is a community digital technology team, usually one per village or
// residential group, attached to a unit.
type Team struct {
	ID        int64
	UnitID    int64
	Name      string
	CreatedAt time.Time
}

// TeamService reads and writes teams.
type TeamService interface {
	FindTeamByID(ctx context.Context, id int64) (*Team, error)
	// FindTeamByUnitID returns the team attached to the unit, ENOTFOUND if none.
	FindTeamByUnitID(ctx context.Context, unitID int64) (*Team, error)
	CreateTeam(ctx context.Context, t *Team) error
}
