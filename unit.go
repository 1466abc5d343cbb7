package cnsbot

import (
	"context"
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
