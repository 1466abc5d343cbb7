package ask

// trie maps phrases (sequences of matching words) to values.
type trie[T any] struct {
	next map[string]*trie[T]
	vals []T
	end  bool
}

func newTrie[T any]() *trie[T] { return &trie[T]{} }

// add adds v under the phrase words.
func (t *trie[T]) add(words []string, v T) {
	if len(words) == 0 {
		return
	}
	n := t
	for _, w := range words {
		c := n.next[w]
		if c == nil {
			if n.next == nil {
				n.next = map[string]*trie[T]{}
			}
			c = &trie[T]{}
			n.next[w] = c
		}
		n = c
	}
	n.end = true
	n.vals = append(n.vals, v)
}

// lookup returns the first value under exactly the phrase words.
func (t *trie[T]) lookup(words []string) (T, bool) {
	n := t
	for _, w := range words {
		if n = n.next[w]; n == nil {
			var zero T
			return zero, false
		}
	}
	if !n.end || len(n.vals) == 0 {
		var zero T
		return zero, false
	}
	return n.vals[0], true
}

// longest returns the length of the longest phrase starting at ws[j] and its
// values; 0 when none does. A phrase never runs over a break or a word
// marked in used (used may be nil).
func (t *trie[T]) longest(ws []word, j int, used []bool) (int, []T) {
	best, vals := 0, []T(nil)
	t.each(ws, j, func(n int, v []T) { best, vals = n, v }, used)
	return best, vals
}

// each calls fn, shortest first, for every phrase starting at ws[j], with
// its length in words and its values. A phrase never runs over a break or a
// word marked in used (used may be nil).
func (t *trie[T]) each(ws []word, j int, fn func(n int, vals []T), used []bool) {
	n := t
	for k := j; k < len(ws); k++ {
		if ws[k].tok < 0 || used != nil && used[k] {
			return
		}
		if n = n.next[ws[k].key]; n == nil {
			return
		}
		if n.end {
			fn(k-j+1, n.vals)
		}
	}
}

// walk calls fn on every node.
func (t *trie[T]) walk(fn func(*trie[T])) {
	fn(t)
	for _, c := range t.next {
		c.walk(fn)
	}
}
