package bot

import (
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

// Command is a bot command parsed from a message: "/bc@cnsbot vneid 15" has
// Name "bc", Mention "cnsbot" and Args "vneid 15".
type Command struct {
	Name    string // lower case, without the slash
	Mention string // the @BotName part, without the @; "" when absent
	Args    string // the rest of the text, trimmed
}

// maxCommandLen is Telegram's limit on a command name.
const maxCommandLen = 32

// ParseCommand reads the command at the start of msg. It uses the
// bot_command entity when there is one (its offsets count UTF-16 code units,
// not bytes), and the text itself otherwise (the terminal shell and clients
// that send no entities). ok is false when the message is not a command or
// names another bot.
func ParseCommand(msg *models.Message, botUsername string) (cmd Command, ok bool) {
	if msg == nil {
		return Command{}, false
	}
	text := msg.Text
	entities := msg.Entities
	if text == "" {
		text, entities = msg.Caption, msg.CaptionEntities
	}
	if !strings.HasPrefix(text, "/") {
		return Command{}, false
	}
	end := -1
	for _, e := range entities {
		if e.Type == models.MessageEntityTypeBotCommand && e.Offset == 0 {
			end = utf16ToByteOffset(text, e.Length)
			break
		}
	}
	if end < 0 {
		end = strings.IndexFunc(text, unicode.IsSpace)
		if end < 0 {
			end = len(text)
		}
	}
	head, rest := text[1:end], text[end:]
	name, mention, _ := strings.Cut(head, "@")
	if !validCommandName(name) {
		return Command{}, false
	}
	if mention != "" && botUsername != "" && !strings.EqualFold(mention, botUsername) {
		return Command{}, false
	}
	return Command{Name: strings.ToLower(name), Mention: mention, Args: strings.TrimSpace(rest)}, true
}

func validCommandName(name string) bool {
	if name == "" || len(name) > maxCommandLen {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// utf16ToByteOffset converts an offset in UTF-16 code units into a byte
// offset of s, clamped to len(s).
func utf16ToByteOffset(s string, units int) int {
	n := 0
	for i, r := range s {
		if n >= units {
			return i
		}
		n += utf16.RuneLen(r)
		if utf16.RuneLen(r) < 0 {
			n++
		}
	}
	return len(s)
}
