package sqlite_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// MustCreateBatch queues a broadcast of n private messages to chats
// 1001, 1002, … (no members) and returns the batch and its messages.
func MustCreateBatch(tb testing.TB, db *sqlite.DB, n int) (*cnsbot.OutboxBatch, []*cnsbot.OutboxMessage) {
	tb.Helper()
	b := &cnsbot.OutboxBatch{Kind: "broadcast", Title: "Họp tổ tháng 7", ReportChatID: 77, ReportLocale: "vi"}
	ms := make([]*cnsbot.OutboxMessage, n)
	for i := range ms {
		ms[i] = &cnsbot.OutboxMessage{ChatID: int64(1001 + i), Text: fmt.Sprintf("Tin nhắn %d", i)}
	}
	if err := sqlite.NewOutboxService(db).CreateBatch(context.Background(), b, ms); err != nil {
		tb.Fatal(err)
	}
	return b, ms
}

// testOwner is the process that holds the sender's lease in these tests.
const testOwner = "host/pid:[4026531836]/4242/aa"

// MustSenderLease gives owner the sender's lease for an hour and returns
// the OutboxService.
func MustSenderLease(tb testing.TB, db *sqlite.DB, owner string) *sqlite.OutboxService {
	tb.Helper()
	s := sqlite.NewOutboxService(db)
	if _, _, err := s.AcquireSenderLease(context.Background(), owner, nil, now, time.Hour); err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestOutboxService_CreateBatch(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		s := MustSenderLease(t, db, testOwner)
		b, ms := MustCreateBatch(t, db, 3)
		if b.ID == 0 || !b.CreatedAt.Equal(now.UTC()) || b.DoneAt != nil || b.Total != 3 || b.Queued != 3 {
			t.Fatalf("batch=%+v", b)
		}
		for _, m := range ms {
			if m.ID == 0 || m.BatchID != b.ID || m.Status != cnsbot.OutboxQueued || !m.NextAttemptAt.Equal(now.UTC()) {
				t.Fatalf("message=%+v", m)
			}
		}
		got, err := s.FindBatch(context.Background(), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != "broadcast" || got.Title != b.Title || got.ReportChatID != 77 || got.ReportLocale != "vi" ||
			got.Total != 3 || got.Queued != 3 || got.Sent != 0 || got.DoneAt != nil {
			t.Fatalf("FindBatch=%+v", got)
		}
		m, err := s.FindOutboxMessage(context.Background(), ms[1].ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.ChatID != 1002 || m.Text != "Tin nhắn 1" || m.IsGroup || m.MemberID != 0 || m.Status != cnsbot.OutboxQueued {
			t.Fatalf("message=%+v", m)
		}
	})

	t.Run("Empty", func(t *testing.T) {
		db := MustOpenDB(t)
		b, _ := MustCreateBatch(t, db, 0)
		if b.DoneAt == nil {
			t.Fatal("an empty batch should be done at once")
		}
	})

	t.Run("ErrInvalid", func(t *testing.T) {
		db := MustOpenDB(t)
		s := MustSenderLease(t, db, testOwner)
		ctx := context.Background()
		assertCode(t, s.CreateBatch(ctx, &cnsbot.OutboxBatch{}, nil), cnsbot.EINVALID)
		assertCode(t, s.CreateBatch(ctx, &cnsbot.OutboxBatch{Kind: "broadcast"},
			[]*cnsbot.OutboxMessage{{ChatID: 5}}), cnsbot.EINVALID)
		assertCode(t, s.CreateBatch(ctx, &cnsbot.OutboxBatch{Kind: "broadcast"},
			[]*cnsbot.OutboxMessage{{ChatID: 5, Text: "x", MemberID: 999}}), cnsbot.EINVALID) // no such member
		if n, err := s.Depth(ctx); err != nil || n != 0 {
			t.Fatalf("Depth=%d, %v; want nothing stored", n, err)
		}
	})
}

func TestOutboxService_ClaimDue(t *testing.T) {
	t.Run("DueOnlyOldestFirst", func(t *testing.T) {
		db := MustOpenDB(t)
		s := MustSenderLease(t, db, testOwner)
		ctx := context.Background()
		later := now.Add(time.Hour)
		ms := []*cnsbot.OutboxMessage{
			{ChatID: 1, Text: "later", NextAttemptAt: later},
			{ChatID: 2, Text: "a"},
			{ChatID: -100123, Text: "b", IsGroup: true},
			{ChatID: 4, Text: "c"},
		}
		if err := s.CreateBatch(ctx, &cnsbot.OutboxBatch{Kind: "schedule"}, ms); err != nil {
			t.Fatal(err)
		}
		got, err := s.ClaimDue(ctx, testOwner, now, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].ID != ms[1].ID || got[1].ID != ms[2].ID || !got[1].IsGroup {
			t.Fatalf("claimed %+v %+v", got[0], got[1])
		}
		for _, m := range got {
			if m.Status != cnsbot.OutboxSending || m.Attempts != 0 {
				t.Fatalf("claimed %+v", m)
			}
		}
		if got, err = s.ClaimDue(ctx, testOwner, now, 10); err != nil || len(got) != 1 || got[0].ID != ms[3].ID {
			t.Fatalf("second claim=%v, %v", got, err)
		}
		if got, err = s.ClaimDue(ctx, testOwner, now, 10); err != nil || len(got) != 0 {
			t.Fatalf("third claim=%v, %v; want nothing due", got, err)
		}
		if got, err = s.ClaimDue(ctx, testOwner, later, 10); err != nil || len(got) != 1 || got[0].ID != ms[0].ID {
			t.Fatalf("claim at its time=%v, %v", got, err)
		}
		if n, err := s.Depth(ctx); err != nil || n != 4 {
			t.Fatalf("Depth=%d, %v; want 4 sending", n, err)
		}
	})

	t.Run("NeverTwice", func(t *testing.T) {
		db := MustOpenDB(t)
		s := MustSenderLease(t, db, testOwner)
		const n = 2000
		MustCreateBatch(t, db, n)
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for range 20 {
			wg.Go(func() {
				for {
					ms, err := s.ClaimDue(context.Background(), testOwner, now, 7)
					if err != nil {
						errs <- err
						return
					}
					if len(ms) == 0 {
						return
					}
					mu.Lock()
					for _, m := range ms {
						seen[m.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Fatalf("claimed %d messages, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Fatalf("message %d claimed %d times", id, c)
			}
		}
	})
}

func TestOutboxService_Mark(t *testing.T) {
	ctx := context.Background()
	claimAll := func(t *testing.T, s *sqlite.OutboxService) {
		t.Helper()
		if _, err := s.ClaimDue(ctx, testOwner, now, 100); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("Sent", func(t *testing.T) {
		db := MustOpenDB(t)
		s := MustSenderLease(t, db, testOwner)
		_, ms := MustCreateBatch(t, db, 1)
		claimAll(t, s)
		at := now.Add(time.Second)
		if err := s.MarkSent(ctx, ms[0].ID, at); err != nil {
			t.Fatal(err)
		}
		m, err := s.FindOutboxMessage(ctx, ms[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != cnsbot.OutboxSent || m.Attempts != 1 || m.SentAt == nil || !m.SentAt.Equal(at) {
			t.Fatalf("message=%+v", m)
		}
		assertCode(t, s.MarkSent(ctx, ms[0].ID, at), cnsbot.ECONFLICT)
		assertCode(t, s.MarkRetry(ctx, ms[0].ID, at, "x"), cnsbot.ECONFLICT)
		assertCode(t, s.MarkSent(ctx, 9999, at), cnsbot.ENOTFOUND)
	})

	t.Run("RetryThenFailed", func(t *testing.T) {
		db := MustOpenDB(t)
		s := MustSenderLease(t, db, testOwner)
		_, ms := MustCreateBatch(t, db, 1)
		claimAll(t, s)
		next := now.Add(2 * time.Second)
		if err := s.MarkRetry(ctx, ms[0].ID, next, "500 Internal Server Error"); err != nil {
			t.Fatal(err)
		}
		m, _ := s.FindOutboxMessage(ctx, ms[0].ID)
		if m.Status != cnsbot.OutboxQueued || m.Attempts != 1 || !m.NextAttemptAt.Equal(next) || m.LastError != "500 Internal Server Error" {
			t.Fatalf("message=%+v", m)
		}
		if got, _ := s.ClaimDue(ctx, testOwner, now, 10); len(got) != 0 {
			t.Fatal("claimed before its retry time")
		}
		if got, _ := s.ClaimDue(ctx, testOwner, next, 10); len(got) != 1 || got[0].Attempts != 1 {
			t.Fatalf("claim at retry time=%+v", got)
		}
		if err := s.MarkFailed(ctx, ms[0].ID, "gave up"); err != nil {
			t.Fatal(err)
		}
		m, _ = s.FindOutboxMessage(ctx, ms[0].ID)
		if m.Status != cnsbot.OutboxFailed || m.Attempts != 2 || m.LastError != "gave up" {
			t.Fatalf("message=%+v", m)
		}
		assertCode(t, s.MarkFailed(ctx, ms[0].ID, "again"), cnsbot.ECONFLICT)
	})

	t.Run("Blocked", func(t *testing.T) {
		db := MustOpenDB(t)
		us := MustTree(t, db)
		a := MustCreateMember(t, db, &cnsbot.Member{FullName: "Trần Thị B", Phone: "0912000001", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
		MustActivate(t, db, a.ID, 5001)
		b := MustCreateMember(t, db, &cnsbot.Member{FullName: "Lê Văn C", Phone: "0912000002", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
		MustActivate(t, db, b.ID, 5002)
		s := MustSenderLease(t, db, testOwner)
		ms := []*cnsbot.OutboxMessage{
			{ChatID: 5001, MemberID: a.ID, Text: "x"},
			{ChatID: 5002, MemberID: b.ID, Text: "x"},
			{ChatID: -100777, IsGroup: true, Text: "x"},
		}
		if err := s.CreateBatch(ctx, &cnsbot.OutboxBatch{Kind: "broadcast", CreatedBy: b.ID}, ms); err != nil {
			t.Fatal(err)
		}
		claimAll(t, s)
		if err := s.MarkBlocked(ctx, ms[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkBlocked(ctx, ms[2].ID); err != nil { // a group: no member
			t.Fatal(err)
		}
		members := sqlite.NewMemberService(db)
		if got, err := members.FindMemberByID(ctx, a.ID); err != nil || got.Status != cnsbot.StatusBlocked {
			t.Fatalf("member=%+v, %v; want blocked", got, err)
		}
		if got, err := members.FindMemberByID(ctx, b.ID); err != nil || got.Status != cnsbot.StatusActive {
			t.Fatalf("other member=%+v, %v; want active", got, err)
		}
		m, _ := s.FindOutboxMessage(ctx, ms[0].ID)
		if m.Status != cnsbot.OutboxBlocked || m.Attempts != 1 {
			t.Fatalf("message=%+v", m)
		}
		assertCode(t, s.MarkBlocked(ctx, ms[0].ID), cnsbot.ECONFLICT)
	})
}

func TestOutboxService_RecoverInFlight(t *testing.T) {
	db := MustOpenDB(t)
	s := MustSenderLease(t, db, testOwner)
	ctx := context.Background()
	_, ms := MustCreateBatch(t, db, 5)
	claimed, err := s.ClaimDue(ctx, testOwner, now, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, claimed[0].ID, now); err != nil {
		t.Fatal(err)
	}
	n, err := s.RecoverInFlight(ctx, testOwner)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("recovered %d, want the 2 left sending", n)
	}
	got, err := s.ClaimDue(ctx, testOwner, now, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[0].ID != ms[1].ID || got[0].Attempts != 0 {
		t.Fatalf("claim after recovery: %d messages, first %+v", len(got), got[0])
	}
	if n, err := s.RecoverInFlight(ctx, testOwner); err != nil || n != 4 {
		t.Fatalf("RecoverInFlight=%d, %v", n, err)
	}
	if n, err := s.RecoverInFlight(ctx, testOwner); err != nil || n != 0 {
		t.Fatalf("RecoverInFlight again=%d, %v", n, err)
	}
}

func TestOutboxService_FinishBatch(t *testing.T) {
	db := MustOpenDB(t)
	s := MustSenderLease(t, db, testOwner)
	ctx := context.Background()
	b, ms := MustCreateBatch(t, db, 4)
	other, _ := MustCreateBatch(t, db, 1)

	if ids, err := s.UnfinishedBatches(ctx); err != nil || len(ids) != 2 || ids[0] != b.ID || ids[1] != other.ID {
		t.Fatalf("UnfinishedBatches=%v, %v", ids, err)
	}
	if first, err := s.FinishBatch(ctx, b.ID, now); err != nil || first {
		t.Fatalf("FinishBatch with messages queued=%v, %v", first, err)
	}
	if _, err := s.ClaimDue(ctx, testOwner, now, 4); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkSent(ctx, ms[0].ID, now); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkBlocked(ctx, ms[1].ID); err != nil {
		t.Fatal(err)
	}
	if err := s.MarkFailed(ctx, ms[2].ID, "400 Bad Request"); err != nil {
		t.Fatal(err)
	}
	if first, err := s.FinishBatch(ctx, b.ID, now); err != nil || first {
		t.Fatalf("FinishBatch with one sending=%v, %v", first, err)
	}
	got, err := s.FindBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Total != 4 || got.Queued != 1 || got.Sent != 1 || got.Blocked != 1 || got.Failed != 1 {
		t.Fatalf("counts=%+v", got)
	}
	if err := s.MarkSent(ctx, ms[3].ID, now); err != nil {
		t.Fatal(err)
	}

	// Many callers race to finish it; exactly one is first.
	done := now.Add(time.Minute)
	var wg sync.WaitGroup
	var mu sync.Mutex
	firsts := 0
	for range 10 {
		wg.Go(func() {
			first, err := s.FinishBatch(ctx, b.ID, done)
			if err != nil {
				t.Error(err)
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firsts != 1 {
		t.Fatalf("%d callers finished the batch, want 1", firsts)
	}
	got, err = s.FindBatch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.DoneAt == nil || !got.DoneAt.Equal(done) || got.Queued != 0 || got.Sent != 2 {
		t.Fatalf("batch=%+v", got)
	}
	if ids, err := s.UnfinishedBatches(ctx); err != nil || len(ids) != 1 || ids[0] != other.ID {
		t.Fatalf("UnfinishedBatches=%v, %v", ids, err)
	}
	_, err = s.FinishBatch(ctx, 9999, now)
	assertCode(t, err, cnsbot.ENOTFOUND)
	_, err = s.FindBatch(ctx, 9999)
	assertCode(t, err, cnsbot.ENOTFOUND)
}

func TestOutboxService_FindLatestBatch(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		db := MustOpenDB(t)
		s := sqlite.NewOutboxService(db)
		ctx := context.Background()
		msgs := func() []*cnsbot.OutboxMessage {
			return []*cnsbot.OutboxMessage{{ChatID: 1001, Text: "Nhắc báo cáo"}}
		}
		var batches []*cnsbot.OutboxBatch
		for i, subject := range []string{"remind:7:w2026-30", "remind:7:w2026-30", "remind:8:w2026-30"} {
			at := now.Add(time.Duration(i) * time.Minute)
			db.Now = func() time.Time { return at }
			b := &cnsbot.OutboxBatch{Kind: "reminder", Subject: subject, Key: fmt.Sprintf("cq:%d", i)}
			if err := s.CreateBatch(ctx, b, msgs()); err != nil {
				t.Fatal(err)
			}
			batches = append(batches, b)
		}
		got, err := s.FindLatestBatch(ctx, "remind:7:w2026-30")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != batches[1].ID || got.Subject != "remind:7:w2026-30" || got.Key != "cq:1" ||
			!got.CreatedAt.Equal(now.Add(time.Minute).UTC()) || got.Total != 1 {
			t.Fatalf("FindLatestBatch=%+v, want batch %d", got, batches[1].ID)
		}
		if b, err := s.FindBatch(ctx, batches[2].ID); err != nil || b.Subject != "remind:8:w2026-30" {
			t.Fatalf("FindBatch=%+v, %v", b, err)
		}
	})

	t.Run("ErrNotFound", func(t *testing.T) {
		db := MustOpenDB(t)
		MustCreateBatch(t, db, 1) // no subject
		_, err := sqlite.NewOutboxService(db).FindLatestBatch(context.Background(), "remind:7:w2026-30")
		assertCode(t, err, cnsbot.ENOTFOUND)
	})
}
