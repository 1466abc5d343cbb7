package cnsbot

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// ConversationKey names one conversation: a user in a chat.
type ConversationKey struct {
	ChatID int64
	UserID int64
}

// String returns "chat:user", the form used in storage keys.
func (k ConversationKey) String() string { return fmt.Sprintf("%d:%d", k.ChatID, k.UserID) }

// Conversation is the state of an unfinished flow: which flow, which step,
// and the draft so far as JSON. Nothing reaches the records until confirmed.
type Conversation struct {
	Flow      string          `json:"flow"`
	Step      string          `json:"step"`
	Draft     json.RawMessage `json:"draft,omitempty"`
	Version   int             `json:"version"` // bumped on each save; stale buttons carry an older one
	UpdatedAt time.Time       `json:"updated_at"`
	// ExpiresAt is when the draft goes idle (UpdatedAt + conversation.ttl).
	// Stores keep the key ConversationGrace longer so that the user can be
	// told at their next message that the draft expired, instead of nothing.
	ExpiresAt time.Time `json:"expires_at"`
	// Finished is the update that ended the flow, 0 while it runs. The
	// state is kept so that this update, handled again after a crash, can
	// answer as the first time; to any other update there is no flow.
	Finished int64 `json:"finished,omitempty"`
}

// ConversationGrace is how long an expired draft is kept after ExpiresAt so
// that the next message can be answered with "your draft expired".
const ConversationGrace = 24 * time.Hour

// Expired reports whether the draft went idle before now.
func (c *Conversation) Expired(now time.Time) bool {
	return !c.ExpiresAt.IsZero() && now.After(c.ExpiresAt)
}

// ConversationStore keeps conversation state. Implementations: Redis (one
// key per chat+user, shared by every bot process) and process memory.
type ConversationStore interface {
	// GetConversation returns the state, or ENOTFOUND when there is none or
	// it expired.
	GetConversation(ctx context.Context, k ConversationKey) (*Conversation, error)
	// SaveConversation writes the state, sets UpdatedAt and ExpiresAt
	// (now + ttl), bumps Version, and refreshes the key's TTL to
	// ttl + ConversationGrace.
	SaveConversation(ctx context.Context, k ConversationKey, c *Conversation, ttl time.Duration) error
	// DeleteConversation removes the state; no error when there is none.
	DeleteConversation(ctx context.Context, k ConversationKey) error
	// Lock serialises the handling of one user's updates across processes.
	// It waits until the lock is free or ctx ends; unlock releases it.
	Lock(ctx context.Context, k ConversationKey, ttl time.Duration) (unlock func(), err error)
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	Close() error
}
