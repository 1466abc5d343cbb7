package handlers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"cnsbot"
	"cnsbot/ask"
)

// Figure commands and plain-Vietnamese questions share one parser: the
// arguments of "/tiendo Bắc Hà tháng 7" and the question "Bắc Hà tháng 7
// thế nào" both become an intent, a unit and a period. The table sends a
// question to the feature of its intent, with that feature's permissions.

// questions: a leader's or admin's free text is a question about figures.
type questions struct{ *base }

func (f *questions) features() []Feature {
	return []Feature{{Name: "ask", Roles: leaderRoles, Help: "help.ask", Section: HelpTips}}
}

// question answers free text read as a question.
func (f *questions) question(ctx context.Context, req *Request, text string) error {
	p, err := f.askParser(ctx)
	if err != nil {
		return err
	}
	return f.table.answer(ctx, req, p.Parse(text, f.today()), false)
}

// askSet holds the question parser built from the units and indicators,
// rebuilt after askTTL.
type askSet struct {
	mu     sync.Mutex
	loaded time.Time
	parser *ask.Parser
}

const askTTL = 10 * time.Minute

func (b *base) askParser(ctx context.Context) (*ask.Parser, error) {
	b.asker.mu.Lock()
	defer b.asker.mu.Unlock()
	if b.asker.parser != nil && time.Since(b.asker.loaded) < askTTL {
		return b.asker.parser, nil
	}
	units, err := b.Units.FindUnits(ctx, cnsbot.UnitFilter{})
	if err != nil {
		return nil, fmt.Errorf("load units: %w", err)
	}
	set, err := b.activities.get(ctx, b.Indicators)
	if err != nil {
		return nil, err
	}
	today := b.today().Format(time.DateOnly)
	var v ask.Vocabulary
	for _, u := range units {
		v.Units = append(v.Units, ask.Unit{ID: u.ID, Name: u.Name, FullName: u.FullName, Level: u.Level,
			ParentID: u.ParentID, Former: u.ValidTo != "" && u.ValidTo < today})
	}
	for _, ind := range append(append([]*cnsbot.Indicator{}, set.list...), set.sector...) {
		names := append([]string{ind.Code, ind.NameVI, ind.NameEN}, ind.Aliases...)
		v.Indicators = append(v.Indicators, ask.Indicator{Code: ind.Code, Names: names, Sector: ind.Kind == cnsbot.KindSector})
	}
	b.asker.parser, b.asker.loaded = ask.NewParser(v), time.Now()
	return b.asker.parser, nil
}

// askCommand is the command of a figure feature: its arguments read as a
// question of intent, then answered like the question.
func (b *base) askCommand(intent ask.Intent, answer func(ctx context.Context, req *Request, q ask.Question, csv bool) error) func(ctx context.Context, req *Request) error {
	return func(ctx context.Context, req *Request) error {
		q, csv, err := b.figureArgs(ctx, req, intent)
		if err != nil {
			return err
		}
		return answer(ctx, req, q, csv)
	}
}

// figureArgs reads a figure command's arguments as a question of intent;
// a trailing "csv" or "xlsx" chooses the file format of /xuat.
func (b *base) figureArgs(ctx context.Context, req *Request, intent ask.Intent) (q ask.Question, csv bool, err error) {
	q = ask.Question{Intent: intent}
	args := strings.TrimSpace(req.Args)
	if args != "" {
		fields := strings.Fields(args)
		if last := strings.ToLower(fields[len(fields)-1]); last == "csv" || last == "xlsx" {
			csv, args = last == "csv", strings.TrimSpace(strings.Join(fields[:len(fields)-1], " "))
		}
	}
	if args == "" {
		return q, csv, nil
	}
	p, err := b.askParser(ctx)
	if err != nil {
		return q, csv, err
	}
	q = p.Parse(args, b.today())
	q.Intent = intent
	if q.Unit == nil && !q.HasPeriod && q.Indicator == "" {
		return q, csv, cnsbot.Errorf(cnsbot.EINVALID, "ask.args_not_understood", "Text", args, "Command", "/"+req.Command)
	}
	return q, csv, nil
}

// periodOr is the question's period, or the default period of kind.
func (b *base) periodOr(q ask.Question, kind cnsbot.PeriodKind) cnsbot.Period {
	if q.HasPeriod {
		return q.Period
	}
	return b.defaultPeriod(kind)
}

// unitOf is the unit a question names, 0 for the caller's scope.
func unitOf(q ask.Question) int64 {
	if q.Unit != nil {
		return q.Unit.ID
	}
	return 0
}
