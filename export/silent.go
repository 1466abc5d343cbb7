package export

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// The silent-teams sheet of /xuat: every team with no report in the period,
// one row each, grouped by the unit one level below the scope (a district
// under a province), with the team lead and whether the bot can reach them.

// SilentRow is one team with no report in the period.
type SilentRow struct {
	Group         string // the unit one level below the scope: "Huyện Bắc Hà"
	Team          string // the team's unit below the group: "Thôn Làng Mới, Xã Bản Phố"
	Lead          string // the team lead's name; "" when the team has none
	LeadReachable bool   // the lead registered with the bot and has not blocked it
	Reachable     int    // members the bot can reach
}

// SilentSheet is the sheet of silent teams, rows in display order.
type SilentSheet struct {
	Name  string // sheet tab, e.g. "Chưa báo cáo"; made valid and unique like the others
	Title string // first row, e.g. "Tổ chưa báo cáo: 866/1.562 — Tỉnh Lào Cai — Tuần 49"
	Rows  []SilentRow
}

// silentHeaders are the column headers of the silent sheet per language.
var silentHeaders = map[string][]string{
	"vi": {"STT", "Đơn vị", "Thôn, tổ dân phố", "Tổ trưởng", "Tổ trưởng liên lạc được qua bot", "Số thành viên liên lạc được"},
	"en": {"No.", "Unit", "Village or residential group", "Team lead", "Lead reachable by the bot", "Members reachable"},
}

// yesNo answers the reachable column per language.
var yesNo = map[string][2]string{"vi": {"Có", "Không"}, "en": {"Yes", "No"}}

// silentWidths are the column widths in characters.
var silentWidths = []float64{6, 24, 44, 26, 16, 16}

func writeSilentSheet(f *excelize.File, st *progressStyles, lang, name string, s *SilentSheet) error {
	if err := f.SetCellStr(name, "A1", s.Title); err != nil {
		return err
	}
	if err := f.SetCellStyle(name, "A1", "A1", st.title); err != nil {
		return err
	}
	headers := silentHeaders[lang]
	for i, h := range headers {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(name, col, col, silentWidths[i]); err != nil {
			return err
		}
		if err := f.SetCellStr(name, fmt.Sprintf("%s%d", col, headerRow), h); err != nil {
			return err
		}
	}
	lastCol, _ := excelize.ColumnNumberToName(len(headers))
	if err := f.SetCellStyle(name, "A2", lastCol+"2", st.header); err != nil {
		return err
	}
	if err := f.SetRowHeight(name, headerRow, 30); err != nil {
		return err
	}
	for i, r := range s.Rows {
		reach := yesNo[lang][1]
		if r.LeadReachable {
			reach = yesNo[lang][0]
		}
		if r.Lead == "" {
			reach = ""
		}
		cells := []any{i + 1, r.Group, r.Team, r.Lead, reach, r.Reachable}
		styles := []int{st.stt, st.wrap, st.wrap, st.text, st.stt, st.integer}
		line := firstRow + i
		if err := f.SetSheetRow(name, fmt.Sprintf("A%d", line), &cells); err != nil {
			return err
		}
		for j, style := range styles {
			cell, _ := excelize.CoordinatesToCellName(j+1, line)
			if err := f.SetCellStyle(name, cell, cell, style); err != nil {
				return err
			}
		}
	}
	if len(s.Rows) > 0 {
		if err := f.AutoFilter(name, fmt.Sprintf("A%d:%s%d", headerRow, lastCol, firstRow+len(s.Rows)-1), nil); err != nil {
			return err
		}
	}
	return f.SetPanes(name, &excelize.Panes{
		Freeze: true, YSplit: headerRow, TopLeftCell: fmt.Sprintf("A%d", firstRow), ActivePane: "bottomLeft",
	})
}
