package reportparse

import (
	"slices"
	"strings"
	"time"

	"cnsbot/textvi"
)

// Pair is one figure found in a report.
type Pair struct {
	Code  string  // the indicator's code
	Value float64 // what textvi.ParseNumber reads in Raw
	Raw   string  // the number exactly as typed: text[Start:End]
	// Start and End are the byte span of the number in the text.
	Start, End int
	// Phrase is the words naming the indicator, as typed.
	Phrase string
}

// Result is what a report says.
type Result struct {
	Pairs []Pair
	// Date is the first day the text names, midnight in today's Location;
	// zero when it names none.
	Date time.Time
	// DateRaw is that day as typed.
	DateRaw  string
	Problems []Problem
}

// Problem is something in a report the parser could not turn into a pair.
type Problem struct {
	// Kind is one of the Problem kinds below.
	Kind string
	Raw  string // the text concerned, as typed
	Code string // the indicator concerned, when known
}

// The kinds of Problem.
const (
	// ProblemNegative is a negative number for an indicator ("vneid -2").
	ProblemNegative = "negative"
	// ProblemDecimal is a number with decimals for a count ("vneid 1,5").
	ProblemDecimal = "decimal"
	// ProblemUnknownWord is a word of the quick form that names no
	// indicator.
	ProblemUnknownWord = "unknown_word"
	// ProblemNumberWithoutIndicator is a number no indicator goes with.
	ProblemNumberWithoutIndicator = "number_without_indicator"
	// ProblemIndicatorWithoutNumber is an indicator named with no number.
	ProblemIndicatorWithoutNumber = "indicator_without_number"
	// ProblemBadDate is written like a date but names no day: "31/02/2026",
	// "ngày 31/2", "ngày 1/13". Its numbers are not read as values.
	ProblemBadDate = "bad_date"
)

type elemKind uint8

const (
	eNum  elemKind = iota + 1 // a number that may be a value
	eInd                      // words naming an indicator
	eWord                     // any other word, or text that is no value (a date, a time, an aside)
	eSep                      // the end of a clause
)

type elemState uint8

const (
	free     elemState = iota
	bound              // paired
	absorbed           // read as part of something else; no problem to report
)

// elem is a number, an indicator phrase, a word or a clause break.
type elem struct {
	kind       elemKind
	t0, t1     int // first and last token
	start, end int // byte span in the text
	key        string

	// numbers
	value    float64
	neg      bool
	negStart int // where the sign starts

	// indicator phrases
	code       string
	verbish    bool // "tuyên truyền", "tập huấn": a verb whose object may be another indicator
	ambiguous  bool // "hộ", "lượt": a unit of people after a number, or the indicator itself
	classifier bool // a measure word that follows its number: "2 buổi", "30 học viên"

	state   elemState
	partner int
}

// clauseSeps are punctuation marks that end a clause.
var clauseSeps = map[string]bool{
	"\n": true, ",": true, ";": true, "+": true, "/": true, "|": true,
	"!": true, "?": true, "…": true, "•": true,
}

// timeAfter are words that make the number before them a time or duration.
var timeAfter = map[string]bool{
	"h": true, "g": true, "gio": true, "p": true, "ph": true, "phut": true,
	"am": true, "pm": true, "tieng": true, "giay": true,
}

// placeBefore are words after which a number is an ordinal or a place, with
// the largest number they take (0: any).
var placeBefore = map[string]int{
	"thon": 0, "to": 0, "xom": 0, "khu": 0, "doi": 0, "ap": 0, "tdp": 0, "pho": 0,
	"phuong": 0, "phong": 0, "nhom": 0, "dot": 0, "lan": 0, "muc": 0, "cap": 0,
	"ki": 0, "tang": 0, "lo": 0, "duong": 0, "thu": 0,
	"ngay": 31, "thang": 12, "quy": 4, "tuan": 53, "luc": 0,
}

// visitVerbs are verbs that make "20 hộ" households visited (HO) rather than
// the people of another indicator: "thăm 20 hộ", "đến 20 hộ".
var visitVerbs = map[string]bool{
	"tham": true, "den": true, "toi": true, "xuong": true, "vao": true, "di": true, "ghe": true,
}

// verbishPhrases are indicator phrases that are also verbs taking another
// indicator as object: "tuyên truyền lừa đảo" is about ATTT.
var verbishPhrases = map[string]bool{
	"tuyen truyen": true, "tap huan": true, "huong dan": true, "tan nha": true,
}

// ambiguousHeads are measure words that are an indicator of their own and
// also the unit of people-counting indicators.
var ambiguousHeads = map[string]bool{"ho": true, "luot": true}

// classifierHeads are measure words: a phrase starting with one belongs to
// the number before it.
var classifierHeads = map[string]bool{
	"ho": true, "luot": true, "buoi": true, "lop": true, "nguoi": true, "hoc": true,
	"san": true, "tai": true, "vi": true,
}

// scan turns text into elements. It also returns the first date, and the
// first text written like a date that names no day (badDate).
func (p *Parser) scan(text string, today time.Time) (elems []elem, date time.Time, dateRaw, badDate string) {
	toks := textvi.Tokens(text)
	n := len(toks)
	// Dates first, so that 14/7 is not read as 14 and 7.
	dateEnd := make([]int, n) // for a token starting a date: 1 + its last token
	for i := 0; i < n; i++ {
		if toks[i].Kind == textvi.Punct {
			continue
		}
		if d, j, ok := textvi.MatchDate(toks, i, today); ok {
			dateEnd[i] = j + 1
			if date.IsZero() {
				date, dateRaw = d, text[toks[i].Start:toks[j].End]
			}
			i = j
		} else if j, ok := matchBadDate(toks, i); ok {
			dateEnd[i] = j + 1
			if badDate == "" {
				badDate = text[toks[i].Start:toks[j].End]
			}
			i = j
		}
	}
	// A number with its own words in parentheses is an aside:
	// "vneid 12 (8 nam, 4 nữ)".
	asideEnd := make([]int, n)
	for i := 0; i < n; i++ {
		if toks[i].Key != "(" {
			continue
		}
		digits, seps := 0, 0
		for j := i + 1; j < n; j++ {
			k := toks[j].Key
			if k == "\n" || k == "(" {
				break
			}
			if toks[j].Kind == textvi.Digits && toks[j].Space {
				digits++
			}
			if k == "," || k == ";" {
				seps++
			}
			if k == ")" {
				if digits >= 2 || seps > 0 && digits > 0 {
					asideEnd[i] = j + 1
				}
				break
			}
		}
	}
	word := func(i int) string {
		if i >= 0 && i < n && toks[i].Kind == textvi.Word {
			return toks[i].Key
		}
		return ""
	}
	// A date or an aside is a word with no key: never an indicator, a
	// verb or a problem.
	emitWord := func(i, j int, key string) {
		elems = append(elems, elem{kind: eWord, t0: i, t1: j, start: toks[i].Start, end: toks[j].End, key: key})
	}
	for i := 0; i < n; {
		t := toks[i]
		if e := dateEnd[i]; e > 0 {
			emitWord(i, e-1, "")
			i = e
			continue
		}
		if e := asideEnd[i]; e > 0 {
			emitWord(i, e-1, "")
			i = e
			continue
		}
		switch t.Kind {
		case textvi.Word:
			if t.Key == "va" {
				elems = append(elems, elem{kind: eSep, t0: i, t1: i, start: t.Start, end: t.End})
				i++
				continue
			}
			if ph, j, ok := p.matchPhrase(toks, i, dateEnd, asideEnd); ok {
				head := ph.words[0]
				elems = append(elems, elem{
					kind: eInd, t0: i, t1: j, start: t.Start, end: toks[j].End, key: head,
					code: ph.code, verbish: verbishPhrases[joinWords(ph.words)],
					ambiguous: ambiguousHeads[head], classifier: classifierHeads[head],
				})
				i = j + 1
				continue
			}
			emitWord(i, i, t.Key)
			i++
		case textvi.Digits:
			afterInd := len(elems) > 0 && elems[len(elems)-1].kind == eInd && elems[len(elems)-1].t1 == i-1
			e, j := p.number(text, toks, i, word, afterInd)
			elems = append(elems, e)
			i = j + 1
		case textvi.Punct:
			if clauseSeps[t.Key] || t.Key == "." && (i+1 == n || toks[i+1].Space || toks[i+1].Key == "\n") {
				elems = append(elems, elem{kind: eSep, t0: i, t1: i, start: t.Start, end: t.End})
			}
			i++
		default:
			i++
		}
	}
	return elems, date, dateRaw, badDate
}

// matchBadDate reports whether toks[i] starts something written like a date
// that MatchDate did not read: d/m/y or d-m-y with a day that does not
// exist, or "ngày" and d/m, d-m or d.m. It returns the index of the last
// token. A bare d/m is not taken: "15/20 hộ" may be a fraction.
func matchBadDate(toks []textvi.Token, i int) (int, bool) {
	n := len(toks)
	adj := func(j int) bool { return j < n && !toks[j].Space }
	digits := func(j int, lens ...int) bool {
		return j < n && toks[j].Kind == textvi.Digits && slices.Contains(lens, len(toks[j].Key))
	}
	afterNgay := toks[i].Kind == textvi.Word && toks[i].Key == "ngay"
	start := i
	if afterNgay {
		if i+1 >= n || !toks[i+1].Space {
			return 0, false
		}
		start = i + 1
	} else if i > 0 && adj(i) && (toks[i-1].Kind == textvi.Digits || toks[i-1].Kind == textvi.Punct) {
		return 0, false // inside a longer run: 1.250/3, 0912-345
	}
	seps := "/-"
	if afterNgay {
		seps = "/-."
	}
	if !digits(start, 1, 2) || !adj(start+1) || toks[start+1].Kind != textvi.Punct ||
		!strings.Contains(seps, toks[start+1].Key) || !adj(start+2) || !digits(start+2, 1, 2) {
		return 0, false
	}
	sep, end := toks[start+1].Key, start+2
	if adj(end+1) && toks[end+1].Key == sep && adj(end+2) && digits(end+2, 2, 4) {
		end += 2
	} else if !afterNgay {
		return 0, false
	}
	// It must not run on into more digits or letters: 1/2/345, 31/2abc.
	if adj(end+1) && (toks[end+1].Kind != textvi.Punct || adj(end+2) && toks[end+2].Kind == textvi.Digits) {
		return 0, false
	}
	return end, true
}

// number reads the number starting at the Digits token toks[i] and returns
// its element (eWord when it cannot be a value) and its last token.
// afterInd says the word before it ends an indicator phrase, and so is no
// place word.
func (p *Parser) number(text string, toks []textvi.Token, i int, word func(int) string, afterInd bool) (elem, int) {
	n := len(toks)
	adj := func(k int) bool { return k < n && !toks[k].Space }
	j, digits := i, len(toks[i].Key)
	for adj(j+1) && adj(j+2) && (toks[j+1].Key == "." || toks[j+1].Key == ",") && toks[j+2].Kind == textvi.Digits {
		j += 2
		digits += len(toks[j].Key)
	}
	notValue := func(last int) (elem, int) {
		return elem{kind: eWord, t0: i, t1: last, start: toks[i].Start, end: toks[last].End}, last
	}
	// 14:30, 8h, 8h30, 30p, 2 tiếng
	if adj(j+1) && adj(j+2) && toks[j+1].Key == ":" && toks[j+2].Kind == textvi.Digits {
		return notValue(j + 2)
	}
	if j+1 < n && toks[j+1].Kind == textvi.Word {
		k := toks[j+1].Key
		if !toks[j+1].Space && timeAfter[k] || toks[j+1].Space && (k == "gio" || k == "phut" || k == "tieng") {
			last := j + 1
			if adj(last+1) && toks[last+1].Kind == textvi.Digits {
				last++
			}
			return notValue(last)
		}
	}
	if digits >= 9 {
		return notValue(j) // a phone number
	}
	raw := text[toks[i].Start:toks[j].End]
	v, err := textvi.ParseNumber(raw)
	if err != nil {
		return notValue(j)
	}
	prev := word(i - 1)
	if afterInd {
		prev = ""
	}
	if max, ok := placeBefore[prev]; ok && (max == 0 || v <= float64(max)) {
		return notValue(j)
	}
	if word(i-2) == "muc" && prev == "do" || prev == "nam" && i == j && digits == 4 {
		return notValue(j)
	}
	if i == j && digits == 4 && v >= 2000 && v <= 2100 {
		return notValue(j) // a year
	}
	e := elem{kind: eNum, t0: i, t1: j, start: toks[i].Start, end: toks[j].End, value: v, negStart: toks[i].Start}
	if i > 0 && !toks[i].Space && toks[i-1].Key == "-" && (i == 1 || toks[i-1].Space || toks[i-2].Kind == textvi.Punct) {
		e.neg, e.negStart = true, toks[i-1].Start
	} else if prev == "am" && toks[i].Space {
		e.neg, e.negStart = true, toks[i-1].Start
	}
	return e, j
}

// matchPhrase finds the longest indicator phrase starting at the Word toks[i]
// and returns it with its last token.
func (p *Parser) matchPhrase(toks []textvi.Token, i int, dateEnd, asideEnd []int) (phrase, int, bool) {
	first := appendWord(nil, toks[i].Key)
	for _, ph := range p.phrases[first[0]] {
		if j, ok := matchAt(toks, i, ph.words, dateEnd, asideEnd); ok {
			return ph, j, true
		}
	}
	return phrase{}, 0, false
}

// matchAt reports whether words are the normalized words of the Word tokens
// from toks[i], ending at a token boundary, and returns the last token.
func matchAt(toks []textvi.Token, i int, words []string, dateEnd, asideEnd []int) (int, bool) {
	w := 0
	var buf [3]string
	for j := i; j < len(toks); j++ {
		t := toks[j]
		if t.Kind != textvi.Word || j > i && (dateEnd[j] > 0 || asideEnd[j] > 0) {
			return 0, false
		}
		tw := appendWord(buf[:0], t.Key)
		if w+len(tw) > len(words) {
			return 0, false
		}
		for _, x := range tw {
			if words[w] != x {
				return 0, false
			}
			w++
		}
		if w == len(words) {
			return j, true
		}
	}
	return 0, false
}

func joinWords(ws []string) string {
	switch len(ws) {
	case 1:
		return ws[0]
	case 2:
		return ws[0] + " " + ws[1]
	}
	return ""
}
