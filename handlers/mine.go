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
}

// mine shows one page of the caller's reports.
func (r *Router) mine(ctx context.Context, req *request, page int, edit bool) error {
	if err := req.canReport(); err != nil {
		return err
	}
	set, err := r.activities.get(ctx, r.Indicators)
	if err != nil {
		return err
	}
	f := cnsbot.ReportFilter{MemberID: req.member.ID, Offset: page * minePerPage, Limit: minePerPage}
	if req.member.Role == cnsbot.RoleTeamLead {
		f = cnsbot.ReportFilter{TeamID: req.member.TeamID, Offset: page * minePerPage, Limit: minePerPage}
	}
	rs, total, err := r.Reports.FindReports(ctx, f)
	if err != nil {
		return fmt.Errorf("find my reports: %w", err)
	}
	if total == 0 {
		return req.reply(ctx, req.t("mine.none"), nil)
	}
	var lines []string
	var rows [][]models.InlineKeyboardButton
	for _, rep := range rs {
		ind := set.byID[rep.IndicatorID]
		if ind == nil {
			continue
		}
		lines = append(lines, req.t("mine.line", "ID", rep.ID, "Date", rep.Date, "Indicator", ind.Name(req.lang),
			"Value", rep.Value, "Unit", ind.Unit, "Evidence", rep.EvidenceFileID != ""))
		if r.editable(rep) {
			rows = append(rows, []models.InlineKeyboardButton{
				button(req.t("mine.fix_button", "ID", rep.ID), Callback{Feature: "my", Action: "fix", ID: rep.ID}.String()),
				button(req.t("mine.revoke_button", "ID", rep.ID), Callback{Feature: "my", Action: "del", ID: rep.ID}.String()),
			})
		}
	}
	var nav []models.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, button("◀", Callback{Feature: "my", Action: "pg", ID: int64(page - 1)}.String()))
	}
	if (page+1)*minePerPage < total {
		nav = append(nav, button("▶", Callback{Feature: "my", Action: "pg", ID: int64(page + 1)}.String()))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	text := req.t("mine.header", "Total", total, "Days", r.windowDays()) + "\n" + strings.Join(lines, "\n")
	if edit {
		if err := req.edit(ctx, text, inlineKeyboard(rows...)); err != nil {
			return err
		}
		return req.answer(ctx, "")
	}
	return req.reply(ctx, text, inlineKeyboard(rows...))
}

// editable reports whether a report is still inside the edit window.
func (r *Router) editable(rep *cnsbot.Report) bool {
	return rep.RevokedAt == nil && r.Now().Sub(rep.CreatedAt) <= r.EditWindow
}

// ownReport returns the report if the caller may change it: their own, or
// their team's for a team lead, and inside the edit window.
func (r *Router) ownReport(ctx context.Context, req *request, id int64) (*cnsbot.Report, error) {
	rep, err := r.Reports.FindReportByID(ctx, id)
	if cnsbot.IsNotFound(err) {
		return nil, cnsbot.Errorf(cnsbot.EINVALID, "error.stale_button")
	} else if err != nil {
		return nil, fmt.Errorf("find report %d: %w", id, err)
	}
	m := req.member
	if rep.MemberID != m.ID && !(m.Role == cnsbot.RoleTeamLead && rep.TeamID == m.TeamID && m.TeamID != 0) {
		return nil, cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	if rep.RevokedAt != nil {
		return nil, cnsbot.Errorf(cnsbot.EINVALID, "error.report_revoked")
	}
	if !r.editable(rep) {
		return nil, cnsbot.Errorf(cnsbot.EINVALID, "mine.err_window", "Days", r.windowDays())
	}
	return rep, nil
}

// mineCallback handles the buttons of /cuatoi.
func (r *Router) mineCallback(ctx context.Context, req *request, cb Callback) error {
	switch cb.Action {
	case "pg":
		return r.mine(ctx, req, int(cb.ID), true)
	case "fix":
		rep, err := r.ownReport(ctx, req, cb.ID)
		if err != nil {
			return err
		}
		set, err := r.activities.get(ctx, r.Indicators)
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
		return req.reply(ctx, req.t("mine.ask_value", "ID", rep.ID, "Indicator", ind.Name(req.lang), "Value", rep.Value,
			"Unit", ind.Unit, "Date", rep.Date), nil)
	case "del":
		rep, err := r.ownReport(ctx, req, cb.ID)
		if err != nil {
			return err
		}
		kb := inlineKeyboard([]models.InlineKeyboardButton{
			button(req.t("mine.revoke_confirm_button"), Callback{Feature: "my", Action: "rvk", ID: rep.ID}.String()),
			button(req.t("common.cancel_button"), Callback{Feature: "my", Action: "pg", ID: 0}.String()),
		})
		if err := req.edit(ctx, req.t("mine.revoke_confirm", "ID", rep.ID, "Date", rep.Date, "Value", rep.Value), kb); err != nil {
			return err
		}
		return req.answer(ctx, "")
	case "rvk":
		rep, err := r.ownReport(ctx, req, cb.ID)
		if cnsbot.ErrorKey(err) == "error.report_revoked" {
			return req.answer(ctx, req.t("report.already_saved"))
		} else if err != nil {
			return err
		}
		if _, err := r.Reports.RevokeReport(ctx, rep.ID, req.member.ID); cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
			return req.answer(ctx, req.t("report.already_saved"))
		} else if err != nil {
			return fmt.Errorf("revoke report %d: %w", rep.ID, err)
		}
		if err := req.edit(ctx, req.t("mine.revoked", "ID", rep.ID), nil); err != nil {
			return err
		}
		return req.answer(ctx, "")
	}
	return req.staleButton(ctx)
}

// continueFix takes the corrected value typed after ✏️.
func (r *Router) continueFix(ctx context.Context, req *request, text string) error {
	var d fixDraft
	if err := json.Unmarshal(req.conv.Draft, &d); err != nil {
		return fmt.Errorf("decode fix draft: %w", err)
	}
	rep, err := r.ownReport(ctx, req, d.ReportID)
	if err != nil {
		if endErr := req.endConversation(ctx); endErr != nil {
			return endErr
		}
		return err
	}
	set, err := r.activities.get(ctx, r.Indicators)
	if err != nil {
		return err
	}
	ind := set.byID[rep.IndicatorID]
	if ind == nil {
		return req.endConversation(ctx)
	}
	text = strings.TrimSpace(text)
	v, err := textvi.ParseNumber(text)
	if err != nil {
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_not_number", "Indicator", ind.Name(req.lang), "Text", text)
	}
	if err := checkValue(ind, v, req.lang); err != nil {
		return err
	}
	old := rep.Value
	if _, err := r.Reports.CorrectReport(ctx, rep.ID, v, req.member.ID); err != nil {
		return fmt.Errorf("correct report %d: %w", rep.ID, err)
	}
	if err := req.endConversation(ctx); err != nil {
		return err
	}
	return req.reply(ctx, req.t("mine.corrected", "ID", rep.ID, "Indicator", ind.Name(req.lang), "Old", old, "Value", v,
		"Unit", ind.Unit, "Date", rep.Date), nil)
}

// evidence attaches a photo to the sender's latest report of the day, or to
// the latest one of the indicator the caption names.
func (r *Router) evidence(ctx context.Context, req *request, msg *models.Message) error {
	if err := req.canReport(); err != nil {
		return err
	}
	photo := msg.Photo[len(msg.Photo)-1] // the largest size
	today := r.today().Format(time.DateOnly)
	rs, _, err := r.Reports.FindReports(ctx, cnsbot.ReportFilter{MemberID: req.member.ID, From: today, To: today, Limit: 50})
	if err != nil {
		return fmt.Errorf("find today's reports: %w", err)
	}
	if len(rs) == 0 {
		return req.reply(ctx, req.t("evidence.none"), nil)
	}
	set, err := r.activities.get(ctx, r.Indicators)
	if err != nil {
		return err
	}
	target := rs[0] // newest first
	if named := mentioned(set, msg.Caption, r.today()); len(named) > 0 {
		for _, rep := range rs {
			if ind := set.byID[rep.IndicatorID]; ind != nil && strings.EqualFold(ind.Code, named[0]) {
				target = rep
				break
			}
		}
	}
	if _, err := r.Reports.AttachEvidence(ctx, target.ID, photo.FileID, req.member.ID); err != nil {
		return fmt.Errorf("attach evidence: %w", err)
	}
	ind := set.byID[target.IndicatorID]
	name := ""
	if ind != nil {
		name = ind.Name(req.lang)
	}
	return req.reply(ctx, req.t("evidence.attached", "Indicator", name, "Value", target.Value, "Date", target.Date), nil)
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
