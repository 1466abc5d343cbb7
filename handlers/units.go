package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"cnsbot"
	"cnsbot/textvi"
)

// unitIndex is the unit tree held in memory for name search: a province has
// a few thousand units, so folding every name once beats a query per key.
type unitIndex struct {
	mu      sync.Mutex
	loaded  time.Time
	entries []unitEntry
	byID    map[int64]*cnsbot.Unit
}

type unitEntry struct {
	unit *cnsbot.Unit
	key  string // folded name without its type word
}

type unitMatch struct {
	unit  *cnsbot.Unit
	label string
	score int
}

// unitIndexTTL is how long the index is trusted before it is read again.
const unitIndexTTL = 10 * time.Minute

func (ix *unitIndex) load(ctx context.Context, svc cnsbot.UnitService) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.entries != nil && time.Since(ix.loaded) < unitIndexTTL {
		return nil
	}
	units, err := svc.FindUnits(ctx, cnsbot.UnitFilter{})
	if err != nil {
		return fmt.Errorf("load units: %w", err)
	}
	ix.entries = make([]unitEntry, 0, len(units))
	ix.byID = make(map[int64]*cnsbot.Unit, len(units))
	for _, u := range units {
		ix.byID[u.ID] = u
		ix.entries = append(ix.entries, unitEntry{unit: u, key: textvi.StripUnitType(textvi.Fold(u.Name))})
	}
	ix.loaded = time.Now()
	return nil
}

// search returns up to limit units whose name matches query, exact names
// first, then names starting with it, then names containing it; lower levels
// (villages) before higher ones at equal score. Labels name the parent so
// that two villages called "Bản Phố" can be told apart.
func (ix *unitIndex) search(ctx context.Context, svc cnsbot.UnitService, query string, limit int) ([]unitMatch, error) {
	q := textvi.StripUnitType(textvi.Fold(query))
	if q == "" {
		return nil, nil
	}
	if err := ix.load(ctx, svc); err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	var out []unitMatch
	for _, e := range ix.entries {
		score := 0
		switch {
		case e.key == q:
			score = 3
		case strings.HasPrefix(e.key, q+" ") || strings.HasPrefix(e.key, q):
			score = 2
		case strings.Contains(e.key, " "+q) || strings.Contains(e.key, q):
			score = 1
		default:
			continue
		}
		// Two ancestors below the root tell apart the many "Làng Mới".
		label := ix.pathLabelLocked(e.unit)
		out = append(out, unitMatch{unit: e.unit, label: label, score: score})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		if di, dj := ix.depth(out[i].unit), ix.depth(out[j].unit); di != dj {
			return di > dj
		}
		return textvi.Less(out[i].label, out[j].label)
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// depth counts a unit's ancestors; the caller holds ix.mu.
func (ix *unitIndex) depth(u *cnsbot.Unit) int {
	d := 0
	for p := ix.byID[u.ParentID]; p != nil && d < 32; p = ix.byID[p.ParentID] {
		d++
	}
	return d
}

// pathLabel names a unit with up to two ancestors below the root, from the
// loaded index ("Thôn Làng Mới, Xã Bản Phố"). The index must be loaded.
func (ix *unitIndex) pathLabel(id int64) string {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if u := ix.byID[id]; u != nil {
		return ix.pathLabelLocked(u)
	}
	return ""
}

func (ix *unitIndex) pathLabelLocked(u *cnsbot.Unit) string {
	label := u.DisplayName()
	for p, n := ix.byID[u.ParentID], 0; p != nil && p.ParentID != 0 && n < 2; p, n = ix.byID[p.ParentID], n+1 {
		label += ", " + p.DisplayName()
	}
	return label
}

// unit returns a unit of the loaded index, or nil.
func (ix *unitIndex) unit(id int64) *cnsbot.Unit {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.byID[id]
}

// unitAndTeam returns a member's unit path and the team's name when it
// says more than the unit's.
func (b *base) unitAndTeam(ctx context.Context, m *cnsbot.Member) (unit, team string, err error) {
	names, err := b.unitNames(ctx, m.UnitID)
	if err != nil {
		return "", "", err
	}
	if m.TeamID != 0 {
		t, err := b.Teams.FindTeamByID(ctx, m.TeamID)
		if err != nil {
			return "", "", fmt.Errorf("find team %d: %w", m.TeamID, err)
		}
		if len(names) == 0 || t.Name != names[0] {
			team = t.Name
		}
	}
	return strings.Join(names, ", "), team, nil
}

// unitPath names a unit with its ancestors below the root: "Thôn Làng Mới,
// Xã Bản Phố, Huyện Bắc Hà" — a province has many villages of one name.
func (b *base) unitPath(ctx context.Context, unitID int64) (string, error) {
	names, err := b.unitNames(ctx, unitID)
	return strings.Join(names, ", "), err
}

func (b *base) unitNames(ctx context.Context, unitID int64) ([]string, error) {
	var names []string
	for id, depth := unitID, 0; id != 0 && depth < 16; depth++ {
		u, err := b.Units.FindUnitByID(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("find unit %d: %w", id, err)
		}
		if u.ParentID == 0 && len(names) > 0 {
			break // the province goes without saying
		}
		names = append(names, u.DisplayName())
		id = u.ParentID
	}
	return names, nil
}

// unitLabels names each unit of a list shown together — buttons, sheets,
// bars — by its short name, or by its type and name ("TP Lào Cai", "Tỉnh
// Lào Cai") when another unit of the list has the same name, compared
// folded.
func unitLabels(units ...*cnsbot.Unit) map[int64]string {
	count := make(map[string]int, len(units))
	for _, u := range units {
		count[textvi.Fold(u.Name)]++
	}
	out := make(map[int64]string, len(units))
	for _, u := range units {
		out[u.ID] = u.Name
		if count[textvi.Fold(u.Name)] > 1 {
			out[u.ID] = u.TypedName()
		}
	}
	return out
}

// below returns the ancestor of unit id that is a child of root (the unit
// itself when it is one, root when id is root) and the unit's name with its
// ancestors up to that one: "Thôn Làng Mới, Xã Bản Phố" under a district.
// It returns nil when id does not lie under root. The index must be loaded.
func (ix *unitIndex) below(root, id int64) (*cnsbot.Unit, string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	u := ix.byID[id]
	if u == nil {
		return nil, ""
	}
	if u.ID == root {
		return u, u.DisplayName()
	}
	names := []string{u.DisplayName()}
	for d := 0; u != nil && d < 32; d++ {
		if u.ParentID == root {
			return u, strings.Join(names, ", ")
		}
		u = ix.byID[u.ParentID]
		if u != nil && u.ParentID != root {
			names = append(names, u.DisplayName())
		}
	}
	return nil, ""
}
