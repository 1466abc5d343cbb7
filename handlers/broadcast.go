package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"cnsbot"
	"cnsbot/locales"

	"github.com/go-telegram/bot/models"
)

// /thongbao (/broadcast): a leader or admin composes an announcement,
// chooses the audience inside their scope, sees a preview with the number
// of recipients, confirms; the outbox sends it within Telegram's limits and
// the sender gets a delivery report (sent, failed, blocked) when done.

const (
	flowBroadcast = "broadcast"
	stepCompose   = "compose"
	stepAudience  = "audience"
	stepConfirm   = "confirm"

	// maxBroadcastText leaves room for the header within Telegram's 4096.
	maxBroadcastText = 3500
)

// Broadcast audiences offered to the sender.
const (
	bcAll     = "all"     // every reachable member of the scope
	bcLeads   = "leads"   // team leads
	bcLeaders = "leaders" // leaders and admins
	bcSilent  = "silent"  // members of teams silent this week
)

var broadcastAudiences = []string{bcAll, bcLeads, bcLeaders, bcSilent}

type broadcastDraft struct {
	Text     string `json:"text"`
	Audience string `json:"aud,omitempty"`
}

// broadcast starts /thongbao.
func (r *Router) broadcast(ctx context.Context, req *request) error {
	if !req.Private {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.private_only", "BotUsername", r.BotUsername)
	}
	if req.member.Role != cnsbot.RoleLeader && req.member.Role != cnsbot.RoleAdmin {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	if text := strings.TrimSpace(req.Args); text != "" {
		return r.broadcastText(ctx, req, text)
	}
	draft, _ := json.Marshal(broadcastDraft{})
	if err := req.saveConversation(ctx, &cnsbot.Conversation{Flow: flowBroadcast, Step: stepCompose, Draft: draft}); err != nil {
		return err
	}
	return req.reply(ctx, req.t("broadcast.ask_text"), inlineKeyboard([]models.InlineKeyboardButton{
		button(req.t("common.cancel_button"), Callback{Feature: "tb", Action: "cancel", Version: req.conv.Version}.String()),
	}))
}

// broadcastText takes the announcement and asks for the audience.
func (r *Router) broadcastText(ctx context.Context, req *request, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return req.reply(ctx, req.t("broadcast.ask_text"), nil)
	}
	if utf8.RuneCountInString(text) > maxBroadcastText {
		return cnsbot.Errorf(cnsbot.EINVALID, "error.too_long", "Max", maxBroadcastText)
	}
	draft, _ := json.Marshal(broadcastDraft{Text: text})
	c := req.conv
	if c == nil || c.Flow != flowBroadcast {
		c = &cnsbot.Conversation{Flow: flowBroadcast}
	}
	c.Step, c.Draft = stepAudience, draft
	if err := req.saveConversation(ctx, c); err != nil {
		return err
	}
	unit, err := r.scope(ctx, req)
	if err != nil {
		return err
	}
	var rows [][]models.InlineKeyboardButton
	for _, a := range broadcastAudiences {
		rows = append(rows, []models.InlineKeyboardButton{
			button(req.t("broadcast.audience_"+a), Callback{Feature: "tb", Action: a, Version: c.Version}.String()),
		})
	}
	rows = append(rows, []models.InlineKeyboardButton{
		button(req.t("common.cancel_button"), Callback{Feature: "tb", Action: "cancel", Version: c.Version}.String()),
	})
	return req.reply(ctx, req.t("broadcast.ask_audience", "Unit", unit.DisplayName()), inlineKeyboard(rows...))
}

// recipients returns the reachable members of an audience in a unit's
// subtree.
func (r *Router) recipients(ctx context.Context, unitID int64, audience string) ([]*cnsbot.Member, error) {
	var out []*cnsbot.Member
	add := func(f cnsbot.MemberFilter) error {
		f.UnitID, f.Status = unitID, cnsbot.StatusActive
		ms, _, err := r.Members.FindMembers(ctx, f)
		if err != nil {
			return fmt.Errorf("find audience: %w", err)
		}
		for _, m := range ms {
			if m.TelegramID != 0 {
				out = append(out, m)
			}
		}
		return nil
	}
	switch audience {
	case bcAll:
		return out, add(cnsbot.MemberFilter{})
	case bcLeads:
		return out, add(cnsbot.MemberFilter{Role: cnsbot.RoleTeamLead})
	case bcLeaders:
		if err := add(cnsbot.MemberFilter{Role: cnsbot.RoleLeader}); err != nil {
			return nil, err
		}
		return out, add(cnsbot.MemberFilter{Role: cnsbot.RoleAdmin})
	case bcSilent:
		return r.silentTeamMembers(ctx, unitID, cnsbot.PeriodOf(cnsbot.PeriodWeek, r.today()), nil)
	}
	return nil, cnsbot.Errorf(cnsbot.EINVALID, "error.stale_button")
}

// silentTeamMembers returns the reachable members of the teams with no
// report in p, optionally only those of a role.
func (r *Router) silentTeamMembers(ctx context.Context, unitID int64, p cnsbot.Period, role *cnsbot.Role) ([]*cnsbot.Member, error) {
	res, err := r.computeMissing(ctx, unitID, p)
	if err != nil {
		return nil, err
	}
	var out []*cnsbot.Member
	for _, a := range res.Silent {
		f := cnsbot.MemberFilter{TeamID: a.TeamID, Status: cnsbot.StatusActive}
		if role != nil {
			f.Role = *role
		}
		ms, _, err := r.Members.FindMembers(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("find members of team %d: %w", a.TeamID, err)
		}
		for _, m := range ms {
			if m.TelegramID != 0 {
				out = append(out, m)
			}
		}
	}
	return out, nil
}

// broadcastCallback handles the buttons of /thongbao.
func (r *Router) broadcastCallback(ctx context.Context, req *request, cb Callback) error {
	if req.member.Role != cnsbot.RoleLeader && req.member.Role != cnsbot.RoleAdmin {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	if cb.Action == "prog" {
		return r.broadcastProgress(ctx, req, cb.ID)
	}
	c, ok, err := r.currentFlow(ctx, req, flowBroadcast, cb.Version)
	if err != nil {
		return err
	} else if !ok {
		return req.staleButton(ctx)
	}
	var d broadcastDraft
	if err := json.Unmarshal(c.Draft, &d); err != nil {
		return fmt.Errorf("decode broadcast draft: %w", err)
	}
	switch cb.Action {
	case "cancel":
		return req.cancelFromButton(ctx)
	case "send":
		return r.sendBroadcast(ctx, req, d)
	}
	if c.Step != stepAudience {
		return req.staleButton(ctx)
	}
	ms, err := r.recipients(ctx, req.member.UnitID, cb.Action)
	if err != nil {
		return err
	}
	d.Audience = cb.Action
	draft, _ := json.Marshal(d)
	c.Step, c.Draft = stepConfirm, draft
	if err := req.saveConversation(ctx, c); err != nil {
		return err
	}
	preview := req.t("broadcast.preview", "Audience", req.t("broadcast.audience_"+d.Audience), "Count", len(ms),
		"Message", r.announcement(req.lang, req.member, d.Text))
	kb := inlineKeyboard([]models.InlineKeyboardButton{
		button(req.t("broadcast.send_button", "Count", len(ms)), Callback{Feature: "tb", Action: "send", Version: c.Version}.String()),
		button(req.t("common.cancel_button"), Callback{Feature: "tb", Action: "cancel", Version: c.Version}.String()),
	})
	if len(ms) == 0 {
		kb = inlineKeyboard([]models.InlineKeyboardButton{
			button(req.t("common.cancel_button"), Callback{Feature: "tb", Action: "cancel", Version: c.Version}.String()),
		})
	}
	if err := req.edit(ctx, preview, kb); err != nil {
		return err
	}
	return req.answer(ctx, "")
}

// announcement is the text a recipient sees, in their language.
func (r *Router) announcement(lang string, from *cnsbot.Member, text string) string {
	return r.Catalog.T(lang, "broadcast.message", map[string]any{"From": from.FullName, "Text": text})
}

// sendBroadcast queues one message per recipient, rendered in the
// recipient's language, as one outbox batch; the conversation ends in the
// same step so a second tap finds nothing to send.
func (r *Router) sendBroadcast(ctx context.Context, req *request, d broadcastDraft) error {
	ms, err := r.recipients(ctx, req.member.UnitID, d.Audience)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return req.staleButton(ctx)
	}
	if err := req.endConversation(ctx); err != nil {
		return err
	}
	batch := &cnsbot.OutboxBatch{Kind: "broadcast", Title: firstLine(d.Text), CreatedBy: req.member.ID,
		ReportChatID: req.ChatID, ReportLocale: req.lang}
	msgs := make([]*cnsbot.OutboxMessage, 0, len(ms))
	for _, m := range ms {
		msgs = append(msgs, &cnsbot.OutboxMessage{ChatID: m.TelegramID, MemberID: m.ID,
			Text: r.announcement(r.memberLang(m), req.member, d.Text)})
	}
	if err := r.Outbox.CreateBatch(ctx, batch, msgs); err != nil {
		return fmt.Errorf("queue broadcast: %w", err)
	}
	r.notifyOutbox()
	kb := inlineKeyboard([]models.InlineKeyboardButton{
		button(req.t("broadcast.progress_button"), Callback{Feature: "tb", Action: "prog", ID: batch.ID}.String()),
	})
	if err := req.edit(ctx, req.t("broadcast.queued", "Count", len(msgs)), kb); err != nil {
		return err
	}
	return req.answer(ctx, "")
}

// broadcastProgress answers the progress button with the batch's counts.
func (r *Router) broadcastProgress(ctx context.Context, req *request, id int64) error {
	b, err := r.Outbox.FindBatch(ctx, id)
	if cnsbot.IsNotFound(err) {
		return req.staleButton(ctx)
	} else if err != nil {
		return fmt.Errorf("find batch %d: %w", id, err)
	}
	if b.CreatedBy != req.member.ID {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	return req.answer(ctx, stripHTML(req.t("broadcast.progress", "Total", b.Total, "Sent", b.Sent,
		"Queued", b.Queued, "Failed", b.Failed, "Blocked", b.Blocked)))
}

// DeliveryReport tells the sender of a finished batch what happened. The
// outbox calls it once per batch.
func (r *Router) DeliveryReport(ctx context.Context, b *cnsbot.OutboxBatch) {
	if b.ReportChatID == 0 {
		return
	}
	lang := locales.Normalize(b.ReportLocale)
	text := r.Catalog.T(lang, "broadcast.report", map[string]any{"Title": b.Title, "Total": b.Total,
		"Sent": b.Sent, "Failed": b.Failed, "Blocked": b.Blocked})
	if err := r.send(ctx, b.ReportChatID, text, nil); err != nil {
		r.Logger.Warn("send delivery report", "batch", b.ID, "err", err)
	}
}

// memberLang is the language a member reads.
func (r *Router) memberLang(m *cnsbot.Member) string {
	if m.Locale != "" {
		return locales.Normalize(m.Locale)
	}
	return locales.Normalize(r.DefaultLocale)
}

func (r *Router) notifyOutbox() {
	if r.OutboxNotify != nil {
		r.OutboxNotify()
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if utf8.RuneCountInString(line) > 60 {
		line = string([]rune(line)[:60]) + "…"
	}
	return line
}

// stripHTML drops the tags of a callback notice, which is plain text.
func stripHTML(s string) string {
	r := strings.NewReplacer("<b>", "", "</b>", "", "<i>", "", "</i>", "", "<code>", "", "</code>", "")
	return r.Replace(s)
}
