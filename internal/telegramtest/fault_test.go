package telegramtest_test

import (
	"context"
	"errors"
	"testing"

	tgbot "github.com/go-telegram/bot"

	"cnsbot/internal/telegramtest"
)

func TestSetFault(t *testing.T) {
	srv := telegramtest.NewServer(t)
	b, err := tgbot.New(telegramtest.Token, tgbot.WithServerURL(srv.URL()), tgbot.WithSkipGetMe())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	// Chat 7 is blocked; chat 8 gets a 429 on its first call only.
	srv.SetFault(func(method string, chatID int64, attempt int) (int, int) {
		switch {
		case method != "sendMessage":
			return 0, 0
		case chatID == 7:
			return 403, 0
		case chatID == 8 && attempt == 0:
			return 429, 2
		}
		return 0, 0
	})
	send := func(chat int64) error {
		_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chat, Text: "x"})
		return err
	}
	if err := send(7); !errors.Is(err, tgbot.ErrorForbidden) {
		t.Fatalf("chat 7: %v, want forbidden", err)
	}
	if err := send(7); !errors.Is(err, tgbot.ErrorForbidden) {
		t.Fatalf("chat 7 again: %v, want forbidden", err)
	}
	var tooMany *tgbot.TooManyRequestsError
	if err := send(8); !errors.As(err, &tooMany) || tooMany.RetryAfter != 2 {
		t.Fatalf("chat 8: %v, want 429 retry after 2", err)
	}
	if err := send(8); err != nil {
		t.Fatalf("chat 8 second attempt: %v", err)
	}
	if err := send(9); err != nil {
		t.Fatalf("chat 9: %v", err)
	}
	// FailNext still comes first.
	srv.FailNext("sendMessage", 1, 500, 0)
	if err := send(9); err == nil {
		t.Fatal("FailNext ignored")
	}
	srv.SetFault(nil)
	if err := send(7); err != nil {
		t.Fatalf("chat 7 after SetFault(nil): %v", err)
	}
	if got, want := len(srv.SentMessages()), 3; got != want {
		t.Fatalf("sent %d, want %d", got, want)
	}
}
