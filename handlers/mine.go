package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"cnsbot"
	"cnsbot/textvi"

	"github.com/go-telegram/bot/models"
)

// /cuatoi lists recent reports with buttons to correct or revoke them inside
// the edit window: a member's own, a team lead's whole team's.
const (
	flowFix     = "fix"
	minePerPage = 5
)

type fixDraft struct {
	ReportID int64 `json:"report"`
	// Old and Value are the correction made, kept with the finished flow
	// for the answer of the same update handled again.
	Old   float64 `json:"old,omitempty"`
	Value float64 `json:"v,omitempty"`
}

// mine: /cuatoi lists the caller's recent reports — a team lead's whole
// team's — with buttons to correct or revoke them inside the edit window.
type mine struct{ *base }

func (f *mine) features() []Feature {
	return []Feature{{Name: "mine", VI: "cuatoi", Roles: teamRoles, Refusal: "report.no_team", Help: "help.cmd_mine",
		Command: f.command, Prefix: prefixMine, Button: f.button, Flow: flowFix, Continue: f.continueFix}}
}

func (f *mine) command(ctx context.Context, req *Request) error { return f.page(ctx, req, 0, false) }

// page shows one page of the caller's reports.
func (f *mine) page(ctx context.Context, req *Request, page int, edit bool) error {
	if err := req.requireTeam(); err != nil {
		return err
	}
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return err
	}
	filter := cnsbot.ReportFilter{MemberID: req.member.ID, Offset: page * minePerPage, Limit: minePerPage}
	team := f.table.allowed(req, featureForTeam)
	if team {
		filter = cnsbot.ReportFilter{TeamID: req.member.TeamID, Offset: page * minePerPage, Limit: minePerPage}
	}
	rs, total, err := f.Reports.FindReports(ctx, filter)
	if err != nil {
		return fmt.Errorf("find my reports: %w", err)
	}
	if total == 0 {
		return req.Reply(ctx, req.T("mine.none"), nil)
	}
	names := map[int64]string{}
	if team {
		if names, err = f.memberNames(ctx, rs); err != nil {
			return err
		}
	}
	var lines []string
	var rows [][]models.InlineKeyboardButton
	for _, rep := range rs {
		ind := set.byID[rep.IndicatorID]
		if ind == nil {
			continue
		}
		lines = append(lines, req.T("mine.line", "ID", rep.ID, "Date", rep.Date, "Indicator", ind.Name(req.lang),
			"Value", rep.Value, "Unit", req.measure(ind.Unit), "Evidence", rep.EvidenceFileID != "", "By", names[rep.MemberID]))
		if f.editable(rep) {
			rows = append(rows, []models.InlineKeyboardButton{
				button(req.T("mine.fix_button", "ID", rep.ID), Callback{Feature: prefixMine, Action: "fix", ID: rep.ID}.String()),
				button(req.T("mine.revoke_button", "ID", rep.ID), Callback{Feature: prefixMine, Action: "del", ID: rep.ID}.String()),
			})
		}
	}
	var nav []models.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, button("◀", Callback{Feature: prefixMine, Action: "pg", ID: int64(page - 1)}.String()))
	}
	if (page+1)*minePerPage < total {
		nav = append(nav, button("▶", Callback{Feature: prefixMine, Action: "pg", ID: int64(page + 1)}.String()))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	text := req.T("mine.header", "Total", total, "Days", f.windowDays()) + "\n" + strings.Join(lines, "\n")
	return req.show(ctx, edit, text, inlineKeyboard(rows...))
}

// memberNames returns the full name of each member whose report is in rs:
// a team lead's list says whose work each line is.
func (f *mine) memberNames(ctx context.Context, rs []*cnsbot.Report) (map[int64]string, error) {
	names := map[int64]string{}
	for _, rep := range rs {
		if _, ok := names[rep.MemberID]; ok || rep.MemberID == 0 {
			continue
		}
		m, err := f.Members.FindMemberByID(ctx, rep.MemberID)
		if cnsbot.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("find member %d: %w", rep.MemberID, err)
		}
		names[rep.MemberID] = m.FullName
	}
	return names, nil
}

// editable reports whether a report is still inside the edit window.
func (f *mine) editable(rep *cnsbot.Report) bool {
	return rep.RevokedAt == nil && f.Now().Sub(rep.CreatedAt) <= f.EditWindow
}

// ownReport returns the report if the caller may change it: their own, or
// their team's for a team lead, and inside the edit window.
func (f *mine) ownReport(ctx context.Context, req *Request, id int64) (*cnsbot.Report, error) {
	rep, err := f.Reports.FindReportByID(ctx, id)
	if cnsbot.IsNotFound(err) {
		return nil, cnsbot.Errorf(cnsbot.EINVALID, "error.stale_button")
	} else if err != nil {
		return nil, fmt.Errorf("find report %d: %w", id, err)
	}
	m := req.member
	if rep.MemberID != m.ID && !(f.table.allowed(req, featureForTeam) && rep.TeamID == m.TeamID && m.TeamID != 0) {
		return nil, cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	if rep.RevokedAt != nil {
		return nil, cnsbot.Errorf(cnsbot.EINVALID, "error.report_revoked")
	}
	if !f.editable(rep) {
		return nil, cnsbot.Errorf(cnsbot.EINVALID, "mine.err_window", "Days", f.windowDays())
	}
	return rep, nil
}

// button handles the buttons of /cuatoi.
func (f *mine) button(ctx context.Context, req *Request, cb Callback) error {
	switch cb.Action {
	case "pg":
		return f.page(ctx, req, int(cb.ID), true)
	case "fix":
		rep, err := f.ownReport(ctx, req, cb.ID)
		if err != nil {
			return err
		}
		set, err := f.activities.get(ctx, f.Indicators)
		if err != nil {
			return err
		}
		ind := set.byID[rep.IndicatorID]
		if ind == nil {
			return req.staleButton(ctx)
		}
		draft, _ := json.Marshal(fixDraft{ReportID: rep.ID})
		if err := req.saveConversation(ctx, &cnsbot.Conversation{Flow: flowFix, Step: stepValue, Draft: draft}); err != nil {
			return err
		}
		if err := req.answer(ctx, ""); err != nil {
			return err
		}
		return req.Reply(ctx, req.T("mine.ask_value", "ID", rep.ID, "Indicator", ind.Name(req.lang), "Value", rep.Value,
			"Unit", req.measure(ind.Unit), "Date", rep.Date), nil)
	case "del":
		rep, err := f.ownReport(ctx, req, cb.ID)
		if err != nil {
			return err
		}
		kb := inlineKeyboard([]models.InlineKeyboardButton{
			button(req.T("mine.revoke_confirm_button"), Callback{Feature: prefixMine, Action: "rvk", ID: rep.ID}.String()),
			button(req.T("common.cancel_button"), Callback{Feature: prefixMine, Action: "pg", ID: 0}.String()),
		})
		if err := req.edit(ctx, req.T("mine.revoke_confirm", "ID", rep.ID, "Date", rep.Date, "Value", rep.Value), kb); err != nil {
			return err
		}
		return req.answer(ctx, "")
	case "rvk":
		rep, err := f.ownReport(ctx, req, cb.ID)
		if cnsbot.ErrorKey(err) == "error.report_revoked" {
			return req.answer(ctx, req.T("report.already_saved"))
		} else if err != nil {
			return err
		}
		if _, err := f.Reports.RevokeReport(ctx, rep.ID, req.member.ID); cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
			return req.answer(ctx, req.T("report.already_saved"))
		} else if err != nil {
			return fmt.Errorf("revoke report %d: %w", rep.ID, err)
		}
		if err := req.edit(ctx, req.T("mine.revoked", "ID", rep.ID), nil); err != nil {
			return err
		}
		return req.answer(ctx, "")
	}
	return req.staleButton(ctx)
}

// continueFix takes the corrected value typed after ✏️. The flow ends
// with the correction kept in it (Finished), so that the same text handled
// again after a crash answers as the first time instead of as free text.
func (f *mine) continueFix(ctx context.Context, req *Request, text string) error {
	var d fixDraft
	if err := json.Unmarshal(req.conv.Draft, &d); err != nil {
		return fmt.Errorf("decode fix draft: %w", err)
	}
	if req.conv.Finished != 0 {
		return f.corrected(ctx, req, d)
	}
	rep, err := f.ownReport(ctx, req, d.ReportID)
	if err != nil {
		if endErr := req.endConversation(ctx); endErr != nil {
			return endErr
		}
		return err
	}
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return err
	}
	ind := set.byID[rep.IndicatorID]
	if ind == nil {
		return req.endConversation(ctx)
	}
	text = strings.TrimSpace(text)
	v, err := textvi.ParseCount(text)
	if err != nil {
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_not_number", "Indicator", ind.Name(req.lang), "Text", text)
	}
	if err := checkValue(req, ind, v); err != nil {
		return err
	}
	if d.Old, err = f.correctOnce(ctx, req, rep, v); err != nil {
		return err
	}
	d.Value = v
	draft, _ := json.Marshal(d)
	if err := req.saveConversation(ctx, &cnsbot.Conversation{Flow: flowFix, Step: stepValue, Draft: draft, Finished: req.ID}); err != nil {
		return err
	}
	return f.corrected(ctx, req, d)
}

// correctOnce sets the report's new value and returns the old one. When the
// report's newest change is this correction, made since ✏️ was pressed, the
// update is being handled again after a crash: the value is not set twice
// and the old value comes from the audit trail.
func (f *mine) correctOnce(ctx context.Context, req *Request, rep *cnsbot.Report, v float64) (float64, error) {
	changes, err := f.Reports.FindReportChanges(ctx, rep.ID)
	if err != nil {
		return 0, fmt.Errorf("find changes of report %d: %w", rep.ID, err)
	}
	if n := len(changes); n > 0 {
		c := changes[n-1]
		// The store keeps instants to the second or finer: a margin of a
		// second still excludes any correction before this ✏️.
		since := req.conv.UpdatedAt.Add(-time.Second)
		if c.Action == "correct" && c.ChangedBy == req.member.ID && c.NewValue != nil && *c.NewValue == v &&
			c.OldValue != nil && c.ChangedAt.After(since) {
			return *c.OldValue, nil
		}
	}
	if _, err := f.Reports.CorrectReport(ctx, rep.ID, v, req.member.ID); err != nil {
		return 0, fmt.Errorf("correct report %d: %w", rep.ID, err)
	}
	return rep.Value, nil
}

// corrected answers a correction made.
func (f *mine) corrected(ctx context.Context, req *Request, d fixDraft) error {
	rep, err := f.Reports.FindReportByID(ctx, d.ReportID)
	if err != nil {
		return fmt.Errorf("find report %d: %w", d.ReportID, err)
	}
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return err
	}
	name, unit := "", ""
	if ind := set.byID[rep.IndicatorID]; ind != nil {
		name, unit = ind.Name(req.lang), req.measure(ind.Unit)
	}
	return req.Reply(ctx, req.T("mine.corrected", "ID", rep.ID, "Indicator", name, "Old", d.Old, "Value", d.Value,
		"Unit", unit, "Date", rep.Date), nil)
}
