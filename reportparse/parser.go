package reportparse

import (
	"slices"
	"strings"

	"cnsbot/textvi"
)

// Indicator is what the parser needs to know of an indicator.
type Indicator struct {
	Code string
	// Names are the words people use for it: the Vietnamese name, the
	// English name, aliases and the code. Text in parentheses inside a name
	// also counts as a name of its own.
	Names []string
	// Integer marks a count: a value with decimals is refused.
	Integer bool
}

// Parser reads reports against a fixed set of indicators. It is immutable
// and safe for concurrent use.
type Parser struct {
	inds    map[string]Indicator // by code
	phrases map[string][]phrase  // by first word, longest first
}

// phrase is one way of naming an indicator, as normalized words.
type phrase struct {
	words []string
	code  string
}

// abbrev spells out the chat abbreviations, on both the text and the names.
var abbrev = map[string][]string{
	"hd": {"huong", "dan"}, "bc": {"bao", "cao"}, "tk": {"tai", "khoan"},
	"ng": {"nguoi"}, "dc": {"duoc"}, "k": {"khong"}, "ko": {"khong"},
	"kh": {"khong"}, "sl": {"so", "luong"}, "dt": {"dien", "thoai"},
	"nh": {"ngan", "hang"}, "tgia": {"tham", "gia"}, "bcao": {"bao", "cao"},
}

// synonyms are word sequences that mean the same in a report; a name
// containing the first also matches text with the second.
var synonyms = [][2]string{
	{"tham du", "tham gia"},
	{"cai dat", "cai"},
}

// NewParser builds a Parser for inds. Names that normalize to the same
// words for two indicators go to the first.
func NewParser(inds []Indicator) *Parser {
	p := &Parser{inds: make(map[string]Indicator, len(inds)), phrases: map[string][]phrase{}}
	seen := map[string]bool{}
	add := func(words []string, code string) {
		if len(words) == 0 {
			return
		}
		k := strings.Join(words, " ")
		if seen[k] {
			return
		}
		seen[k] = true
		p.phrases[words[0]] = append(p.phrases[words[0]], phrase{words: words, code: code})
		for _, syn := range synonyms {
			if i := strings.Index(" "+k+" ", " "+syn[0]+" "); i >= 0 {
				alt := strings.TrimSpace(strings.Replace(" "+k+" ", " "+syn[0]+" ", " "+syn[1]+" ", 1))
				if !seen[alt] {
					seen[alt] = true
					aw := strings.Fields(alt)
					p.phrases[aw[0]] = append(p.phrases[aw[0]], phrase{words: aw, code: code})
				}
			}
		}
	}
	for _, ind := range inds {
		code := strings.ToUpper(strings.TrimSpace(ind.Code))
		if code == "" {
			continue
		}
		if _, dup := p.inds[code]; dup {
			continue
		}
		ind.Code = code
		p.inds[code] = ind
		add(nameWords(code), code)
		for _, name := range ind.Names {
			add(nameWords(name), code)
			for _, inner := range parenthesized(name) {
				if w := nameWords(leadingWords(inner)); len(w) >= 2 {
					add(w, code)
				}
			}
		}
	}
	for k, ps := range p.phrases {
		slices.SortStableFunc(ps, func(a, b phrase) int { return len(b.words) - len(a.words) })
		p.phrases[k] = ps
	}
	return p
}

// nameWords returns the normalized words of a name, or nil when the name
// holds anything but words (a name with digits or punctuation can only be
// matched by typing it exactly, which nobody does in chat).
func nameWords(name string) []string {
	var out []string
	for _, t := range textvi.Tokens(name) {
		if t.Kind != textvi.Word {
			if t.Kind == textvi.Punct && (t.Key == "-" || t.Key == "'") {
				continue
			}
			return nil
		}
		out = appendWord(out, t.Key)
	}
	return out
}

// leadingWords cuts s at its first digit or punctuation other than a dash:
// "định danh điện tử mức 2" gives "định danh điện tử mức".
func leadingWords(s string) string {
	for _, t := range textvi.Tokens(s) {
		if t.Kind == textvi.Digits || t.Kind == textvi.Punct && t.Key != "-" {
			return s[:t.Start]
		}
	}
	return s
}

// parenthesized returns the text inside each pair of parentheses of s.
func parenthesized(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '(')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], ')')
		if j < 0 {
			return out
		}
		out = append(out, s[i+1:i+j])
		s = s[i+j+1:]
	}
}

// appendWord appends a word key, spelled out when it is an abbreviation.
func appendWord(ws []string, key string) []string {
	if x, ok := abbrev[key]; ok {
		return append(ws, x...)
	}
	return append(ws, key)
}

// hasCode reports whether code is one of the parser's indicators.
func (p *Parser) hasCode(code string) bool {
	_, ok := p.inds[code]
	return ok
}
