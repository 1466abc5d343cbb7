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
	list   []*cnsbot.Indicator // activity indicators, reported by teams
	byID   map[int64]*cnsbot.Indicator
	byCode map[string]*cnsbot.Indicator
	parser *reportparse.Parser
	// sector indicators, entered by staff: leaders' /chitieu.
	sector     []*cnsbot.Indicator
	sectorByID map[int64]*cnsbot.Indicator
}

const activityTTL = 5 * time.Minute

// get returns the current set, loading it when stale.
func (s *activitySet) get(ctx context.Context, svc cnsbot.IndicatorService) (*activitySet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.list != nil && time.Since(s.loaded) < activityTTL {
		return s, nil
	}
	all, err := svc.FindIndicators(ctx, cnsbot.IndicatorFilter{})
	if err != nil {
		return nil, fmt.Errorf("load indicators: %w", err)
	}
	var list []*cnsbot.Indicator
	s.sector, s.sectorByID = nil, make(map[int64]*cnsbot.Indicator)
	for _, ind := range all {
		if ind.Kind == cnsbot.KindSector {
			s.sector = append(s.sector, ind)
			s.sectorByID[ind.ID] = ind
		} else {
			list = append(list, ind)
		}
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

// find returns the activity indicator a code names, or nil.
func (s *activitySet) find(code string) *cnsbot.Indicator { return s.byCode[strings.ToUpper(code)] }

// findAny returns the activity or sector indicator a code names, or nil.
func (s *activitySet) findAny(code string) *cnsbot.Indicator {
	if ind := s.find(code); ind != nil {
		return ind
	}
	for _, ind := range s.sector {
		if strings.EqualFold(ind.Code, code) {
			return ind
		}
	}
	return nil
}

// checkValue refuses what a report of ind must not hold.
func checkValue(req *Request, ind *cnsbot.Indicator, v float64) error {
	lang := req.lang
	switch {
	case v < 0:
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_negative", "Indicator", ind.Name(lang))
	case isCount(ind) && !textvi.IsInteger(v):
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_decimal", "Indicator", ind.Name(lang), "Value", locales.FormatNumber(lang, v))
	case ind.Max != nil && v > *ind.Max:
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_max", "Indicator", ind.Name(lang), "Value", v, "Max", *ind.Max, "Unit", req.measure(ind.Unit))
	case ind.Min != nil && v < *ind.Min:
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_min", "Indicator", ind.Name(lang), "Value", v, "Min", *ind.Min, "Unit", req.measure(ind.Unit))
	}
	return nil
}

// mentioned returns the codes of the indicators a text names, with or
// without a number.
func mentioned(set *activitySet, text string, today time.Time) []string {
	res := set.parser.Parse(text, today)
	var codes []string
	for _, p := range res.Pairs {
		codes = append(codes, p.Code)
	}
	for _, p := range res.Problems {
		if p.Code != "" {
			codes = append(codes, p.Code)
		}
	}
	return codes
}
