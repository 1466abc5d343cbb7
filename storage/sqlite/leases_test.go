package sqlite_test

import (
	"context"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

func TestOutboxService_SenderLease(t *testing.T) {
	const a, b = "host/pid:[1]/100/aa", "host/pid:[1]/200/bb"
	const ttl = 15 * time.Second
	ctx := context.Background()

	t.Run("AcquireRenewRelease", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewOutboxService(db)
		_, err := s.FindSenderLease(ctx)
		assertCode(t, err, cnsbot.ENOTFOUND)
		l, n, err := s.AcquireSenderLease(ctx, a, nil, now, ttl)
		if err != nil || n != 0 {
			t.Fatalf("Acquire=%v, %d, %v", l, n, err)
		}
		if l.Owner != a || !l.AcquiredAt.Equal(now) || !l.ExpiresAt.Equal(now.Add(ttl)) {
			t.Fatalf("lease=%+v", l)
		}
		read, err := s.FindSenderLease(ctx)
		if err != nil || *read != *l {
			t.Fatalf("FindSenderLease=%+v, %v; want %+v", read, err, l)
		}
		// b saw no lease too, and lost the race.
		_, _, err = s.AcquireSenderLease(ctx, b, nil, now, ttl)
		assertCode(t, err, cnsbot.ECONFLICT)

		renewed, err := s.RenewSenderLease(ctx, a, now.Add(5*time.Second), ttl)
		if err != nil || renewed.Owner != a || !renewed.AcquiredAt.Equal(now) || !renewed.ExpiresAt.Equal(now.Add(20*time.Second)) {
			t.Fatalf("Renew=%+v, %v", renewed, err)
		}
		_, err = s.RenewSenderLease(ctx, b, now, ttl)
		assertCode(t, err, cnsbot.ECONFLICT)
		// b read the lease before a renewed it: its take-over fails.
		_, _, err = s.AcquireSenderLease(ctx, b, read, now.Add(16*time.Second), ttl)
		assertCode(t, err, cnsbot.ECONFLICT)

		if err := s.ReleaseSenderLease(ctx, b, now.Add(6*time.Second)); err != nil { // not b's: nothing
			t.Fatal(err)
		}
		if got, _ := s.FindSenderLease(ctx); got.Owner != a || !got.ExpiresAt.Equal(now.Add(20*time.Second)) {
			t.Fatalf("after b's release=%+v", got)
		}
		released := now.Add(6 * time.Second)
		if err := s.ReleaseSenderLease(ctx, a, released); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FindSenderLease(ctx); got.Owner != a || !got.ExpiresAt.Equal(released) {
			t.Fatalf("after a's release=%+v, want expired at %v", got, released)
		}
		cur, _ := s.FindSenderLease(ctx)
		l, _, err = s.AcquireSenderLease(ctx, b, cur, released, ttl)
		if err != nil || l.Owner != b || !l.AcquiredAt.Equal(released) {
			t.Fatalf("Acquire after release=%+v, %v", l, err)
		}
	})

	// Expired and nobody took it: the holder may still renew and claim.
	t.Run("ExpiredNotTaken", func(t *testing.T) {
		db := MustOpenDB(t)
		s := MustSenderLease(t, db, a) // until now + 1 h
		MustCreateBatch(t, db, 2)
		late := now.Add(2 * time.Hour)
		if ms, err := s.ClaimDue(ctx, a, late, 1); err != nil || len(ms) != 1 {
			t.Fatalf("ClaimDue after expiry=%v, %v", ms, err)
		}
		if l, err := s.RenewSenderLease(ctx, a, late, ttl); err != nil || !l.ExpiresAt.Equal(late.Add(ttl)) {
			t.Fatalf("Renew after expiry=%+v, %v", l, err)
		}
	})

	// b takes the lease from a while a has messages in flight — a expired,
	// or (the caller judged) dead: a's messages go back to the queue, a can
	// neither claim nor renew any more, and b claims them.
	t.Run("TakeOverRequeuesInFlight", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewOutboxService(db)
		if _, _, err := s.AcquireSenderLease(ctx, a, nil, now, ttl); err != nil {
			t.Fatal(err)
		}
		_, ms := MustCreateBatch(t, db, 5)
		_, err := s.ClaimDue(ctx, b, now, 10)
		assertCode(t, err, cnsbot.ECONFLICT)
		claimed, err := s.ClaimDue(ctx, a, now, 3)
		if err != nil || len(claimed) != 3 {
			t.Fatalf("ClaimDue=%v, %v", claimed, err)
		}
		for _, m := range claimed {
			if m.Owner != a || m.Status != cnsbot.OutboxSending {
				t.Fatalf("claimed %+v", m)
			}
		}
		if err := s.MarkSent(ctx, claimed[0].ID, now); err != nil {
			t.Fatal(err)
		}
		if m, _ := s.FindOutboxMessage(ctx, claimed[0].ID); m.Owner != "" {
			t.Fatalf("sent message owned by %q", m.Owner)
		}
		if n, err := s.RecoverInFlight(ctx, b); err != nil || n != 0 {
			t.Fatalf("RecoverInFlight of b=%d, %v; want a's left alone", n, err)
		}

		cur, err := s.FindSenderLease(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Before expiry: what a standby does when the holder is dead.
		l, n, err := s.AcquireSenderLease(ctx, b, cur, now.Add(time.Second), ttl)
		if err != nil || l.Owner != b || n != 2 {
			t.Fatalf("take-over=%+v, %d, %v; want a's 2 in flight re-queued", l, n, err)
		}
		for _, m := range ms[1:3] {
			got, _ := s.FindOutboxMessage(ctx, m.ID)
			if got.Status != cnsbot.OutboxQueued || got.Owner != "" || got.Attempts != 0 || !got.NextAttemptAt.Equal(now) {
				t.Fatalf("message after take-over=%+v", got)
			}
		}
		_, err = s.ClaimDue(ctx, a, now, 10)
		assertCode(t, err, cnsbot.ECONFLICT)
		_, err = s.RenewSenderLease(ctx, a, now, ttl)
		assertCode(t, err, cnsbot.ECONFLICT)
		if n, err := s.RecoverInFlight(ctx, a); err != nil || n != 0 {
			t.Fatalf("RecoverInFlight of a=%d, %v", n, err)
		}
		got, err := s.ClaimDue(ctx, b, now, 10)
		if err != nil || len(got) != 4 || got[0].ID != ms[1].ID || got[0].Owner != b {
			t.Fatalf("b's claim=%d messages, %v", len(got), err)
		}
	})

	// A message a version before the lease left sending has no owner: the
	// first holder re-queues it.
	t.Run("LegacySending", func(t *testing.T) {
		db := MustOpenDB(t)
		_, ms := MustCreateBatch(t, db, 2)
		if _, err := db.SQL().Exec(`UPDATE outbox_messages SET status = 'sending' WHERE id = ?`, ms[0].ID); err != nil {
			t.Fatal(err)
		}
		s := sqlite.NewOutboxService(db)
		if _, n, err := s.AcquireSenderLease(ctx, a, nil, now, ttl); err != nil || n != 1 {
			t.Fatalf("Acquire=%d, %v; want the one left sending re-queued", n, err)
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		s := sqlite.NewOutboxService(MustOpenDB(t))
		_, _, err := s.AcquireSenderLease(ctx, "", nil, now, ttl)
		assertCode(t, err, cnsbot.EINVALID)
		_, _, err = s.AcquireSenderLease(ctx, a, nil, now, 0)
		assertCode(t, err, cnsbot.EINVALID)
	})
}
