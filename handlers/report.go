package handlers

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"cnsbot"
	"cnsbot/reportparse"
	"cnsbot/textvi"

	"github.com/go-telegram/bot/models"
)

// The report flow: pick an indicator, type its number, add another or
// finish, an optional note, the date, review, then send. Free text and the
// quick form land on the same draft and review.
const (
	flowReport   = "report"
	stepPick     = "pick"
	stepValue    = "value"
	stepMore     = "more"
	stepNote     = "note"
	stepDate     = "date"
	stepReview   = "review"
	stepWho      = "who" // a team lead chooses whose report it is
	pickPageSize = 6
	maxTeamShown = 30
)

// featureForTeam is a team lead's right to act for the team: report for a
// member, see and correct the team's reports.
const featureForTeam = "for_team"

// reports: /baocao step by step, the quick form "/bc vneid 15", and free
// text read as a report; all land on one draft, reviewed before it is saved.
type reports struct{ *base }

func (f *reports) features() []Feature {
	return []Feature{
		{Name: "report", VI: "baocao", Aliases: []string{"bc"}, Roles: teamRoles, Refusal: "report.no_team",
			Help: "help.cmd_report", Command: f.command, Stateless: true,
			Prefix: prefixReport, Button: f.button, Flow: flowReport, Continue: f.continueFlow},
		{Name: featureForTeam, Roles: []cnsbot.Role{cnsbot.RoleTeamLead}, Prefix: prefixReport, Actions: []string{"who", "for"}, Button: f.button},
		{Name: "freetext", Roles: teamRoles, Help: "help.free_text", Section: HelpTips},
	}
}

// reportDraft is an unsent report in the conversation store.
type reportDraft struct {
	// Batch numbers the draft; with the author it makes the idempotency keys
	// of the reports, so a second tap on Gửi cannot save them twice.
	Batch   int64         `json:"batch"`
	Items   []draftItem   `json:"items,omitempty"`
	Current int64         `json:"cur,omitempty"` // the indicator whose number is asked
	Note    string        `json:"note,omitempty"`
	Date    string        `json:"date,omitempty"` // YYYY-MM-DD
	Page    int           `json:"page,omitempty"`
	Back    []string      `json:"back,omitempty"` // the steps to go back to
	Source  cnsbot.Source `json:"src"`
	// For is the member a team lead reports for; 0: the author themself.
	For int64 `json:"for,omitempty"`
	// Reviewed is set once the review was shown: the note and date are
	// settled, so "Xong" after "Sửa" returns to the review.
	Reviewed bool `json:"rev,omitempty"`
	// None is a "no activity" report: the team did nothing that day. It
	// has no items; saved, it counts as the team's report and adds no
	// figure.
	None bool `json:"none,omitempty"`
}

type draftItem struct {
	IndicatorID int64   `json:"ind"`
	Value       float64 `json:"v"`
}

// set puts the value of an indicator, replacing an earlier one.
func (d *reportDraft) set(indID int64, v float64) {
	for i := range d.Items {
		if d.Items[i].IndicatorID == indID {
			d.Items[i].Value = v
			return
		}
	}
	d.Items = append(d.Items, draftItem{IndicatorID: indID, Value: v})
}

func (d *reportDraft) remove(indID int64) {
	for i := range d.Items {
		if d.Items[i].IndicatorID == indID {
			d.Items = append(d.Items[:i], d.Items[i+1:]...)
			return
		}
	}
}

// newBatch returns a random positive batch number.
func newBatch() int64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:]) >> 1)
}

// batchPrefix is the idempotency-key prefix of one author's batch.
func batchPrefix(authorID, batch int64) string { return fmt.Sprintf("r:%d:%d:", authorID, batch) }

// requireTeam refuses a member not in any team: there is nothing to report
// for. Leaders and admins are refused by the table with the same text.
func (req *Request) requireTeam() error {
	if req.member.TeamID == 0 {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "report.no_team")
	}
	return nil
}

// checkDate refuses a date outside the open window: not in the future, not
// older than the edit window.
func (f *reports) checkDate(d time.Time) error {
	today := f.today()
	oldest := today.AddDate(0, 0, -f.windowDays()+1)
	if d.After(today) || d.Before(oldest) {
		return cnsbot.Errorf(cnsbot.EINVALID, "report.err_date_window", "From", oldest.Format(time.DateOnly), "To", today.Format(time.DateOnly))
	}
	return nil
}

// reportDate is the date a parsed report names, today when none, refused
// outside the open window.
func (f *reports) reportDate(res reportparse.Result) (time.Time, error) {
	date := f.today()
	if !res.Date.IsZero() {
		date = res.Date
	}
	return date, f.checkDate(date)
}

// command is /baocao, /bc, /report: the guided flow without
// arguments, the quick form with them.
func (f *reports) command(ctx context.Context, req *Request) error {
	if err := req.requireTeam(); err != nil {
		return err
	}
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return err
	}
	if strings.TrimSpace(req.Args) == "" {
		d := &reportDraft{Batch: newBatch(), Source: cnsbot.SourceChat, Date: f.today().Format(time.DateOnly)}
		return f.showStep(ctx, req, set, d, stepPick, false)
	}
	return f.quickReport(ctx, req, set)
}

// quickReport saves "/bc vneid 15 dvc 3 hôm qua" at once and answers with a
// receipt and an undo button.
func (f *reports) quickReport(ctx context.Context, req *Request, set *activitySet) error {
	res := set.parser.ParseQuick(req.Args, f.today())
	if none, lastWeek := reportparse.NoActivity(req.Args); none && len(res.Pairs) == 0 {
		return f.noActivityText(ctx, req, set, set.parser.Parse(req.Args, f.today()), req.Args, lastWeek)
	}
	if err := f.checkParsed(req, set, res, true); err != nil {
		return err
	}
	date, err := f.reportDate(res)
	if err != nil {
		return err
	}
	items := make([]draftItem, 0, len(res.Pairs))
	for _, p := range res.Pairs {
		items = append(items, draftItem{IndicatorID: set.find(p.Code).ID, Value: p.Value})
	}
	d := &reportDraft{Batch: req.ID, Items: items, Date: date.Format(time.DateOnly), Source: cnsbot.SourceQuick}
	return f.saveDraft(ctx, req, set, d, false)
}

// checkParsed turns what the parser could not accept into one clear answer.
func (f *reports) checkParsed(req *Request, set *activitySet, res reportparse.Result, quick bool) error {
	for _, p := range res.Problems {
		ind := set.find(p.Code)
		name := p.Raw
		if ind != nil {
			name = ind.Name(req.lang)
		}
		switch p.Kind {
		case reportparse.ProblemBadDate:
			return cnsbot.Errorf(cnsbot.EINVALID, "report.err_date", "Text", p.Raw)
		case "negative":
			return cnsbot.Errorf(cnsbot.EINVALID, "report.err_negative", "Indicator", name)
		case "decimal":
			return cnsbot.Errorf(cnsbot.EINVALID, "report.err_decimal", "Indicator", name, "Value", p.Raw)
		case "unknown_word", "number_without_indicator", "indicator_without_number":
			if quick {
				return cnsbot.Errorf(cnsbot.EINVALID, "report.err_quick", "Text", p.Raw)
			}
		}
	}
	if len(res.Pairs) == 0 {
		if quick {
			return cnsbot.Errorf(cnsbot.EINVALID, "report.err_quick", "Text", req.Args)
		}
		return cnsbot.Errorf(cnsbot.EINVALID, "report.not_understood")
	}
	for _, p := range res.Pairs {
		ind := set.find(p.Code)
		if ind == nil {
			return cnsbot.Errorf(cnsbot.EINVALID, "report.err_quick", "Text", p.Phrase)
		}
		if err := checkValue(req, ind, p.Value); err != nil {
			return err
		}
	}
	return nil
}

// freeText reads a registered member's ordinary message as a report and
// shows what was understood; nothing is saved before Lưu.
func (f *reports) freeText(ctx context.Context, req *Request, text string) error {
	if req.member.TeamID == 0 {
		return req.Reply(ctx, req.T("text.not_understood"), nil)
	}
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return err
	}
	res := set.parser.Parse(text, f.today())
	if none, lastWeek := reportparse.NoActivity(text); none && len(res.Pairs) == 0 {
		return f.noActivityText(ctx, req, set, res, text, lastWeek)
	}
	if len(res.Pairs) == 0 && len(res.Problems) == 0 {
		// No figures: it may be a question about them ("tổ mình tháng này
		// được bao nhiêu").
		p, err := f.askParser(ctx)
		if err != nil {
			return err
		}
		if q := p.Parse(text, f.today()); q.Intent != "" {
			return f.table.answer(ctx, req, q, false)
		}
	}
	if err := f.checkParsed(req, set, res, false); err != nil {
		return err
	}
	date, err := f.reportDate(res)
	if err != nil {
		return err
	}
	d := &reportDraft{Batch: newBatch(), Date: date.Format(time.DateOnly), Source: cnsbot.SourceFreeText}
	for _, p := range res.Pairs {
		d.set(set.find(p.Code).ID, p.Value)
	}
	return f.showStep(ctx, req, set, d, stepReview, false)
}

// noActivityText shows the review of a "no activity" report read in free
// text ("tuần này không có hoạt động"): dated as the text says (the last
// day of last week for "tuần trước"), today when it names no day, and the
// text kept as the note.
func (f *reports) noActivityText(ctx context.Context, req *Request, set *activitySet, res reportparse.Result, text string, lastWeek bool) error {
	if lastWeek && res.Date.IsZero() {
		today := f.today()
		sinceMonday := (int(today.Weekday()) + 6) % 7
		res.Date = today.AddDate(0, 0, -sinceMonday-1) // last week's Sunday
	}
	date, err := f.reportDate(res)
	if err != nil {
		return err
	}
	d := &reportDraft{Batch: newBatch(), Date: date.Format(time.DateOnly), Source: cnsbot.SourceFreeText, None: true, Note: text}
	return f.showStep(ctx, req, set, d, stepReview, false)
}

// continueFlow hands typed text to the step of the report flow waiting for it.
func (f *reports) continueFlow(ctx context.Context, req *Request, text string) error {
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return err
	}
	d, err := decodeDraft(req.conv)
	if err != nil {
		return err
	}
	text = strings.TrimSpace(text)
	switch req.conv.Step {
	case stepValue:
		ind := set.byID[d.Current]
		if ind == nil {
			return f.showStep(ctx, req, set, d, stepPick, false)
		}
		v, err := textvi.ParseCount(text)
		if err != nil {
			return cnsbot.Errorf(cnsbot.EINVALID, "report.err_not_number", "Indicator", ind.Name(req.lang), "Text", text)
		}
		if err := checkValue(req, ind, v); err != nil {
			return err
		}
		d.set(ind.ID, v)
		d.Back = append(d.Back, stepValue)
		return f.showStep(ctx, req, set, d, stepMore, false)
	case stepNote:
		d.Note = text
		d.Back = append(d.Back, stepNote)
		return f.showStep(ctx, req, set, d, stepDate, false)
	case stepDate:
		day, ok := textvi.ParseDate(text, f.today())
		if !ok {
			return cnsbot.Errorf(cnsbot.EINVALID, "report.err_date", "Text", text)
		}
		if err := f.checkDate(day); err != nil {
			return err
		}
		d.Date = day.Format(time.DateOnly)
		d.Back = append(d.Back, stepDate)
		return f.showStep(ctx, req, set, d, stepReview, false)
	}
	// A step that waits for a button got text. A whole report typed out
	// replaces the draft, as free text does; an indicator's name alone
	// works like its button on the pick step; anything else shows the step
	// again.
	if res := set.parser.Parse(text, f.today()); len(res.Pairs) > 0 {
		return f.freeText(ctx, req, text)
	}
	if none, _ := reportparse.NoActivity(text); none {
		return f.freeText(ctx, req, text)
	}
	if codes := mentioned(set, text, f.today()); req.conv.Step == stepPick && len(codes) == 1 {
		d.Current = set.find(codes[0]).ID
		d.Back = append(d.Back, stepPick)
		return f.showStep(ctx, req, set, d, stepValue, false)
	}
	return f.showStep(ctx, req, set, d, req.conv.Step, false)
}

func decodeDraft(c *cnsbot.Conversation) (*reportDraft, error) {
	var d reportDraft
	if err := json.Unmarshal(c.Draft, &d); err != nil {
		return nil, fmt.Errorf("decode report draft: %w", err)
	}
	return &d, nil
}

// button handles the buttons of the report flow.
func (f *reports) button(ctx context.Context, req *Request, cb Callback) error {
	if cb.Action == "undo" {
		return f.undo(ctx, req, cb.ID)
	}
	c, ok, err := req.currentFlow(ctx, flowReport, cb.Version)
	if err != nil {
		return err
	} else if !ok && cb.Action == "send" && cb.ID != 0 {
		// A second tap, or the press handled again after a crash that
		// ended the draft: the receipt of what it saved, if anything.
		return f.resend(ctx, req, cb.ID)
	} else if !ok {
		// Yesterday's button, another device: nothing to do.
		return req.staleButton(ctx)
	}
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return err
	}
	d, err := decodeDraft(c)
	if err != nil {
		return err
	}
	switch {
	case cb.Action == "cancel":
		return req.cancelFromButton(ctx)
	case cb.Action == "send" && (len(d.Items) > 0 || d.None):
		return f.saveDraft(ctx, req, set, d, true)
	}
	step, err := f.nextStep(ctx, req, set, d, c.Step, cb)
	if err != nil {
		return err
	} else if step == "" {
		return req.staleButton(ctx)
	}
	return f.showStep(ctx, req, set, d, step, true)
}

// nextStep changes the draft as a button at step from says and returns the
// step to show; "" for a button that does not apply.
func (f *reports) nextStep(ctx context.Context, req *Request, set *activitySet, d *reportDraft, from string, cb Callback) (string, error) {
	push := func(to string) string { d.Back = append(d.Back, from); return to }
	switch cb.Action {
	case "ind":
		if set.byID[cb.ID] == nil {
			return "", nil
		}
		d.Current, d.None = cb.ID, false
		return push(stepValue), nil
	case "none":
		if len(d.Items) > 0 {
			return "", nil
		}
		d.None, d.For = true, 0 // the declaration is the team's
		if d.Reviewed {
			return push(stepReview), nil
		}
		return push(stepNote), nil
	case "pg":
		d.Page = int(cb.ID)
		return stepPick, nil
	case "more":
		d.Page = 0
		return push(stepPick), nil
	case "del":
		d.remove(cb.ID)
		if len(d.Items) == 0 {
			return stepPick, nil
		}
		return stepMore, nil
	case "done":
		if len(d.Items) == 0 {
			return stepPick, nil
		}
		if d.Reviewed {
			return push(stepReview), nil
		}
		return push(stepNote), nil
	case "skip":
		d.Note = ""
		return push(stepDate), nil
	case "day":
		day := f.today().AddDate(0, 0, -int(cb.ID))
		if err := f.checkDate(day); err != nil {
			return "", err
		}
		d.Date = day.Format(time.DateOnly)
		return push(stepReview), nil
	case "edit":
		if d.None {
			d.None = false
			return push(stepPick), nil
		}
		return push(stepMore), nil
	case "who":
		return push(stepWho), nil
	case "for":
		if cb.ID != 0 {
			if _, err := f.teamMember(ctx, req, cb.ID); err != nil {
				return "", err
			}
		}
		d.For = cb.ID
		return stepReview, nil
	case "back":
		step := stepPick
		if n := len(d.Back); n > 0 {
			step, d.Back = d.Back[n-1], d.Back[:n-1]
		}
		return step, nil
	case "send":
		return stepPick, nil // nothing to send yet
	}
	return "", nil
}

// showStep stores the draft at step and shows that step, editing the
// message of the pressed button or sending a new one.
func (f *reports) showStep(ctx context.Context, req *Request, set *activitySet, d *reportDraft, step string, edit bool) error {
	c := req.conv
	if c == nil || c.Flow != flowReport {
		c = &cnsbot.Conversation{Flow: flowReport}
	}
	if step == stepReview {
		d.Reviewed = true
	}
	draft, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode report draft: %w", err)
	}
	c.Step, c.Draft = step, draft
	if err := req.saveConversation(ctx, c); err != nil {
		return err
	}
	var data stepData
	if d.For != 0 {
		m, err := f.teamMember(ctx, req, d.For)
		if err != nil {
			return err
		}
		data.ForName = m.FullName
	}
	if step == stepWho {
		team, _, err := f.Members.FindMembers(ctx, cnsbot.MemberFilter{TeamID: req.member.TeamID, Limit: maxTeamShown})
		if err != nil {
			return fmt.Errorf("find team members: %w", err)
		}
		data.Team = team
	}
	text, kb := f.renderStep(req, set, d, step, c.Version, data)
	return req.show(ctx, edit, text, kb)
}

// stepData is what a step shows beyond the draft, read by showStep.
type stepData struct {
	ForName string           // the member a team lead reports for
	Team    []*cnsbot.Member // the team, on the who step
}

// renderStep draws a step: its text and its buttons, which carry the
// conversation version they were drawn for.
func (f *reports) renderStep(req *Request, set *activitySet, d *reportDraft, step string, v int, data stepData) (string, *models.InlineKeyboardMarkup) {
	btn := func(label, action string, id int64) models.InlineKeyboardButton {
		return button(label, Callback{Feature: prefixReport, Action: action, ID: id, Version: v}.String())
	}
	back := btn(req.T("common.back_button"), "back", 0)
	cancel := btn(req.T("common.cancel_button"), "cancel", 0)
	var rows [][]models.InlineKeyboardButton
	var text string
	switch step {
	case stepPick:
		text = req.T("report.pick")
		rows = pickRows(req, set, d, btn)
		if len(d.Back) > 0 {
			rows = append(rows, []models.InlineKeyboardButton{back, cancel})
		} else {
			rows = append(rows, []models.InlineKeyboardButton{cancel})
		}
	case stepValue:
		ind := set.byID[d.Current]
		text = req.T("report.ask_value", "Indicator", ind.Name(req.lang), "Unit", req.measure(ind.Unit))
		rows = append(rows, []models.InlineKeyboardButton{back, cancel})
	case stepMore:
		text = req.T("report.more", "Items", f.itemLines(req, set, d))
		rows = append(rows, []models.InlineKeyboardButton{btn(req.T("report.done_button"), "done", 0), btn(req.T("report.add_button"), "more", 0)})
		for _, it := range d.Items {
			if ind := set.byID[it.IndicatorID]; ind != nil {
				rows = append(rows, []models.InlineKeyboardButton{btn("❌ "+ind.Name(req.lang), "del", ind.ID)})
			}
		}
		rows = append(rows, []models.InlineKeyboardButton{back, cancel})
	case stepNote:
		text = req.T("report.ask_note")
		rows = append(rows, []models.InlineKeyboardButton{btn(req.T("report.skip_button"), "skip", 0)}, []models.InlineKeyboardButton{back, cancel})
	case stepDate:
		text = req.T("report.ask_date", "Days", f.windowDays())
		rows = append(rows, []models.InlineKeyboardButton{
			btn(req.T("report.today_button"), "day", 0), btn(req.T("report.yesterday_button"), "day", 1),
		}, []models.InlineKeyboardButton{back, cancel})
	case stepReview:
		key, send := "report.review", "report.send_button"
		if d.Source == cnsbot.SourceFreeText {
			key, send = "report.understood", "report.save_button"
		}
		text = req.T(key, "Items", f.itemLines(req, set, d), "Date", d.Date, "Note", d.Note, "For", data.ForName)
		rows = append(rows, []models.InlineKeyboardButton{
			// Gửi carries the batch: a press handled again after the draft
			// ended finds the saved reports and shows their receipt.
			btn(req.T(send), "send", d.Batch), btn(req.T("report.edit_button"), "edit", 0), cancel,
		})
		if f.table.allowed(req, featureForTeam) && !d.None {
			rows = append(rows, []models.InlineKeyboardButton{btn(req.T("report.for_button"), "who", 0)})
		}
	case stepWho:
		text = req.T("report.ask_who")
		rows = append(rows, []models.InlineKeyboardButton{btn(req.T("report.for_me_button"), "for", 0)})
		for _, m := range data.Team {
			if m.ID != req.member.ID {
				rows = append(rows, []models.InlineKeyboardButton{btn(m.FullName, "for", m.ID)})
			}
		}
		rows = append(rows, []models.InlineKeyboardButton{back, cancel})
	}
	return text, inlineKeyboard(rows...)
}

// pickRows are the pick step's indicator buttons, one page of them with the
// page buttons, and "Không có hoạt động" while the draft has no items.
func pickRows(req *Request, set *activitySet, d *reportDraft, btn func(string, string, int64) models.InlineKeyboardButton) [][]models.InlineKeyboardButton {
	var rows [][]models.InlineKeyboardButton
	pages := (len(set.list) + pickPageSize - 1) / pickPageSize
	page := min(max(d.Page, 0), max(pages-1, 0))
	for _, ind := range set.list[page*pickPageSize : min((page+1)*pickPageSize, len(set.list))] {
		rows = append(rows, []models.InlineKeyboardButton{btn(ind.Name(req.lang), "ind", ind.ID)})
	}
	var nav []models.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, btn("◀", "pg", int64(page-1)))
	}
	if page < pages-1 {
		nav = append(nav, btn("▶", "pg", int64(page+1)))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	if len(d.Items) == 0 {
		rows = append(rows, []models.InlineKeyboardButton{btn(req.T("report.none_button"), "none", 0)})
	}
	return rows
}

// itemLines lists a draft's items, one "• name: 15 người" line each; a "no
// activity" draft has its one line instead.
func (f *reports) itemLines(req *Request, set *activitySet, d *reportDraft) string {
	if d.None {
		return req.T("report.none_item")
	}
	var b strings.Builder
	for _, it := range d.Items {
		ind := set.byID[it.IndicatorID]
		if ind == nil {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString(req.T("report.item", "Indicator", ind.Name(req.lang), "Code", ind.Code, "Value", it.Value, "Unit", req.measure(ind.Unit)))
	}
	return b.String()
}

// saveDraft writes the draft's reports in one transaction, then ends the
// conversation and answers with the receipt. The idempotency keys come from
// the author and the draft's batch: a second tap, a second device or an
// update handled again after a crash finds them taken and gets the receipt
// of what was saved, rebuilt from the database.
func (f *reports) saveDraft(ctx context.Context, req *Request, set *activitySet, d *reportDraft, edit bool) error {
	if d.None {
		return f.saveNoActivity(ctx, req, d, edit)
	}
	author, m := req.member, req.member
	var authorID int64
	forName := ""
	if d.For != 0 && d.For != author.ID {
		target, err := f.teamMember(ctx, req, d.For)
		if err != nil {
			return err
		}
		m, authorID, forName = target, author.ID, target.FullName
	}
	reports := make([]*cnsbot.Report, 0, len(d.Items))
	prefix := batchPrefix(author.ID, d.Batch)
	for i, it := range d.Items {
		reports = append(reports, &cnsbot.Report{
			MemberID: m.ID, AuthorID: authorID, TeamID: m.TeamID, UnitID: m.UnitID, Date: d.Date, IndicatorID: it.IndicatorID,
			Value: it.Value, Note: d.Note, Source: d.Source, IdempotencyKey: prefix + strconv.Itoa(i),
		})
	}
	err := f.Reports.CreateReports(ctx, reports)
	if err != nil && cnsbot.ErrorCode(err) != cnsbot.ECONFLICT {
		return fmt.Errorf("save reports: %w", err)
	}
	if req.conv != nil && req.conv.Flow == flowReport {
		if err := req.endConversation(ctx); err != nil {
			return err
		}
	}
	if err != nil {
		// Saved before: the same update handled again after a crash, or a
		// second tap. The answer is the receipt of what was saved.
		return f.showSaved(ctx, req, d.Batch, edit)
	}
	text, kb := f.receipt(req, set, d, forName)
	return f.showReceipt(ctx, req, text, kb, edit)
}

// receipt is the answer to a saved batch: what was saved, and the undo button.
func (f *reports) receipt(req *Request, set *activitySet, d *reportDraft, forName string) (string, *models.InlineKeyboardMarkup) {
	text := req.T("report.saved", "Items", f.itemLines(req, set, d), "Date", d.Date, "Note", d.Note,
		"Minutes", int(f.UndoWindow/time.Minute), "For", forName)
	return text, inlineKeyboard([]models.InlineKeyboardButton{
		button(req.T("report.undo_button"), Callback{Feature: prefixReport, Action: "undo", ID: d.Batch}.String()),
	})
}

// showReceipt sends a receipt, or for a button puts it in place of the
// review and acknowledges the press.
func (f *reports) showReceipt(ctx context.Context, req *Request, text string, kb models.ReplyMarkup, edit bool) error {
	if !edit {
		return req.Reply(ctx, text, kb)
	}
	if err := req.edit(ctx, text, kb); err != nil {
		return err
	}
	return req.answer(ctx, req.T("report.saved_notice"))
}

// resend answers a Gửi whose draft is gone with the receipt of its batch,
// or as a stale button when nothing of it was saved.
func (f *reports) resend(ctx context.Context, req *Request, batch int64) error {
	if err := req.requireTeam(); err != nil {
		return err
	}
	return f.showSaved(ctx, req, batch, true)
}

// showSaved shows the receipt of a batch the caller saved before, rebuilt
// from the database: the same text as the first time.
func (f *reports) showSaved(ctx context.Context, req *Request, batch int64, edit bool) error {
	prefix := batchPrefix(req.member.ID, batch)
	rs, _, err := f.Reports.FindReports(ctx, cnsbot.ReportFilter{KeyPrefix: prefix, WithRevoked: true})
	if err != nil {
		return fmt.Errorf("find batch: %w", err)
	}
	if len(rs) == 0 {
		n, err := f.Reports.FindNoActivityByKey(ctx, prefix+"none")
		if cnsbot.IsNotFound(err) {
			return req.staleButton(ctx)
		} else if err != nil {
			return err
		}
		return f.showReceipt(ctx, req, req.T("report.none_saved", "Date", n.Date, "Note", n.Note), nil, edit)
	}
	set, err := f.activities.get(ctx, f.Indicators)
	if err != nil {
		return err
	}
	// In the order of the draft: the key ends with the item's index.
	index := func(r *cnsbot.Report) int {
		i, _ := strconv.Atoi(strings.TrimPrefix(r.IdempotencyKey, prefix))
		return i
	}
	slices.SortFunc(rs, func(a, b *cnsbot.Report) int { return index(a) - index(b) })
	d := &reportDraft{Batch: batch, Date: rs[0].Date, Note: rs[0].Note}
	for _, r := range rs {
		d.Items = append(d.Items, draftItem{IndicatorID: r.IndicatorID, Value: r.Value})
	}
	forName := ""
	if rs[0].MemberID != req.member.ID {
		m, err := f.Members.FindMemberByID(ctx, rs[0].MemberID)
		if err != nil {
			return fmt.Errorf("find member %d: %w", rs[0].MemberID, err)
		}
		forName = m.FullName
	}
	text, kb := f.receipt(req, set, d, forName)
	return f.showReceipt(ctx, req, text, kb, edit)
}

// saveNoActivity saves a "no activity" draft as the caller's team's
// declaration, once: the key comes from the author and the draft's batch,
// as for reports.
func (f *reports) saveNoActivity(ctx context.Context, req *Request, d *reportDraft, edit bool) error {
	m := req.member
	err := f.Reports.CreateNoActivity(ctx, &cnsbot.NoActivity{
		MemberID: m.ID, TeamID: m.TeamID, UnitID: m.UnitID, Date: d.Date, Note: d.Note, Source: d.Source,
		IdempotencyKey: batchPrefix(m.ID, d.Batch) + "none",
	})
	if err != nil && cnsbot.ErrorCode(err) != cnsbot.ECONFLICT {
		return fmt.Errorf("save no activity: %w", err)
	}
	if req.conv != nil && req.conv.Flow == flowReport {
		if err := req.endConversation(ctx); err != nil {
			return err
		}
	}
	// Saved before or now, the answer is the same receipt.
	return f.showReceipt(ctx, req, req.T("report.none_saved", "Date", d.Date, "Note", d.Note), nil, edit)
}

// teamMember returns the member of the caller's team a team lead reports
// for; anyone else is refused.
func (f *reports) teamMember(ctx context.Context, req *Request, id int64) (*cnsbot.Member, error) {
	m, err := f.Members.FindMemberByID(ctx, id)
	if cnsbot.IsNotFound(err) {
		return nil, cnsbot.Errorf(cnsbot.EINVALID, "error.stale_button")
	} else if err != nil {
		return nil, fmt.Errorf("find member %d: %w", id, err)
	}
	if !f.table.allowed(req, featureForTeam) || m.TeamID == 0 || m.TeamID != req.member.TeamID {
		return nil, cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	return m, nil
}

// undo revokes a batch the caller saved, within the undo window. It counts
// the batch's revoked reports too: handled again after a crash that revoked
// some of them, it revokes the rest and answers as the first time.
func (f *reports) undo(ctx context.Context, req *Request, batch int64) error {
	rs, _, err := f.Reports.FindReports(ctx, cnsbot.ReportFilter{KeyPrefix: batchPrefix(req.member.ID, batch), WithRevoked: true})
	if err != nil {
		return fmt.Errorf("find batch: %w", err)
	}
	if len(rs) == 0 {
		return req.staleButton(ctx)
	}
	for _, rep := range rs {
		if rep.RevokedAt == nil && f.Now().Sub(rep.CreatedAt) > f.UndoWindow {
			return req.answer(ctx, req.T("report.undo_expired", "Minutes", int(f.UndoWindow/time.Minute)))
		}
	}
	for _, rep := range rs {
		if rep.RevokedAt != nil {
			continue
		}
		if _, err := f.Reports.RevokeReport(ctx, rep.ID, req.member.ID); err != nil && cnsbot.ErrorCode(err) != cnsbot.ECONFLICT {
			return fmt.Errorf("undo report %d: %w", rep.ID, err)
		}
	}
	if err := req.edit(ctx, req.T("report.undone", "Count", len(rs)), nil); err != nil {
		return err
	}
	return req.answer(ctx, "")
}
