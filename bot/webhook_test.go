package bot

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/go-telegram/bot/models"
)

func TestWebhookHandler(t *testing.T) {
	var taken atomic.Int32
	h := WebhookHandler("s3cret_token-1", func(context.Context, *models.Update) bool {
		taken.Add(1)
		return true
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	body := `{"update_id":7,"message":{"message_id":1,"date":1,"chat":{"id":5,"type":"private"},"text":"hi"}}`
	for _, tt := range []struct {
		name   string
		method string
		secret string
		body   string
		want   int
	}{
		{"OK", http.MethodPost, "s3cret_token-1", body, http.StatusOK},
		{"ErrMissingSecret", http.MethodPost, "", body, http.StatusUnauthorized},
		{"ErrWrongSecret", http.MethodPost, "s3cret_token-2", body, http.StatusUnauthorized},
		{"ErrGet", http.MethodGet, "s3cret_token-1", "", http.StatusMethodNotAllowed},
		{"ErrTooLarge", http.MethodPost, "s3cret_token-1", `{"update_id":1,"x":"` + strings.Repeat("a", 2<<20) + `"}`, http.StatusRequestEntityTooLarge},
		{"ErrNotJSON", http.MethodPost, "s3cret_token-1", "{", http.StatusBadRequest},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := taken.Load()
			req := httptest.NewRequest(tt.method, "/telegram", strings.NewReader(tt.body))
			if tt.secret != "" {
				req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tt.secret)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := rec.Code; got != tt.want {
				t.Fatalf("status=%d, want %d", got, tt.want)
			}
			if processed := taken.Load() - before; (tt.want == http.StatusOK) != (processed == 1) {
				t.Fatalf("processed=%d for status %d", processed, tt.want)
			}
		})
	}
}
