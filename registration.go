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

// UpdateLog remembers which Telegram updates were handled.
type UpdateLog interface {
	// ClaimUpdate records the update id; it returns false when the id was
	// already claimed, so a redelivered update changes nothing.
	ClaimUpdate(ctx context.Context, updateID int64) (bool, error)
}
