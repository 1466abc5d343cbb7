package telegramtest

import (
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"strconv"
	"strings"

	"github.com/go-telegram/bot/models"
)

// Telegram's limits, checked so a handler that breaks them fails in tests
// the way it would in production.
const (
	maxTextLength     = 4096
	maxCaptionLength  = 1024
	maxCallbackData   = 64
	maxSecretTokenLen = 256
)

func (s *Server) botUser() models.User {
	return models.User{
		ID:                      BotID,
		IsBot:                   true,
		FirstName:               "cnsbot test",
		Username:                BotUsername,
		CanJoinGroups:           true,
		CanReadAllGroupMessages: false,
		SupportInlineQueries:    false,
	}
}

// handleLocked answers one method; it runs with s.mu held.
func (s *Server) handleLocked(req *Request, method string) (any, *apiError) {
	p := req.Params
	switch method {
	case "getme":
		return s.botUser(), nil

	case "sendmessage":
		chat, apiErr := s.chatLocked(req)
		if apiErr != nil {
			return nil, apiErr
		}
		text := p["text"]
		if strings.TrimSpace(text) == "" {
			return nil, badRequest("message text is empty")
		}
		if visibleLength(text, p["parse_mode"]) > maxTextLength {
			return nil, badRequest("message is too long")
		}
		markup, apiErr := checkMarkup(p["reply_markup"])
		if apiErr != nil {
			return nil, apiErr
		}
		msg := s.newMessageLocked(chat)
		msg.Text = text
		msg.ReplyMarkup = markup
		s.messages[msgKey{chat.ID, msg.ID}] = storedMessage{text: text, markup: p["reply_markup"]}
		s.sent = append(s.sent, sentFrom(req, msg.ID))
		return msg, nil

	case "editmessagetext", "editmessagereplymarkup", "editmessagecaption":
		if p["inline_message_id"] != "" {
			return true, nil
		}
		chat, apiErr := s.chatLocked(req)
		if apiErr != nil {
			return nil, apiErr
		}
		id, err := strconv.Atoi(p["message_id"])
		if err != nil || id <= 0 {
			return nil, badRequest("message identifier is not specified")
		}
		markup, apiErr := checkMarkup(p["reply_markup"])
		if apiErr != nil {
			return nil, apiErr
		}
		key := msgKey{chat.ID, id}
		old, known := s.messages[key]
		next := old
		next.markup = p["reply_markup"]
		switch method {
		case "editmessagetext":
			if strings.TrimSpace(p["text"]) == "" {
				return nil, badRequest("message text is empty")
			}
			if visibleLength(p["text"], p["parse_mode"]) > maxTextLength {
				return nil, badRequest("MESSAGE_TOO_LONG")
			}
			next.text = p["text"]
		case "editmessagecaption":
			next.text = p["caption"]
		}
		if known && next == old {
			return nil, badRequest("message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")
		}
		s.messages[key] = next
		edit := sentFrom(req, id)
		edit.Text = next.text
		s.edits = append(s.edits, edit)
		msg := models.Message{
			ID:          id,
			From:        ptr(s.botUser()),
			Date:        int(req.At.Unix()),
			EditDate:    int(req.At.Unix()),
			Chat:        chat,
			Text:        next.text,
			ReplyMarkup: markup,
		}
		return msg, nil

	case "senddocument", "sendphoto":
		chat, apiErr := s.chatLocked(req)
		if apiErr != nil {
			return nil, apiErr
		}
		if visibleLength(p["caption"], p["parse_mode"]) > maxCaptionLength {
			return nil, badRequest("message caption is too long")
		}
		markup, apiErr := checkMarkup(p["reply_markup"])
		if apiErr != nil {
			return nil, apiErr
		}
		field := strings.TrimPrefix(method, "send")
		data, uploaded := req.Files[field]
		ref := p[field]
		if !uploaded && ref == "" {
			return nil, badRequest("there is no %s in the request", field)
		}
		msg := s.newMessageLocked(chat)
		msg.Caption = p["caption"]
		msg.ReplyMarkup = markup
		s.fileSeq++
		fileID := fmt.Sprintf("%s-%d", field, s.fileSeq)
		if !uploaded {
			fileID = ref
		} else {
			s.files[fileID] = data
		}
		if field == "document" {
			name := req.FileNames[field]
			if name == "" {
				name = "document"
			}
			msg.Document = &models.Document{FileID: fileID, FileUniqueID: "u" + fileID, FileName: name, FileSize: int64(len(data))}
		} else {
			msg.Photo = []models.PhotoSize{
				{FileID: fileID + "-s", FileUniqueID: "u" + fileID + "-s", Width: 90, Height: 90},
				{FileID: fileID, FileUniqueID: "u" + fileID, Width: 1280, Height: 960, FileSize: len(data)},
			}
		}
		s.messages[msgKey{chat.ID, msg.ID}] = storedMessage{text: msg.Caption, markup: p["reply_markup"]}
		return msg, nil

	case "deletemessage":
		chat, apiErr := s.chatLocked(req)
		if apiErr != nil {
			return nil, apiErr
		}
		id, _ := strconv.Atoi(p["message_id"])
		delete(s.messages, msgKey{chat.ID, id})
		return true, nil

	case "answercallbackquery":
		if p["callback_query_id"] == "" {
			return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
		}
		return true, nil

	case "setwebhook":
		if tok := p["secret_token"]; tok != "" && !validSecretToken(tok) {
			return nil, badRequest("secret token contains unallowed characters")
		}
		maxConn, _ := strconv.Atoi(p["max_connections"])
		if maxConn == 0 {
			maxConn = 40
		}
		var allowed []string
		if a := p["allowed_updates"]; a != "" {
			_ = json.Unmarshal([]byte(a), &allowed)
		}
		s.webhook = models.WebhookInfo{URL: p["url"], MaxConnections: maxConn, AllowedUpdates: allowed}
		if p["url"] == "" {
			s.webhook = models.WebhookInfo{}
		}
		return true, nil

	case "deletewebhook":
		s.webhook = models.WebhookInfo{}
		if p["drop_pending_updates"] == "true" {
			s.queue = nil
		}
		return true, nil

	case "getwebhookinfo":
		w := s.webhook
		w.PendingUpdateCount = len(s.queue)
		return w, nil

	case "setmycommands":
		var cmds []models.BotCommand
		if err := json.Unmarshal([]byte(p["commands"]), &cmds); err != nil {
			return nil, badRequest("can't parse commands JSON object")
		}
		return true, nil

	case "getfile":
		id := p["file_id"]
		data, ok := s.files[id]
		if !ok {
			return nil, badRequest("invalid file_id")
		}
		return models.File{FileID: id, FileUniqueID: "u" + id, FileSize: int64(len(data)), FilePath: "files/" + id}, nil
	}
	return true, nil
}

// chatLocked resolves chat_id to the chat Telegram would report.
func (s *Server) chatLocked(req *Request) (models.Chat, *apiError) {
	ref := req.Params["chat_id"]
	if ref == "" {
		return models.Chat{}, badRequest("chat_id is empty")
	}
	return chatFor(ref), nil
}

func chatFor(ref string) models.Chat {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return models.Chat{Type: models.ChatTypeChannel, Username: strings.TrimPrefix(ref, "@")}
	}
	switch {
	case id > 0:
		return models.Chat{ID: id, Type: models.ChatTypePrivate, FirstName: defaultFirstName(id)}
	case id < -1_000_000_000_000:
		return models.Chat{ID: id, Type: models.ChatTypeSupergroup, Title: defaultTitle(id)}
	default:
		return models.Chat{ID: id, Type: models.ChatTypeGroup, Title: defaultTitle(id)}
	}
}

// newMessageLocked numbers messages per chat, as Telegram does.
func (s *Server) newMessageLocked(chat models.Chat) models.Message {
	s.msgSeq[chat.ID]++
	return models.Message{
		ID:   s.msgSeq[chat.ID],
		From: ptr(s.botUser()),
		Date: int(s.now().Unix()),
		Chat: chat,
	}
}

// checkMarkup rejects what Telegram rejects in an inline keyboard and
// returns the keyboard to echo in the answer.
func checkMarkup(raw string) (*models.InlineKeyboardMarkup, *apiError) {
	if raw == "" {
		return nil, nil
	}
	var m struct {
		InlineKeyboard [][]map[string]json.RawMessage `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object")
	}
	if m.InlineKeyboard == nil {
		return nil, nil
	}
	for _, row := range m.InlineKeyboard {
		for _, b := range row {
			var data string
			if rawData, ok := b["callback_data"]; ok {
				_ = json.Unmarshal(rawData, &data)
				if len(data) == 0 || len(data) > maxCallbackData {
					return nil, badRequest("BUTTON_DATA_INVALID")
				}
			}
			if !hasButtonAction(b) {
				if _, ok := b["copy_text"]; ok {
					return nil, badRequest("BUTTON_COPY_TEXT_INVALID")
				}
				return nil, badRequest("BUTTON_TYPE_INVALID")
			}
		}
	}
	var kb models.InlineKeyboardMarkup
	_ = json.Unmarshal([]byte(raw), &kb)
	return &kb, nil
}

func hasButtonAction(b map[string]json.RawMessage) bool {
	for _, k := range []string{"url", "callback_data", "web_app", "login_url", "switch_inline_query",
		"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game", "pay"} {
		if _, ok := b[k]; ok {
			return true
		}
	}
	if raw, ok := b["copy_text"]; ok {
		var ct models.CopyTextButton
		_ = json.Unmarshal(raw, &ct)
		return ct.Text != ""
	}
	return false
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// visibleLength counts what Telegram counts against the length limits:
// UTF-16 code units of the text after HTML markup is removed. MarkdownV2 is
// counted as sent, which overestimates slightly.
func visibleLength(text, parseMode string) int {
	if strings.EqualFold(parseMode, string(models.ParseModeHTML)) {
		text = html.UnescapeString(htmlTag.ReplaceAllString(text, ""))
	}
	return utf16Len(text)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func validSecretToken(tok string) bool {
	if len(tok) == 0 || len(tok) > maxSecretTokenLen {
		return false
	}
	for _, c := range tok {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func ptr[T any](v T) *T { return &v }
