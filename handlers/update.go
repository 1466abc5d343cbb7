package handlers

import (
	"github.com/go-telegram/bot/models"
)

// Update is one Telegram update as handlers see it: the raw update plus what
// the edge already worked out — the command, the chat and the sender.
type Update struct {
	*models.Update
	Command string // lower-case command name without the slash; "" when not a command
	Args    string // the command's arguments
	ChatID  int64
	UserID  int64
	Private bool // a private chat with the bot
}

// SourceMessage returns the update's message (or the message of its callback
// query), or nil.
func (u *Update) SourceMessage() *models.Message {
	switch {
	case u.Update == nil:
		return nil
	case u.Update.Message != nil:
		return u.Update.Message
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		return u.CallbackQuery.Message.Message
	}
	return nil
}

// From returns the user who caused the update, or nil.
func (u *Update) From() *models.User {
	switch {
	case u.Update == nil:
		return nil
	case u.Update.Message != nil:
		return u.Update.Message.From
	case u.CallbackQuery != nil:
		return &u.CallbackQuery.From
	case u.MyChatMember != nil:
		return &u.MyChatMember.From
	case u.EditedMessage != nil:
		return u.EditedMessage.From
	}
	return nil
}
