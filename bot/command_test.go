package bot

import (
	"testing"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"
)

func commandMessage(text string, entityLen int) *models.Message {
	m := &models.Message{Text: text}
	if entityLen > 0 {
		m.Entities = []models.MessageEntity{{Type: models.MessageEntityTypeBotCommand, Offset: 0, Length: entityLen}}
	}
	return m
}

func utf16Len(s string) int { return len(utf16.Encode([]rune(s))) }

func TestParseCommand(t *testing.T) {
	tests := []struct {
		text    string
		entity  string // the command part the entity covers; "" = no entity
		ok      bool
		name    string
		mention string
		args    string
	}{
		{"/start", "/start", true, "start", "", ""},
		{"/start abc123", "/start", true, "start", "", "abc123"},
		{"/bc@cnsbot_test_bot vneid 15", "/bc@cnsbot_test_bot", true, "bc", "cnsbot_test_bot", "vneid 15"},
		{"/BC@CNSBOT_TEST_BOT vneid 15", "/BC@CNSBOT_TEST_BOT", true, "bc", "CNSBOT_TEST_BOT", "vneid 15"},
		{"/bc@other_bot vneid 15", "/bc@other_bot", false, "", "", ""},
		{"/bc định danh 5 hôm qua", "/bc", true, "bc", "", "định danh 5 hôm qua"},
		{"/trogiup", "", true, "trogiup", "", ""},
		{"/huy\n", "", true, "huy", "", ""},
		{"/bc\u00a0vneid 3", "/bc", true, "bc", "", "vneid 3"},
		{"/bc😀 x", "", false, "", "", ""},
		{"hello", "", false, "", "", ""},
		{"/", "", false, "", "", ""},
		{"/ start", "", false, "", "", ""},
		{"/báocáo", "", false, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			cmd, ok := ParseCommand(commandMessage(tt.text, utf16Len(tt.entity)), "cnsbot_test_bot")
			if got, want := ok, tt.ok; got != want {
				t.Fatalf("ok=%v, want %v (%+v)", got, want, cmd)
			}
			if !ok {
				return
			}
			if cmd.Name != tt.name || cmd.Mention != tt.mention || cmd.Args != tt.args {
				t.Fatalf("cmd=%+v, want name=%q mention=%q args=%q", cmd, tt.name, tt.mention, tt.args)
			}
		})
	}
}

// An entity after non-ASCII text is measured in UTF-16 code units: a parser
// that treats them as bytes cuts the command in the wrong place.
func TestParseCommandUTF16Entity(t *testing.T) {
	text := "/bc@cnsbot_test_bot 😀 định danh 5"
	m := commandMessage(text, utf16Len("/bc@cnsbot_test_bot"))
	cmd, ok := ParseCommand(m, "cnsbot_test_bot")
	if !ok || cmd.Name != "bc" || cmd.Args != "😀 định danh 5" {
		t.Fatalf("cmd=%+v ok=%v", cmd, ok)
	}
	if got, want := utf16ToByteOffset("😀a", 2), len("😀"); got != want {
		t.Fatalf("utf16ToByteOffset=%d, want %d", got, want)
	}
	if got, want := utf16ToByteOffset("ab", 10), 2; got != want {
		t.Fatalf("utf16ToByteOffset=%d, want %d", got, want)
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/start", "/bc@x vneid 15", "/bc 😀", "/", "text"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, text string, n int) {
		cmd, ok := ParseCommand(commandMessage(text, n), "cnsbot_test_bot")
		if ok && (cmd.Name == "" || len(cmd.Name) > maxCommandLen) {
			t.Fatalf("bad command %+v from %q", cmd, text)
		}
	})
}
