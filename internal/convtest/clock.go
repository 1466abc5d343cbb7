package convtest

import (
	"sync"
	"time"
)

// Clock is a fake clock for stores that take a Now func. It starts at a
// fixed UTC instant and moves only when Add is called. It is safe for
// concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a Clock set to 2024-03-01 08:00 UTC.
func NewClock() *Clock {
	return &Clock{now: time.Date(2024, time.March, 1, 8, 0, 0, 0, time.UTC)}
}

// Now returns the clock's current instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
