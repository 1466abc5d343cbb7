package telegramtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
)

// Token is the bot token the fake accepts; requests with any other token are
// answered 401 Unauthorized, as Telegram does.
const Token = "123456:TEST-TOKEN"

// BotID is the bot's user id, the numeric prefix of Token.
const BotID int64 = 123456

// BotUsername is the username getMe reports.
const BotUsername = "cnsbot_test_bot"

// DefaultPollLimit is the number of updates getUpdates returns when the
// request does not set limit; it is also Telegram's maximum.
const DefaultPollLimit = 100

// Option configures a Server.
type Option func(*Server)

// WithLatency delays every answer except getUpdates by d.
func WithLatency(d time.Duration) Option {
	return func(s *Server) { s.latency = d }
}

// WithClock sets the clock used for the date of the messages the fake
// returns and for Request.At. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// WithToken makes the fake accept token instead of Token.
func WithToken(token string) Option {
	return func(s *Server) { s.token = token }
}

// Server is a fake Bot API. All methods are safe for concurrent use.
type Server struct {
	ts     *httptest.Server
	token  string
	now    func() time.Time
	closed chan struct{}

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced on every request and Push
	requests []Request
	sent     []SentMessage
	edits    []SentMessage
	queue    []queuedUpdate
	lastID   int64
	msgSeq   map[int64]int
	messages map[msgKey]storedMessage
	failNext map[string][]failure
	failChat map[int64]int
	fault    FaultFunc        // see SetFault
	attempts map[faultKey]int // calls per method and chat, for fault
	latency  time.Duration
	webhook  models.WebhookInfo
	files    map[string][]byte
	fileSeq  int
}

type queuedUpdate struct {
	id  int64
	raw json.RawMessage
}

type msgKey struct {
	chat int64
	id   int
}

type storedMessage struct {
	text   string
	markup string
}

type failure struct {
	code       int
	retryAfter int
}

// NewServer starts a fake Bot API. It is closed by tb.Cleanup; pending long
// polls are released first so the close does not wait for them.
func NewServer(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		token:    Token,
		now:      time.Now,
		closed:   make(chan struct{}),
		changed:  make(chan struct{}),
		msgSeq:   map[int64]int{},
		messages: map[msgKey]storedMessage{},
		failNext: map[string][]failure{},
		failChat: map[int64]int{},
		files:    map[string][]byte{},
	}
	for _, o := range opts {
		o(s)
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	tb.Cleanup(func() {
		close(s.closed)
		s.ts.Close()
	})
	return s
}

// URL is the server's base URL, to pass to tgbot.WithServerURL.
func (s *Server) URL() string { return s.ts.URL }

// Push queues updates for getUpdates. An update whose ID is zero gets the
// next id after the highest one pushed so far. Updates are marshalled at
// once, so changing them after Push has no effect.
func (s *Server) Push(updates ...*models.Update) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range updates {
		if u.ID == 0 {
			u.ID = s.lastID + 1
		}
		if u.ID > s.lastID {
			s.lastID = u.ID
		}
		raw, err := json.Marshal(u)
		if err != nil {
			panic(fmt.Sprintf("telegramtest: marshal update %d: %v", u.ID, err))
		}
		s.queue = append(s.queue, queuedUpdate{id: u.ID, raw: raw})
	}
	s.signalLocked()
}

// Pending is the number of pushed updates not yet confirmed by a getUpdates
// offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

// FailNext makes the next n calls of method fail with the given error code:
// 429 carries parameters.retry_after = retryAfter seconds, 403 reads
// "Forbidden: bot was blocked by the user", 400 "Bad Request: …", anything
// else the HTTP status text. Calls add up: FailNext twice queues both.
func (s *Server) FailNext(method string, n int, code int, retryAfter int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := strings.ToLower(method)
	for range n {
		s.failNext[key] = append(s.failNext[key], failure{code: code, retryAfter: retryAfter})
	}
}

// FailChat makes every request whose chat_id is chatID fail with code (a 429
// carries retry_after 1) until FailChat(chatID, 0) clears it.
func (s *Server) FailChat(chatID int64, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		delete(s.failChat, chatID)
		return
	}
	s.failChat[chatID] = code
}

// SetLatency delays every answer except getUpdates by d; zero turns it off.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// AddFile makes a file available to getFile and the file download path
// ({server}/file/bot{token}/{file_path}) under fileID.
func (s *Server) AddFile(fileID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = append([]byte(nil), data...)
}

// Webhook is what the last setWebhook stored (empty after deleteWebhook).
func (s *Server) Webhook() models.WebhookInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := s.webhook
	w.PendingUpdateCount = len(s.queue)
	return w
}

// Reset forgets the recorded requests, sent messages and edits. Queued
// updates, faults and the messages known for edits are kept.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
	s.sent = nil
	s.edits = nil
}

func (s *Server) signalLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// apiError is a Bot API failure answer.
type apiError struct {
	Code        int
	Description string
	RetryAfter  int
}

func badRequest(format string, args ...any) *apiError {
	return &apiError{Code: http.StatusBadRequest, Description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func errorFor(code, retryAfter int) *apiError {
	e := &apiError{Code: code, RetryAfter: retryAfter}
	switch code {
	case http.StatusTooManyRequests:
		if e.RetryAfter <= 0 {
			e.RetryAfter = 1
		}
		e.Description = fmt.Sprintf("Too Many Requests: retry after %d", e.RetryAfter)
	case http.StatusForbidden:
		e.Description = "Forbidden: bot was blocked by the user"
	case http.StatusBadRequest:
		e.Description = "Bad Request: chat not found"
	case http.StatusUnauthorized:
		e.Description = "Unauthorized"
	case http.StatusConflict:
		e.Description = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	default:
		e.Description = http.StatusText(code)
		if e.Description == "" {
			e.Description = "Error " + strconv.Itoa(code)
		}
	}
	return e
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/file/bot") {
		s.serveFile(w, r)
		return
	}
	token, method, ok := splitPath(r.URL.Path)
	if !ok {
		writeError(w, &apiError{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	params, files, names, err := decodeParams(r)
	if err != nil {
		writeError(w, badRequest("%v", err))
		return
	}
	req := Request{Method: method, Token: token, Params: params, Files: files, FileNames: names}
	lower := strings.ToLower(method)

	if lower != "getupdates" {
		s.mu.Lock()
		d := s.latency
		s.mu.Unlock()
		if d > 0 {
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			case <-s.closed:
				t.Stop()
			}
		}
	}

	s.mu.Lock()
	req.At = s.now()
	if apiErr := s.injectedFailureLocked(&req, lower); apiErr != nil {
		req.ErrorCode = apiErr.Code
		s.recordLocked(req)
		s.mu.Unlock()
		writeError(w, apiErr)
		return
	}
	if lower == "getupdates" {
		s.recordLocked(req)
		s.mu.Unlock()
		s.getUpdates(w, r, params)
		return
	}
	result, apiErr := s.handleLocked(&req, lower)
	if apiErr != nil {
		req.ErrorCode = apiErr.Code
	}
	s.recordLocked(req)
	s.mu.Unlock()
	if apiErr != nil {
		writeError(w, apiErr)
		return
	}
	writeResult(w, result)
}

// splitPath takes /bot{token}/{method} or /bot{token}/test/{method}.
func splitPath(p string) (token, method string, ok bool) {
	rest, ok := strings.CutPrefix(p, "/bot")
	if !ok {
		return "", "", false
	}
	token, method, ok = strings.Cut(rest, "/")
	if !ok || token == "" {
		return "", "", false
	}
	method = strings.TrimPrefix(method, "test/")
	if method == "" || strings.Contains(method, "/") {
		return "", "", false
	}
	return token, method, true
}

func (s *Server) injectedFailureLocked(req *Request, lower string) *apiError {
	if req.Token != s.token {
		return errorFor(http.StatusUnauthorized, 0)
	}
	if q := s.failNext[lower]; len(q) > 0 {
		f := q[0]
		s.failNext[lower] = q[1:]
		return errorFor(f.code, f.retryAfter)
	}
	if id, ok := req.chatID(); ok {
		if code, failing := s.failChat[id]; failing {
			return errorFor(code, 0)
		}
	}
	return s.faultLocked(req, lower)
}

func (s *Server) recordLocked(req Request) {
	s.requests = append(s.requests, req)
	s.signalLocked()
}

func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request, params map[string]string) {
	offset, _ := strconv.ParseInt(params["offset"], 10, 64)
	limit, _ := strconv.Atoi(params["limit"])
	if limit <= 0 || limit > DefaultPollLimit {
		limit = DefaultPollLimit
	}
	timeout, _ := strconv.Atoi(params["timeout"])
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(time.Duration(timeout) * time.Second)
		defer t.Stop()
		deadline = t.C
	}
	for {
		s.mu.Lock()
		if s.webhook.URL != "" {
			s.mu.Unlock()
			writeError(w, &apiError{Code: http.StatusConflict, Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"})
			return
		}
		s.confirmLocked(offset)
		// A negative offset is applied once; afterwards the queue is as confirmed.
		if offset < 0 {
			offset = 0
		}
		n := min(limit, len(s.queue))
		batch := make([]json.RawMessage, n)
		for i := range n {
			batch[i] = s.queue[i].raw
		}
		changed := s.changed
		s.mu.Unlock()

		if n > 0 || deadline == nil {
			writeResult(w, batch)
			return
		}
		select {
		case <-changed:
		case <-deadline:
			writeResult(w, batch)
			return
		case <-r.Context().Done():
			return
		case <-s.closed:
			writeResult(w, batch)
			return
		}
	}
}

// confirmLocked drops updates as Telegram does: a positive offset confirms
// every update with a smaller id; a negative one keeps only the last -offset.
func (s *Server) confirmLocked(offset int64) {
	switch {
	case offset > 0:
		i := 0
		for i < len(s.queue) && s.queue[i].id < offset {
			i++
		}
		if i > 0 {
			// Pushes are not necessarily in id order; filter the rest too.
			kept := s.queue[:0:0]
			for _, q := range s.queue {
				if q.id >= offset {
					kept = append(kept, q)
				}
			}
			s.queue = kept
		}
	case offset < 0:
		if keep := int(-offset); keep < len(s.queue) {
			s.queue = append([]queuedUpdate(nil), s.queue[len(s.queue)-keep:]...)
		}
	}
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, "/file/bot")
	token, path, ok := strings.Cut(rest, "/")
	s.mu.Lock()
	data, found := s.files[strings.TrimPrefix(path, "files/")]
	valid := token == s.token
	s.mu.Unlock()
	if !ok || !valid || !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(data)
}

func writeResult(w http.ResponseWriter, result any) {
	body, err := json.Marshal(struct {
		OK     bool `json:"ok"`
		Result any  `json:"result"`
	}{true, result})
	if err != nil {
		writeError(w, &apiError{Code: http.StatusInternalServerError, Description: "telegramtest: " + err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, e *apiError) {
	type parameters struct {
		RetryAfter int `json:"retry_after,omitempty"`
	}
	body, _ := json.Marshal(struct {
		OK          bool        `json:"ok"`
		ErrorCode   int         `json:"error_code"`
		Description string      `json:"description"`
		Parameters  *parameters `json:"parameters,omitempty"`
	}{
		ErrorCode:   e.Code,
		Description: e.Description,
		Parameters: func() *parameters {
			if e.RetryAfter > 0 {
				return &parameters{RetryAfter: e.RetryAfter}
			}
			return nil
		}(),
	})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(e.Code)
	_, _ = w.Write(body)
}

// decodeParams reads the request's fields from a multipart form, a
// urlencoded form, a JSON object or the query string. JSON values that are
// not strings are kept as their JSON text, which is how go-telegram/bot
// encodes objects such as reply_markup in a form.
func decodeParams(r *http.Request) (params map[string]string, files map[string][]byte, names map[string]string, err error) {
	params = map[string]string{}
	files = map[string][]byte{}
	names = map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			// go-telegram/bot sends an empty body for methods without
			// parameters (getMe, getWebhookInfo).
			if errors.Is(err, io.EOF) {
				return params, files, names, nil
			}
			return nil, nil, nil, fmt.Errorf("parse multipart form: %w", err)
		}
		for k, v := range r.MultipartForm.Value {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
		for k, fhs := range r.MultipartForm.File {
			if len(fhs) == 0 {
				continue
			}
			f, err := fhs[0].Open()
			if err != nil {
				return nil, nil, nil, fmt.Errorf("open file %s: %w", k, err)
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return nil, nil, nil, fmt.Errorf("read file %s: %w", k, err)
			}
			files[k] = data
			names[k] = fhs[0].Filename
		}
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return nil, nil, nil, fmt.Errorf("parse form: %w", err)
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				params[k] = v[0]
			}
		}
	case "application/json":
		var obj map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&obj); err != nil && err != io.EOF {
			return nil, nil, nil, fmt.Errorf("decode json: %w", err)
		}
		for k, raw := range obj {
			var str string
			if json.Unmarshal(raw, &str) == nil {
				params[k] = str
			} else {
				params[k] = string(raw)
			}
		}
	}
	return params, files, names, nil
}
