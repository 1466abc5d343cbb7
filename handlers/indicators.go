package handlers

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"cnsbot"
	"cnsbot/locales"
	"cnsbot/reportparse"
	"cnsbot/textvi"
)

// activitySet is the activity indicators teams report, with the parser
// built from their names and aliases, held in memory and re-read after
// activityTTL so that an import of indicators shows up without a restart.
type activitySet struct {
	mu     sync.Mutex
	loaded time.Time
	list   []*cnsbot.Indicator
	byID   map[int64]*cnsbot.Indicator
	byCode map[string]*cnsbot.Indicator
	parser *reportparse.Parser
}

const activityTTL = 5 * time.Minute

// get returns the current set, loading it when stale.
func (s *activitySet) get(ctx context.Context, svc cnsbot.IndicatorService) (*activitySet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.list != nil && time.Since(s.loaded) < activityTTL {
		return s, nil
	}
	list, err := svc.FindIndicators(ctx, cnsbot.IndicatorFilter{Kind: cnsbot.KindActivity})
	if err != nil {
		return nil, fmt.Errorf("load activity indicators: %w", err)
	}
	s.list = list
	s.byID = make(map[int64]*cnsbot.Indicator, len(list))
	s.byCode = make(map[string]*cnsbot.Indicator, len(list))
	inds := make([]reportparse.Indicator, 0, len(list))
	for _, ind := range list {
		s.byID[ind.ID] = ind
		s.byCode[strings.ToUpper(ind.Code)] = ind
		names := append([]string{ind.Code, ind.NameVI, ind.NameEN}, ind.Aliases...)
		inds = append(inds, reportparse.Indicator{Code: ind.Code, Names: names, Integer: isCount(ind)})
	}
	s.parser = reportparse.NewParser(inds)
	s.loaded = time.Now()
	return s, nil
}

// isCount reports whether an indicator counts things: only whole numbers.
func isCount(ind *cnsbot.Indicator) bool {
	return ind.Aggregation == cnsbot.AggSum && ind.Unit != "%"
}

// find returns the indicator a code names, or nil.
func (s *activitySet) find(code string) *cnsbot.Indicator { return s.byCode[strings.ToUpper(code)] }

// checkValue refuses what a report of ind must not hold.
func checkValue(ind *cnsbot.Indicator, v float64, lang string) error {
	switch {
	case v < 0:
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_negative", "Indicator", ind.Name(lang))
	case isCount(ind) && !textvi.IsInteger(v):
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_decimal", "Indicator", ind.Name(lang), "Value", locales.FormatNumber(lang, v))
	case ind.Max != nil && v > *ind.Max:
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_max", "Indicator", ind.Name(lang), "Value", v, "Max", *ind.Max, "Unit", ind.Unit)
	case ind.Min != nil && v < *ind.Min:
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_min", "Indicator", ind.Name(lang), "Value", v, "Min", *ind.Min, "Unit", ind.Unit)
	}
	return nil
}
