package handlers

import (
	"context"
	"fmt"

	"cnsbot"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Request is one update being handled, with what the router learned of it:
// the sender's membership and language and their unfinished flow.
type Request struct {
	*Update
	b      *base
	member *cnsbot.Member // nil when the sender is not registered
	lang   string
	conv   *cnsbot.Conversation // the sender's unfinished flow, nil when none
}

// Member is the registered sender; nil before registration.
func (req *Request) Member() *cnsbot.Member { return req.member }

// Lang is the language the request is answered in.
func (req *Request) Lang() string { return req.lang }

func (req *Request) convKey() cnsbot.ConversationKey {
	return cnsbot.ConversationKey{ChatID: req.ChatID, UserID: req.UserID}
}

// setMember records who the sender is from now on in this update (they
// registered, or changed their language), and tells the error rendering.
func (req *Request) setMember(ctx context.Context, m *cnsbot.Member, lang string) {
	req.member, req.lang = m, lang
	if info := cnsbot.RequestInfoFrom(ctx); info != nil {
		info.MemberID, info.Locale = m.ID, lang
	}
}

// loadConversation reads the sender's unfinished flow. An expired one is
// removed and the user told why, once; expired says so.
func (req *Request) loadConversation(ctx context.Context) (expired bool, err error) {
	c, err := req.b.Conversations.GetConversation(ctx, req.convKey())
	if cnsbot.IsNotFound(err) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("get conversation: %w", err)
	}
	if c.Expired(req.b.Now()) {
		if err := req.b.Conversations.DeleteConversation(ctx, req.convKey()); err != nil {
			return false, fmt.Errorf("delete expired conversation: %w", err)
		}
		minutes := int(req.b.ConversationTTL.Minutes())
		return true, req.Reply(ctx, req.T("draft.expired", "Minutes", minutes), nil)
	}
	if c.Finished != 0 && c.Finished != req.ID {
		return false, nil // a flow that ended: only the update that ended it sees it
	}
	req.conv = c
	return false, nil
}

// currentFlow loads the sender's conversation for a button drawn for flow at
// version; ok is false when the button is stale — the flow ended, moved on,
// expired, or belongs to another device's older screen.
func (req *Request) currentFlow(ctx context.Context, flow string, version int) (c *cnsbot.Conversation, ok bool, err error) {
	if _, err := req.loadConversation(ctx); err != nil {
		return nil, false, err
	}
	c = req.conv
	if c == nil || c.Flow != flow || c.Version != version {
		return nil, false, nil
	}
	return c, true, nil
}

// saveConversation stores the flow with a fresh TTL.
func (req *Request) saveConversation(ctx context.Context, c *cnsbot.Conversation) error {
	if err := req.b.Conversations.SaveConversation(ctx, req.convKey(), c, req.b.ConversationTTL); err != nil {
		return fmt.Errorf("save conversation: %w", err)
	}
	req.conv = c
	return nil
}

func (req *Request) endConversation(ctx context.Context) error {
	if err := req.b.Conversations.DeleteConversation(ctx, req.convKey()); err != nil {
		return fmt.Errorf("delete conversation: %w", err)
	}
	req.conv = nil
	return nil
}

// cancelFromButton ends the flow from its Hủy button: the message that
// held the flow says it was cancelled.
func (req *Request) cancelFromButton(ctx context.Context) error {
	if err := req.endConversation(ctx); err != nil {
		return err
	}
	if err := req.edit(ctx, req.T("cancel.done"), nil); err != nil {
		return err
	}
	return req.answer(ctx, "")
}

// T renders a locale text in the request's language; args are name, value pairs.
func (req *Request) T(key string, args ...any) string {
	return req.b.Catalog.T(req.lang, key, argMap(args))
}

func argMap(args []any) map[string]any {
	if len(args) == 0 {
		return nil
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i+1 < len(args); i += 2 {
		name, _ := args[i].(string)
		m[name] = args[i+1]
	}
	return m
}

// Reply sends text (HTML) to the request's chat.
func (req *Request) Reply(ctx context.Context, text string, markup models.ReplyMarkup) error {
	return req.b.send(ctx, req.ChatID, text, markup)
}

// show sends text as a new message, or for a button replaces the message
// the button was on and acknowledges the press.
func (req *Request) show(ctx context.Context, edit bool, text string, markup models.ReplyMarkup) error {
	if !edit {
		return req.Reply(ctx, text, markup)
	}
	if err := req.edit(ctx, text, markup); err != nil {
		return err
	}
	return req.answer(ctx, "")
}

// edit replaces the text and buttons of the message a callback came from.
func (req *Request) edit(ctx context.Context, text string, markup models.ReplyMarkup) error {
	msg := req.SourceMessage()
	if msg == nil {
		return req.Reply(ctx, text, markup)
	}
	_, err := req.b.Sender.EditMessageText(ctx, &tgbot.EditMessageTextParams{
		ChatID: msg.Chat.ID, MessageID: msg.ID, Text: text, ParseMode: models.ParseModeHTML, ReplyMarkup: markup,
	})
	if err != nil && !isNotModified(err) {
		return fmt.Errorf("edit message: %w", err)
	}
	return nil
}

// answer acknowledges a callback query, optionally with a short notice.
func (req *Request) answer(ctx context.Context, text string) error {
	if req.CallbackQuery == nil {
		return nil
	}
	_, err := req.b.Sender.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{
		CallbackQueryID: req.CallbackQuery.ID, Text: text,
	})
	if err != nil {
		return fmt.Errorf("answer callback: %w", err)
	}
	return nil
}

// roleName is the role in the request's language.
func (req *Request) roleName(role cnsbot.Role) string { return req.T("role." + string(role)) }

// inlineKeyboard builds an inline keyboard of one button per row.
func inlineKeyboard(rows ...[]models.InlineKeyboardButton) *models.InlineKeyboardMarkup {
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}

func button(text, data string) models.InlineKeyboardButton {
	return models.InlineKeyboardButton{Text: text, CallbackData: data}
}

func removeKeyboard() models.ReplyMarkup { return &models.ReplyKeyboardRemove{RemoveKeyboard: true} }
