package handlers

import (
	"context"
	"strings"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/demo"
)

// unitList is a UnitService over a fixed list, for the search index.
type unitList struct {
	cnsbot.UnitService
	units []*cnsbot.Unit
}

func (l unitList) FindUnits(context.Context, cnsbot.UnitFilter) ([]*cnsbot.Unit, error) {
	return l.units, nil
}

// withIDs numbers units given parents first, linking ParentID by code.
func withIDs(us []*cnsbot.Unit) []*cnsbot.Unit {
	byCode := map[string]int64{}
	out := make([]*cnsbot.Unit, len(us))
	for i, u := range us {
		c := *u
		c.ID = int64(i + 1)
		c.ParentID = byCode[c.ParentCode]
		byCode[c.Code] = c.ID
		out[i] = &c
	}
	return out
}

// smallTree is the tree of bot/e2e_test.go's seed.
func smallTree() []*cnsbot.Unit {
	return withIDs([]*cnsbot.Unit{
		{Code: "10", Level: "province", Name: "Lào Cai", FullName: "Tỉnh Lào Cai"},
		{Code: "085", ParentCode: "10", Level: "district", Name: "Bắc Hà", FullName: "Huyện Bắc Hà"},
		{Code: "02866", ParentCode: "085", Level: "commune", Name: "Bản Phố", FullName: "Xã Bản Phố"},
		{Code: "02866-01", ParentCode: "02866", Level: "village", Name: "Làng Mới", FullName: "Thôn Làng Mới"},
	})
}

// searchCase is one query and what a person typing it expects.
type searchCase struct {
	query string
	first string   // code of the first result; "" to skip
	has   []string // codes that must be among the results
	under string   // every result lies under (or is) this code; "" to skip
	none  bool     // no result at all
	more  int      // at least this many results
}

func runSearchCases(t *testing.T, units []*cnsbot.Unit, cases []searchCase) {
	t.Helper()
	ix := &unitIndex{}
	svc := unitList{units: units}
	code := map[int64]string{}
	parent := map[string]string{}
	for _, u := range units {
		code[u.ID] = u.Code
		parent[u.Code] = u.ParentCode
	}
	within := func(c, root string) bool {
		for ; c != ""; c = parent[c] {
			if c == root {
				return true
			}
		}
		return false
	}
	passed := 0
	for _, tt := range cases {
		got, err := ix.search(context.Background(), svc, tt.query, 10000)
		if err != nil {
			t.Fatal(err)
		}
		codes := make([]string, len(got))
		for i, m := range got {
			codes[i] = code[m.unit.ID]
		}
		ok := true
		fail := func(format string, args ...any) {
			ok = false
			t.Errorf("%q: "+format+" (got %d: %.200v)", append(append([]any{tt.query}, args...), len(codes), codes)...)
		}
		switch {
		case tt.none && len(codes) > 0:
			fail("want none")
		case !tt.none && len(codes) == 0:
			fail("want results")
		}
		if tt.first != "" && (len(codes) == 0 || codes[0] != tt.first) {
			fail("first is not %s", tt.first)
		}
		for _, h := range tt.has {
			if !strings.Contains(" "+strings.Join(codes, " ")+" ", " "+h+" ") {
				fail("lacks %s", h)
			}
		}
		if tt.under != "" {
			for _, c := range codes {
				if !within(c, tt.under) {
					fail("%s is not under %s", c, tt.under)
					break
				}
			}
		}
		if len(codes) < tt.more {
			fail("want at least %d", tt.more)
		}
		if ok {
			passed++
		}
	}
	t.Logf("score: %d/%d queries as expected", passed, len(cases))
}

func TestUnitSearchSmallTree(t *testing.T) {
	runSearchCases(t, smallTree(), []searchCase{
		{query: "xã Bản Phố", first: "02866", has: []string{"02866-01"}, under: "02866"},
		{query: "Làng Mới Bản Phố", first: "02866-01"},
		{query: "Bản Phố", has: []string{"02866", "02866-01"}},
		{query: "ban pho", has: []string{"02866", "02866-01"}},
		{query: "thon lang moi", first: "02866-01"},
		{query: "Làng Mới", first: "02866-01"},
		{query: "Bắc Hà", first: "085"},
		{query: "huyện Bắc Hà", first: "085", has: []string{"02866", "02866-01"}, under: "085"},
		{query: "Thôn Làng Mới, xã Bản Phố, huyện Bắc Hà", first: "02866-01"},
		{query: "xa ban pho thon lang moi", first: "02866-01"},
		{query: "Hà Giang", none: true},
		// No commune is called Làng Mới: the type word is dropped, not the person.
		{query: "xã Làng Mới", first: "02866-01"},
	})
}

func TestUnitSearchDemo(t *testing.T) {
	ds := demo.Generate(time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC), nil)
	units := withIDs(ds.Units)
	var banPho, langMoi string // the personas' commune and village
	var banPhoVillages []string
	for _, u := range units {
		if u.FullName == "Xã Bản Phố" && strings.HasPrefix(u.ParentCode, "085") {
			banPho = u.Code
		}
	}
	for _, u := range units {
		if u.ParentCode == banPho && banPho != "" {
			banPhoVillages = append(banPhoVillages, u.Code)
			if u.Name == "Làng Mới" {
				langMoi = u.Code
			}
		}
	}
	if banPho == "" || langMoi == "" {
		t.Fatalf("demo has no Xã Bản Phố (%q) with Thôn Làng Mới (%q)", banPho, langMoi)
	}
	runSearchCases(t, units, []searchCase{
		{query: "xã Bản Phố", first: banPho, has: banPhoVillages, under: banPho},
		{query: "Làng Mới Bản Phố", first: langMoi, under: banPho},
		{query: "Bản Phố", has: append([]string{banPho}, banPhoVillages...)},
		{query: "thôn Làng Mới xã Bản Phố", first: langMoi, under: banPho},
		{query: "Làng Mới", has: []string{langMoi}, more: 9},
		{query: "Bắc Hà", first: "085"},
	})
}

// FuzzUnitSearch: any text a person types finds units without panicking,
// each at most once.
func FuzzUnitSearch(f *testing.F) {
	for _, s := range []string{"xã Bản Phố", "Làng Mới Bản Phố", "thi xa", "to dan pho 3", "", "  ,, ", "TP. Lào Cai"} {
		f.Add(s)
	}
	ix, svc := &unitIndex{}, unitList{units: smallTree()}
	f.Fuzz(func(t *testing.T, q string) {
		got, err := ix.search(context.Background(), svc, q, 0)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[int64]bool{}
		for _, m := range got {
			if seen[m.unit.ID] {
				t.Fatalf("%q: unit %d twice", q, m.unit.ID)
			}
			seen[m.unit.ID] = true
		}
	})
}
