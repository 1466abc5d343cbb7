package telegramtest

import (
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

// DefaultLanguage is the language_code the builders give a user unless
// WithLanguage says otherwise.
const DefaultLanguage = "vi"

// IDs hands out increasing update ids; the zero value starts at 1.
type IDs struct{ n atomic.Int64 }

// NewIDs returns a counter starting at 1.
func NewIDs() *IDs { return &IDs{} }

// Next returns the next id.
func (c *IDs) Next() int64 { return c.n.Add(1) }

// UpdateOption adjusts what a builder produces.
type UpdateOption func(*updateOptions)

type updateOptions struct {
	language    string
	firstName   string
	lastName    string
	username    string
	title       string
	date        time.Time
	messageID   int
	replyTo     int
	noEntities  bool
	messageText string
	caption     string
}

// WithLanguage sets the sender's language_code ("vi", "en"; "" for none).
func WithLanguage(code string) UpdateOption {
	return func(o *updateOptions) { o.language = code }
}

// WithName sets the sender's first and last name.
func WithName(first, last string) UpdateOption {
	return func(o *updateOptions) { o.firstName, o.lastName = first, last }
}

// WithUsername sets the sender's @username (without the @).
func WithUsername(username string) UpdateOption {
	return func(o *updateOptions) { o.username = username }
}

// WithTitle sets a group chat's title.
func WithTitle(title string) UpdateOption {
	return func(o *updateOptions) { o.title = title }
}

// WithDate sets the message date; the default is time.Now.
func WithDate(t time.Time) UpdateOption {
	return func(o *updateOptions) { o.date = t }
}

// WithMessageID sets the message_id of the built message; the default is the
// update id.
func WithMessageID(id int) UpdateOption {
	return func(o *updateOptions) { o.messageID = id }
}

// WithReplyTo makes the message a reply to messageID (a bot message in the
// same chat).
func WithReplyTo(messageID int) UpdateOption {
	return func(o *updateOptions) { o.replyTo = messageID }
}

// WithoutEntities leaves entities empty, as for text whose commands
// Telegram did not mark (a forwarded or pasted "/start").
func WithoutEntities() UpdateOption {
	return func(o *updateOptions) { o.noEntities = true }
}

// WithMessageText sets the text of the bot message a Callback's button
// belongs to.
func WithMessageText(text string) UpdateOption {
	return func(o *updateOptions) { o.messageText = text }
}

// WithCaption sets the caption of a Document.
func WithCaption(caption string) UpdateOption {
	return func(o *updateOptions) { o.caption = caption }
}

func buildOptions(opts []UpdateOption) updateOptions {
	o := updateOptions{language: DefaultLanguage}
	for _, f := range opts {
		f(&o)
	}
	if o.date.IsZero() {
		o.date = time.Now()
	}
	return o
}

func defaultFirstName(userID int64) string { return fmt.Sprintf("User %d", userID) }

func defaultTitle(chatID int64) string { return fmt.Sprintf("Group %d", chatID) }

func (o updateOptions) user(userID int64) models.User {
	first := o.firstName
	if first == "" {
		first = defaultFirstName(userID)
	}
	return models.User{ID: userID, FirstName: first, LastName: o.lastName, Username: o.username, LanguageCode: o.language}
}

// chat is a private chat when chatID == userID, a supergroup for ids below
// -10^12 (the -100… form) and a basic group for other negative ids.
func (o updateOptions) chat(chatID, userID int64) models.Chat {
	if chatID == userID {
		u := o.user(userID)
		return models.Chat{ID: chatID, Type: models.ChatTypePrivate, FirstName: u.FirstName, LastName: u.LastName, Username: u.Username}
	}
	c := chatFor(strconv.FormatInt(chatID, 10))
	if o.title != "" && c.Type != models.ChatTypePrivate {
		c.Title = o.title
	}
	return c
}

func (o updateOptions) message(updateID, chatID, userID int64) *models.Message {
	id := o.messageID
	if id == 0 {
		id = int(updateID)
	}
	m := &models.Message{
		ID:   id,
		From: ptr(o.user(userID)),
		Date: int(o.date.Unix()),
		Chat: o.chat(chatID, userID),
	}
	if o.replyTo != 0 {
		m.ReplyToMessage = &models.Message{ID: o.replyTo, From: &models.User{ID: BotID, IsBot: true, FirstName: "cnsbot test", Username: BotUsername}, Date: m.Date, Chat: m.Chat}
	}
	return m
}

// Message builds a text message from userID in chatID: a private chat when
// chatID == userID. Like Telegram, it marks /commands in the text with
// bot_command entities (see WithoutEntities).
func Message(updateID, chatID, userID int64, text string, opts ...UpdateOption) *models.Update {
	o := buildOptions(opts)
	m := o.message(updateID, chatID, userID)
	m.Text = text
	if !o.noEntities {
		m.Entities = CommandEntities(text)
	}
	return &models.Update{ID: updateID, Message: m}
}

// Command builds a message holding a command such as "/start", "/baocao
// 2024-05" or "/help@cnsbot_test_bot"; a missing leading slash is added. The
// bot_command entity covers the command and its @botname, measured in UTF-16
// code units.
func Command(updateID, chatID, userID int64, text string, opts ...UpdateOption) *models.Update {
	if !strings.HasPrefix(text, "/") {
		text = "/" + text
	}
	return Message(updateID, chatID, userID, text, opts...)
}

// GroupMessage builds a text message from userID in the group chatID, which
// must be negative (-100… for a supergroup).
func GroupMessage(updateID, chatID, userID int64, text string, opts ...UpdateOption) *models.Update {
	if chatID >= 0 {
		panic(fmt.Sprintf("telegramtest: GroupMessage chat id %d is not a group id (negative)", chatID))
	}
	return Message(updateID, chatID, userID, text, opts...)
}

// Contact builds a message sharing a contact card. When contactUserID equals
// userID it is what a request_contact button sends: the sender's own phone.
// Any other contactUserID (or 0, a card without a Telegram account) is a
// forwarded card.
func Contact(updateID, chatID, userID, contactUserID int64, phone string, opts ...UpdateOption) *models.Update {
	o := buildOptions(opts)
	m := o.message(updateID, chatID, userID)
	c := &models.Contact{PhoneNumber: phone, UserID: contactUserID}
	if contactUserID == userID {
		c.FirstName, c.LastName = m.From.FirstName, m.From.LastName
	} else {
		c.FirstName = fmt.Sprintf("Contact %d", contactUserID)
	}
	m.Contact = c
	return &models.Update{ID: updateID, Message: m}
}

// Callback builds a press of an inline button carrying data on the bot's
// message messageID in chatID. The query id is the update id as text.
func Callback(updateID, chatID, userID, messageID int64, data string, opts ...UpdateOption) *models.Update {
	o := buildOptions(opts)
	from := o.user(userID)
	msg := &models.Message{
		ID:   int(messageID),
		From: &models.User{ID: BotID, IsBot: true, FirstName: "cnsbot test", Username: BotUsername},
		// A zero date would make the message "inaccessible" to the decoder.
		Date: int(o.date.Unix()),
		Chat: o.chat(chatID, userID),
		Text: o.messageText,
	}
	return &models.Update{ID: updateID, CallbackQuery: &models.CallbackQuery{
		ID:           strconv.FormatInt(updateID, 10),
		From:         from,
		Message:      models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: msg},
		ChatInstance: "ci" + strconv.FormatInt(chatID, 10),
		Data:         data,
	}}
}

// Photo builds a photo message with a caption (commands in it are marked in
// caption_entities). The largest size's file id is "photo-{updateID}".
func Photo(updateID, chatID, userID int64, caption string, opts ...UpdateOption) *models.Update {
	o := buildOptions(opts)
	m := o.message(updateID, chatID, userID)
	id := fmt.Sprintf("photo-%d", updateID)
	m.Photo = []models.PhotoSize{
		{FileID: id + "-s", FileUniqueID: "u" + id + "-s", Width: 90, Height: 68, FileSize: 1200},
		{FileID: id, FileUniqueID: "u" + id, Width: 1280, Height: 960, FileSize: 98000},
	}
	m.Caption = caption
	if !o.noEntities {
		m.CaptionEntities = CommandEntities(caption)
	}
	return &models.Update{ID: updateID, Message: m}
}

// Document builds a message carrying a file; register its content with
// Server.AddFile(fileID, data) so getFile and the download work.
func Document(updateID, chatID, userID int64, fileID, fileName string, opts ...UpdateOption) *models.Update {
	o := buildOptions(opts)
	m := o.message(updateID, chatID, userID)
	m.Document = &models.Document{FileID: fileID, FileUniqueID: "u" + fileID, FileName: fileName}
	m.Caption = o.caption
	if !o.noEntities {
		m.CaptionEntities = CommandEntities(o.caption)
	}
	return &models.Update{ID: updateID, Message: m}
}

// MyChatMember builds the update Telegram sends when the bot's status in a
// chat changes: in a private chat, newStatus "kicked" means the user blocked
// the bot and "member" that they unblocked it.
func MyChatMember(updateID, chatID, userID int64, oldStatus, newStatus models.ChatMemberType, opts ...UpdateOption) *models.Update {
	o := buildOptions(opts)
	bot := &models.User{ID: BotID, IsBot: true, FirstName: "cnsbot test", Username: BotUsername}
	return &models.Update{ID: updateID, MyChatMember: &models.ChatMemberUpdated{
		Chat:          o.chat(chatID, userID),
		From:          o.user(userID),
		Date:          int(o.date.Unix()),
		OldChatMember: chatMember(oldStatus, bot),
		NewChatMember: chatMember(newStatus, bot),
	}}
}

func chatMember(status models.ChatMemberType, u *models.User) models.ChatMember {
	m := models.ChatMember{Type: status}
	switch status {
	case models.ChatMemberTypeOwner:
		m.Owner = &models.ChatMemberOwner{Status: status, User: u}
	case models.ChatMemberTypeAdministrator:
		m.Administrator = &models.ChatMemberAdministrator{Status: status, User: *u}
	case models.ChatMemberTypeRestricted:
		m.Restricted = &models.ChatMemberRestricted{Status: status, User: u}
	case models.ChatMemberTypeLeft:
		m.Left = &models.ChatMemberLeft{Status: status, User: u}
	case models.ChatMemberTypeBanned:
		m.Banned = &models.ChatMemberBanned{Status: status, User: u}
	default:
		m.Type = models.ChatMemberTypeMember
		m.Member = &models.ChatMemberMember{Status: models.ChatMemberTypeMember, User: u}
	}
	return m
}

// CommandEntities finds the bot commands in text the way Telegram marks
// them: a "/" at the start or after a space, 1–32 letters, digits or
// underscores, and an optional "@botname". Offsets and lengths are in UTF-16
// code units.
func CommandEntities(text string) []models.MessageEntity {
	var out []models.MessageEntity
	pos := 0 // UTF-16 offset of text[i]
	prevSpace := true
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '/' && prevSpace {
			n := commandLen(text[i+1:])
			if n > 0 {
				end := i + 1 + n
				length := utf16Len(text[i:end])
				out = append(out, models.MessageEntity{
					Type:   models.MessageEntityTypeBotCommand,
					Offset: pos,
					Length: length,
				})
				pos += length
				i = end
				prevSpace = false
				continue
			}
		}
		prevSpace = r == ' ' || r == '\n' || r == '\t'
		pos += utf16Len(text[i : i+size])
		i += size
	}
	return out
}

// commandLen is the byte length of "name[@bot]" at the start of s, 0 when s
// does not start a command.
func commandLen(s string) int {
	name := wordLen(s)
	if name == 0 || name > 32 {
		return 0
	}
	if name < len(s) && s[name] == '@' {
		if bot := wordLen(s[name+1:]); bot > 0 {
			return name + 1 + bot
		}
	}
	return name
}

func wordLen(s string) int {
	n := 0
	for n < len(s) {
		c := s[n]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' {
			n++
			continue
		}
		break
	}
	return n
}
