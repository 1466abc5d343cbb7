package cnsbot

import (
	"errors"
	"fmt"
)

// Application error codes. They say what kind of failure happened, so that
// the Telegram edge can choose how to answer without matching strings.
const (
	ECONFLICT    = "conflict"    // the thing already exists or changed underneath
	EINTERNAL    = "internal"    // a bug or an outage: apologise and log
	EINVALID     = "invalid"     // the user's input is wrong: explain
	ENOTFOUND    = "not_found"   // no such thing
	EFORBIDDEN   = "forbidden"   // outside the caller's role or scope
	EUNAVAILABLE = "unavailable" // a dependency (Redis) is down: try again later
	ENOTREADY    = "not_ready"   // a step that needs registration or approval first
)

// Error is the application error. Key is a locales key (never prose) so that
// the same error renders in Vietnamese or English; Args feed its template.
type Error struct {
	Code string
	Key  string
	Args map[string]any
	// Err is the underlying cause, kept for logs, never shown to users.
	Err error
}

// Error implements the error interface. It is for logs, not for users.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("cnsbot %s %s: %v", e.Code, e.Key, e.Err)
	}
	return fmt.Sprintf("cnsbot %s %s", e.Code, e.Key)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code, locales key and template args.
// args are alternating name, value pairs.
func Errorf(code, key string, args ...any) *Error {
	e := &Error{Code: code, Key: key}
	if len(args) > 0 {
		e.Args = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			name, _ := args[i].(string)
			e.Args[name] = args[i+1]
		}
	}
	return e
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorKey returns the locales key of the first *Error in err's chain, or
// "error.internal" for any other error.
func ErrorKey(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Key != "" {
		return e.Key
	}
	return "error.internal"
}

// ErrorArgs returns the template args of the first *Error in err's chain.
func ErrorArgs(err error) map[string]any {
	var e *Error
	if errors.As(err, &e) {
		return e.Args
	}
	return nil
}

// IsNotFound reports whether err carries ENOTFOUND.
func IsNotFound(err error) bool { return ErrorCode(err) == ENOTFOUND }
