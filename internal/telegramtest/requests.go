package telegramtest

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Request is one call the fake received.
type Request struct {
	// Method is the Bot API method as sent, e.g. "sendMessage".
	Method string
	// Token is the bot token from the URL.
	Token string
	// Params are the form fields. Objects such as reply_markup hold their
	// JSON text, the way go-telegram/bot sends them.
	Params map[string]string
	// Files are uploaded files by field name (document, photo…).
	Files map[string][]byte
	// FileNames are the uploaded files' names by field name.
	FileNames map[string]string
	// At is when the request was answered (by the server's clock).
	At time.Time
	// ErrorCode is the error_code answered, 0 when the answer was ok.
	ErrorCode int
}

// ChatID is the request's chat_id as a number, 0 when absent or a @username.
func (r Request) ChatID() int64 {
	id, _ := r.chatID()
	return id
}

func (r Request) chatID() (int64, bool) {
	v, ok := r.Params["chat_id"]
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil
}

// OK reports whether the fake answered the request with ok:true.
func (r Request) OK() bool { return r.ErrorCode == 0 }

// SentMessage is a message the bot sent with sendMessage, or an edit of one
// (see Edits), that the fake accepted.
type SentMessage struct {
	ChatID    int64
	MessageID int
	Text      string
	ParseMode string
	// ReplyMarkup is the reply_markup JSON as sent, "" when absent.
	ReplyMarkup string
	At          time.Time
}

// Button is one button of an inline or reply keyboard.
type Button struct {
	Text           string `json:"text"`
	CallbackData   string `json:"callback_data,omitempty"`
	URL            string `json:"url,omitempty"`
	RequestContact bool   `json:"request_contact,omitempty"`
}

// InlineButtons decodes the message's inline keyboard, nil when it has none.
func (m SentMessage) InlineButtons() [][]Button {
	var v struct {
		InlineKeyboard [][]Button `json:"inline_keyboard"`
	}
	_ = json.Unmarshal([]byte(m.ReplyMarkup), &v)
	return v.InlineKeyboard
}

// KeyboardButtons decodes the message's reply keyboard, nil when it has none.
func (m SentMessage) KeyboardButtons() [][]Button {
	var v struct {
		Keyboard [][]Button `json:"keyboard"`
	}
	_ = json.Unmarshal([]byte(m.ReplyMarkup), &v)
	return v.Keyboard
}

// RemovesKeyboard reports whether the message carries ReplyKeyboardRemove.
func (m SentMessage) RemovesKeyboard() bool {
	var v struct {
		RemoveKeyboard bool `json:"remove_keyboard"`
	}
	_ = json.Unmarshal([]byte(m.ReplyMarkup), &v)
	return v.RemoveKeyboard
}

// CallbackData lists the callback_data of every inline button, row by row.
func (m SentMessage) CallbackData() []string {
	var out []string
	for _, row := range m.InlineButtons() {
		for _, b := range row {
			if b.CallbackData != "" {
				out = append(out, b.CallbackData)
			}
		}
	}
	return out
}

func sentFrom(r *Request, messageID int) SentMessage {
	return SentMessage{
		ChatID:      r.ChatID(),
		MessageID:   messageID,
		Text:        r.Params["text"],
		ParseMode:   r.Params["parse_mode"],
		ReplyMarkup: r.Params["reply_markup"],
		At:          r.At,
	}
}

// Requests returns every recorded request in arrival order, failed ones and
// getUpdates polls included.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.requests)
}

// RequestsFor returns the recorded requests of one method (case-insensitive),
// failed ones included.
func (s *Server) RequestsFor(method string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if strings.EqualFold(r.Method, method) {
			out = append(out, r)
		}
	}
	return out
}

// SentMessages returns the sendMessage calls the fake accepted, in order.
// Calls that failed (injected faults, bad requests) are not messages.
func (s *Server) SentMessages() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.sent)
}

// MessagesTo returns the accepted sendMessage calls to one chat, in order.
func (s *Server) MessagesTo(chatID int64) []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []SentMessage
	for _, m := range s.sent {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Edits returns the accepted editMessageText, editMessageCaption and
// editMessageReplyMarkup calls, in order. Text is the message's text after
// the edit.
func (s *Server) Edits() []SentMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.edits)
}

// WaitFor waits until cond holds, re-checking it after every request the
// server receives and every Push. It fails tb with a dump of the recorded
// requests when timeout passes first. cond runs without the server's lock
// held, so it may call any Server method. Call it from the test goroutine.
func (s *Server) WaitFor(tb testing.TB, timeout time.Duration, cond func(*Server) bool) {
	tb.Helper()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond(s) {
			return
		}
		select {
		case <-changed:
		case <-timer.C:
			if cond(s) {
				return
			}
			tb.Fatalf("telegramtest: condition not met within %v\n%s", timeout, s.Dump())
			return
		}
	}
}

// WaitMessages waits until at least n messages were sent to chatID and
// returns all messages sent to it so far.
func (s *Server) WaitMessages(tb testing.TB, chatID int64, n int, timeout time.Duration) []SentMessage {
	tb.Helper()
	var got []SentMessage
	s.WaitFor(tb, timeout, func(s *Server) bool {
		got = s.MessagesTo(chatID)
		return len(got) >= n
	})
	if len(got) < n {
		tb.Fatalf("telegramtest: %d messages to chat %d, want %d\n%s", len(got), chatID, n, s.Dump())
	}
	return got
}

// WaitRequests waits until at least n requests of method were recorded and
// returns them.
func (s *Server) WaitRequests(tb testing.TB, method string, n int, timeout time.Duration) []Request {
	tb.Helper()
	var got []Request
	s.WaitFor(tb, timeout, func(s *Server) bool {
		got = s.RequestsFor(method)
		return len(got) >= n
	})
	return got
}

// Dump describes the recorded requests, one a line, for failure messages.
// getUpdates polls are counted, not listed.
func (s *Server) Dump() string {
	reqs := s.Requests()
	var b strings.Builder
	polls := 0
	fmt.Fprintf(&b, "recorded requests (%d):\n", len(reqs))
	for i, r := range reqs {
		if strings.EqualFold(r.Method, "getUpdates") && r.OK() {
			polls++
			continue
		}
		fmt.Fprintf(&b, "  #%d %s", i, r.Method)
		if !r.OK() {
			fmt.Fprintf(&b, " -> error %d", r.ErrorCode)
		}
		keys := make([]string, 0, len(r.Params))
		for k := range r.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, " %s=%q", k, truncate(r.Params[k], 200))
		}
		for k, data := range r.Files {
			fmt.Fprintf(&b, " %s=<file %q %d bytes>", k, r.FileNames[k], len(data))
		}
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "  (+%d getUpdates polls; %d updates pending)\n", polls, s.Pending())
	return b.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
