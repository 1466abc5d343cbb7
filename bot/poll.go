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
// yet handled. Here every fetched batch is stored in the intake (SQLite)
// before the next getUpdates confirms it, then handed to the dispatcher; at
// shutdown the dispatcher drains them all, and after a crash the next start
// handles again what was not done (see intake.go). An update fetched by a
// call that was cut off was never confirmed, and Telegram delivers it again.

// pollBackoffMax bounds the wait between failed getUpdates calls.
const pollBackoffMax = 30 * time.Second

// RunPolling deletes any webhook (a webhook and getUpdates exclude each
// other), queues the updates a stopped process left in progress, and
// long-polls until ctx ends. Every update it fetched is queued in the
// dispatcher when it returns; call Drain to wait for them.
func (b *Bot) RunPolling(ctx context.Context) error {
	if _, err := b.TG.DeleteWebhook(ctx, &tgbot.DeleteWebhookParams{}); err != nil {
		return fmt.Errorf("delete webhook: %s", Redact(err, b.opts.Token))
	}
	if b.Intake != nil {
		b.replay(ctx)
	}
	var offset int64
	var backoff time.Duration
	for ctx.Err() == nil {
		updates, raws, err := b.getUpdates(ctx, offset)
		if ctx.Err() != nil {
			break
		}
		var fresh []bool
		if err == nil && b.Intake != nil && len(updates) > 0 {
			// Not stored, not confirmed: the same getUpdates is asked
			// again, and Telegram keeps the batch meanwhile.
			fresh, err = b.receive(ctx, updates, raws)
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
		for i, u := range updates {
			if fresh == nil || fresh[i] {
				// The handling outlives the poll: a shutdown drains it.
				b.Dispatcher.Dispatch(context.WithoutCancel(ctx), u)
			} else {
				b.duplicate(u)
			}
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
// timeout for one to arrive. It returns each update decoded and as sent.
func (b *Bot) getUpdates(ctx context.Context, offset int64) ([]*models.Update, []json.RawMessage, error) {
	timeout := int(b.opts.PollTimeout/time.Second) - 1
	body, _ := json.Marshal(map[string]any{
		"offset": offset, "timeout": max(timeout, 0), "allowed_updates": AllowedUpdates,
	})
	url := strings.TrimSuffix(b.apiURL(), "/") + "/bot" + b.opts.Token + "/getUpdates"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := b.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, nil, err
	}
	var env apiResponse
	if err := json.Unmarshal(data, &env); err != nil {
		return nil, nil, fmt.Errorf("getUpdates: status %d: undecodable answer", resp.StatusCode)
	}
	if !env.OK {
		if env.Parameters.RetryAfter > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(env.Parameters.RetryAfter) * time.Second):
			}
		}
		return nil, nil, fmt.Errorf("getUpdates: %d %s", env.ErrorCode, env.Description)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(env.Result, &raws); err != nil {
		return nil, nil, errors.New("getUpdates: undecodable updates")
	}
	updates := make([]*models.Update, len(raws))
	for i, raw := range raws {
		updates[i] = new(models.Update)
		if err := json.Unmarshal(raw, updates[i]); err != nil {
			// Only its id is kept: it is confirmed and handled as an
			// update of no known kind (ignored), not fetched forever.
			var id struct {
				ID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(raw, &id)
			*updates[i] = models.Update{ID: id.ID}
			b.opts.Logger.Warn("getUpdates: undecodable update", cnsbot.LogUpdateID, id.ID, cnsbot.LogBytes, len(raw))
		}
	}
	return updates, raws, nil
}

func (b *Bot) apiURL() string {
	if b.opts.APIURL != "" {
		return b.opts.APIURL
	}
	return "https://api.telegram.org"
}
