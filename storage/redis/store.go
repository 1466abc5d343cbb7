package redis

import (
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"cnsbot"
	"cnsbot/lease"
)

// Client tuning applied when the URL does not set the option itself. The
// timeouts are short so that an outage fails a handler within a few seconds
// instead of hanging it; one retry covers a connection dropped by a restart.
// No idle connections are kept warm: during an outage they would only add
// background dials.
const (
	defaultPoolSize     = 32
	defaultDialTimeout  = 1 * time.Second
	defaultReadTimeout  = 1 * time.Second
	defaultWriteTimeout = 1 * time.Second
	defaultPoolTimeout  = 2 * time.Second
	defaultMaxRetries   = 1
	defaultDialRetries  = 1
)

// Lock polling: start fast so an uncontended handover is quick, cap the
// wait so that fifty waiters do not flood Redis.
const (
	lockBackoffMin = 2 * time.Millisecond
	lockBackoffMax = 50 * time.Millisecond
	// unlockTimeout bounds the release of a lock. unlock has no context of
	// its own; if Redis is down the lock lapses after its ttl anyway.
	unlockTimeout = 2 * time.Second
)

// unlockScript deletes the lock key only if it still holds our token, so a
// holder whose lock lapsed never frees the next holder's lock.
var unlockScript = goredis.NewScript(`
if redis.call("get", KEYS[1]) == ARGV[1] then
	return redis.call("del", KEYS[1])
end
return 0
`)

// Store is a cnsbot.ConversationStore in Redis. Create it with NewStore and
// call Open before use and Close after.
type Store struct {
	// URL is the Redis URL, e.g. redis://:password@host:6379/0; query
	// options such as dial_timeout or pool_size override the defaults.
	URL string
	// KeyPrefix starts every key the store writes, e.g. "cnsbot:".
	KeyPrefix string
	// Now returns the current time. It decides UpdatedAt and ExpiresAt;
	// tests replace it. Key TTLs run on Redis' own clock.
	Now func() time.Time
	// Owner names this process in its update claims and user locks
	// (default lease.Self); Dead tells whether another owner is gone
	// (default lease.Dead). Tests run two owners on one Redis.
	Owner string
	Dead  func(owner string) bool
	// ClaimLease is how long an update claim stays with a process that
	// stopped renewing it (default DefaultClaimLease).
	ClaimLease time.Duration

	client *goredis.Client

	mu   sync.Mutex
	held map[string]struct{} // claim keys this process holds, renewed by Renew
}

var _ cnsbot.ConversationStore = (*Store)(nil)

// NewStore returns a Store for the Redis at url whose keys start with
// keyPrefix. It does not connect; call Open.
func NewStore(url, keyPrefix string) *Store {
	return &Store{URL: url, KeyPrefix: keyPrefix, Now: time.Now, Owner: lease.Self, Dead: lease.Dead,
		ClaimLease: DefaultClaimLease, held: map[string]struct{}{}}
}

// Open parses the URL, creates the client and pings the server. A server
// that cannot be reached is reported as EUNAVAILABLE and leaves the store
// closed.
func (s *Store) Open(ctx context.Context) error {
	opt, err := goredis.ParseURL(s.URL)
	if err != nil {
		// A *url.Error repeats the URL, which may carry a password.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("parse redis url: %w", err)
	}
	tune(opt)
	s.client = goredis.NewClient(opt)
	if err := s.Ping(ctx); err != nil {
		s.client.Close()
		s.client = nil
		return fmt.Errorf("open redis store: %w", err)
	}
	return nil
}

// tune sets the defaults above on every option the URL left unset.
func tune(opt *goredis.Options) {
	setDefault(&opt.PoolSize, defaultPoolSize)
	setDefault(&opt.DialTimeout, defaultDialTimeout)
	setDefault(&opt.ReadTimeout, defaultReadTimeout)
	setDefault(&opt.WriteTimeout, defaultWriteTimeout)
	setDefault(&opt.PoolTimeout, defaultPoolTimeout)
	setDefault(&opt.MaxRetries, defaultMaxRetries)
	setDefault(&opt.DialerRetries, defaultDialRetries)
	// Handlers run with deadlines; let them cut a slow command short.
	opt.ContextTimeoutEnabled = true
}

func setDefault[T comparable](p *T, v T) {
	var zero T
	if *p == zero {
		*p = v
	}
}

// Close closes the client. It is safe to call on a store that is not open.
func (s *Store) Close() error {
	if s.client == nil {
		return nil
	}
	err := s.client.Close()
	s.client = nil
	return err
}

// Ping reports whether Redis answers; EUNAVAILABLE when it does not.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.open(); err != nil {
		return err
	}
	if err := s.client.Ping(ctx).Err(); err != nil {
		return s.translate(ctx, err, "ping redis")
	}
	return nil
}

// GetConversation returns k's state, or ENOTFOUND when there is none or it
// is past ExpiresAt + cnsbot.ConversationGrace (Redis normally dropped the
// key by then; the check covers clock skew between processes).
func (s *Store) GetConversation(ctx context.Context, k cnsbot.ConversationKey) (*cnsbot.Conversation, error) {
	if err := s.open(); err != nil {
		return nil, err
	}
	b, err := s.client.Get(ctx, s.convKey(k)).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
	} else if err != nil {
		return nil, s.translate(ctx, err, "get conversation "+k.String())
	}
	var c cnsbot.Conversation
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("decode conversation %s: %w", k, err)
	}
	if !c.ExpiresAt.IsZero() && s.Now().After(c.ExpiresAt.Add(cnsbot.ConversationGrace)) {
		return nil, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
	}
	return &c, nil
}

// SaveConversation writes c under k with a key TTL of ttl +
// cnsbot.ConversationGrace. On success c carries the stored UpdatedAt (now),
// ExpiresAt (now + ttl) and bumped Version; on failure c is unchanged.
func (s *Store) SaveConversation(ctx context.Context, k cnsbot.ConversationKey, c *cnsbot.Conversation, ttl time.Duration) error {
	if err := s.open(); err != nil {
		return err
	} else if c == nil {
		return errors.New("save conversation: nil conversation")
	} else if ttl <= 0 {
		return fmt.Errorf("save conversation %s: ttl %v is not positive", k, ttl)
	}
	now := s.Now()
	next := *c
	next.UpdatedAt = now
	next.ExpiresAt = now.Add(ttl)
	next.Version++
	b, err := json.Marshal(&next)
	if err != nil {
		return fmt.Errorf("encode conversation %s: %w", k, err)
	}
	// The key outlives ExpiresAt by the grace period so that the next
	// message can be answered with "your draft expired".
	if err := s.client.Set(ctx, s.convKey(k), b, ttl+cnsbot.ConversationGrace).Err(); err != nil {
		return s.translate(ctx, err, "save conversation "+k.String())
	}
	*c = next
	return nil
}

// DeleteConversation removes k's state; no error when there is none.
func (s *Store) DeleteConversation(ctx context.Context, k cnsbot.ConversationKey) error {
	if err := s.open(); err != nil {
		return err
	}
	if err := s.client.Del(ctx, s.convKey(k)).Err(); err != nil {
		return s.translate(ctx, err, "delete conversation "+k.String())
	}
	return nil
}

// Lock takes k's lock in Redis (SET NX PX ttl with a token naming this
// process and the holding), polling with a growing backoff until it is free
// or ctx ends. A lock held by a process that is gone (lease.Dead: a process
// of this host that no longer runs, e.g. the one a restart replaced) is
// taken over at once; otherwise it lapses after ttl even if unlock is never
// called, so ttl must cover the longest handler. unlock deletes the key only
// while it still holds this token; calling it more than once is harmless.
func (s *Store) Lock(ctx context.Context, k cnsbot.ConversationKey, ttl time.Duration) (unlock func(), err error) {
	if err := s.open(); err != nil {
		return nil, err
	} else if ttl <= 0 {
		return nil, fmt.Errorf("lock conversation %s: ttl %v is not positive", k, ttl)
	}
	key := s.lockKey(k)
	token := s.Owner + "#" + newToken()

	wait := lockBackoffMin
	for {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("lock conversation %s: %w", k, err)
		}
		ok, err := s.client.SetNX(ctx, key, token, ttl).Result()
		if err != nil {
			return nil, s.translate(ctx, err, "lock conversation "+k.String())
		} else if ok {
			break
		}
		if s.breakDeadLock(ctx, key) {
			continue
		}

		// Jitter keeps many waiters from polling in step.
		t := time.NewTimer(wait/2 + rand.N(wait/2+1))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("lock conversation %s: %w", k, ctx.Err())
		}
		wait = min(2*wait, lockBackoffMax)
	}

	client := s.client
	var once sync.Once
	return func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), unlockTimeout)
			defer cancel()
			// An error leaves the key to lapse after ttl; there is no
			// caller to report it to.
			_ = unlockScript.Run(ctx, client, []string{key}, token).Err()
		})
	}, nil
}

// breakDeadLock deletes key when the process holding it is gone, and
// reports whether it did.
func (s *Store) breakDeadLock(ctx context.Context, key string) bool {
	holder, err := s.client.Get(ctx, key).Result()
	if err != nil {
		return false
	}
	owner, _, _ := strings.Cut(holder, "#")
	if s.Dead == nil || !s.Dead(owner) {
		return false
	}
	n, err := unlockScript.Run(ctx, s.client, []string{key}, holder).Int()
	return err == nil && n == 1
}

// SeenOnce records key for ttl and reports whether this call was the first
// to do so (SET NX), e.g. to handle a Telegram update_id only once across
// processes. The key is stored as <prefix>seen:<key>.
func (s *Store) SeenOnce(ctx context.Context, key string, ttl time.Duration) (first bool, err error) {
	if err := s.open(); err != nil {
		return false, err
	} else if ttl <= 0 {
		return false, fmt.Errorf("mark seen %s: ttl %v is not positive", key, ttl)
	}
	first, err = s.client.SetNX(ctx, s.KeyPrefix+"seen:"+key, 1, ttl).Result()
	if err != nil {
		return false, s.translate(ctx, err, "mark seen "+key)
	}
	return first, nil
}

func (s *Store) convKey(k cnsbot.ConversationKey) string { return s.KeyPrefix + "conv:" + k.String() }
func (s *Store) lockKey(k cnsbot.ConversationKey) string { return s.KeyPrefix + "lock:" + k.String() }

// open reports an error when Open has not succeeded, instead of a nil
// pointer panic in a handler.
func (s *Store) open() error {
	if s.client == nil {
		return errors.New("redis store is not open")
	}
	return nil
}

// translate turns a go-redis error into the application's terms. The
// caller's own cancellation stays a context error; a reply from Redis
// that says the command itself is wrong is a bug (EINTERNAL); anything
// else (no connection, timeouts, a server loading or failing over) means
// Redis is unavailable.
func (s *Store) translate(ctx context.Context, err error, what string) error {
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return fmt.Errorf("%s: %w", what, err)
	}
	var rerr goredis.Error
	if errors.As(err, &rerr) && !transient(err) {
		return fmt.Errorf("%s: %w", what, err)
	}
	return &cnsbot.Error{Code: cnsbot.EUNAVAILABLE, Key: "error.unavailable", Err: fmt.Errorf("%s: %w", what, err)}
}

// transient reports whether a Redis error reply says the server cannot
// serve now but will again.
func transient(err error) bool {
	return goredis.IsLoadingError(err) || goredis.IsReadOnlyError(err) ||
		goredis.IsClusterDownError(err) || goredis.IsTryAgainError(err) ||
		goredis.IsMasterDownError(err) || goredis.IsMaxClientsError(err) ||
		goredis.IsOOMError(err) || goredis.IsNoReplicasError(err)
}

// newToken returns a random lock token that no other holder shares.
func newToken() string {
	var b [16]byte
	crand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// updateTTL is how long a finished update id is remembered: Telegram keeps
// an undelivered update for 24 hours, so a redelivery comes within that.
const updateTTL = 48 * time.Hour

// DefaultClaimLease is how long an update claim outlives a process that
// stopped renewing it. A process of this host that died is seen dead at
// once (package lease); the lease bounds the wait for one on another host.
const DefaultClaimLease = 30 * time.Second

// claimDone is the value of a finished update's key.
const claimDone = "done"

// claimScript takes a free update key for ARGV[1] with a lease of ARGV[2]
// ms and returns "" — or returns the key's value: "done", or the owner
// that holds it.
var claimScript = goredis.NewScript(`
local v = redis.call("get", KEYS[1])
if v then return v end
redis.call("set", KEYS[1], ARGV[1], "PX", ARGV[2])
return ""
`)

// takeOverScript moves an update key from owner ARGV[1] to ARGV[2] with a
// lease of ARGV[3] ms; 1 when it did.
var takeOverScript = goredis.NewScript(`
if redis.call("get", KEYS[1]) == ARGV[1] then
	redis.call("set", KEYS[1], ARGV[2], "PX", ARGV[3])
	return 1
end
return 0
`)

// renewScript extends the lease of a key still held by ARGV[1].
var renewScript = goredis.NewScript(`
if redis.call("get", KEYS[1]) == ARGV[1] then
	return redis.call("pexpire", KEYS[1], ARGV[2])
end
return 0
`)

var _ cnsbot.UpdateLog = (*Store)(nil)

// ClaimUpdate implements cnsbot.UpdateLog for every bot process on this
// Redis, in one round trip: a new update is taken with a lease, a finished
// one is done, one held by a live process is busy, one held by a process
// that is gone is taken over. No database write per update.
func (s *Store) ClaimUpdate(ctx context.Context, updateID int64) (cnsbot.UpdateClaim, error) {
	if err := s.open(); err != nil {
		return cnsbot.ClaimBusy, err
	}
	key := s.updateKey(updateID)
	leaseMS := s.ClaimLease.Milliseconds()
	v, err := claimScript.Run(ctx, s.client, []string{key}, s.Owner, leaseMS).Text()
	if err != nil {
		return cnsbot.ClaimBusy, s.translate(ctx, err, fmt.Sprintf("claim update %d", updateID))
	}
	switch {
	case v == "":
	case v == claimDone:
		return cnsbot.ClaimDone, nil
	case v == s.Owner || s.Dead == nil || !s.Dead(v):
		// In progress here, or in a process that may live: its lease
		// decides. (A lapsed lease leaves no key: the next claim takes it.)
		return cnsbot.ClaimBusy, nil
	default:
		n, err := takeOverScript.Run(ctx, s.client, []string{key}, v, s.Owner, leaseMS).Int()
		if err != nil {
			return cnsbot.ClaimBusy, s.translate(ctx, err, fmt.Sprintf("claim update %d", updateID))
		} else if n != 1 {
			return cnsbot.ClaimBusy, nil
		}
	}
	s.mu.Lock()
	s.held[key] = struct{}{}
	s.mu.Unlock()
	return cnsbot.ClaimTaken, nil
}

// FinishUpdate implements cnsbot.UpdateFinisher: the key says done for
// updateTTL.
func (s *Store) FinishUpdate(ctx context.Context, updateID int64) error {
	if err := s.open(); err != nil {
		return err
	}
	key := s.updateKey(updateID)
	s.mu.Lock()
	delete(s.held, key)
	s.mu.Unlock()
	if err := s.client.Set(ctx, key, claimDone, updateTTL).Err(); err != nil {
		return s.translate(ctx, err, fmt.Sprintf("finish update %d", updateID))
	}
	return nil
}

// Renew extends the leases of the claims this process holds, in one
// pipeline; the bot calls it well within ClaimLease.
func (s *Store) Renew(ctx context.Context) error {
	if err := s.open(); err != nil {
		return err
	}
	s.mu.Lock()
	keys := make([]string, 0, len(s.held))
	for k := range s.held {
		keys = append(keys, k)
	}
	s.mu.Unlock()
	if len(keys) == 0 {
		return nil
	}
	pipe := s.client.Pipeline()
	for _, k := range keys {
		// Eval, not Run: in a pipeline a missing script is only seen at Exec.
		renewScript.Eval(ctx, pipe, []string{k}, s.Owner, s.ClaimLease.Milliseconds())
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return s.translate(ctx, err, "renew update claims")
	}
	return nil
}

// updateKey is an update's claim. (Before claims had owners they were
// <prefix>seen:update:<id> = 1; those are ignored and lapse.)
func (s *Store) updateKey(id int64) string {
	return s.KeyPrefix + "update:" + strconv.FormatInt(id, 10)
}
