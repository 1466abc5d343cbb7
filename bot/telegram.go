package bot

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"cnsbot"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// AllowedUpdates are the update types cnsbot asks Telegram for.
var AllowedUpdates = []string{"message", "edited_message", "callback_query", "my_chat_member"}

// Options configure the Telegram edge.
type Options struct {
	Token       string
	APIURL      string        // Telegram's or any Bot API-compatible server
	PollTimeout time.Duration // long-poll timeout of getUpdates
	MaxActive   int           // chats handled in parallel
	Logger      *slog.Logger
}

// Bot is the running Telegram edge: the library client, the dispatcher and
// the pipeline every update goes through.
type Bot struct {
	TG         *tgbot.Bot
	Pipeline   *Pipeline
	Dispatcher *Dispatcher
	Username   string
	// Intake keeps polled updates from fetch to done (polling mode).
	Intake cnsbot.Intake
	// Claims claims webhook deliveries (webhook mode); nil: none (tests).
	Claims cnsbot.UpdateLog
	opts   Options
	client *http.Client
}

// NewHTTPClient returns the client the library sends with. The default
// http.Client keeps only two idle connections per host, so a busy bot opens
// a new TLS connection for most requests; this one keeps them alive.
func NewHTTPClient(pollTimeout time.Duration) *http.Client {
	return &http.Client{
		// A long poll holds its request for pollTimeout; leave room for it.
		Timeout: pollTimeout + 15*time.Second,
		Transport: wholeBodies{&http.Transport{
			// A request leaves in one write: see wholeBodies.
			WriteBufferSize:     64 << 10,
			Proxy:               http.ProxyFromEnvironment,
			DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 128,
			MaxConnsPerHost:     0,
			IdleConnTimeout:     90 * time.Second,
			TLSHandshakeTimeout: 10 * time.Second,
			ForceAttemptHTTP2:   true,
		}},
	}
}

// wholeBodies reads a request body of unknown length into memory before
// sending it. The library streams its multipart bodies through a pipe, so
// each request went out as many chunked writes: slower, and a process
// killed mid-request left Telegram a truncated body (400) instead of either
// a whole call or none. With its length known and the transport's write
// buffer large enough, a request is one write.
type wholeBodies struct{ base http.RoundTripper }

func (t wholeBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body == nil || req.Body == http.NoBody || req.ContentLength > 0 {
		return t.base.RoundTrip(req)
	}
	data, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.ContentLength = int64(len(data))
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return t.base.RoundTrip(r)
}

// New connects to the Bot API and attaches p: Connect, then Attach.
func New(ctx context.Context, opts Options, p *Pipeline) (*Bot, error) {
	b, err := Connect(ctx, opts)
	if err != nil {
		return nil, err
	}
	b.Attach(p)
	return b, nil
}

// Connect builds the library client and asks getMe for the bot's username
// (used to accept /cmd@BotName). The features are built over b.TG next;
// Attach then puts their pipeline behind the dispatcher.
func Connect(ctx context.Context, opts Options) (*Bot, error) {
	if opts.PollTimeout <= 0 {
		opts.PollTimeout = 30 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	b := &Bot{opts: opts, client: NewHTTPClient(opts.PollTimeout)}
	tgOpts := []tgbot.Option{
		tgbot.WithSkipGetMe(),
		tgbot.WithHTTPClient(opts.PollTimeout, b.client),
		tgbot.WithErrorsHandler(func(err error) {
			opts.Logger.Warn("telegram", cnsbot.LogError, Redact(err, opts.Token))
		}),
	}
	if opts.APIURL != "" {
		tgOpts = append(tgOpts, tgbot.WithServerURL(opts.APIURL))
	}
	tg, err := tgbot.New(opts.Token, tgOpts...)
	if err != nil {
		return nil, fmt.Errorf("new telegram client: %s", Redact(err, opts.Token))
	}
	b.TG = tg
	me, err := tg.GetMe(ctx)
	if err != nil {
		return nil, fmt.Errorf("telegram getMe: %s", Redact(err, opts.Token))
	}
	b.Username = me.Username
	return b, nil
}

// Attach puts p behind the dispatcher: every update polled or delivered
// from now on goes through it, and it answers errors through b.TG.
func (b *Bot) Attach(p *Pipeline) {
	p.Sender, p.Token, p.BotUsername = b.TG, b.opts.Token, b.Username
	b.Pipeline = p
	b.Dispatcher = NewDispatcher(b.opts.MaxActive, p.Handle)
}

// SetWebhook registers publicURL with Telegram, with the secret token and
// the allowed updates.
func (b *Bot) SetWebhook(ctx context.Context, publicURL, secret string, maxConnections int) error {
	_, err := b.TG.SetWebhook(ctx, &tgbot.SetWebhookParams{
		URL: publicURL, SecretToken: secret, MaxConnections: maxConnections, AllowedUpdates: AllowedUpdates,
	})
	if err != nil {
		return fmt.Errorf("set webhook: %s", Redact(err, b.opts.Token))
	}
	return nil
}

// Drain waits until the updates already taken in are handled, or ctx ends.
func (b *Bot) Drain(ctx context.Context) error { return b.Dispatcher.Wait(ctx) }

// MaxWebhookBody bounds a webhook request body; Telegram's updates are far
// smaller, anything bigger is not from Telegram.
const MaxWebhookBody = 1 << 20

// WebhookHandler returns our own webhook endpoint, used instead of the
// library's (which answers 200 to anything): POST only, a size limit, a
// constant-time secret check, a decoded update, then 200.
func WebhookHandler(secret string, dispatch func(ctx context.Context, upd *models.Update) bool, logger *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
		if secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(secret)) != 1 {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		} else if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		var upd models.Update
		if err := json.Unmarshal(body, &upd); err != nil || upd.ID == 0 {
			logger.Warn("webhook: undecodable update", cnsbot.LogBytes, len(body))
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if !dispatch(r.Context(), &upd) {
			// Not taken in, or not done before Telegram gave up waiting:
			// Telegram delivers it again; the claim keeps one handling.
			http.Error(w, "not accepted", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
