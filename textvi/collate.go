package textvi

import (
	"bytes"
	"slices"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// Collator orders strings the Vietnamese way: a < ă < â, d < đ, e < ê,
// o < ô < ơ, u < ư, tones after letters, and digit runs by value ("Tổ 2"
// before "Tổ 10"). The zero value is not usable; call NewCollator. A
// Collator is safe for concurrent use: a collate.Collator keeps buffers and
// is not, so each call borrows one from a pool.
type Collator struct {
	pool sync.Pool
}

// NewCollator returns a Vietnamese Collator.
func NewCollator() *Collator {
	c := &Collator{}
	c.pool.New = func() any {
		return collate.New(language.Vietnamese, collate.Numeric)
	}
	return c
}

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b.
func (c *Collator) Compare(a, b string) int {
	col := c.pool.Get().(*collate.Collator)
	defer c.pool.Put(col)
	return col.CompareString(a, b)
}

// Less reports whether a sorts before b.
func (c *Collator) Less(a, b string) bool { return c.Compare(a, b) < 0 }

// Sort sorts ss in place in Vietnamese order.
func (c *Collator) Sort(ss []string) {
	col := c.pool.Get().(*collate.Collator)
	defer c.pool.Put(col)
	col.SortStrings(ss)
}

// sortBy sorts items in place by the Vietnamese order of key(item); items
// with equal keys keep their order. Keys are computed once per item.
func sortBy[T any](c *Collator, items []T, key func(T) string) {
	col := c.pool.Get().(*collate.Collator)
	defer c.pool.Put(col)
	var buf collate.Buffer
	type keyed struct {
		k []byte
		v T
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i] = keyed{col.KeyFromString(&buf, key(it)), it}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return bytes.Compare(a.k, b.k) })
	for i := range ks {
		items[i] = ks[i].v
	}
}

var defaultCollator = NewCollator()

// Compare returns -1, 0 or +1 as a sorts before, equal to or after b in
// Vietnamese order. It uses a shared Collator.
func Compare(a, b string) int { return defaultCollator.Compare(a, b) }

// Less reports whether a sorts before b in Vietnamese order.
func Less(a, b string) bool { return defaultCollator.Less(a, b) }

// Sort sorts ss in place in Vietnamese order.
func Sort(ss []string) { defaultCollator.Sort(ss) }

// SortBy sorts items in place by the Vietnamese order of key(item), keeping
// the order of items whose keys are equal: SortBy(units, func(u *cnsbot.Unit)
// string { return u.Name }).
func SortBy[T any](items []T, key func(T) string) { sortBy(defaultCollator, items, key) }
