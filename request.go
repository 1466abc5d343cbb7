package cnsbot

import "context"

// RequestInfo travels with the context of one update's handling. The handlers
// fill in who the user is and their locale as soon as they know it, so that
// the Telegram edge can render a returned error in that locale and log it
// with the update's attributes.
type RequestInfo struct {
	UpdateID int64
	ChatID   int64
	UserID   int64
	MemberID int64
	Locale   string
}

type requestInfoKey struct{}

// WithRequestInfo returns ctx carrying info.
func WithRequestInfo(ctx context.Context, info *RequestInfo) context.Context {
	return context.WithValue(ctx, requestInfoKey{}, info)
}

// RequestInfoFrom returns the info carried by ctx, or nil.
func RequestInfoFrom(ctx context.Context) *RequestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*RequestInfo)
	return info
}
