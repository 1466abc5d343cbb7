// Package redis keeps conversation state, per-user locks and dedupe keys in
// Redis, shared by every bot process.
//
// Store implements cnsbot.ConversationStore with one JSON key per chat+user
// (<prefix>conv:<chat>:<user>) and a lock key beside it
// (<prefix>lock:<chat>:<user>). A Redis that cannot be reached surfaces as
// cnsbot.EUNAVAILABLE so that the bot can ask the user to try again later.
// The go-redis import lives here only; storage/memory is the in-process
// alternative when no Redis is configured.
package redis
