package handlers

import (
	"bytes"
	"context"
	"fmt"

	"cnsbot"
	"cnsbot/ask"
	"cnsbot/chart"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// charts: /bieudo [indicator] [period], a PNG of completion per activity
// indicator, or per child unit for one indicator.

type charts struct{ *base }

func (f *charts) features() []Feature {
	return []Feature{{Name: "chart", VI: "bieudo", Roles: leaderRoles, Groups: true, Help: "help.cmd_bieudo",
		Command: f.askCommand(ask.IntentChart, f.answer), Intent: ask.IntentChart, Answer: f.answer}}
}

func (f *charts) answer(ctx context.Context, req *Request, q ask.Question, _ bool) error {
	return f.draw(ctx, req, unitOf(q), q.Indicator, f.periodOr(q, cnsbot.PeriodYear))
}

// draw sends a chart: completion per activity indicator against the yearly
// plan, or for one indicator, per child unit.
func (f *charts) draw(ctx context.Context, req *Request, unitID int64, code string, p cnsbot.Period) error {
	set, unit, err := f.figureScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	c := &chart.Chart{Target: 100, Lang: req.lang, Thresholds: f.Thresholds, Legend: chart.Legend{
		Met: req.T("chart.legend_met"), InProgress: req.T("chart.legend_in_progress"),
		Behind: req.T("chart.legend_behind"), NoPlan: req.T("chart.legend_no_plan"),
	}}
	if ind := set.find(code); ind != nil {
		c.Title = req.T("chart.title_children", "Indicator", ind.Name(req.lang), "Unit", unit.DisplayName())
		kids, err := f.children(ctx, unit.ID)
		if err != nil {
			return err
		}
		ytd := p.YearToDate()
		sums, err := f.Figures.SumByChild(ctx, unit.ID, ytd.From, ytd.To)
		if err != nil {
			return fmt.Errorf("sum by child: %w", err)
		}
		labels := unitLabels(append([]*cnsbot.Unit{unit}, kids...)...)
		for _, k := range kids {
			plans, err := f.plans(ctx, k.ID, p.Year)
			if err != nil {
				return err
			}
			row := figureRow{Ind: ind, YTD: sums[k.ID][ind.ID]}
			row.Plan, row.HasPlan = plans[ind.ID]
			row.Pct, row.HasPct = cnsbot.Completion(ind.Direction, row.YTD, row.Plan)
			row.HasPct = row.HasPct && row.HasPlan
			row.Status = cnsbot.StatusOf(row.Pct, row.HasPct, f.Thresholds)
			c.Bars = append(c.Bars, f.chartBar(req, labels[k.ID], row))
		}
	} else {
		c.Title = req.T("chart.title_indicators", "Unit", unit.DisplayName())
		rows, err := f.activityRows(ctx, set, unit.ID, p)
		if err != nil {
			return err
		}
		for _, row := range rows {
			c.Bars = append(c.Bars, f.chartBar(req, row.Ind.Name(req.lang), row))
		}
	}
	upTo := min(p.To, f.today().Format("2006-01-02"))
	c.Subtitle = req.T("chart.subtitle", "Period", req.periodLabel(p), "To", upTo)
	var buf bytes.Buffer
	if err := c.PNG(&buf); err != nil {
		return fmt.Errorf("draw chart: %w", err)
	}
	_, err = f.Sender.SendPhoto(ctx, &tgbot.SendPhotoParams{
		ChatID:    req.ChatID,
		Photo:     &models.InputFileUpload{Filename: "bieudo.png", Data: &buf},
		Caption:   req.T("chart.caption", "Unit", unit.DisplayName(), "Period", req.periodLabel(p), "To", upTo),
		ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		return fmt.Errorf("send chart: %w", err)
	}
	return nil
}

func (f *charts) chartBar(req *Request, label string, row figureRow) chart.Bar {
	return chart.Bar{Label: label, Value: row.Pct, Status: row.Status, Text: f.pctText(req.lang, row)}
}
