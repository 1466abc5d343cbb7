package handlers

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"cnsbot"
	"cnsbot/ask"
)

// Figure commands and plain-Vietnamese questions share one parser: the
// arguments of "/tiendo Bắc Hà tháng 7" and the question "Bắc Hà tháng 7
// thế nào" both become an intent, a unit and a period.

// askSet holds the question parser built from the units and indicators,
// rebuilt after askTTL.
type askSet struct {
	mu     sync.Mutex
	loaded time.Time
	parser *ask.Parser
}

const askTTL = 10 * time.Minute

func (r *Router) askParser(ctx context.Context) (*ask.Parser, error) {
	r.asker.mu.Lock()
	defer r.asker.mu.Unlock()
	if r.asker.parser != nil && time.Since(r.asker.loaded) < askTTL {
		return r.asker.parser, nil
	}
	units, err := r.Units.FindUnits(ctx, cnsbot.UnitFilter{})
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	set, err := r.activities.get(ctx, r.Indicators)
	if err != nil {
		return nil, err
	}
	today := r.today().Format(time.DateOnly)
	var v ask.Vocabulary
	for _, u := range units {
		v.Units = append(v.Units, ask.Unit{ID: u.ID, Name: u.Name, FullName: u.FullName, Level: u.Level,
			ParentID: u.ParentID, Former: u.ValidTo != "" && u.ValidTo < today})
	}
	for _, ind := range append(append([]*cnsbot.Indicator{}, set.list...), set.sector...) {
		names := append([]string{ind.Code, ind.NameVI, ind.NameEN}, ind.Aliases...)
		v.Indicators = append(v.Indicators, ask.Indicator{Code: ind.Code, Names: names, Sector: ind.Kind == cnsbot.KindSector})
	}
	r.asker.parser, r.asker.loaded = ask.NewParser(v), time.Now()
	return r.asker.parser, nil
}

// figureCommand runs a figure command with its arguments read as a question.
func (r *Router) figureCommand(ctx context.Context, req *request, intent ask.Intent) error {
	q := ask.Question{Intent: intent}
	args := strings.TrimSpace(req.Args)
	csv := false
	if args != "" {
		fields := strings.Fields(args)
		if last := strings.ToLower(fields[len(fields)-1]); last == "csv" || last == "xlsx" {
			csv, args = last == "csv", strings.TrimSpace(strings.Join(fields[:len(fields)-1], " "))
		}
	}
	if args != "" {
		p, err := r.askParser(ctx)
		if err != nil {
			return err
		}
		q = p.Parse(args, r.today())
		q.Intent = intent
		if q.Unit == nil && !q.HasPeriod && q.Indicator == "" {
			return cnsbot.Errorf(cnsbot.EINVALID, "ask.args_not_understood", "Text", args, "Command", "/"+req.Command)
		}
	}
	return r.answerQuestion(ctx, req, q, csv)
}

// answerQuestion answers a parsed question like the matching command.
func (r *Router) answerQuestion(ctx context.Context, req *request, q ask.Question, csv bool) error {
	var unitID int64
	if q.Unit != nil {
		unitID = q.Unit.ID
	}
	switch q.Intent {
	case ask.IntentIndicators:
		year := 0
		if q.HasPeriod {
			year = q.Period.Year
		}
		return r.chitieu(ctx, req, unitID, q.Indicator, year)
	case ask.IntentMissing:
		return r.missing(ctx, req, unitID, r.periodOr(q, cnsbot.PeriodWeek))
	case ask.IntentExport:
		if !slices.Contains(leaderRoles, req.member.Role) {
			return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
		}
		return r.xuat(ctx, req, unitID, r.periodOr(q, cnsbot.PeriodMonth), csv)
	case ask.IntentChart:
		if !slices.Contains(leaderRoles, req.member.Role) {
			return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
		}
		return r.bieudo(ctx, req, unitID, q.Indicator, r.periodOr(q, cnsbot.PeriodYear))
	case ask.IntentProgress:
		return r.progress(ctx, req, unitID, r.periodOr(q, cnsbot.PeriodMonth), false)
	}
	return req.reply(ctx, r.notUnderstood(req, q), nil)
}

func (r *Router) periodOr(q ask.Question, kind cnsbot.PeriodKind) cnsbot.Period {
	if q.HasPeriod {
		return q.Period
	}
	return r.defaultPeriod(kind)
}

// notUnderstood says in one line what was understood and gives an example.
func (r *Router) notUnderstood(req *request, q ask.Question) string {
	if q.Understood != "" {
		return req.t("ask.partly_understood", "Understood", q.Understood)
	}
	return req.t("ask.not_understood")
}

// question answers a leader's free text.
func (r *Router) question(ctx context.Context, req *request, text string) error {
	p, err := r.askParser(ctx)
	if err != nil {
		return err
	}
	q := p.Parse(text, r.today())
	return r.answerQuestion(ctx, req, q, false)
}

// chitieuCommand is /chitieu [CODE] [unit] [year]: a year typed as a bare
// number, the rest read like a question.
func (r *Router) chitieuCommand(ctx context.Context, req *request) error {
	var rest []string
	year := 0
	for _, f := range strings.Fields(req.Args) {
		if y, err := strconv.Atoi(f); err == nil && y >= 2000 && y <= 2100 {
			year = y
		} else {
			rest = append(rest, f)
		}
	}
	q := ask.Question{Intent: ask.IntentIndicators}
	if len(rest) > 0 {
		p, err := r.askParser(ctx)
		if err != nil {
			return err
		}
		text := strings.Join(rest, " ")
		q = p.Parse(text, r.today())
		if q.Unit == nil && q.Indicator == "" {
			return cnsbot.Errorf(cnsbot.EINVALID, "chitieu.unknown", "Code", text)
		}
	}
	var unitID int64
	if q.Unit != nil {
		unitID = q.Unit.ID
	}
	if year == 0 && q.HasPeriod {
		year = q.Period.Year
	}
	return r.chitieu(ctx, req, unitID, q.Indicator, year)
}
