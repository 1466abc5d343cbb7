package handlers

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"cnsbot"
	"cnsbot/chart"
	"cnsbot/export"
	"cnsbot/locales"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// /xuat [period] [csv]: an XLSX for the caller's scope — the table STT, Chỉ
// tiêu, ĐVT, KH năm, TH kỳ này, Lũy kế, TH/KH (%), Ghi chú on a first sheet
// and one sheet per child unit; CSV (UTF-8 with BOM) on request.
// /bieudo [indicator] [period]: a PNG of completion per indicator, or per
// child unit for one indicator.

// maxExportSheets bounds the per-child sheets (a district has ~20 communes).
const maxExportSheets = 60

// progressSheet builds one unit's table.
func (r *Router) progressSheet(ctx context.Context, req *request, set *activitySet, unit *cnsbot.Unit, p cnsbot.Period) (export.ProgressSheet, error) {
	sheet := export.ProgressSheet{Name: unit.Name, Title: req.t("xuat.title", "Unit", unit.DisplayName(), "Period", req.periodLabel(p))}
	rows, err := r.activityRows(ctx, set, unit.ID, p)
	if err != nil {
		return sheet, err
	}
	sector, err := r.sectorRows(ctx, set, unit.ID, p.Year, p.To)
	if err != nil {
		return sheet, err
	}
	for _, row := range append(rows, sector...) {
		if row.Ind.Kind == cnsbot.KindSector && row.Value == nil && !row.HasPlan {
			continue // a sector indicator this unit neither plans nor measures
		}
		pr := export.ProgressRow{
			Code: row.Ind.Code, Name: row.Ind.Name(req.lang), Unit: row.Ind.Unit,
			Plan: row.Plan, HasPlan: row.HasPlan, Period: row.Period, YearToDate: row.YTD,
			Completion: row.Pct, HasCompletion: row.HasPct, Status: row.Status,
		}
		if v := row.Value; v != nil && v.Numerator != nil && v.Denominator != nil {
			pr.Note = locales.FormatNumber(req.lang, *v.Numerator) + "/" + locales.FormatNumber(req.lang, *v.Denominator)
		}
		if row.HasPct {
			pr.Note = strings.TrimSpace(pr.Note + " " + req.t("status."+string(row.Status)))
		}
		sheet.Rows = append(sheet.Rows, pr)
	}
	return sheet, nil
}

// xuat sends the export file.
func (r *Router) xuat(ctx context.Context, req *request, unitID int64, p cnsbot.Period, csv bool) error {
	set, unit, err := r.figureScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	first, err := r.progressSheet(ctx, req, set, unit, p)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	name := fmt.Sprintf("cnsbot-%s-%s", unit.Code, p.Code())
	if csv {
		if err := export.WriteProgressCSV(&buf, req.lang, first); err != nil {
			return fmt.Errorf("write progress csv: %w", err)
		}
		name += ".csv"
	} else {
		sheets := []export.ProgressSheet{first}
		kids, err := r.children(ctx, unit.ID)
		if err != nil {
			return err
		}
		for i, k := range kids {
			if i == maxExportSheets {
				break
			}
			s, err := r.progressSheet(ctx, req, set, k, p)
			if err != nil {
				return err
			}
			sheets = append(sheets, s)
		}
		if err := export.WriteProgressXLSX(&buf, req.lang, sheets); err != nil {
			return fmt.Errorf("write progress xlsx: %w", err)
		}
		name += ".xlsx"
	}
	_, err = r.Sender.SendDocument(ctx, &tgbot.SendDocumentParams{
		ChatID:    req.ChatID,
		Document:  &models.InputFileUpload{Filename: name, Data: &buf},
		Caption:   req.t("xuat.caption", "Unit", unit.DisplayName(), "Period", req.periodLabel(p)),
		ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		return fmt.Errorf("send export: %w", err)
	}
	return nil
}

// bieudo sends a chart: completion per activity indicator against the yearly
// plan, or for one indicator, per child unit.
func (r *Router) bieudo(ctx context.Context, req *request, unitID int64, code string, p cnsbot.Period) error {
	set, unit, err := r.figureScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	c := &chart.Chart{Target: 100}
	if ind := set.find(code); ind != nil {
		c.Title = req.t("chart.title_children", "Indicator", ind.Name(req.lang), "Unit", unit.DisplayName())
		kids, err := r.children(ctx, unit.ID)
		if err != nil {
			return err
		}
		ytd := p.YearToDate()
		sums, err := r.Figures.SumByChild(ctx, unit.ID, ytd.From, ytd.To)
		if err != nil {
			return fmt.Errorf("sum by child: %w", err)
		}
		for _, k := range kids {
			plans, err := r.plans(ctx, k.ID, p.Year)
			if err != nil {
				return err
			}
			row := figureRow{Ind: ind, YTD: sums[k.ID][ind.ID]}
			row.Plan, row.HasPlan = plans[ind.ID]
			row.Pct, row.HasPct = cnsbot.Completion(ind.Direction, row.YTD, row.Plan)
			row.HasPct = row.HasPct && row.HasPlan
			row.Status = cnsbot.StatusOf(row.Pct, row.HasPct, r.Thresholds)
			c.Bars = append(c.Bars, chartBar(req, k.Name, row))
		}
	} else {
		c.Title = req.t("chart.title_indicators", "Unit", unit.DisplayName())
		rows, err := r.activityRows(ctx, set, unit.ID, p)
		if err != nil {
			return err
		}
		for _, row := range rows {
			c.Bars = append(c.Bars, chartBar(req, row.Ind.Name(req.lang), row))
		}
	}
	upTo := min(p.To, r.today().Format("2006-01-02"))
	c.Subtitle = req.t("chart.subtitle", "Period", req.periodLabel(p), "To", upTo)
	var buf bytes.Buffer
	if err := c.PNG(&buf); err != nil {
		return fmt.Errorf("draw chart: %w", err)
	}
	_, err = r.Sender.SendPhoto(ctx, &tgbot.SendPhotoParams{
		ChatID:    req.ChatID,
		Photo:     &models.InputFileUpload{Filename: "bieudo.png", Data: &buf},
		Caption:   req.t("chart.caption", "Unit", unit.DisplayName(), "Period", req.periodLabel(p), "To", upTo),
		ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		return fmt.Errorf("send chart: %w", err)
	}
	return nil
}

func chartBar(req *request, label string, row figureRow) chart.Bar {
	return chart.Bar{Label: label, Value: row.Pct, Status: row.Status, Text: pctText(req.lang, row)}
}
