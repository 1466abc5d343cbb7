package telegramtest_test

import (
	"encoding/json"
	"testing"
	"unicode/utf16"

	"github.com/go-telegram/bot/models"

	"cnsbot/internal/telegramtest"
)

// entityText cuts an entity out of text the way a client does: by UTF-16
// code units.
func entityText(text string, e models.MessageEntity) string {
	u := utf16.Encode([]rune(text))
	return string(utf16.Decode(u[e.Offset : e.Offset+e.Length]))
}

func TestCommandEntities(t *testing.T) {
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"/start", []string{"/start"}},
		{"/start abc", []string{"/start"}},
		{"/help@cnsbot_test_bot", []string{"/help@cnsbot_test_bot"}},
		{"/baocao@cnsbot_test_bot 2024-05", []string{"/baocao@cnsbot_test_bot"}},
		{"Xin chào /baocao", []string{"/baocao"}},
		{"😀😀 /start", []string{"/start"}},
		{"Tiếng Việt có dấu 👍 /tiendo x /help", []string{"/tiendo", "/help"}},
		{"a/b", nil},
		{"/", nil},
		{"1/2 /x", []string{"/x"}},
		{"không có lệnh", nil},
	} {
		t.Run(tt.text, func(t *testing.T) {
			ents := telegramtest.CommandEntities(tt.text)
			if got, want := len(ents), len(tt.want); got != want {
				t.Fatalf("len=%d, want %d (%+v)", got, want, ents)
			}
			for i, e := range ents {
				if e.Type != models.MessageEntityTypeBotCommand {
					t.Fatalf("Type=%q", e.Type)
				}
				if got, want := entityText(tt.text, e), tt.want[i]; got != want {
					t.Fatalf("entity %d=%q, want %q", i, got, want)
				}
			}
		})
	}
}

func TestCommandAddsSlash(t *testing.T) {
	u := telegramtest.Command(1, 5, 5, "start ref_1")
	if got, want := u.Message.Text, "/start ref_1"; got != want {
		t.Fatalf("Text=%q, want %q", got, want)
	}
	if ents := u.Message.Entities; len(ents) != 1 || ents[0].Offset != 0 || ents[0].Length != 6 {
		t.Fatalf("Entities=%+v", ents)
	}
}

func TestBuilders(t *testing.T) {
	// Every builder's update must survive the JSON round trip the fake does.
	roundTrip := func(t *testing.T, u *models.Update) *models.Update {
		t.Helper()
		data, err := json.Marshal(u)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var out models.Update
		if err := json.Unmarshal(data, &out); err != nil {
			t.Fatalf("unmarshal: %v\n%s", err, data)
		}
		return &out
	}

	t.Run("GroupMessage", func(t *testing.T) {
		u := roundTrip(t, telegramtest.GroupMessage(1, -1001234567890, 7, "/baocao@cnsbot_test_bot", telegramtest.WithTitle("Tổ CNS xã A")))
		c := u.Message.Chat
		if c.Type != models.ChatTypeSupergroup || c.Title != "Tổ CNS xã A" || u.Message.From.ID != 7 {
			t.Fatalf("Message=%+v", u.Message)
		}
		if g := roundTrip(t, telegramtest.GroupMessage(2, -42, 7, "x")); g.Message.Chat.Type != models.ChatTypeGroup {
			t.Fatalf("Chat=%+v, want a basic group", g.Message.Chat)
		}
	})

	t.Run("Contact", func(t *testing.T) {
		own := roundTrip(t, telegramtest.Contact(1, 7, 7, 7, "+84901234567", telegramtest.WithName("Lan", "Nguyễn")))
		if c := own.Message.Contact; c.UserID != own.Message.From.ID || c.FirstName != "Lan" || c.LastName != "Nguyễn" {
			t.Fatalf("own contact=%+v", c)
		}
		forwarded := roundTrip(t, telegramtest.Contact(2, 7, 7, 8, "+84907654321"))
		if c := forwarded.Message.Contact; c.UserID == forwarded.Message.From.ID {
			t.Fatalf("forwarded contact=%+v", c)
		}
	})

	t.Run("Callback", func(t *testing.T) {
		u := roundTrip(t, telegramtest.Callback(9, 7, 7, 3, "ind:pick:12", telegramtest.WithMessageText("Chọn chỉ số"), telegramtest.WithLanguage("en")))
		cq := u.CallbackQuery
		if cq.ID != "9" || cq.From.LanguageCode != "en" || cq.Message.Type != models.MaybeInaccessibleMessageTypeMessage {
			t.Fatalf("CallbackQuery=%+v", cq)
		}
		if m := cq.Message.Message; m.ID != 3 || m.Text != "Chọn chỉ số" || m.Chat.Type != models.ChatTypePrivate {
			t.Fatalf("Message=%+v", m)
		}
	})

	t.Run("DocumentAndReply", func(t *testing.T) {
		u := roundTrip(t, telegramtest.Document(4, 7, 7, "file-1", "members.xlsx", telegramtest.WithCaption("/import"), telegramtest.WithReplyTo(2)))
		m := u.Message
		if m.Document.FileID != "file-1" || m.Document.FileName != "members.xlsx" || m.Caption != "/import" || len(m.CaptionEntities) != 1 {
			t.Fatalf("Message=%+v", m)
		}
		if m.ReplyToMessage == nil || m.ReplyToMessage.ID != 2 || !m.ReplyToMessage.From.IsBot {
			t.Fatalf("ReplyToMessage=%+v", m.ReplyToMessage)
		}
	})

	t.Run("MyChatMember", func(t *testing.T) {
		u := roundTrip(t, telegramtest.MyChatMember(5, 7, 7, models.ChatMemberTypeMember, models.ChatMemberTypeBanned))
		cm := u.MyChatMember
		if cm.OldChatMember.Type != models.ChatMemberTypeMember || cm.NewChatMember.Type != models.ChatMemberTypeBanned || cm.From.ID != 7 {
			t.Fatalf("MyChatMember=%+v", cm)
		}
	})

	t.Run("WithoutEntities", func(t *testing.T) {
		if u := telegramtest.Message(1, 1, 1, "/start", telegramtest.WithoutEntities()); len(u.Message.Entities) != 0 {
			t.Fatalf("Entities=%+v", u.Message.Entities)
		}
	})

	t.Run("IDs", func(t *testing.T) {
		ids := telegramtest.NewIDs()
		if a, b := ids.Next(), ids.Next(); a != 1 || b != 2 {
			t.Fatalf("ids %d %d, want 1 2", a, b)
		}
	})
}
