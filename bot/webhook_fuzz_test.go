package bot

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-telegram/bot/models"
)

// FuzzWebhookBody throws random methods, secrets and bodies at the webhook
// endpoint: it never panics, answers only 200, 400, 401, 405 or 413, and
// answers 200 — having dispatched the update — only for the right secret and
// a body that decodes to an update with an id.
func FuzzWebhookBody(f *testing.F) {
	const secret = "s3cret_token-1"
	for _, s := range []struct {
		method, secret, body string
	}{
		{http.MethodPost, secret, `{"update_id":7,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"hi"}}`},
		{http.MethodPost, secret, `{"update_id":8,"callback_query":{"id":"1","from":{"id":5,"first_name":"a"},"message":{"message_id":1,"date":0,"chat":{"id":5,"type":"private"}},"data":"bc:undo:1"}}`},
		{http.MethodPost, secret, `{"update_id":0}`},
		{http.MethodPost, secret, `{"update_id":"7"}`},
		{http.MethodPost, secret, `{`},
		{http.MethodPost, secret, ``},
		{http.MethodPost, secret, `null`},
		{http.MethodPost, "s3cret_token-2", `{"update_id":7}`},
		{http.MethodPost, "", `{"update_id":7}`},
		{http.MethodGet, secret, ``},
		{"PATCH", secret, `{"update_id":7}`},
	} {
		f.Add(s.method, s.secret, []byte(s.body))
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	f.Fuzz(func(t *testing.T, method, header string, body []byte) {
		var got *models.Update
		h := WebhookHandler(secret, func(_ context.Context, upd *models.Update) bool {
			got = upd
			return true
		}, logger)
		if method == "" || strings.ContainsAny(method, " \t\r\n") {
			method = http.MethodPost
		}
		req := httptest.NewRequest(http.MethodPost, "/telegram", strings.NewReader(string(body)))
		req.Method = method
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", header)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)

		switch rec.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnauthorized, http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for %s %q %q", rec.Code, method, header, body)
		}
		var upd models.Update
		decodable := len(body) <= MaxWebhookBody && json.Unmarshal(body, &upd) == nil && upd.ID != 0
		want := method == http.MethodPost && header == secret && decodable
		if ok := rec.Code == http.StatusOK; ok != want {
			t.Fatalf("status %d for %s %q %q, want 200=%v", rec.Code, method, header, body, want)
		}
		if (got != nil) != want {
			t.Fatalf("dispatched=%v for status %d", got != nil, rec.Code)
		} else if got != nil && got.ID != upd.ID {
			t.Fatalf("dispatched update %d, body says %d", got.ID, upd.ID)
		}
	})
}
