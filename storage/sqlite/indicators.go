package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"cnsbot"
)

var _ cnsbot.IndicatorService = (*IndicatorService)(nil)

// IndicatorService reads and writes indicators.
type IndicatorService struct {
	db *DB
}

// NewIndicatorService returns an IndicatorService on db.
func NewIndicatorService(db *DB) *IndicatorService {
	return &IndicatorService{db: db}
}

// indicatorColumns are read by scanIndicator, in its order.
const indicatorColumns = `id, code, name_vi, name_en, unit, kind, aggregation, direction, aliases,
	numerator_label, denominator_label, min_value, max_value, position`

// FindIndicatorByCode returns the indicator with the code, ENOTFOUND if none.
func (s *IndicatorService) FindIndicatorByCode(ctx context.Context, code string) (*cnsbot.Indicator, error) {
	inds, err := findIndicators(ctx, s.db.pool(), cnsbot.IndicatorFilter{Code: code})
	if err != nil {
		return nil, fmt.Errorf("find indicator %q: %w", code, err)
	} else if len(inds) == 0 {
		return nil, fmt.Errorf("find indicator %q: %w", code, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found"))
	}
	return inds[0], nil
}

// FindIndicatorByID returns the indicator with the id, ENOTFOUND if none.
func (s *IndicatorService) FindIndicatorByID(ctx context.Context, id int64) (*cnsbot.Indicator, error) {
	inds, err := queryIndicators(ctx, s.db.pool(), `SELECT `+indicatorColumns+` FROM indicators WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("find indicator %d: %w", id, err)
	} else if len(inds) == 0 {
		return nil, fmt.Errorf("find indicator %d: %w", id, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found"))
	}
	return inds[0], nil
}

// FindIndicators returns the indicators matching f in display order.
func (s *IndicatorService) FindIndicators(ctx context.Context, f cnsbot.IndicatorFilter) ([]*cnsbot.Indicator, error) {
	inds, err := findIndicators(ctx, s.db.pool(), f)
	if err != nil {
		return nil, fmt.Errorf("find indicators: %w", err)
	}
	return inds, nil
}

// CreateIndicator inserts ind and sets its ID; ECONFLICT when the code exists.
func (s *IndicatorService) CreateIndicator(ctx context.Context, ind *cnsbot.Indicator) error {
	args, err := indicatorArgs(ind)
	if err != nil {
		return fmt.Errorf("create indicator %q: %w", ind.Code, err)
	}
	if err := s.db.pool().QueryRowContext(ctx, `
		INSERT INTO indicators (`+indicatorInsertColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`, args...).Scan(&ind.ID); err != nil {
		return fmt.Errorf("create indicator %q: %w", ind.Code, translate(err))
	}
	return nil
}

// indicatorInsertColumns match indicatorArgs.
const indicatorInsertColumns = `code, name_vi, name_en, unit, kind, aggregation, direction, aliases,
	numerator_label, denominator_label, min_value, max_value, position`

// indicatorArgs returns the values of indicatorInsertColumns.
func indicatorArgs(ind *cnsbot.Indicator) ([]any, error) {
	aliases := ind.Aliases
	if aliases == nil {
		aliases = []string{}
	}
	buf, err := json.Marshal(aliases)
	if err != nil {
		return nil, err
	}
	return []any{ind.Code, ind.NameVI, ind.NameEN, ind.Unit, ind.Kind, ind.Aggregation, ind.Direction, string(buf),
		ind.NumeratorLabel, ind.DenominatorLabel, nullFloat(ind.Min), nullFloat(ind.Max), ind.Position}, nil
}

// findIndicators returns the indicators matching f by position, then code.
func findIndicators(ctx context.Context, q queryer, f cnsbot.IndicatorFilter) ([]*cnsbot.Indicator, error) {
	where, args := []string{"1 = 1"}, []any{}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.Code != "" {
		where, args = append(where, "code = ?"), append(args, f.Code)
	}
	return queryIndicators(ctx, q, `SELECT `+indicatorColumns+` FROM indicators WHERE `+
		strings.Join(where, " AND ")+` ORDER BY position, code`, args...)
}

// queryIndicators runs a query selecting indicatorColumns.
func queryIndicators(ctx context.Context, q queryer, query string, args ...any) ([]*cnsbot.Indicator, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	var inds []*cnsbot.Indicator
	for rows.Next() {
		var ind cnsbot.Indicator
		var aliases string
		var lo, hi sql.NullFloat64
		if err := rows.Scan(&ind.ID, &ind.Code, &ind.NameVI, &ind.NameEN, &ind.Unit, &ind.Kind, &ind.Aggregation,
			&ind.Direction, &aliases, &ind.NumeratorLabel, &ind.DenominatorLabel, &lo, &hi, &ind.Position); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(aliases), &ind.Aliases); err != nil {
			return nil, fmt.Errorf("indicator %q aliases: %w", ind.Code, err)
		}
		ind.Min, ind.Max = floatPtr(lo), floatPtr(hi)
		inds = append(inds, &ind)
	}
	return inds, rows.Err()
}
