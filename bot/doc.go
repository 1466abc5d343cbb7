// Package bot is cnsbot's Telegram edge: it builds the go-telegram/bot
// client, takes updates in durably (intake.go: a polled batch is stored in
// SQLite before it is confirmed, a webhook delivery is claimed with a lease,
// and what a dead process left is handled again), dispatches them (each chat
// in arrival order, different chats in parallel, bounded), and runs every
// update through one pipeline — panic recovery, flood limit, a per-user lock
// across webhook replicas, the handler, the rendering of a returned error in
// the user's locale — before marking it done.
// It also serves the webhook, and runs the outbox (sender.go) that sends every
// mass message within Telegram's limits from a table in SQLite — in one
// process per database, the holder of the sender's lease: at-least-once for
// the few calls in flight at a crash, exactly once for everything else.
// Features live in package handlers.
package bot
