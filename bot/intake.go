package bot

import (
	"context"
	"encoding/json"
	"time"

	"cnsbot"

	"github.com/go-telegram/bot/models"
)

// What an update goes through before the pipeline, so that an update
// Telegram was told we received is answered even if the process dies:
//
//   - Polling: each fetched batch is stored in the intake (one SQLite
//     transaction) before the next getUpdates confirms it; the pipeline
//     marks each update done after its handler. At start, and every
//     MaintainEvery after, the updates still in progress whose process is
//     gone are adopted and handled again, in update id order (so in order
//     per chat). An update fetched again after a crash is not fresh and is
//     not dispatched twice.
//   - Webhook: each delivery is claimed (Redis, or SQLite without it) with
//     a lease: a new update is taken, a done one answered 200 at once, one a
//     live process handles answered 503 (Telegram delivers it again later),
//     one whose process is gone taken over. 200 only once it is done.
//
// The handlers are safe to run twice; what a second run cannot undo is a
// reply that went out just before the crash: at most one per chat (a chat's
// updates are handled one at a time), sent again.

// MaintainEvery is how often leases are renewed and gone processes'
// updates adopted: well within the shortest lease (30 s, Redis claims).
const MaintainEvery = 10 * time.Second

// pruneEvery is how often finished updates older than the retention are
// deleted.
const pruneEvery = time.Hour

// renewer renews the leases a process holds.
type renewer interface {
	Renew(ctx context.Context) error
}

// pruner forgets finished updates.
type pruner interface {
	PruneUpdates(ctx context.Context, before time.Time) (int64, error)
}

// renew renews x's leases when it has any.
func renew(ctx context.Context, x any) error {
	if r, ok := x.(renewer); ok {
		return r.Renew(ctx)
	}
	return nil
}

// replay adopts the updates still in progress whose process is gone and
// queues them, in update id order, before anything newer of their chat.
func (b *Bot) replay(ctx context.Context) {
	adopted, abandoned, err := b.Intake.Adopt(ctx)
	if err != nil {
		b.opts.Logger.Error("adopt updates in progress", cnsbot.LogError, err)
		return
	}
	if len(abandoned) > 0 {
		b.opts.Logger.Error("updates given up: their handling stopped the bot each time", cnsbot.LogUpdateIDs, abandoned)
	}
	if len(adopted) == 0 {
		return
	}
	b.opts.Logger.Info("handling again the updates of a stopped process", cnsbot.LogUpdates, len(adopted))
	for _, in := range adopted {
		var upd models.Update
		if err := json.Unmarshal(in.Body, &upd); err != nil || upd.ID != in.ID {
			b.opts.Logger.Error("undecodable stored update", cnsbot.LogUpdateID, in.ID)
			b.Pipeline.finish(ctx, in.ID)
			continue
		}
		b.Dispatcher.Dispatch(context.WithoutCancel(ctx), &upd)
	}
}

// receive stores a fetched batch in the intake; fresh says which updates
// were not stored before.
func (b *Bot) receive(ctx context.Context, updates []*models.Update, raws []json.RawMessage) ([]bool, error) {
	batch := make([]cnsbot.IncomingUpdate, len(updates))
	for i, u := range updates {
		batch[i] = cnsbot.IncomingUpdate{ID: u.ID, Chat: ChatKey(u), Body: raws[i]}
	}
	return b.Intake.Receive(ctx, batch)
}

// Accept takes in a webhook delivery: it claims the update and waits until
// it is handled. True means "answer 200": the update is done (now or
// before). False means "answer non-2xx": Telegram delivers it again — it is
// in progress here or in another live process, or it could not be claimed.
func (b *Bot) Accept(ctx context.Context, upd *models.Update) bool {
	if b.Claims != nil {
		claim, err := b.Claims.ClaimUpdate(ctx, upd.ID)
		if err != nil {
			b.opts.Logger.Warn("claim update", cnsbot.LogUpdateID, upd.ID, cnsbot.LogError, err)
			return false
		}
		switch claim {
		case cnsbot.ClaimDone:
			b.duplicate(upd)
			return true
		case cnsbot.ClaimBusy:
			return false
		}
	}
	return b.Dispatcher.DispatchWait(ctx, upd)
}

// duplicate counts an update dropped because it was handled before.
func (b *Bot) duplicate(upd *models.Update) {
	b.opts.Logger.Debug("duplicate update ignored", cnsbot.LogUpdateID, upd.ID)
	if b.Pipeline.Observe != nil {
		b.Pipeline.Observe(updateKind(upd), "duplicate", 0)
	}
}

// Maintain renews this process's leases, adopts the polled updates of
// processes that are gone, and prunes finished updates older than
// retention, until ctx ends.
func (b *Bot) Maintain(ctx context.Context, retention time.Duration) {
	tick := time.NewTicker(MaintainEvery)
	defer tick.Stop()
	var lastPrune time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, x := range []any{b.Intake, b.Claims} {
			if x == nil {
				continue
			}
			if err := renew(ctx, x); err != nil && ctx.Err() == nil {
				b.opts.Logger.Warn("renew update leases", cnsbot.LogError, err)
			}
			if p, ok := x.(pruner); ok && retention > 0 && time.Since(lastPrune) >= pruneEvery {
				if n, err := p.PruneUpdates(ctx, time.Now().Add(-retention)); err != nil && ctx.Err() == nil {
					b.opts.Logger.Warn("prune updates", cnsbot.LogError, err)
				} else if n > 0 {
					b.opts.Logger.Debug("pruned updates", cnsbot.LogUpdates, n)
				}
			}
		}
		if time.Since(lastPrune) >= pruneEvery {
			lastPrune = time.Now()
		}
		if b.Intake != nil {
			b.replay(ctx)
		}
	}
}
