package handlers

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"cnsbot"
	"cnsbot/ask"
	"cnsbot/export"
	"cnsbot/locales"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// exports: /xuat [period] [csv], an XLSX for the caller's scope — the table STT, Chỉ
// tiêu, ĐVT, KH năm, TH kỳ này, Lũy kế, TH/KH (%), Ghi chú on a first sheet,
// the teams with no report in the period on a second (silent.go), and one
// sheet per child unit; CSV (UTF-8 with BOM, in the Excel layout of the
// caller's language) on request.

// maxExportSheets bounds the per-child sheets (a district has ~20 communes).
const maxExportSheets = 60

// progressSheet builds one unit's table.
// Its sheet name is label, the unit's name with its type when another
// sheet has the same name.
func (f *exports) progressSheet(ctx context.Context, req *Request, set *activitySet, unit *cnsbot.Unit, label string, p cnsbot.Period) (export.ProgressSheet, error) {
	sheet := export.ProgressSheet{Name: label, Title: req.T("xuat.title", "Unit", unit.DisplayName(), "Period", req.periodLabel(p)),
		Thresholds: f.Thresholds}
	rows, err := f.activityRows(ctx, set, unit.ID, p)
	if err != nil {
		return sheet, err
	}
	sector, err := f.sectorRows(ctx, set, unit.ID, p.Year, p.To)
	if err != nil {
		return sheet, err
	}
	for _, row := range append(rows, sector...) {
		if row.Ind.Kind == cnsbot.KindSector && row.Value == nil && !row.HasPlan {
			continue // a sector indicator this unit neither plans nor measures
		}
		pr := export.ProgressRow{
			Code: row.Ind.Code, Name: row.Ind.Name(req.lang), Unit: req.measure(row.Ind.Unit),
			Plan: row.Plan, HasPlan: row.HasPlan, Period: row.Period, YearToDate: row.YTD,
			// A rank has no meaningful percentage (≤ 5 planned, 1st is not
			// 500%): its cell stays empty and the note says the status.
			Completion: row.Pct, HasCompletion: row.HasPct && row.Ind.Direction != cnsbot.DirLower, Status: row.Status,
		}
		if v := row.Value; v != nil && v.Numerator != nil && v.Denominator != nil {
			pr.Note = locales.FormatNumber(req.lang, *v.Numerator) + "/" + locales.FormatNumber(req.lang, *v.Denominator)
		}
		if row.HasPct {
			pr.Note = strings.TrimSpace(pr.Note + " " + req.T("status."+string(row.Status)))
		}
		sheet.Rows = append(sheet.Rows, pr)
	}
	return sheet, nil
}

type exports struct{ *base }

func (f *exports) features() []Feature {
	return []Feature{{Name: "export", VI: "xuat", Roles: leaderRoles, Groups: true, Help: "help.cmd_xuat",
		Command: f.askCommand(ask.IntentExport, f.answer), Intent: ask.IntentExport, Answer: f.answer}}
}

func (f *exports) answer(ctx context.Context, req *Request, q ask.Question, csv bool) error {
	return f.file(ctx, req, unitOf(q), f.periodOr(q, cnsbot.PeriodMonth), csv)
}

// file sends the export file.
func (f *exports) file(ctx context.Context, req *Request, unitID int64, p cnsbot.Period, csv bool) error {
	set, unit, err := f.figureScope(ctx, req, unitID)
	if err != nil {
		return err
	}
	kids, err := f.children(ctx, unit.ID)
	if err != nil {
		return err
	}
	if len(kids) > maxExportSheets {
		kids = kids[:maxExportSheets]
	}
	labels := unitLabels(append([]*cnsbot.Unit{unit}, kids...)...)
	first, err := f.progressSheet(ctx, req, set, unit, labels[unit.ID], p)
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
		for _, k := range kids {
			s, err := f.progressSheet(ctx, req, set, k, labels[k.ID], p)
			if err != nil {
				return err
			}
			sheets = append(sheets, s)
		}
		silent, err := f.silentSheet(ctx, req, unit, p)
		if err != nil {
			return err
		}
		if err := export.WriteProgressWorkbook(&buf, req.lang, sheets, silent); err != nil {
			return fmt.Errorf("write progress xlsx: %w", err)
		}
		name += ".xlsx"
	}
	_, err = f.Sender.SendDocument(ctx, &tgbot.SendDocumentParams{
		ChatID:    req.ChatID,
		Document:  &models.InputFileUpload{Filename: name, Data: &buf},
		Caption:   req.T("xuat.caption", "Unit", unit.DisplayName(), "Period", req.periodLabel(p)),
		ParseMode: models.ParseModeHTML,
	})
	if err != nil {
		return fmt.Errorf("send export: %w", err)
	}
	return nil
}
