package cnsbot

import (
	"context"
	"time"
)

// OutboxStatus is where a queued message stands.
type OutboxStatus string

// Outbox statuses. A message goes queued → sending → sent, or back to
// queued for a retry, or ends failed (retries exhausted) or blocked (the
// member blocked the bot: 403).
const (
	OutboxQueued  OutboxStatus = "queued"
	OutboxSending OutboxStatus = "sending"
	OutboxSent    OutboxStatus = "sent"
	OutboxFailed  OutboxStatus = "failed"
	OutboxBlocked OutboxStatus = "blocked"
)

// OutboxMessage is one message of a mass sending, persisted before it is
// sent so that a crash or restart loses nothing and sends nothing twice
// (see the outbox's documentation for the one message in flight).
type OutboxMessage struct {
	ID            int64
	BatchID       int64
	ChatID        int64
	MemberID      int64  // 0 for a group chat
	IsGroup       bool   // groups allow 20 messages a minute
	Text          string // HTML, rendered in the recipient's locale
	Status        OutboxStatus
	Owner         string // while sending: the process that claimed it (package lease)
	Attempts      int
	NextAttemptAt time.Time
	LastError     string
	CreatedAt     time.Time
	SentAt        *time.Time
}

// OutboxBatch is one mass sending: a broadcast, a schedule run or a
// reminder. Its counts are derived from its messages.
type OutboxBatch struct {
	ID        int64
	Kind      string // broadcast, schedule, reminder, escalation
	Title     string // for the sender's delivery report
	CreatedBy int64  // member id; 0 for the scheduler
	// ReportChatID gets the delivery report when every message is done; 0: none.
	ReportChatID int64
	ReportLocale string
	// Key makes the batch once per update that queued it: CreateBatch is
	// ECONFLICT when a batch has it already. "" for none.
	Key string
	// Subject is what the batch is about, for rules that look at earlier
	// batches: a reminder's unit and period. "" for none.
	Subject   string
	CreatedAt time.Time
	DoneAt    *time.Time

	Total, Queued, Sent, Failed, Blocked int
}

// Lease is the right of one process at a time to play a role — the
// outbox's sender — until ExpiresAt unless its owner renews it. Owner names
// the process (package lease).
type Lease struct {
	Owner      string
	AcquiredAt time.Time // when Owner took it
	ExpiresAt  time.Time
}

// OutboxService persists mass messages, and the lease of the one process
// that sends them.
type OutboxService interface {
	// CreateBatch stores the batch and its messages in one transaction.
	CreateBatch(ctx context.Context, b *OutboxBatch, msgs []*OutboxMessage) error

	// FindSenderLease returns the sender's lease; ENOTFOUND when no process
	// ever took it. A read: it takes no write turn.
	FindSenderLease(ctx context.Context) (*Lease, error)
	// AcquireSenderLease gives the sender's lease to owner until now+ttl if
	// it is still as prev was read (nil: never taken), and puts back in the
	// queue every message left sending, with their count. ECONFLICT when
	// another process renewed or took the lease since prev was read.
	AcquireSenderLease(ctx context.Context, owner string, prev *Lease, now time.Time, ttl time.Duration) (*Lease, int, error)
	// RenewSenderLease extends owner's lease to now+ttl; ECONFLICT when
	// owner no longer holds it.
	RenewSenderLease(ctx context.Context, owner string, now time.Time, ttl time.Duration) (*Lease, error)
	// ReleaseSenderLease ends owner's lease at now, so that another process
	// takes it at once; nothing when owner does not hold it.
	ReleaseSenderLease(ctx context.Context, owner string, now time.Time) error

	// ClaimDue marks up to limit queued messages whose time has come as
	// sending by owner and returns them, oldest first. ECONFLICT when owner
	// does not hold the sender's lease.
	ClaimDue(ctx context.Context, owner string, now time.Time, limit int) ([]*OutboxMessage, error)
	MarkSent(ctx context.Context, id int64, at time.Time) error
	// MarkRetry puts a message back in the queue for a later attempt.
	MarkRetry(ctx context.Context, id int64, next time.Time, lastErr string) error
	MarkFailed(ctx context.Context, id int64, lastErr string) error
	// MarkBlocked ends the message and marks its member blocked.
	MarkBlocked(ctx context.Context, id int64) error
	// RecoverInFlight returns to the queue the messages owner left sending
	// (claimed, not called, when it stops).
	RecoverInFlight(ctx context.Context, owner string) (int, error)
	FindBatch(ctx context.Context, id int64) (*OutboxBatch, error)
	// FindBatchByKey returns the batch queued with key, ENOTFOUND if none.
	FindBatchByKey(ctx context.Context, key string) (*OutboxBatch, error)
	// FindLatestBatch returns the newest batch about subject, ENOTFOUND if
	// none.
	FindLatestBatch(ctx context.Context, subject string) (*OutboxBatch, error)
	// FinishBatch marks a batch done when none of its messages is queued or
	// sending; first is true for the one call that finished it.
	FinishBatch(ctx context.Context, id int64, at time.Time) (first bool, err error)
	// Depth is the number of messages queued or sending.
	Depth(ctx context.Context) (int, error)
}
