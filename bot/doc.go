// Package bot is cnsbot's Telegram edge: it builds the go-telegram/bot
// client, parses commands, dispatches updates (each chat in arrival order,
// different chats in parallel, bounded), and runs every update through one
// pipeline — panic recovery, update_id dedupe, flood limit, a per-user lock,
// the handler, and the rendering of a returned error in the user's locale.
// It also serves the webhook, and runs the outbox (sender.go) that sends every
// mass message within Telegram's limits from a table in SQLite — in one
// process per database, the holder of the sender's lease: at-least-once for
// the few calls in flight at a crash, exactly once for everything else.
// Features live in package handlers.
package bot
