package telegramtest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"cnsbot/internal/telegramtest"
)

const wait = 5 * time.Second

// MustBot builds a real go-telegram/bot client pointed at s.
func MustBot(tb testing.TB, s *telegramtest.Server, opts ...tgbot.Option) *tgbot.Bot {
	tb.Helper()
	opts = append([]tgbot.Option{
		tgbot.WithServerURL(s.URL()),
		tgbot.WithSkipGetMe(),
		tgbot.WithErrorsHandler(func(err error) { tb.Logf("bot error: %v", err) }),
	}, opts...)
	b, err := tgbot.New(telegramtest.Token, opts...)
	if err != nil {
		tb.Fatalf("tgbot.New: %v", err)
	}
	return b
}

// StartBot runs b.Start until the test ends and waits for it to return.
func StartBot(tb testing.TB, b *tgbot.Bot) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		b.Start(ctx)
	}()
	tb.Cleanup(func() {
		cancel()
		<-done
	})
}

func TestPolling(t *testing.T) {
	t.Run("ReceivesPushedUpdatesInOrder", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		var mu sync.Mutex
		var got []*models.Update
		b := MustBot(t, s,
			tgbot.WithNotAsyncHandlers(),
			tgbot.WithDefaultHandler(func(ctx context.Context, b *tgbot.Bot, u *models.Update) {
				mu.Lock()
				got = append(got, u)
				mu.Unlock()
			}))
		StartBot(t, b)

		s.Push(
			telegramtest.Command(1, 42, 42, "/start", telegramtest.WithLanguage("en")),
			telegramtest.Message(2, 42, 42, "Xin chào"),
			telegramtest.Contact(3, 42, 42, 42, "+84901234567"),
			telegramtest.Callback(4, 42, 42, 7, "rep:ok:1"),
			telegramtest.Photo(5, 42, 42, "ảnh"),
		)
		s.WaitFor(t, wait, func(*telegramtest.Server) bool {
			mu.Lock()
			defer mu.Unlock()
			return len(got) == 5
		})

		mu.Lock()
		defer mu.Unlock()
		for i, u := range got {
			if got, want := u.ID, int64(i+1); got != want {
				t.Fatalf("update %d ID=%d, want %d", i, got, want)
			}
		}
		if got, want := got[0].Message.Text, "/start"; got != want {
			t.Fatalf("Text=%q, want %q", got, want)
		}
		if got, want := got[0].Message.From.LanguageCode, "en"; got != want {
			t.Fatalf("LanguageCode=%q, want %q", got, want)
		}
		if ents := got[0].Message.Entities; len(ents) != 1 || ents[0].Type != models.MessageEntityTypeBotCommand || ents[0].Length != 6 {
			t.Fatalf("Entities=%+v, want one bot_command of length 6", ents)
		}
		if got, want := got[1].Message.From.LanguageCode, telegramtest.DefaultLanguage; got != want {
			t.Fatalf("default LanguageCode=%q, want %q", got, want)
		}
		if got, want := got[1].Message.Chat.Type, models.ChatTypePrivate; got != want {
			t.Fatalf("Chat.Type=%q, want %q", got, want)
		}
		if c := got[2].Message.Contact; c == nil || c.UserID != 42 || c.PhoneNumber != "+84901234567" {
			t.Fatalf("Contact=%+v", c)
		}
		cq := got[3].CallbackQuery
		if cq == nil || cq.Data != "rep:ok:1" || cq.Message.Message == nil || cq.Message.Message.ID != 7 || cq.Message.Message.Chat.ID != 42 {
			t.Fatalf("CallbackQuery=%+v", cq)
		}
		if p := got[4].Message; len(p.Photo) == 0 || p.Caption != "ảnh" {
			t.Fatalf("Photo message=%+v", p)
		}

		// The next poll confirms everything with its offset.
		s.WaitFor(t, wait, func(s *telegramtest.Server) bool { return s.Pending() == 0 })
	})

	t.Run("OffsetLimitTimeout", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		for i := 1; i <= 5; i++ {
			s.Push(telegramtest.Message(int64(i), 1, 1, fmt.Sprint(i)))
		}
		if got := pollIDs(t, s, url.Values{"limit": {"2"}}); fmt.Sprint(got) != "[1 2]" {
			t.Fatalf("limit 2: %v", got)
		}
		if got := pollIDs(t, s, url.Values{"offset": {"3"}}); fmt.Sprint(got) != "[3 4 5]" {
			t.Fatalf("offset 3: %v", got)
		}
		// Confirmed updates are gone even without an offset.
		if got := pollIDs(t, s, nil); fmt.Sprint(got) != "[3 4 5]" {
			t.Fatalf("after offset 3: %v", got)
		}
		if got := pollIDs(t, s, url.Values{"offset": {"6"}}); len(got) != 0 {
			t.Fatalf("offset 6: %v", got)
		}

		// A long poll returns as soon as an update is pushed.
		result := make(chan []int64, 1)
		go func() { result <- pollIDs(t, s, url.Values{"offset": {"6"}, "timeout": {"30"}}) }()
		s.WaitRequests(t, "getUpdates", 5, wait)
		start := time.Now()
		s.Push(telegramtest.Message(0, 1, 1, "auto id"))
		select {
		case got := <-result:
			if fmt.Sprint(got) != "[6]" {
				t.Fatalf("long poll: %v, want [6]", got)
			}
		case <-time.After(wait):
			t.Fatal("long poll did not return after Push")
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("long poll took %v", d)
		}
	})
}

// pollIDs calls getUpdates with a urlencoded form and returns the ids.
func pollIDs(t *testing.T, s *telegramtest.Server, form url.Values) []int64 {
	resp, err := http.PostForm(s.URL()+"/bot"+telegramtest.Token+"/getUpdates", form)
	if err != nil {
		t.Errorf("getUpdates: %v", err)
		return nil
	}
	defer resp.Body.Close()
	var body struct {
		OK     bool             `json:"ok"`
		Result []*models.Update `json:"result"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || !body.OK {
		t.Errorf("getUpdates: ok=%v err=%v", body.OK, err)
		return nil
	}
	ids := []int64{}
	for _, u := range body.Result {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestSendMessage(t *testing.T) {
	s := telegramtest.NewServer(t)
	b := MustBot(t, s)
	ctx := context.Background()

	msg, err := b.SendMessage(ctx, &tgbot.SendMessageParams{
		ChatID:    42,
		Text:      "<b>Báo cáo</b> đã lưu",
		ParseMode: models.ParseModeHTML,
		ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "Sửa", CallbackData: "rep:edit:1"}, {Text: "Huỷ", CallbackData: "rep:cancel:1"}},
		}},
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if got, want := msg.ID, 1; got != want {
		t.Fatalf("ID=%d, want %d", got, want)
	}
	if msg.Chat.ID != 42 || msg.Date == 0 || msg.From == nil || !msg.From.IsBot {
		t.Fatalf("Message=%+v", msg)
	}
	msg2, err := b.SendMessage(ctx, &tgbot.SendMessageParams{
		ChatID: 42,
		Text:   "Chia sẻ số điện thoại",
		ReplyMarkup: models.ReplyKeyboardMarkup{Keyboard: [][]models.KeyboardButton{
			{{Text: "📱 Gửi số", RequestContact: true}},
		}},
	})
	if err != nil {
		t.Fatalf("SendMessage: %v", err)
	}
	if got, want := msg2.ID, 2; got != want {
		t.Fatalf("second ID=%d, want %d", got, want)
	}

	sent := s.MessagesTo(42)
	if got, want := len(sent), 2; got != want {
		t.Fatalf("len(MessagesTo)=%d, want %d", got, want)
	}
	if got, want := sent[0].Text, "<b>Báo cáo</b> đã lưu"; got != want {
		t.Fatalf("Text=%q, want %q", got, want)
	}
	if got, want := sent[0].ParseMode, "HTML"; got != want {
		t.Fatalf("ParseMode=%q, want %q", got, want)
	}
	if got, want := fmt.Sprint(sent[0].InlineButtons()), "[[{Sửa rep:edit:1  false} {Huỷ rep:cancel:1  false}]]"; got != want {
		t.Fatalf("InlineButtons=%s, want %s", got, want)
	}
	if got, want := fmt.Sprint(sent[0].CallbackData()), "[rep:edit:1 rep:cancel:1]"; got != want {
		t.Fatalf("CallbackData=%s, want %s", got, want)
	}
	kb := sent[1].KeyboardButtons()
	if len(kb) != 1 || len(kb[0]) != 1 || !kb[0][0].RequestContact || kb[0][0].Text != "📱 Gửi số" {
		t.Fatalf("KeyboardButtons=%+v", kb)
	}
	req := s.RequestsFor("sendmessage")[0]
	if got, want := req.Params["chat_id"], "42"; got != want {
		t.Fatalf("chat_id=%q, want %q", got, want)
	}
	if got, want := req.Token, telegramtest.Token; got != want {
		t.Fatalf("Token=%q, want %q", got, want)
	}
	if got := s.MessagesTo(7); len(got) != 0 {
		t.Fatalf("MessagesTo(7)=%v", got)
	}

	s.Reset()
	if got := len(s.Requests()); got != 0 {
		t.Fatalf("len(Requests) after Reset=%d", got)
	}
}

func TestTelegramLimits(t *testing.T) {
	s := telegramtest.NewServer(t)
	b := MustBot(t, s)
	ctx := context.Background()
	for name, p := range map[string]*tgbot.SendMessageParams{
		"TextTooLong": {ChatID: 1, Text: strings.Repeat("ă", 4097)},
		"EmptyText":   {ChatID: 1, Text: " "},
		"CallbackDataTooLong": {ChatID: 1, Text: "x", ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "a", CallbackData: strings.Repeat("đ", 33)}}, // 66 bytes
		}}},
		"ButtonWithoutAction": {ChatID: 1, Text: "x", ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{
			{{Text: "a"}},
		}}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := b.SendMessage(ctx, p); !errors.Is(err, tgbot.ErrorBadRequest) {
				t.Fatalf("err=%v, want ErrorBadRequest", err)
			}
		})
	}
	t.Run("HTMLTagsDoNotCount", func(t *testing.T) {
		text := "<b>" + strings.Repeat("a", 4096) + "</b>"
		if _, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 1, Text: text, ParseMode: models.ParseModeHTML}); err != nil {
			t.Fatalf("err=%v", err)
		}
	})
	if got := len(s.SentMessages()); got != 1 {
		t.Fatalf("len(SentMessages)=%d, want 1 (rejected sends are not messages)", got)
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	send := func(b *tgbot.Bot, chatID int64) error {
		_, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: chatID, Text: "hi"})
		return err
	}

	t.Run("TooManyRequests", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		b := MustBot(t, s)
		s.FailNext("sendMessage", 1, http.StatusTooManyRequests, 7)
		err := send(b, 1)
		var tooMany *tgbot.TooManyRequestsError
		if !errors.As(err, &tooMany) {
			t.Fatalf("err=%v (%T), want *TooManyRequestsError", err, err)
		}
		if got, want := tooMany.RetryAfter, 7; got != want {
			t.Fatalf("RetryAfter=%d, want %d", got, want)
		}
		// As TELEGRAM.md warns: the sentinel does not match the typed error.
		if errors.Is(err, tgbot.ErrorTooManyRequests) {
			t.Fatal("errors.Is(err, ErrorTooManyRequests) is true; the library changed")
		}
		if err := send(b, 1); err != nil {
			t.Fatalf("second send: %v (FailNext 1 should fail once)", err)
		}
		reqs := s.RequestsFor("sendMessage")
		if len(reqs) != 2 || reqs[0].ErrorCode != 429 || !reqs[1].OK() {
			t.Fatalf("requests=%+v", reqs)
		}
		if got := len(s.SentMessages()); got != 1 {
			t.Fatalf("len(SentMessages)=%d, want 1", got)
		}
	})

	t.Run("Forbidden", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		b := MustBot(t, s)
		s.FailNext("sendMessage", 2, http.StatusForbidden, 0)
		for range 2 {
			err := send(b, 1)
			if !errors.Is(err, tgbot.ErrorForbidden) {
				t.Fatalf("err=%v, want ErrorForbidden", err)
			}
			if !strings.Contains(err.Error(), "bot was blocked by the user") {
				t.Fatalf("err=%v, want the blocked description", err)
			}
		}
		if err := send(b, 1); err != nil {
			t.Fatalf("third send: %v", err)
		}
	})

	t.Run("InternalServerError", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		b := MustBot(t, s)
		s.FailNext("sendMessage", 1, http.StatusInternalServerError, 0)
		err := send(b, 1)
		if err == nil || errors.Is(err, tgbot.ErrorForbidden) || errors.Is(err, tgbot.ErrorBadRequest) {
			t.Fatalf("err=%v, want a plain error", err)
		}
		var tooMany *tgbot.TooManyRequestsError
		if errors.As(err, &tooMany) {
			t.Fatalf("err=%v is a TooManyRequestsError", err)
		}
	})

	t.Run("FailChat", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		b := MustBot(t, s)
		s.FailChat(99, http.StatusForbidden)
		for range 3 {
			if err := send(b, 99); !errors.Is(err, tgbot.ErrorForbidden) {
				t.Fatalf("err=%v, want ErrorForbidden", err)
			}
		}
		if err := send(b, 100); err != nil {
			t.Fatalf("other chat: %v", err)
		}
		s.FailChat(99, 0)
		if err := send(b, 99); err != nil {
			t.Fatalf("after clearing: %v", err)
		}
		if got, want := len(s.MessagesTo(99)), 1; got != want {
			t.Fatalf("len(MessagesTo(99))=%d, want %d", got, want)
		}
	})

	t.Run("WrongToken", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		b, err := tgbot.New("999:WRONG", tgbot.WithServerURL(s.URL()), tgbot.WithSkipGetMe())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.GetMe(ctx); !errors.Is(err, tgbot.ErrorUnauthorized) {
			t.Fatalf("err=%v, want ErrorUnauthorized", err)
		}
	})

	t.Run("Latency", func(t *testing.T) {
		s := telegramtest.NewServer(t)
		b := MustBot(t, s)
		s.SetLatency(50 * time.Millisecond)
		start := time.Now()
		if err := send(b, 1); err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d < 50*time.Millisecond {
			t.Fatalf("send took %v, want ≥ 50ms", d)
		}
	})
}

func TestEdits(t *testing.T) {
	s := telegramtest.NewServer(t)
	b := MustBot(t, s)
	ctx := context.Background()
	msg, err := b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 5, Text: "Chọn chỉ số"})
	if err != nil {
		t.Fatal(err)
	}
	edited, err := b.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: 5, MessageID: msg.ID, Text: "Đã chọn"})
	if err != nil {
		t.Fatalf("EditMessageText: %v", err)
	}
	if edited.ID != msg.ID || edited.Text != "Đã chọn" || edited.EditDate == 0 {
		t.Fatalf("edited=%+v", edited)
	}
	_, err = b.EditMessageText(ctx, &tgbot.EditMessageTextParams{ChatID: 5, MessageID: msg.ID, Text: "Đã chọn"})
	if !errors.Is(err, tgbot.ErrorBadRequest) || !strings.Contains(err.Error(), "message is not modified") {
		t.Fatalf("err=%v, want message is not modified", err)
	}
	if _, err := b.EditMessageReplyMarkup(ctx, &tgbot.EditMessageReplyMarkupParams{ChatID: 5, MessageID: msg.ID,
		ReplyMarkup: models.InlineKeyboardMarkup{InlineKeyboard: [][]models.InlineKeyboardButton{{{Text: "OK", CallbackData: "x:ok:1"}}}}}); err != nil {
		t.Fatalf("EditMessageReplyMarkup: %v", err)
	}
	edits := s.Edits()
	if got, want := len(edits), 2; got != want {
		t.Fatalf("len(Edits)=%d, want %d", got, want)
	}
	if got, want := fmt.Sprint(edits[1].CallbackData()), "[x:ok:1]"; got != want {
		t.Fatalf("CallbackData=%s, want %s", got, want)
	}
	if ok, err := b.AnswerCallbackQuery(ctx, &tgbot.AnswerCallbackQueryParams{CallbackQueryID: "1"}); err != nil || !ok {
		t.Fatalf("AnswerCallbackQuery: %v %v", ok, err)
	}
	if ok, err := b.DeleteMessage(ctx, &tgbot.DeleteMessageParams{ChatID: 5, MessageID: msg.ID}); err != nil || !ok {
		t.Fatalf("DeleteMessage: %v %v", ok, err)
	}
}

func TestFiles(t *testing.T) {
	s := telegramtest.NewServer(t)
	b := MustBot(t, s)
	ctx := context.Background()
	msg, err := b.SendDocument(ctx, &tgbot.SendDocumentParams{
		ChatID:   7,
		Document: &models.InputFileUpload{Filename: "baocao.xlsx", Data: bytes.NewReader([]byte("PK\x03\x04data"))},
		Caption:  "Báo cáo tháng 5",
	})
	if err != nil {
		t.Fatalf("SendDocument: %v", err)
	}
	if msg.Document == nil || msg.Document.FileName != "baocao.xlsx" || msg.Caption != "Báo cáo tháng 5" {
		t.Fatalf("message=%+v", msg)
	}
	req := s.RequestsFor("sendDocument")[0]
	if got, want := string(req.Files["document"]), "PK\x03\x04data"; got != want {
		t.Fatalf("file=%q, want %q", got, want)
	}
	if got, want := req.FileNames["document"], "baocao.xlsx"; got != want {
		t.Fatalf("file name=%q, want %q", got, want)
	}
	if got, want := req.ChatID(), int64(7); got != want {
		t.Fatalf("ChatID=%d, want %d", got, want)
	}
	if _, err := b.SendPhoto(ctx, &tgbot.SendPhotoParams{ChatID: 7, Photo: &models.InputFileUpload{Filename: "chart.png", Data: bytes.NewReader([]byte("\x89PNG"))}}); err != nil {
		t.Fatalf("SendPhoto: %v", err)
	}

	s.AddFile("import-1", []byte("a;b;c"))
	f, err := b.GetFile(ctx, &tgbot.GetFileParams{FileID: "import-1"})
	if err != nil {
		t.Fatalf("GetFile: %v", err)
	}
	resp, err := http.Get(b.FileDownloadLink(f))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if got, want := string(data), "a;b;c"; resp.StatusCode != 200 || got != want {
		t.Fatalf("download %d %q, want %q", resp.StatusCode, got, want)
	}
	if _, err := b.GetFile(ctx, &tgbot.GetFileParams{FileID: "nope"}); !errors.Is(err, tgbot.ErrorBadRequest) {
		t.Fatalf("err=%v, want ErrorBadRequest", err)
	}
}

func TestWebhookAndCommands(t *testing.T) {
	s := telegramtest.NewServer(t)
	b := MustBot(t, s)
	ctx := context.Background()
	me, err := b.GetMe(ctx)
	if err != nil || me.Username != telegramtest.BotUsername || me.ID != telegramtest.BotID {
		t.Fatalf("GetMe=%+v, %v", me, err)
	}
	if _, err := b.SetMyCommands(ctx, &tgbot.SetMyCommandsParams{Commands: []models.BotCommand{{Command: "start", Description: "Bắt đầu"}}}); err != nil {
		t.Fatalf("SetMyCommands: %v", err)
	}
	if _, err := b.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: "https://bot.example.org/tg", SecretToken: "s3cret_-x", MaxConnections: 10}); err != nil {
		t.Fatalf("SetWebhook: %v", err)
	}
	info, err := b.GetWebhookInfo(ctx)
	if err != nil || info.URL != "https://bot.example.org/tg" || info.MaxConnections != 10 {
		t.Fatalf("GetWebhookInfo=%+v, %v", info, err)
	}
	// getUpdates and a webhook exclude each other.
	resp, err := http.PostForm(s.URL()+"/bot"+telegramtest.Token+"/getUpdates", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got, want := resp.StatusCode, http.StatusConflict; got != want {
		t.Fatalf("getUpdates with a webhook: status %d, want %d", got, want)
	}
	if _, err := b.SetWebhook(ctx, &tgbot.SetWebhookParams{URL: "https://x", SecretToken: "bad token!"}); !errors.Is(err, tgbot.ErrorBadRequest) {
		t.Fatalf("bad secret: err=%v, want ErrorBadRequest", err)
	}
	s.Push(telegramtest.Message(1, 1, 1, "x"))
	if _, err := b.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{DropPendingUpdates: true}); err != nil {
		t.Fatalf("DeleteWebhook: %v", err)
	}
	if s.Webhook().URL != "" || s.Pending() != 0 {
		t.Fatalf("after DeleteWebhook: %+v, pending %d", s.Webhook(), s.Pending())
	}
	// Methods the fake does not model answer true.
	if ok, err := b.SendChatAction(ctx, &tgbot.SendChatActionParams{ChatID: 1, Action: models.ChatActionTyping}); err != nil || !ok {
		t.Fatalf("SendChatAction: %v %v", ok, err)
	}
}

// fakeTB records Fatalf instead of stopping the test.
type fakeTB struct {
	testing.TB
	failed string
}

func (f *fakeTB) Helper() {}

func (f *fakeTB) Fatalf(format string, args ...any) { f.failed = fmt.Sprintf(format, args...) }

func TestWaitFor(t *testing.T) {
	s := telegramtest.NewServer(t)
	b := MustBot(t, s)
	ctx := context.Background()

	t.Run("WakesOnRequest", func(t *testing.T) {
		go func() {
			_, _ = b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 3, Text: "một"})
			_, _ = b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 3, Text: "hai"})
		}()
		msgs := s.WaitMessages(t, 3, 2, wait)
		if got, want := msgs[1].Text, "hai"; got != want {
			t.Fatalf("Text=%q, want %q", got, want)
		}
	})

	t.Run("TimeoutDumpsRequests", func(t *testing.T) {
		s.FailNext("sendMessage", 1, http.StatusForbidden, 0)
		_, _ = b.SendMessage(ctx, &tgbot.SendMessageParams{ChatID: 4, Text: "bị chặn"})
		ft := &fakeTB{TB: t}
		s.WaitFor(ft, 20*time.Millisecond, func(*telegramtest.Server) bool { return false })
		for _, want := range []string{"condition not met", "sendMessage -> error 403", `text="bị chặn"`, `chat_id="4"`} {
			if !strings.Contains(ft.failed, want) {
				t.Fatalf("failure message lacks %q:\n%s", want, ft.failed)
			}
		}
	})
}

func TestServerClosesWithPendingLongPoll(t *testing.T) {
	// The bot is never stopped: the server's cleanup must release its long
	// poll rather than wait the 59 s the library asks for.
	start := time.Now()
	t.Run("Inner", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		// Registered before the server, so it runs after the server's cleanup.
		t.Cleanup(func() {
			cancel()
			<-done
		})
		s := telegramtest.NewServer(t)
		b := MustBot(t, s)
		go func() {
			defer close(done)
			b.Start(ctx)
		}()
		s.WaitRequests(t, "getUpdates", 1, wait)
	})
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("cleanup took %v", d)
	}
}
