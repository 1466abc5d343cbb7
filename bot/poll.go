package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"cnsbot"

	tgbot "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"
)

// Our own long-polling loop replaces the library's Start: the library marks
// updates confirmed as soon as they are queued in its buffer and drops that
// buffer when its context ends, so a shutdown lost what was fetched but not
// yet handled. Here every fetched update is handed to the dispatcher before
// the next getUpdates confirms it, and at shutdown the dispatcher drains
// them all; an update fetched by a call that was cut off was never
// confirmed, and Telegram delivers it again at the next start.

// pollBackoffMax bounds the wait between failed getUpdates calls.
const pollBackoffMax = 30 * time.Second

// RunPolling deletes any webhook (a webhook and getUpdates exclude each
// other) and long-polls until ctx ends. Every update it fetched is queued in
// the dispatcher when it returns; call Drain to wait for them.
func (b *Bot) RunPolling(ctx context.Context) error {
	if _, err := b.TG.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("delete webhook: %s", Redact(err, b.opts.Token))
	}
	var offset int64
	var backoff time.Duration
	for ctx.Err() == nil {
		updates, err := b.getUpdates(ctx, offset)
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			backoff = min(max(2*backoff, 200*time.Millisecond), pollBackoffMax)
			b.opts.Logger.Warn("getUpdates", cnsbot.LogError, Redact(err, b.opts.Token), cnsbot.LogRetryIn, backoff.String())
			select {
			case <-ctx.Done():
			case <-time.After(backoff):
			}
			continue
		}
		backoff = 0
		for _, u := range updates {
			// The handling outlives the poll: a shutdown drains it.
			b.Dispatcher.Dispatch(context.WithoutCancel(ctx), u)
			offset = u.ID + 1
		}
	}
	return nil
}

// apiResponse is the Bot API's envelope.
type apiResponse struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// getUpdates asks for the updates after offset, waiting up to the poll
// timeout for one to arrive.
func (b *Bot) getUpdates(ctx context.Context, offset int64) ([]*models.Update, error) {
	timeout := int(b.opts.PollTimeout/time.Second) - 1
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "timeout": max(timeout, 0), "allowed_updates": AllowedUpdates,
	})
	url := strings.TrimSuffix(b.apiURL(), "/") + "/bot" + b.opts.Token + "/getUpdates"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	var env apiResponse
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, fmt.Errorf("getUpdates: status %d: undecodable answer", resp.StatusCode)
	}
	if !env.OK {
		if env.Parameters.RetryAfter > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(env.Parameters.RetryAfter) * time.Second):
			}
		}
		return nil, fmt.Errorf("getUpdates: %d %s", env.ErrorCode, env.Description)
	}
	var updates []*models.Update
	if err := json.Unmarshal(env.Result, &updates); err != nil {
		return nil, errors.New("getUpdates: undecodable updates")
	}
	return updates, nil
}

func (b *Bot) apiURL() string {
	if b.opts.APIURL != "" {
		return b.opts.APIURL
	}
	return "https://api.telegram.org"
}
