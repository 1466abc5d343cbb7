package ask

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"cnsbot"
	"cnsbot/textvi"
)

// Intent is what a leader's question asks for: the command it stands for.
type Intent string

// The intents. The zero Intent means the question was not understood.
const (
	// IntentIndicators is /chitieu: the sector indicators for the year, or
	// one of them in detail.
	IntentIndicators Intent = "indicators"
	// IntentProgress is /tiendo: activity figures against targets for a
	// unit subtree and period.
	IntentProgress Intent = "progress"
	// IntentMissing is /chuabaocao: who has not reported, and the
	// reporting rate.
	IntentMissing Intent = "missing"
	// IntentExport is /xuat: an XLSX or CSV file.
	IntentExport Intent = "export"
	// IntentChart is /bieudo: a PNG chart.
	IntentChart Intent = "chart"
)

// UnitRef is the unit a question names.
type UnitRef struct {
	ID    int64
	Name  string
	Level string
}

// Question is what Parse understood of a question.
type Question struct {
	Intent    Intent
	Indicator string   // indicator code when one is named ("OCOP", "CT02"), else ""
	Unit      *UnitRef // the unit named, nil = the asker's own scope
	// Period is the period named; its Kind is zero when none is.
	Period    cnsbot.Period
	HasPeriod bool
	// Understood says in Vietnamese what was understood ("tiến độ, VNEID,
	// Huyện Bắc Hà (cũ), tháng 7/2026"), for an answer such as "I understood
	// X but not Y". It is empty when nothing was.
	Understood string
}

// Vocabulary is what a Parser recognizes: the indicators and the units.
type Vocabulary struct {
	Indicators []Indicator
	Units      []Unit
}

// Indicator is an indicator as questions name it.
type Indicator struct {
	Code string
	// Names are the words people use for it: the Vietnamese and English
	// names and the aliases. Long names also match by their distinctive
	// runs of words ("sản phẩm OCOP ... lên sàn").
	Names []string
	// Sector marks a yearly sector indicator (CT01–CT10), answered by
	// /chitieu, as against an activity indicator teams report.
	Sector bool
}

// Unit is a unit of the administrative tree as questions name it.
type Unit struct {
	ID       int64
	Name     string // short name: "Bắc Hà"
	FullName string // with its type: "Huyện Bắc Hà"; may be empty
	Level    string // province, district, commune, village, ...
	ParentID int64
	// Former marks a unit no longer valid, such as a district abolished by
	// the 2025 reform; leaders still ask about it, so it still matches.
	Former bool
}

// Parser reads leaders' questions against a Vocabulary. It is immutable and
// safe for concurrent use.
type Parser struct {
	inds    []Indicator
	units   []unitInfo
	byID    map[int64]int // unit index by id
	indT    *trie[indHit]
	unitT   *trie[unitHit]
	intentT *trie[intentHit]
	typeT   *trie[int] // unit type words to their category
	cueT    *trie[cue]
}

// unitInfo is a Unit with what matching needs.
type unitInfo struct {
	Unit
	parent int // index, -1 for a root or an unknown parent
	depth  int
	cat    int // catProvince … catVillage, 0 unknown
}

// Unit categories, from the type word of a unit's full name or its level.
const (
	catProvince = 1 + iota
	catDistrict
	catCommune
	catVillage
)

// unitTypes are the type words of units with their category and the other
// ways people write the same type.
var unitTypes = []struct {
	cat   int
	words []string
}{
	{catProvince, []string{"tỉnh"}},
	{catDistrict, []string{"thành phố", "tp"}},
	{catDistrict, []string{"thị xã", "tx"}},
	{catDistrict, []string{"huyện"}},
	{catDistrict, []string{"quận"}},
	{catCommune, []string{"xã"}},
	{catCommune, []string{"phường"}},
	{catCommune, []string{"thị trấn", "tt"}},
	{catVillage, []string{"thôn", "bản"}},
	{catVillage, []string{"tổ dân phố", "tdp", "tổ"}},
}

// levelCats are the categories of the usual Level labels.
var levelCats = map[string]int{
	"province": catProvince, "district": catDistrict, "commune": catCommune, "ward": catCommune,
	"village": catVillage, "hamlet": catVillage, "residential_group": catVillage,
}

// abbrev spells out chat abbreviations, in the text and in names alike.
var abbrev = map[string][]string{
	"hd": {"huong", "dan"}, "bc": {"bao", "cao"}, "bcao": {"bao", "cao"}, "tk": {"tai", "khoan"},
	"ng": {"nguoi"}, "dc": {"duoc"}, "ko": {"khong"}, "k": {"khong"}, "sl": {"so", "luong"},
	"dt": {"dien", "thoai"}, "nh": {"ngan", "hang"}, "bn": {"bao", "nhieu"},
	"ntn": {"nhu", "the", "nao"}, "kh": {"ke", "hoach"}, "tgia": {"tham", "gia"},
}

// intentPhrases are the words that say what a question asks for. An empty
// intent marks words that only look like a cue ("sản xuất" is no export).
var intentPhrases = map[Intent][]string{
	IntentProgress: {
		"tiến độ", "thế nào", "như thế nào", "ra sao", "được bao nhiêu", "được mấy", "tổng", "tổng số",
		"bao nhiêu", "kết quả", "số liệu", "tình hình", "tiendo", "progress",
	},
	IntentMissing: {
		"chưa báo cáo", "đã báo cáo chưa", "báo cáo chưa", "ai chưa", "nào chưa", "thôn nào chưa",
		"xã nào chưa", "tỷ lệ báo cáo", "nộp báo cáo chưa", "chưa nộp", "chưa gửi", "báo cáo đủ chưa",
		"nộp đủ chưa", "báo cáo đầy đủ chưa", "chuabaocao", "missing",
	},
	IntentIndicators: {
		"chỉ tiêu", "đạt chưa", "kế hoạch năm", "bao nhiêu chỉ tiêu", "chỉ tiêu ngành", "đạt kế hoạch",
		"vượt kế hoạch", "hoàn thành kế hoạch", "chitieu", "indicators",
	},
	IntentExport: {
		"xuất", "xuất file", "xuất báo cáo", "file excel", "excel", "xlsx", "csv", "tải báo cáo",
		"tải file", "tải về", "gửi file", "file", "export",
	},
	IntentChart: {"biểu đồ", "bieudo", "đồ thị", "vẽ", "chart"},
	"":          {"sản xuất", "về việc"},
}

// cue is a word that leans an indicator named ambiguously towards a sector
// indicator (percentages, plans) or an activity one.
type cue uint8

const cueSector cue = 1

// sectorCues are the words that lean towards a sector indicator.
var sectorCues = []string{"tỷ lệ", "chỉ tiêu", "kế hoạch", "đạt chưa", "phần trăm", "xếp hạng", "%"}

// measureWords are single-word names that are also the unit of other
// indicators ("20 hộ dùng QR"): they weigh half.
var measureWords = map[string]bool{"ho": true, "luot": true, "buoi": true, "lop": true, "nguoi": true}

// Indicator phrase weights per word: a whole name or alias, a code of
// several words ("CT02"), a run of a long name that at most two indicators
// share, and a run more share.
const (
	wName     = 1.0
	wCode     = 2.0
	wRun      = 0.9
	wRunShare = 0.45
	wMeasure  = 0.5
	cueBonus  = 1.5
)

type indHit struct {
	ind int
	w   float64
}

type unitHit struct {
	unit  int
	typed bool
}

type intentHit struct {
	intent Intent
	tilde  bool // "vẽ" only when typed with its tilde: folded it is also "về"
}

// NewParser builds a Parser for v. Indicators with an empty or repeated code
// are left out.
func NewParser(v Vocabulary) *Parser {
	p := &Parser{
		byID: make(map[int64]int, len(v.Units)), indT: newTrie[indHit](), unitT: newTrie[unitHit](),
		intentT: newTrie[intentHit](), typeT: newTrie[int](), cueT: newTrie[cue](),
	}
	for intent, phrases := range intentPhrases {
		for _, ph := range phrases {
			for _, ws := range phraseWords(ph) {
				p.intentT.add(ws, intentHit{intent: intent, tilde: ph == "vẽ"})
			}
		}
	}
	for _, c := range sectorCues {
		if c == "%" {
			p.cueT.add([]string{"%"}, cueSector)
			continue
		}
		p.cueT.add(phraseWords(c)[0], cueSector)
	}
	for _, t := range unitTypes {
		for _, w := range t.words {
			p.typeT.add(phraseWords(w)[0], t.cat)
		}
	}
	p.addIndicators(v.Indicators)
	p.addUnits(v.Units)
	return p
}

// addIndicators indexes the indicators' names, codes and the runs of two or
// more words of their names.
func (p *Parser) addIndicators(inds []Indicator) {
	seen := map[string]bool{}
	type run struct {
		words []string
		inds  map[int]bool
	}
	runs := map[string]*run{}
	for _, ind := range inds {
		code := strings.ToUpper(strings.TrimSpace(ind.Code))
		if code == "" || seen[code] {
			continue
		}
		seen[code] = true
		ind.Code = code
		k := len(p.inds)
		p.inds = append(p.inds, ind)
		if ws := phraseWords(code); len(ws) == 1 {
			w := wName
			if len(ws[0]) > 1 {
				w = wCode
			}
			p.indT.add(ws[0], indHit{k, w})
		}
		for _, name := range ind.Names {
			segs := phraseWords(name)
			if len(segs) == 1 {
				w := wName
				if len(segs[0]) == 1 && measureWords[segs[0][0]] {
					w = wMeasure
				}
				p.indT.add(segs[0], indHit{k, w})
			}
			for _, seg := range segs {
				for i := range seg {
					for j := i + 2; j <= len(seg); j++ {
						key := strings.Join(seg[i:j], " ")
						r := runs[key]
						if r == nil {
							r = &run{words: seg[i:j], inds: map[int]bool{}}
							runs[key] = r
						}
						r.inds[k] = true
					}
				}
			}
		}
	}
	for _, r := range runs {
		w := wRun
		if len(r.inds) > 2 {
			w = wRunShare
		}
		for k := range r.inds {
			p.indT.add(r.words, indHit{k, w})
		}
	}
	// Keep each indicator's best weight per phrase, in indicator order so
	// that ties go to the first.
	p.indT.walk(func(n *trie[indHit]) {
		best := map[int]float64{}
		for _, h := range n.vals {
			best[h.ind] = max(best[h.ind], h.w)
		}
		n.vals = n.vals[:0]
		for k, w := range best {
			n.vals = append(n.vals, indHit{k, w})
		}
		slices.SortFunc(n.vals, func(a, b indHit) int { return a.ind - b.ind })
	})
}

// addUnits indexes each unit by its name with each spelling of its type
// word ("huyện bắc hà", "tp lào cai") and, except villages, by its bare
// name.
func (p *Parser) addUnits(units []Unit) {
	for _, u := range units {
		if _, dup := p.byID[u.ID]; dup || strings.TrimSpace(u.Name) == "" {
			continue
		}
		p.byID[u.ID] = len(p.units)
		p.units = append(p.units, unitInfo{Unit: u, parent: -1})
	}
	for i := range p.units {
		u := &p.units[i]
		if j, ok := p.byID[u.ParentID]; ok && u.ParentID != u.ID {
			u.parent = j
		}
	}
	for i := range p.units {
		u := &p.units[i]
		// Depth counts the parents, stopping on a cycle.
		for j, n := u.parent, 0; j >= 0 && n < len(p.units); j, n = p.units[j].parent, n+1 {
			u.depth++
		}
		name := joinedWords(u.Name)
		if name == nil {
			continue
		}
		u.cat = levelCats[strings.ToLower(u.Level)]
		typeCat, typeWords := 0, []string(nil)
		if full := joinedWords(u.FullName); len(full) > len(name) && slices.Equal(full[len(full)-len(name):], name) {
			if c, ok := p.typeT.lookup(full[:len(full)-len(name)]); ok {
				typeCat = c
				typeWords = full[:len(full)-len(name)]
			}
		}
		if typeCat != 0 {
			u.cat = typeCat
		}
		for _, t := range unitTypes {
			same := false
			for _, w := range t.words {
				if slices.Equal(phraseWords(w)[0], typeWords) {
					same = true
				}
			}
			// With no type word in the full name, any type of the unit's
			// category will do.
			if !same && !(typeWords == nil && t.cat == u.cat) {
				continue
			}
			for _, w := range t.words {
				p.unitT.add(append(slices.Clone(phraseWords(w)[0]), name...), unitHit{i, true})
			}
		}
		if u.cat != catVillage {
			p.unitT.add(name, unitHit{i, false})
		}
	}
}

// Parse reads a question; today is the current time in Asia/Ho_Chi_Minh.
func (p *Parser) Parse(text string, today time.Time) Question {
	var q Question
	toks := textvi.Tokens(text)
	ws := words(toks)
	used := make([]bool, len(ws))
	sector := false
	for j := range ws {
		if n, _ := p.cueT.longest(ws, j, nil); n > 0 {
			sector = true
		}
	}
	// Unit names go first: "Bảo Thắng từ đầu năm" holds no "tháng tư".
	unit := p.findUnit(ws, used)
	if unit != nil {
		q.Unit = &UnitRef{ID: unit.ID, Name: unit.Name, Level: unit.Level}
	}
	inUnit := make([]bool, len(toks))
	for j, w := range ws {
		if used[j] {
			inUnit[w.tok] = true
		}
	}
	if per, pi, pj, ok := findPeriod(toks, today, inUnit); ok {
		q.Period, q.HasPeriod = per, true
		for j, w := range ws {
			if w.tok >= pi && w.tok <= pj {
				used[j] = true
			}
		}
	}
	// Teams report activity by the day, week and month, and for units below
	// the province; sector indicators are yearly and provincial.
	activity := unit != nil && unit.depth > 0
	switch q.Period.Kind {
	case cnsbot.PeriodDay, cnsbot.PeriodWeek, cnsbot.PeriodMonth, cnsbot.PeriodAdminMonth, cnsbot.PeriodRange:
		activity = true
	}
	intents, ind := p.scan(text, toks, ws, used, sector, activity)
	if ind >= 0 {
		q.Indicator = p.inds[ind].Code
	}
	isSector := ind >= 0 && p.inds[ind].Sector
	switch {
	case intents[IntentExport]:
		q.Intent = IntentExport
	case intents[IntentChart]:
		q.Intent = IntentChart
	case intents[IntentMissing]:
		q.Intent = IntentMissing
	case isSector:
		q.Intent = IntentIndicators
	case intents[IntentIndicators] && ind < 0:
		q.Intent = IntentIndicators
	case intents[IntentIndicators], intents[IntentProgress], ind >= 0, unit != nil, q.HasPeriod:
		q.Intent = IntentProgress
	}
	q.Understood = p.understood(q, unit)
	return q
}

// word is one word of a question as matching sees it: a folded word or
// digit run, or a break (a punctuation mark, the period expression).
type word struct {
	key string
	tok int // index in the tokens; -1 for a break
}

// words turns tokens into matching words, spelling out abbreviations. Digit runs lose leading
// zeros so that "CT2" is "CT02".
func words(toks []textvi.Token) []word {
	ws := make([]word, 0, len(toks)+4)
	brk := func() {
		if len(ws) > 0 && ws[len(ws)-1].tok >= 0 {
			ws = append(ws, word{tok: -1})
		}
	}
	for i, t := range toks {
		switch t.Kind {
		case textvi.Word:
			if x, ok := abbrev[t.Key]; ok {
				for _, k := range x {
					ws = append(ws, word{k, i})
				}
				continue
			}
			ws = append(ws, word{t.Key, i})
		case textvi.Digits:
			k := strings.TrimLeft(t.Key, "0")
			if k == "" {
				k = "0"
			}
			ws = append(ws, word{k, i})
		default:
			switch t.Key {
			case ".", "'":
				// "TP. Lào Cai": an abbreviation's dot joins.
			case "%":
				ws = append(ws, word{"%", i})
			default:
				brk()
			}
		}
	}
	return ws
}

// phraseWords returns the matching words of a name, in runs split at
// punctuation: "Mở tài khoản thanh toán, ví điện tử" gives two runs.
func phraseWords(s string) [][]string {
	var out [][]string
	var cur []string
	for _, w := range words(textvi.Tokens(s)) {
		if w.tok < 0 {
			if len(cur) > 0 {
				out = append(out, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, w.key)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// joinedWords returns the matching words of a name, ignoring punctuation
// ("N.T Phong Hải").
func joinedWords(s string) []string {
	var out []string
	for _, seg := range phraseWords(s) {
		out = append(out, seg...)
	}
	return out
}

// mention is a unit name found in a question, with the units it may be.
type mention struct {
	hits []unitHit
	hint int // the category of a type word typed just before an untyped name
}

// maxMentions bounds the unit names read in one question: choosing among
// them compares each with the others.
const maxMentions = 8

// findUnit finds the unit names of ws, longest first, marks their words
// used and returns the unit the question is about: the most specific of
// those named, each chosen in the light of the others.
func (p *Parser) findUnit(ws []word, used []bool) *unitInfo {
	var ms []mention
	hint, hintAt := 0, -1
	for j := 0; j < len(ws); {
		if ws[j].tok < 0 {
			j++
			continue
		}
		if n, hits := p.unitT.longest(ws, j, used); n > 0 && len(ms) < maxMentions {
			m := mention{hits: hits}
			if hintAt == j {
				m.hint = hint
			}
			ms = append(ms, m)
			for k := j; k < j+n; k++ {
				used[k] = true
			}
			j += n
			continue
		}
		if n, cats := p.typeT.longest(ws, j, used); n > 0 {
			hint, hintAt = cats[0], j+n
			j += n
			continue
		}
		j++
	}
	var best *unitInfo
	for mi, m := range ms {
		u := p.choose(m, ms, mi)
		if best == nil || u.depth > best.depth {
			best = u
		}
	}
	return best
}

// choose picks the unit a mention names: one whose type word was typed, then
// one of the category of a type word typed before it, then one related to
// the units of the other mentions ("thôn Làng Mới xã Xuân Quang"), then the
// higher level, a current unit before a former one, and the first by name.
func (p *Parser) choose(m mention, ms []mention, mi int) *unitInfo {
	related := func(i int) int {
		if len(ms) < 2 {
			return 0
		}
		for oi, o := range ms {
			if oi == mi {
				continue
			}
			for _, h := range o.hits {
				if p.within(i, h.unit) || p.within(h.unit, i) {
					return 0
				}
			}
		}
		return 1
	}
	type ranked struct {
		i                int
		typed, hint, rel int
		depth, former    int
	}
	rs := make([]ranked, 0, len(m.hits))
	for _, h := range m.hits {
		u := &p.units[h.unit]
		r := ranked{i: h.unit, depth: u.depth, rel: related(h.unit)}
		if !h.typed {
			r.typed = 1
		}
		if m.hint != 0 && u.cat != m.hint {
			r.hint = 1
		}
		if u.Former {
			r.former = 1
		}
		rs = append(rs, r)
	}
	best := slices.MinFunc(rs, func(a, b ranked) int {
		if c := cmp.Or(cmp.Compare(a.typed, b.typed), cmp.Compare(a.hint, b.hint), cmp.Compare(a.rel, b.rel),
			cmp.Compare(a.depth, b.depth), cmp.Compare(a.former, b.former)); c != 0 {
			return c
		}
		ua, ub := &p.units[a.i], &p.units[b.i]
		return cmp.Or(textvi.Compare(ua.Name, ub.Name), cmp.Compare(ua.ID, ub.ID))
	})
	return &p.units[best.i]
}

// within reports whether unit i lies in the subtree of unit root.
func (p *Parser) within(i, root int) bool {
	for n := 0; i >= 0 && n <= len(p.units); i, n = p.units[i].parent, n+1 {
		if i == root {
			return true
		}
	}
	return false
}

// scan finds the intent words and the indicator of ws, past the words the
// units used. An indicator scores the words its names cover; a sector cue
// favours sector indicators and an activity cue (a period shorter than a
// quarter, a unit below the root) activity ones.
func (p *Parser) scan(text string, toks []textvi.Token, ws []word, used []bool, sectorCue, activityCue bool) (map[Intent]bool, int) {
	intents := map[Intent]bool{}
	var cov map[int][]float64
	for j := 0; j < len(ws); {
		if used[j] || ws[j].tok < 0 {
			j++
			continue
		}
		ni, ihits := p.intentT.longest(ws, j, used)
		if ni > 0 && ihits[0].tilde && !hasTilde(text[toks[ws[j].tok].Start:toks[ws[j].tok].End]) {
			ni = 0
		}
		nd := 0
		p.indT.each(ws, j, func(n int, hits []indHit) {
			nd = n
			for _, h := range hits {
				if cov == nil {
					cov = map[int][]float64{}
				}
				c := cov[h.ind]
				if c == nil {
					c = make([]float64, len(ws))
					cov[h.ind] = c
				}
				for k := j; k < j+n; k++ {
					c[k] = max(c[k], h.w)
				}
			}
		}, used)
		if ni > 0 && ni >= nd {
			for _, h := range ihits {
				intents[h.intent] = true
			}
			j += ni
			continue
		}
		j++
	}
	best, bestScore := -1, 0.0
	for k := range p.inds {
		c := cov[k]
		if c == nil {
			continue
		}
		score, strong := 0.0, false
		for _, w := range c {
			score += w
			strong = strong || w >= wRun
		}
		if !strong {
			continue
		}
		if p.inds[k].Sector && sectorCue || !p.inds[k].Sector && activityCue {
			score += cueBonus
		}
		if score > bestScore {
			best, bestScore = k, score
		}
	}
	return intents, best
}

// hasTilde reports whether s carries a tilde (ẽ, or e + U+0303).
func hasTilde(s string) bool {
	return strings.ContainsAny(s, "ẽẼ\u0303")
}

// intentLabels name the intents in the Understood text.
var intentLabels = map[Intent]string{
	IntentIndicators: "chỉ tiêu ngành", IntentProgress: "tiến độ", IntentMissing: "đơn vị chưa báo cáo",
	IntentExport: "xuất báo cáo", IntentChart: "biểu đồ",
}

// understood writes what q holds in Vietnamese.
func (p *Parser) understood(q Question, u *unitInfo) string {
	var parts []string
	if q.Intent != "" {
		parts = append(parts, intentLabels[q.Intent])
	}
	if q.Indicator != "" {
		parts = append(parts, q.Indicator)
	}
	if u != nil {
		name := u.FullName
		if name == "" {
			name = u.Name
		}
		if u.Former {
			name += " (cũ)"
		}
		parts = append(parts, name)
	}
	if q.HasPeriod {
		parts = append(parts, DescribePeriod(q.Period))
	}
	return strings.Join(parts, ", ")
}

// DescribePeriod writes a period the way a leader would say it: "tháng
// 7/2026", "quý III/2026", "6 tháng đầu năm 2026", "tuần 30/2026
// (20/07–26/07)", "ngày 21/07/2026", "từ 01/07/2026 đến 15/07/2026".
func DescribePeriod(p cnsbot.Period) string {
	dmy := func(s string) string {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return s
		}
		return t.Format("02/01/2006")
	}
	switch p.Kind {
	case cnsbot.PeriodDay:
		return "ngày " + dmy(p.From)
	case cnsbot.PeriodWeek:
		return fmt.Sprintf("tuần %d/%d (%s–%s)", p.N, p.Year, dmy(p.From)[:5], dmy(p.To)[:5])
	case cnsbot.PeriodMonth:
		return fmt.Sprintf("tháng %d/%d", p.N, p.Year)
	case cnsbot.PeriodAdminMonth:
		return fmt.Sprintf("kỳ báo cáo tháng %d/%d", p.N, p.Year)
	case cnsbot.PeriodQuarter:
		if p.N >= 1 && p.N <= 4 {
			return fmt.Sprintf("quý %s/%d", []string{"I", "II", "III", "IV"}[p.N-1], p.Year)
		}
	case cnsbot.PeriodHalf:
		if p.N == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
		}
		return fmt.Sprintf("6 tháng cuối năm %d", p.Year)
	case cnsbot.PeriodYear:
		return fmt.Sprintf("năm %d", p.Year)
	}
	return fmt.Sprintf("từ %s đến %s", dmy(p.From), dmy(p.To))
}
