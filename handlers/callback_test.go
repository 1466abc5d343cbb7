package handlers

import (
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestParseCallback(t *testing.T) {
	for _, tt := range []struct {
		data string
		want Callback
		ok   bool
	}{
		{"lang:vi", Callback{Feature: "lang", Action: "vi"}, true},
		{"join:unit:42:3", Callback{Feature: "join", Action: "unit", ID: 42, Version: 3}, true},
		{"join:ok:7", Callback{Feature: "join", Action: "ok", ID: 7}, true},
		{"", Callback{}, false},
		{"join", Callback{}, false},
		{"join::1", Callback{}, false},
		{"join:ok:-1", Callback{}, false},
		{"join:ok:x", Callback{}, false},
		{"a:b:1:2:3", Callback{}, false},
	} {
		got, err := ParseCallback(tt.data)
		if (err == nil) != tt.ok || got != tt.want {
			t.Fatalf("ParseCallback(%q)=%+v,%v want %+v ok=%v", tt.data, got, err, tt.want, tt.ok)
		}
		if tt.ok {
			if back, _ := ParseCallback(got.String()); back != got {
				t.Fatalf("round trip %q → %q", tt.data, got.String())
			}
		}
	}
}

func TestPressedByRecipient(t *testing.T) {
	msg := func(chat models.Chat) models.MaybeInaccessibleMessage {
		return models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeMessage, Message: &models.Message{ID: 1, Date: 1, Chat: chat}}
	}
	gone := func(chat models.Chat) models.MaybeInaccessibleMessage {
		return models.MaybeInaccessibleMessage{Type: models.MaybeInaccessibleMessageTypeInaccessibleMessage, InaccessibleMessage: &models.InaccessibleMessage{Chat: chat, MessageID: 1}}
	}
	private := func(id int64) models.Chat { return models.Chat{ID: id, Type: models.ChatTypePrivate} }
	for _, tt := range []struct {
		name string
		from int64
		msg  models.MaybeInaccessibleMessage
		want bool
	}{
		{"OwnPrivateChat", 5, msg(private(5)), true},
		{"ErrOtherPrivateChat", 6, msg(private(5)), false},
		{"ErrOtherChatNoType", 6, msg(models.Chat{ID: 5}), false},
		{"ErrInaccessibleOtherChat", 6, gone(private(5)), false},
		{"InaccessibleOwnChat", 5, gone(private(5)), true},
		{"Group", 6, msg(models.Chat{ID: -100123, Type: models.ChatTypeSupergroup}), true},
		{"InlineMessage", 6, models.MaybeInaccessibleMessage{}, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cq := &models.CallbackQuery{ID: "1", From: models.User{ID: tt.from}, Message: tt.msg, Data: "bc:undo:1"}
			if got := pressedByRecipient(cq); got != tt.want {
				t.Fatalf("pressedByRecipient=%v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzParseCallback checks that whatever ParseCallback accepts is well
// formed and survives the encoding round trip: String gives data of at most
// 64 bytes that parses back to the same Callback. The second half encodes a
// Callback built from the fuzzed fields and parses it back.
func FuzzParseCallback(f *testing.F) {
	for _, s := range []string{"lang:vi", "join:unit:42:3", "join:ok:7", "a::", ":::", "bc:undo:+1", "my:fix:0:0", "td:x:007:-0"} {
		f.Add(s, "bc", "undo", int64(12), 3)
	}
	f.Fuzz(func(t *testing.T, data, feature, action string, id int64, version int) {
		c, err := ParseCallback(data)
		if err == nil {
			if c.Feature == "" || c.Action == "" || c.ID < 0 || c.Version < 0 {
				t.Fatalf("accepted %q as %+v", data, c)
			}
			enc := c.String()
			if len(enc) > maxCallbackData {
				t.Fatalf("re-encoded %q longer than 64 bytes", data)
			}
			back, err := ParseCallback(enc)
			if err != nil || back != c {
				t.Fatalf("round trip %q → %+v → %q → %+v, %v", data, c, enc, back, err)
			}
		}

		// Encoding: every Callback the features can draw parses back.
		c = Callback{Feature: feature, Action: action, ID: id, Version: version}
		drawable := feature != "" && action != "" && !strings.Contains(feature, ":") && !strings.Contains(action, ":") &&
			id >= 0 && version >= 0 && len(c.String()) <= maxCallbackData
		back, err := ParseCallback(c.String())
		if drawable && (err != nil || back != c) {
			t.Fatalf("%+v → %q → %+v, %v", c, c.String(), back, err)
		} else if !drawable && err == nil && back == c {
			t.Fatalf("%+v is not drawable, yet %q parses back to it", c, c.String())
		}
	})
}
