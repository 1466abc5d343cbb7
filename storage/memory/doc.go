// Package memory keeps conversation state in process memory.
//
// It implements cnsbot.ConversationStore like storage/redis does, and is the
// embedded default when no Redis is configured: state does not survive a
// restart and locks only serialise updates within this one process, so run a
// single bot process with it. The go-redis import lives in storage/redis only;
// this package uses the standard library.
package memory
