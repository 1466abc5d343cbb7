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

// broadcasts: /thongbao (/broadcast), a leader or admin composes an announcement,
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

type broadcasts struct{ *base }

func (f *broadcasts) features() []Feature {
	return []Feature{{Name: "broadcast", VI: "thongbao", Roles: leaderRoles, Help: "help.cmd_thongbao", Command: f.command,
		Prefix: prefixBroadcast, Button: f.button, Flow: flowBroadcast, Steps: []string{stepCompose}, Continue: f.text}}
}

// command starts /thongbao.
func (f *broadcasts) command(ctx context.Context, req *Request) error {
	if text := strings.TrimSpace(req.Args); text != "" {
		return f.text(ctx, req, text)
	}
	draft, _ := json.Marshal(broadcastDraft{})
	if err := req.saveConversation(ctx, &cnsbot.Conversation{Flow: flowBroadcast, Step: stepCompose, Draft: draft}); err != nil {
		return err
	}
	return req.Reply(ctx, req.T("broadcast.ask_text"), inlineKeyboard([]models.InlineKeyboardButton{
		button(req.T("common.cancel_button"), Callback{Feature: prefixBroadcast, Action: "cancel", Version: req.conv.Version}.String()),
	}))
}

// text takes the announcement and asks for the audience.
func (f *broadcasts) text(ctx context.Context, req *Request, text string) error {
	text = strings.TrimSpace(text)
	if text == "" {
		return req.Reply(ctx, req.T("broadcast.ask_text"), nil)
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
	unit, err := f.scope(ctx, req)
	if err != nil {
		return err
	}
	var rows [][]models.InlineKeyboardButton
	for _, a := range broadcastAudiences {
		rows = append(rows, []models.InlineKeyboardButton{
			button(req.T("broadcast.audience_"+a), Callback{Feature: prefixBroadcast, Action: a, Version: c.Version}.String()),
		})
	}
	rows = append(rows, []models.InlineKeyboardButton{
		button(req.T("common.cancel_button"), Callback{Feature: prefixBroadcast, Action: "cancel", Version: c.Version}.String()),
	})
	return req.Reply(ctx, req.T("broadcast.ask_audience", "Unit", unit.DisplayName()), inlineKeyboard(rows...))
}

// button handles the buttons of /thongbao.
func (f *broadcasts) button(ctx context.Context, req *Request, cb Callback) error {
	if cb.Action == "prog" {
		return f.progress(ctx, req, cb.ID)
	}
	c, ok, err := req.currentFlow(ctx, flowBroadcast, cb.Version)
	if err != nil {
		return err
	} else if !ok && cb.Action == "send" {
		// The press handled again after a crash that ended the flow.
		if _, err := f.Outbox.FindBatchByKey(ctx, pressKey(req)); err == nil {
			return f.queued(ctx, req)
		}
		return req.staleButton(ctx)
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
		return f.sendBroadcast(ctx, req, d)
	}
	if c.Step != stepAudience {
		return req.staleButton(ctx)
	}
	r, err := f.audienceReach(ctx, req.member.UnitID, cb.Action)
	if err != nil {
		return err
	}
	ms := r.Members
	d.Audience = cb.Action
	draft, _ := json.Marshal(d)
	c.Step, c.Draft = stepConfirm, draft
	if err := req.saveConversation(ctx, c); err != nil {
		return err
	}
	preview := req.T("broadcast.preview", "Audience", req.T("broadcast.audience_"+d.Audience), "Count", len(ms),
		"Unreachable", r.unreachable(req), "Message", f.announcement(req.lang, req.member, d.Text))
	kb := inlineKeyboard([]models.InlineKeyboardButton{
		button(req.T("broadcast.send_button", "Count", len(ms)), Callback{Feature: prefixBroadcast, Action: "send", Version: c.Version}.String()),
		button(req.T("common.cancel_button"), Callback{Feature: prefixBroadcast, Action: "cancel", Version: c.Version}.String()),
	})
	if len(ms) == 0 {
		kb = inlineKeyboard([]models.InlineKeyboardButton{
			button(req.T("common.cancel_button"), Callback{Feature: prefixBroadcast, Action: "cancel", Version: c.Version}.String()),
		})
	}
	if err := req.edit(ctx, preview, kb); err != nil {
		return err
	}
	return req.answer(ctx, "")
}

// announcement is the text a recipient sees, in their language.
func (f *broadcasts) announcement(lang string, from *cnsbot.Member, text string) string {
	return f.Catalog.T(lang, "broadcast.message", map[string]any{"From": from.FullName, "Text": text})
}

// sendBroadcast queues one message per recipient, rendered in the
// recipient's language, as one outbox batch keyed by the press (its
// callback query): the press handled again after a crash finds its batch
// and answers as the first time; the conversation ends after the batch is
// queued, so a second tap finds nothing to send.
func (f *broadcasts) sendBroadcast(ctx context.Context, req *Request, d broadcastDraft) error {
	ms, err := f.recipients(ctx, req.member.UnitID, d.Audience)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		return req.staleButton(ctx)
	}
	batch := &cnsbot.OutboxBatch{Kind: "broadcast", Title: firstLine(d.Text), CreatedBy: req.member.ID,
		ReportChatID: req.ChatID, ReportLocale: req.lang, Key: pressKey(req)}
	msgs := make([]*cnsbot.OutboxMessage, 0, len(ms))
	for _, m := range ms {
		msgs = append(msgs, &cnsbot.OutboxMessage{ChatID: m.TelegramID, MemberID: m.ID,
			Text: f.announcement(f.memberLang(m), req.member, d.Text)})
	}
	if err := f.Outbox.CreateBatch(ctx, batch, msgs); cnsbot.ErrorCode(err) == cnsbot.ECONFLICT {
		return f.queued(ctx, req)
	} else if err != nil {
		return fmt.Errorf("queue broadcast: %w", err)
	}
	f.notifyOutbox()
	if err := req.endConversation(ctx); err != nil {
		return err
	}
	return f.showQueued(ctx, req, batch)
}

// pressKey is the idempotency key of a batch queued by a button press.
func pressKey(req *Request) string { return "cq:" + req.CallbackQuery.ID }

// queued answers a press whose batch was queued before a crash cut the
// handling off, and ends the flow if the crash left it.
func (f *broadcasts) queued(ctx context.Context, req *Request) error {
	b, err := f.Outbox.FindBatchByKey(ctx, pressKey(req))
	if err != nil {
		return fmt.Errorf("find batch of the press: %w", err)
	}
	if req.conv != nil {
		if err := req.endConversation(ctx); err != nil {
			return err
		}
	}
	return f.showQueued(ctx, req, b)
}

// showQueued puts "queued N" with the progress button in place of the preview.
func (f *broadcasts) showQueued(ctx context.Context, req *Request, b *cnsbot.OutboxBatch) error {
	kb := inlineKeyboard([]models.InlineKeyboardButton{
		button(req.T("broadcast.progress_button"), Callback{Feature: prefixBroadcast, Action: "prog", ID: b.ID}.String()),
	})
	if err := req.edit(ctx, req.T("broadcast.queued", "Count", b.Total), kb); err != nil {
		return err
	}
	return req.answer(ctx, "")
}

// progress answers the progress button with the batch's counts.
func (f *broadcasts) progress(ctx context.Context, req *Request, id int64) error {
	b, err := f.Outbox.FindBatch(ctx, id)
	if cnsbot.IsNotFound(err) {
		return req.staleButton(ctx)
	} else if err != nil {
		return fmt.Errorf("find batch %d: %w", id, err)
	}
	if b.CreatedBy != req.member.ID {
		return cnsbot.Errorf(cnsbot.EFORBIDDEN, "error.forbidden")
	}
	return req.answer(ctx, locales.PlainText(req.T("broadcast.progress", "Total", b.Total, "Sent", b.Sent,
		"Queued", b.Queued, "Failed", b.Failed, "Blocked", b.Blocked)))
}

// deliveryReport tells the sender of a finished batch what happened.
func (f *broadcasts) deliveryReport(ctx context.Context, b *cnsbot.OutboxBatch) {
	if b.ReportChatID == 0 {
		return
	}
	lang := locales.Normalize(b.ReportLocale)
	text := f.Catalog.T(lang, "broadcast.report", map[string]any{"Title": b.Title, "Total": b.Total,
		"Sent": b.Sent, "Failed": b.Failed, "Blocked": b.Blocked})
	if err := f.send(ctx, b.ReportChatID, text, nil); err != nil {
		f.Logger.Warn("send delivery report", cnsbot.LogBatchID, b.ID, cnsbot.LogError, err)
	}
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if utf8.RuneCountInString(line) > 60 {
		line = string([]rune(line)[:60]) + "…"
	}
	return line
}
