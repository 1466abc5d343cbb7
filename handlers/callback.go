package handlers

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"cnsbot"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Callback is parsed callback data: "feature:action[:id[:version]]". ids are
// short decimal numbers so that the data stays well under Telegram's 64
// bytes; Version ties a button to the conversation state it was drawn for.
type Callback struct {
	Feature string
	Action  string
	ID      int64
	Version int
}

// String encodes c as callback data.
func (c Callback) String() string {
	s := c.Feature + ":" + c.Action
	if c.ID != 0 || c.Version != 0 {
		s += ":" + strconv.FormatInt(c.ID, 10)
	}
	if c.Version != 0 {
		s += ":" + strconv.Itoa(c.Version)
	}
	return s
}

// Callback prefixes, one per feature that draws buttons. Buttons already
// sent carry them, so they never change.
const (
	prefixJoin      = "join" // registration's unit choice and the admins' decision
	prefixLanguage  = "lang"
	prefixReport    = "bc"
	prefixMine      = "my"
	prefixProgress  = "td"
	prefixRemind    = "rem"
	prefixBroadcast = "tb"
	prefixSchedules = "lich"
)

// maxCallbackData is Telegram's limit on callback_data, in bytes.
const maxCallbackData = 64

// ParseCallback reads callback data. Anything malformed is EINVALID with the
// stale-button text: the user pressed something we did not draw.
func ParseCallback(data string) (Callback, error) {
	bad := cnsbot.Errorf(cnsbot.EINVALID, "error.stale_button")
	if data == "" || len(data) > maxCallbackData {
		return Callback{}, bad
	}
	parts := strings.Split(data, ":")
	if len(parts) < 2 || len(parts) > 4 || parts[0] == "" || parts[1] == "" {
		return Callback{}, bad
	}
	c := Callback{Feature: parts[0], Action: parts[1]}
	if len(parts) > 2 {
		id, err := strconv.ParseInt(parts[2], 10, 64)
		if err != nil || id < 0 {
			return Callback{}, bad
		}
		c.ID = id
	}
	if len(parts) > 3 {
		v, err := strconv.Atoi(parts[3])
		if err != nil || v < 0 {
			return Callback{}, bad
		}
		c.Version = v
	}
	return c, nil
}

// pressedByRecipient reports whether a button on a message in a private
// chat was pressed by that chat's user, the one the message was sent to.
// Buttons there act on that user's conversation, reports or requests; the
// features check what they can (versions, authorship, scope), and this
// refuses a press from anyone else before any of them runs, whatever the
// data says. Private chat ids are the user's id and positive; group ids
// are negative, and there any member may press (each feature checks the
// presser's scope). A message sent in inline mode has no chat: cnsbot sends
// none, and such a press is taken as made in the presser's own chat.
func pressedByRecipient(cq *models.CallbackQuery) bool {
	var chat *models.Chat
	switch {
	case cq.Message.Message != nil:
		chat = &cq.Message.Message.Chat
	case cq.Message.InaccessibleMessage != nil:
		chat = &cq.Message.InaccessibleMessage.Chat
	default:
		return true
	}
	private := chat.Type == models.ChatTypePrivate || chat.ID > 0
	return !private || chat.ID == cq.From.ID
}

// isNotModified reports Telegram's harmless "message is not modified": the
// edit asked for what the message already shows.
func isNotModified(err error) bool {
	return errors.Is(err, tgbot.ErrorBadRequest) && strings.Contains(err.Error(), "message is not modified")
}

// staleButton answers a press of a button that no longer applies.
func (req *Request) staleButton(ctx context.Context) error {
	if err := req.answer(ctx, req.T("error.stale_button")); err != nil {
		return fmt.Errorf("answer stale button: %w", err)
	}
	return nil
}
