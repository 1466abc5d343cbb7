package memory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"cnsbot"
)

// sweepInterval is how often, by the store's clock, a save also drops every
// entry past its grace period, so that users who never come back do not
// hold memory forever.
const sweepInterval = 10 * time.Minute

// Store is a cnsbot.ConversationStore in process memory. The zero value is
// not usable; call NewStore.
type Store struct {
	// Now returns the current time. It decides UpdatedAt, ExpiresAt and when
	// an entry is gone; tests replace it.
	Now func() time.Time

	mu        sync.Mutex
	convs     map[cnsbot.ConversationKey]*cnsbot.Conversation
	locks     map[cnsbot.ConversationKey]*lock
	nextSweep time.Time
}

var _ cnsbot.ConversationStore = (*Store)(nil)

// lock is one key's lock. ch holds a token while the lock is free; refs
// counts holders and waiters so that the record is dropped when nobody
// uses it.
type lock struct {
	ch   chan struct{}
	refs int
}

// NewStore returns an empty Store on the wall clock.
func NewStore() *Store {
	return &Store{
		Now:   time.Now,
		convs: make(map[cnsbot.ConversationKey]*cnsbot.Conversation),
		locks: make(map[cnsbot.ConversationKey]*lock),
	}
}

// GetConversation returns a copy of k's state, or ENOTFOUND when there is
// none or it is past ExpiresAt + cnsbot.ConversationGrace.
func (s *Store) GetConversation(ctx context.Context, k cnsbot.ConversationKey) (*cnsbot.Conversation, error) {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.convs[k]
	if !ok {
		return nil, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
	} else if gone(c, now) {
		delete(s.convs, k)
		return nil, cnsbot.Errorf(cnsbot.ENOTFOUND, "error.not_found")
	}
	return clone(c), nil
}

// SaveConversation stores a copy of c under k. It sets c.UpdatedAt to now,
// c.ExpiresAt to now + ttl and bumps c.Version, so the caller sees what was
// stored.
func (s *Store) SaveConversation(ctx context.Context, k cnsbot.ConversationKey, c *cnsbot.Conversation, ttl time.Duration) error {
	if c == nil {
		return errors.New("save conversation: nil conversation")
	} else if ttl <= 0 {
		return fmt.Errorf("save conversation %s: ttl %v is not positive", k, ttl)
	}
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	c.UpdatedAt = now
	c.ExpiresAt = now.Add(ttl)
	c.Version++
	s.convs[k] = clone(c)
	s.sweep(now)
	return nil
}

// DeleteConversation removes k's state; no error when there is none.
func (s *Store) DeleteConversation(ctx context.Context, k cnsbot.ConversationKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.convs, k)
	return nil
}

// Lock waits until k's lock is free or ctx ends, and returns the func that
// releases it. Calling unlock more than once is harmless. If the holder does
// not unlock within ttl the lock is released anyway, as a Redis lock would
// expire, so that a stuck handler cannot block its user forever; ttl runs on
// the wall clock, not on Now.
func (s *Store) Lock(ctx context.Context, k cnsbot.ConversationKey, ttl time.Duration) (unlock func(), err error) {
	if ttl <= 0 {
		return nil, fmt.Errorf("lock conversation %s: ttl %v is not positive", k, ttl)
	} else if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lock conversation %s: %w", k, err)
	}

	s.mu.Lock()
	l := s.locks[k]
	if l == nil {
		l = &lock{ch: make(chan struct{}, 1)}
		l.ch <- struct{}{}
		s.locks[k] = l
	}
	l.refs++
	s.mu.Unlock()

	select {
	case <-l.ch:
	case <-ctx.Done():
		s.release(k, l)
		return nil, fmt.Errorf("lock conversation %s: %w", k, ctx.Err())
	}

	var once sync.Once
	free := func() {
		once.Do(func() {
			l.ch <- struct{}{}
			s.release(k, l)
		})
	}
	lease := time.AfterFunc(ttl, free)
	return func() {
		lease.Stop()
		free()
	}, nil
}

// release drops one reference to l and forgets it when it was the last.
func (s *Store) release(k cnsbot.ConversationKey, l *lock) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l.refs--; l.refs == 0 {
		delete(s.locks, k)
	}
}

// Ping reports nil: process memory is always reachable.
func (s *Store) Ping(ctx context.Context) error { return nil }

// Close drops all state. It does not wait for lock holders.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.convs)
	return nil
}

// sweep drops every entry past its grace period, at most once per
// sweepInterval. The caller holds s.mu.
func (s *Store) sweep(now time.Time) {
	if now.Before(s.nextSweep) {
		return
	}
	s.nextSweep = now.Add(sweepInterval)
	for k, c := range s.convs {
		if gone(c, now) {
			delete(s.convs, k)
		}
	}
}

// gone reports whether c is past its grace period and counts as absent.
func gone(c *cnsbot.Conversation, now time.Time) bool {
	return !c.ExpiresAt.IsZero() && now.After(c.ExpiresAt.Add(cnsbot.ConversationGrace))
}

// clone copies c so that callers never share the stored draft bytes.
func clone(c *cnsbot.Conversation) *cnsbot.Conversation {
	out := *c
	out.Draft = bytes.Clone(c.Draft)
	return &out
}
