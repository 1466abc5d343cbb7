package handlers

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

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
	words   map[int64]map[string]bool // by unit id
}

type unitEntry struct {
	unit  *cnsbot.Unit
	words map[string]bool // folded words of its name and full name, type word included
}

type unitMatch struct {
	unit  *cnsbot.Unit
	label string
	score int // query words found in the unit's own name
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
	ix.words = make(map[int64]map[string]bool, len(units))
	for _, u := range units {
		ix.byID[u.ID] = u
		words := map[string]bool{}
		for _, w := range foldedWords(u.Name + " " + u.FullName) {
			words[w] = true
		}
		ix.words[u.ID] = words
		ix.entries = append(ix.entries, unitEntry{unit: u, words: words})
	}
	ix.loaded = time.Now()
	return nil
}

// foldedWords splits folded text into words of letters and digits.
func foldedWords(s string) []string {
	return strings.FieldsFunc(textvi.Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// unitHints are the type words that tie the words after them to a unit of
// one level: "xã Bản Phố" is a commune named Bản Phố, so its villages match
// and a village called Bản Phố elsewhere does not. "bản" and "làng" are
// left out: they also begin names ("Bản Phố", "Làng Mới").
var unitHints = []struct {
	words []string
	level string
}{
	{[]string{"to", "dan", "pho"}, "village"}, {[]string{"thi", "tran"}, "commune"},
	{[]string{"thi", "xa"}, "district"}, {[]string{"thanh", "pho"}, "district"},
	{[]string{"tdp"}, "village"}, {[]string{"thon"}, "village"}, {[]string{"xa"}, "commune"},
	{[]string{"phuong"}, "commune"}, {[]string{"huyen"}, "district"}, {[]string{"quan"}, "district"},
	{[]string{"tp"}, "district"}, {[]string{"tinh"}, "province"},
}

// querySegment is a run of query words, tied to a level when a type word
// came before them.
type querySegment struct {
	level string
	words []string
}

// parseUnitQuery splits a query at its type words.
func parseUnitQuery(words []string) []querySegment {
	segs := []querySegment{{}}
	for i := 0; i < len(words); {
		hinted := false
		for _, h := range unitHints {
			if n := len(h.words); i+n <= len(words) && slices.Equal(words[i:i+n], h.words) {
				segs = append(segs, querySegment{level: h.level})
				i += n
				hinted = true
				break
			}
		}
		if !hinted {
			segs[len(segs)-1].words = append(segs[len(segs)-1].words, words[i])
			i++
		}
	}
	return segs
}

// search returns the units a person may mean by query, at most limit
// (limit ≤ 0: all). Every word must be in the name of the unit or of one of
// its ancestors ("Làng Mới Bản Phố" is the village Làng Mới of the commune
// Bản Phố); words after a type word must all be in one unit of that level.
// When that finds nothing the type words are dropped and the rest tried
// again. Results come grouped under the unit that best matches the query
// itself, shallowest first — "Bản Phố" gives Xã Bản Phố, then its
// villages, then the villages named Bản Phố elsewhere. Labels name the
// parents so that two villages called "Làng Mới" can be told apart.
func (ix *unitIndex) search(ctx context.Context, svc cnsbot.UnitService, query string, limit int) ([]unitMatch, error) {
	words := foldedWords(query)
	if len(words) == 0 {
		return nil, nil
	}
	if err := ix.load(ctx, svc); err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	segs := parseUnitQuery(words)
	out := ix.matchLocked(words, segs)
	if len(out) == 0 && len(segs) > 1 {
		var free []string
		for _, s := range segs {
			free = append(free, s.words...)
		}
		out = ix.matchLocked(words, []querySegment{{words: free}})
	}
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// rankedMatch is a match with what orders it.
type rankedMatch struct {
	unitMatch
	anchor      *cnsbot.Unit // the shallowest unit of its chain matching the query best
	anchorScore int
	anchorLabel string
	depth       int
}

// matchLocked finds and orders the units whose chain holds every segment;
// the caller holds ix.mu.
func (ix *unitIndex) matchLocked(words []string, segs []querySegment) []unitMatch {
	var ranked []rankedMatch
	for _, e := range ix.entries {
		chain := ix.chainLocked(e.unit)
		if !ix.chainMatches(chain, segs) {
			continue
		}
		r := rankedMatch{unitMatch: unitMatch{unit: e.unit, score: ix.ownScore(e.unit, words)}, depth: len(chain) - 1}
		for _, u := range chain {
			if sc := ix.ownScore(u, words); sc >= r.anchorScore && sc > 0 {
				r.anchor, r.anchorScore = u, sc
			}
		}
		if r.anchor == nil {
			continue // a query of type words alone names no unit
		}
		r.label = ix.pathLabelLocked(e.unit)
		r.anchorLabel = ix.pathLabelLocked(r.anchor)
		ranked = append(ranked, r)
	}
	sort.SliceStable(ranked, func(i, j int) bool {
		a, b := ranked[i], ranked[j]
		switch {
		case a.anchorScore != b.anchorScore:
			return a.anchorScore > b.anchorScore
		case a.anchor.ID != b.anchor.ID:
			if da, db := ix.depth(a.anchor), ix.depth(b.anchor); da != db {
				return da < db
			}
			return textvi.Less(a.anchorLabel, b.anchorLabel)
		case a.score != b.score:
			return a.score > b.score
		case a.depth != b.depth:
			return a.depth < b.depth
		}
		return textvi.Less(a.label, b.label)
	})
	out := make([]unitMatch, len(ranked))
	for i, r := range ranked {
		out[i] = r.unitMatch
	}
	return out
}

// chainLocked is a unit and its ancestors, the unit first.
func (ix *unitIndex) chainLocked(u *cnsbot.Unit) []*cnsbot.Unit {
	chain := []*cnsbot.Unit{u}
	for p := ix.byID[u.ParentID]; p != nil && len(chain) < 32; p = ix.byID[p.ParentID] {
		chain = append(chain, p)
	}
	return chain
}

// chainMatches reports whether every word of every segment is in the
// chain, the words of a hinted segment all in one unit of its level.
func (ix *unitIndex) chainMatches(chain []*cnsbot.Unit, segs []querySegment) bool {
	for _, s := range segs {
		if s.level == "" {
			for _, w := range s.words {
				if !slices.ContainsFunc(chain, func(u *cnsbot.Unit) bool { return ix.words[u.ID][w] }) {
					return false
				}
			}
			continue
		}
		if len(s.words) == 0 {
			continue
		}
		if !slices.ContainsFunc(chain, func(u *cnsbot.Unit) bool {
			return u.Level == s.level && !slices.ContainsFunc(s.words, func(w string) bool { return !ix.words[u.ID][w] })
		}) {
			return false
		}
	}
	return true
}

// ownScore counts the query words in a unit's own name.
func (ix *unitIndex) ownScore(u *cnsbot.Unit, words []string) int {
	n := 0
	for _, w := range words {
		if ix.words[u.ID][w] {
			n++
		}
	}
	return n
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
