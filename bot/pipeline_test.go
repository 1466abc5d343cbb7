package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/handlers"
	"cnsbot/locales"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// recordingSender remembers what the pipeline sent.
type recordingSender struct {
	mu      sync.Mutex
	texts   []string
	answers []string
}

func (s *recordingSender) SendMessage(_ context.Context, p *tgbot.SendMessageParams) (*models.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts = append(s.texts, p.Text)
	return &models.Message{ID: len(s.texts)}, nil
}

func (s *recordingSender) EditMessageText(context.Context, *tgbot.EditMessageTextParams) (*models.Message, error) {
	return &models.Message{}, nil
}

func (s *recordingSender) SendDocument(context.Context, *tgbot.SendDocumentParams) (*models.Message, error) {
	return &models.Message{}, nil
}

func (s *recordingSender) SendPhoto(context.Context, *tgbot.SendPhotoParams) (*models.Message, error) {
	return &models.Message{}, nil
}

func (s *recordingSender) AnswerCallbackQuery(_ context.Context, p *tgbot.AnswerCallbackQueryParams) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(s.answers, p.Text)
	return true, nil
}

// memoryUpdateLog records the updates marked done.
type memoryUpdateLog struct {
	mu   sync.Mutex
	done map[int64]int
}

func (l *memoryUpdateLog) FinishUpdate(_ context.Context, id int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done[id]++
	return nil
}

const secretToken = "987654:SECRET-TOKEN-abc"

func newTestPipeline(tb testing.TB, h func(context.Context, *handlers.Update) error) (*Pipeline, *recordingSender, *bytes.Buffer) {
	tb.Helper()
	catalog, err := locales.Load()
	if err != nil {
		tb.Fatal(err)
	}
	var logs bytes.Buffer
	s := &recordingSender{}
	return &Pipeline{
		Handler: h, Catalog: catalog, Sender: s, DefaultLocale: "vi", Token: secretToken,
		Updates: &memoryUpdateLog{done: map[int64]int{}},
		Logger:  slog.New(slog.NewTextHandler(&logs, nil)),
	}, s, &logs
}

func textUpdate(id, user int64, lang string) *models.Update {
	return &models.Update{ID: id, Message: &models.Message{
		Chat: models.Chat{ID: user, Type: models.ChatTypePrivate},
		From: &models.User{ID: user, LanguageCode: lang}, Text: "hello",
	}}
}

// A panicking handler costs the user an apology in their language, the log
// a line with the update id, and the process nothing.
func TestPipelinePanicRecovered(t *testing.T) {
	p, s, logs := newTestPipeline(t, func(context.Context, *handlers.Update) error { panic("boom") })
	p.Handle(context.Background(), textUpdate(41, 7, "en"))
	if len(s.texts) != 1 || s.texts[0] != p.Catalog.T("en", "error.internal", nil) {
		t.Fatalf("sent=%q, want one English apology", s.texts)
	}
	if !strings.Contains(logs.String(), "update_id=41") || !strings.Contains(logs.String(), "boom") {
		t.Fatalf("log=%s", logs.String())
	}
}

// An internal error never shows its Go text, and its log line never holds
// the token, even when the error does (the library's URLs carry it).
func TestPipelineInternalErrorRedacted(t *testing.T) {
	p, s, logs := newTestPipeline(t, func(context.Context, *handlers.Update) error {
		return errors.New(`Post "https://api.telegram.org/bot` + secretToken + `/sendMessage": dial tcp: timeout`)
	})
	p.Handle(context.Background(), textUpdate(42, 7, "vi"))
	if got, want := s.texts, p.Catalog.T("vi", "error.internal", nil); len(got) != 1 || got[0] != want {
		t.Fatalf("sent=%q, want %q", got, want)
	}
	if strings.Contains(logs.String(), secretToken) || !strings.Contains(logs.String(), "<token>") {
		t.Fatalf("log leaks or lacks the redaction: %s", logs.String())
	}
}

// An application error renders its own key once, in the locale the handler
// learned; a callback gets it as a notice instead of a message.
func TestPipelineRendersAppErrorOnce(t *testing.T) {
	p, s, _ := newTestPipeline(t, func(ctx context.Context, u *handlers.Update) error {
		cnsbot.RequestInfoFrom(ctx).Locale = "en"
		return cnsbot.Errorf(cnsbot.EINVALID, "error.too_long", "Max", 4096)
	})
	p.Handle(context.Background(), textUpdate(43, 7, "vi"))
	if want := p.Catalog.T("en", "error.too_long", map[string]any{"Max": 4096}); len(s.texts) != 1 || s.texts[0] != want {
		t.Fatalf("sent=%q, want %q", s.texts, want)
	}
	p.Handle(context.Background(), &models.Update{ID: 44, CallbackQuery: &models.CallbackQuery{ID: "q", From: models.User{ID: 7}, Data: "x"}})
	if len(s.answers) != 1 || len(s.texts) != 1 {
		t.Fatalf("answers=%q texts=%q, want one notice and no new message", s.answers, s.texts)
	}
}

// Every update is marked done once, after its handler — whether it
// succeeded, failed or panicked — and never before: a crash before the mark
// makes it handled again.
func TestPipelineMarksDone(t *testing.T) {
	var p *Pipeline
	var doneBefore []int
	p, _, _ = newTestPipeline(t, func(_ context.Context, u *handlers.Update) error {
		doneBefore = append(doneBefore, p.Updates.(*memoryUpdateLog).done[u.ID])
		switch u.ID {
		case 2:
			return cnsbot.Errorf(cnsbot.EINVALID, "error.too_long", "Max", 4096)
		case 3:
			panic("boom")
		}
		return nil
	})
	for id := int64(1); id <= 3; id++ {
		p.Handle(context.Background(), textUpdate(id, 7, "vi"))
	}
	done := p.Updates.(*memoryUpdateLog).done
	if !slices.Equal(doneBefore, []int{0, 0, 0}) || done[1] != 1 || done[2] != 1 || done[3] != 1 {
		t.Fatalf("done during the handler %v, after %v; want none during, each once after", doneBefore, done)
	}
}

// Over the flood limit a user is warned once, then ignored until the window
// passes.
func TestPipelineFloodLimit(t *testing.T) {
	calls := 0
	p, s, _ := newTestPipeline(t, func(context.Context, *handlers.Update) error { calls++; return nil })
	now := time.Date(2026, 7, 21, 8, 0, 0, 0, time.UTC)
	p.Flood = NewFloodLimiter(3)
	p.Flood.Now = func() time.Time { return now }
	for i := int64(1); i <= 6; i++ {
		p.Handle(context.Background(), textUpdate(100+i, 7, "vi"))
	}
	if want := p.Catalog.T("vi", "flood.warning", nil); calls != 3 || len(s.texts) != 1 || s.texts[0] != want {
		t.Fatalf("calls=%d sent=%q, want 3 handled and one warning", calls, s.texts)
	}
	now = now.Add(time.Minute)
	p.Handle(context.Background(), textUpdate(200, 7, "vi"))
	if calls != 4 {
		t.Fatalf("calls=%d after the window, want 4", calls)
	}
	if NewFloodLimiter(0) != nil {
		t.Fatal("a limit of 0 must turn the limiter off")
	}
}

// The client never puts the token in an error it returns.
func TestNewRedactsToken(t *testing.T) {
	p, _, _ := newTestPipeline(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := New(ctx, Options{Token: secretToken, APIURL: "http://127.0.0.1:1"}, p)
	if err == nil || strings.Contains(err.Error(), secretToken) {
		t.Fatalf("err=%v, want an error without the token", err)
	}
}
