package reportparse

import (
	"time"

	"cnsbot/textvi"
)

// Parse reads a free-text report: figures next to the words naming their
// indicators, in any order ("hd 15 ho cai vneid, 3 tk ngan hang"), with the
// first date the text names. today is the current day in Asia/Ho_Chi_Minh.
// A text with no figures gives no pairs.
func (p *Parser) Parse(text string, today time.Time) Result {
	elems, date, dateRaw, badDate := p.scan(text, today)
	res := Result{Date: date, DateRaw: dateRaw}
	clauses := splitClauses(elems)
	for _, c := range clauses {
		p.pairClause(elems, c)
	}
	pairAcrossClauses(elems, clauses)
	p.collect(text, elems, &res)
	res.addBadDate(badDate)
	return res
}

// addBadDate records text written like a date that names no day.
func (r *Result) addBadDate(raw string) {
	if raw != "" {
		r.Problems = append(r.Problems, Problem{Kind: ProblemBadDate, Raw: raw})
	}
}

// ParseQuick reads the quick form of a command's arguments, "vneid 15 dvc 3
// hôm qua": indicator words and numbers strictly alternating (either first),
// a unit word allowed after a number, a date anywhere. Anything else is a
// Problem: a word that names no indicator, an indicator without a number, a
// number without an indicator.
func (p *Parser) ParseQuick(args string, today time.Time) Result {
	elems, date, dateRaw, badDate := p.scan(args, today)
	res := Result{Date: date, DateRaw: dateRaw}
	var items []int // numbers and indicators, in order
	runStart := 0
	for k := range elems {
		e := &elems[k]
		switch e.kind {
		case eNum, eInd:
			items = append(items, k)
		case eWord:
			if e.key == "" || quickFiller[e.key] {
				e.state = absorbed
				continue
			}
			// One problem for a run of unknown words.
			if k > 0 && elems[k-1].kind == eWord && elems[k-1].key != "" && !quickFiller[elems[k-1].key] {
				res.Problems[len(res.Problems)-1].Raw = args[runStart:e.end]
				continue
			}
			runStart = e.start
			res.Problems = append(res.Problems, Problem{Kind: ProblemUnknownWord, Raw: args[e.start:e.end]})
		}
	}
	numFirst := len(items) > 0 && elems[items[0]].kind == eNum
	for x := 0; x < len(items); x++ {
		a := &elems[items[x]]
		if a.state != free {
			continue
		}
		if x+1 < len(items) {
			b := &elems[items[x+1]]
			if numFirst && a.kind == eNum && b.kind == eInd || !numFirst && a.kind == eInd && b.kind == eNum {
				bind(a, b, items[x], items[x+1])
				// "vneid 15 người", "qr 3 hộ": a measure word right after
				// the number is its unit unless a number follows it.
				if !numFirst && x+2 < len(items) {
					c := &elems[items[x+2]]
					if c.kind == eInd && c.classifier && c.t0 == b.t1+1 && (x+3 >= len(items) || elems[items[x+3]].kind != eNum) {
						c.state = absorbed
					}
				}
				continue
			}
		}
	}
	for _, k := range items {
		e := &elems[k]
		if e.kind == eInd && e.state == free && k > 0 {
			// Same code as the pair just before it: "tktt 6 tài khoản".
			for b := k - 1; b >= 0 && elems[b].kind != eSep; b-- {
				if elems[b].state == bound && elems[b].kind == eInd && elems[b].code == e.code {
					e.state = absorbed
					break
				}
				if elems[b].kind == eInd || elems[b].kind == eNum {
					if elems[b].state == bound && elems[b].kind == eNum && p.codeOf(elems, b) == e.code {
						e.state = absorbed
					}
					break
				}
			}
		}
	}
	p.collect(args, elems, &res)
	res.addBadDate(badDate)
	return res
}

// quickFiller are words the quick form lets through: units and the words of
// "số lượng".
var quickFiller = map[string]bool{
	"nguoi": true, "ng": true, "ba": true, "con": true, "dan": true, "sp": true,
	"san": true, "pham": true, "sl": true, "so": true, "luong": true, "lan": true,
	"ca": true, "truong": true, "hop": true, "bo": true, "ho": true, "luot": true,
	"bc": true, "nay": true,
}

// codeOf returns the code a bound number was paired with.
func (p *Parser) codeOf(elems []elem, k int) string {
	return elems[elems[k].partner].code
}

// bind pairs elements a and b (indices ka, kb), one a number and the other
// an indicator.
func bind(a, b *elem, ka, kb int) {
	a.state, b.state = bound, bound
	a.partner, b.partner = kb, ka
}

// splitClauses returns the element indices of each clause.
func splitClauses(elems []elem) [][]int {
	var out [][]int
	var cur []int
	for k, e := range elems {
		if e.kind == eSep {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, k)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// pairClause pairs the numbers and indicator phrases of one clause.
func (p *Parser) pairClause(elems []elem, c []int) {
	// Adjacent phrases of one indicator are one phrase: "buổi tuyên
	// truyền", "ocop lên sàn", "lượt người tham dự".
	for x := 1; x < len(c); x++ {
		a, b := &elems[c[x-1]], &elems[c[x]]
		if a.kind == eInd && b.kind == eInd && a.code == b.code && a.state == free {
			b.t0, b.start = a.t0, a.start
			b.verbish = b.verbish && a.verbish
			b.ambiguous, b.classifier, b.key = a.ambiguous, a.classifier, a.key
			a.state = absorbed
		}
	}
	live := c[:0:0]
	for _, k := range c {
		if elems[k].state == free {
			live = append(live, k)
		}
	}
	c = live
	// "tuyên truyền lừa đảo": the verb's object is the indicator.
	for x, k := range c {
		a := &elems[k]
		if a.kind != eInd || !a.verbish || x > 0 && elems[c[x-1]].kind == eNum {
			continue
		}
		for y := x + 1; y < len(c); y++ {
			b := &elems[c[y]]
			if b.kind == eNum {
				break
			}
			if b.kind == eInd {
				if b.code != a.code && y-x <= 3 {
					a.state = absorbed
				}
				break
			}
		}
	}
	// "2 buổi", "30 học viên": a measure word right after a number that
	// names nothing but its own indicator goes with it.
	for x, k := range c {
		n := &elems[k]
		if n.kind != eNum || n.state != free || x+1 >= len(c) {
			continue
		}
		if m := &elems[c[x+1]]; m.kind == eInd && m.classifier && !m.ambiguous && m.state == free && m.t0 == n.t1+1 {
			bind(n, m, k, c[x+1])
		}
	}
	// "hd 15 hộ cài vneid", "cài vneid cho 15 hộ": hộ and lượt right after
	// a number are its unit when another indicator is named in the clause
	// with no number between, unless the number follows a visiting verb.
	for x, k := range c {
		n := &elems[k]
		if n.kind != eNum || n.state != free || x+1 >= len(c) {
			continue
		}
		m := &elems[c[x+1]]
		if m.kind != eInd || !m.ambiguous || m.state != free || m.t0 != n.t1+1 {
			continue
		}
		if x > 0 && elems[c[x-1]].kind == eWord && visitVerbs[elems[c[x-1]].key] {
			continue
		}
		q := -1
		for y := x + 2; y < len(c) && q < 0; y++ {
			e := &elems[c[y]]
			if e.kind == eNum {
				break
			}
			if e.kind == eInd && e.state == free && e.code != m.code && !e.verbish {
				q = c[y]
			}
		}
		for y := x - 1; y >= 0 && q < 0; y-- {
			e := &elems[c[y]]
			if e.kind == eNum {
				break
			}
			if e.kind == eInd && e.state == free && e.code != m.code && !e.verbish {
				q = c[y]
			}
		}
		if q >= 0 {
			m.state = absorbed
			bind(n, &elems[q], k, q)
		}
	}
	// Strong pairs: a number right next to an indicator phrase, with only
	// ":" or "=" between, on the side the clause starts with ("vneid 15 dvc
	// 3", "12 vneid 5 dvc").
	indFirst := false
	for _, k := range c {
		if e := &elems[k]; e.state == free && e.kind != eWord {
			indFirst = e.kind == eInd
			break
		}
	}
	for x, k := range c {
		n := &elems[k]
		if n.kind != eNum || n.state != free {
			continue
		}
		l, r := -1, -1
		if x > 0 && elems[c[x-1]].kind == eInd && elems[c[x-1]].state == free {
			l = c[x-1]
		}
		if x+1 < len(c) && elems[c[x+1]].kind == eInd && elems[c[x+1]].state == free {
			r = c[x+1]
		}
		switch {
		case l >= 0 && r >= 0 && elems[l].code == elems[r].code:
			bind(n, &elems[l], k, l)
			elems[r].state = absorbed
		case r >= 0 && elems[r].classifier:
			bind(n, &elems[r], k, r)
		case l >= 0 && indFirst:
			bind(n, &elems[l], k, l)
		case r >= 0 && !indFirst:
			bind(n, &elems[r], k, r)
		}
	}
	// Loose pairs: what is left, in the clause's order.
	pending := -1
	for _, k := range c {
		e := &elems[k]
		if e.state != free || e.kind == eWord {
			continue
		}
		if pending >= 0 && elems[pending].kind != e.kind {
			bind(&elems[pending], e, pending, k)
			pending = -1
			continue
		}
		pending = k
	}
	// A phrase left over that repeats a paired indicator ("kỹ năng số trên
	// onetouch"), or a measure word after a paired number, says nothing new.
	var boundCodes map[string]bool
	for _, k := range c {
		if e := &elems[k]; e.kind == eInd && e.state == bound {
			if boundCodes == nil {
				boundCodes = map[string]bool{}
			}
			boundCodes[e.code] = true
		}
	}
	for x, k := range c {
		e := &elems[k]
		if e.kind != eInd || e.state != free {
			continue
		}
		if boundCodes[e.code] {
			e.state = absorbed
		}
		if e.state == free && e.classifier && x > 0 && elems[c[x-1]].kind == eNum && elems[c[x-1]].state == bound {
			e.state = absorbed
		}
	}
}

// pairAcrossClauses pairs an indicator left alone in one clause with a
// number left alone in the next when neither clause has anything else to
// pair: "tuyên truyền lừa đảo, 45 người".
func pairAcrossClauses(elems []elem, clauses [][]int) {
	only := func(c []int) (num, ind, nums, inds int) {
		num, ind = -1, -1
		for _, k := range c {
			switch elems[k].kind {
			case eNum:
				nums++
				if elems[k].state == free {
					num = k
				}
			case eInd:
				if elems[k].state != absorbed {
					inds++
				}
				if elems[k].state == free {
					ind = k
				}
			}
		}
		return
	}
	for x := 0; x+1 < len(clauses); x++ {
		n1, i1, ns1, is1 := only(clauses[x])
		n2, i2, ns2, is2 := only(clauses[x+1])
		switch {
		case i1 >= 0 && n1 < 0 && n2 >= 0 && is2 == 0 && ns2 == 1 && is1 >= 1:
			bind(&elems[n2], &elems[i1], n2, i1)
		case n1 >= 0 && is1 == 0 && ns1 == 1 && i2 >= 0 && ns2 == 0 && is2 == 1:
			bind(&elems[n1], &elems[i2], n1, i2)
		}
	}
}

// collect turns bound elements into pairs and free ones into problems.
func (p *Parser) collect(text string, elems []elem, res *Result) {
	for k := range elems {
		e := &elems[k]
		switch {
		case e.kind == eNum && e.state == bound:
			ind := elems[e.partner]
			raw := text[e.start:e.end]
			switch {
			case e.neg:
				res.Problems = append(res.Problems, Problem{Kind: ProblemNegative, Raw: text[e.negStart:e.end], Code: ind.code})
			case p.inds[ind.code].Integer && !textvi.IsInteger(e.value):
				res.Problems = append(res.Problems, Problem{Kind: ProblemDecimal, Raw: raw, Code: ind.code})
			default:
				res.Pairs = append(res.Pairs, Pair{
					Code: ind.code, Value: e.value, Raw: raw, Start: e.start, End: e.end,
					Phrase: text[ind.start:ind.end],
				})
			}
		case e.kind == eNum && e.state == free:
			kind := ProblemNumberWithoutIndicator
			if e.neg {
				kind = ProblemNegative
			}
			res.Problems = append(res.Problems, Problem{Kind: kind, Raw: text[e.negStart:e.end]})
		case e.kind == eInd && e.state == free:
			res.Problems = append(res.Problems, Problem{Kind: ProblemIndicatorWithoutNumber, Raw: text[e.start:e.end], Code: e.code})
		}
	}
}
