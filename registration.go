package cnsbot

import (
	"context"
	"time"
)

// RequestStatus is where a join request stands.
type RequestStatus string

// Join request statuses.
const (
	RequestPending  RequestStatus = "pending"
	RequestApproved RequestStatus = "approved"
	RequestRejected RequestStatus = "rejected"
)

// JoinRequest is a person whose phone is not on the roster asking to join a
// unit. The admins of that unit approve or reject it with buttons.
type JoinRequest struct {
	ID         int64
	TelegramID int64
	ChatID     int64
	Phone      string
	FullName   string
	UnitID     int64
	Locale     string
	Status     RequestStatus
	DecidedBy  int64 // member id of the admin
	MemberID   int64 // the member created on approval
	CreatedAt  time.Time
	DecidedAt  *time.Time
}

// JoinRequestService stores join requests.
type JoinRequestService interface {
	CreateJoinRequest(ctx context.Context, r *JoinRequest) error
	FindJoinRequestByID(ctx context.Context, id int64) (*JoinRequest, error)
	// FindPendingJoinRequest returns the sender's open request, ENOTFOUND if none.
	FindPendingJoinRequest(ctx context.Context, tgID int64) (*JoinRequest, error)
	// FindPendingJoinRequests returns the open requests for units in the
	// subtree of unitID, oldest first, at most limit.
	FindPendingJoinRequests(ctx context.Context, unitID int64, limit int) ([]*JoinRequest, error)
	// ApproveJoinRequest marks the request approved and creates the active
	// member in one transaction. ECONFLICT when it is no longer pending.
	ApproveJoinRequest(ctx context.Context, id, adminID int64, role Role) (*Member, error)
	// RejectJoinRequest marks it rejected. ECONFLICT when no longer pending.
	RejectJoinRequest(ctx context.Context, id, adminID int64) (*JoinRequest, error)
}

// UpdateClaim is what claiming a Telegram update found.
type UpdateClaim int

// Claims. An update is "in progress" while a process handles it — with a
// lease that ends when that process dies — and done once its effects are
// committed and its replies sent; only a done update is a duplicate.
const (
	// ClaimTaken: this process handles it now (first delivery, or a
	// redelivery of one whose handler died).
	ClaimTaken UpdateClaim = iota
	// ClaimDone: it was handled; drop the delivery.
	ClaimDone
	// ClaimBusy: a live process is handling it; ask again later (a webhook
	// answers non-2xx so that Telegram redelivers).
	ClaimBusy
)

// UpdateLog tracks Telegram updates from claim to done, shared by the bot
// processes that receive them (webhook mode).
type UpdateLog interface {
	// ClaimUpdate takes the update for this process unless it is done or
	// a live process is handling it.
	ClaimUpdate(ctx context.Context, updateID int64) (UpdateClaim, error)
	UpdateFinisher
}

// UpdateFinisher marks updates done.
type UpdateFinisher interface {
	// FinishUpdate marks the update done: its effects are committed and
	// its replies sent; a later delivery of it is a duplicate.
	FinishUpdate(ctx context.Context, updateID int64) error
}

// IncomingUpdate is a Telegram update as received: its id, the chat it is
// ordered by and its JSON.
type IncomingUpdate struct {
	ID   int64
	Chat int64
	Body []byte
}

// Intake keeps polled updates durably from the moment they are fetched
// until they are handled, so that an update Telegram was told we received
// is never lost to a crash (polling mode).
type Intake interface {
	// Receive stores a fetched batch in one transaction, each update in
	// progress for this process; fresh[i] is false for an update stored
	// before (a refetch after a crash, a redelivery), which is not handled
	// again from here.
	Receive(ctx context.Context, batch []IncomingUpdate) (fresh []bool, err error)
	// Adopt takes over the updates still in progress whose process is gone
	// (dead, or its lease ran out) and returns them in update id order to be
	// handled again. An update whose handling was started too often already
	// (it kills the process each time) is given up: abandoned.
	Adopt(ctx context.Context) (adopted []IncomingUpdate, abandoned []int64, err error)
	// Renew extends this process's leases on the updates it handles.
	Renew(ctx context.Context) error
	UpdateFinisher
}
