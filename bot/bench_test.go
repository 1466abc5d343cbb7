package bot_test

import (
	"context"
	"fmt"
	"os"
	"sort"
	"testing"
	"time"

	"cnsbot"
	"cnsbot/internal/telegramtest"
	"cnsbot/storage/redis"

	"github.com/alicebob/miniredis/v2"
	"github.com/go-telegram/bot/models"
)

// benchRedis opens the conversation store on REDIS_URL (a real server) or,
// without it, on a miniredis.
func benchRedis(tb testing.TB) cnsbot.ConversationStore {
	tb.Helper()
	url := os.Getenv("REDIS_URL")
	if url == "" {
		url = "redis://" + miniredis.RunT(tb).Addr()
	}
	s := redis.NewStore(url, fmt.Sprintf("cnsbot-bench-%d:", time.Now().UnixNano()))
	if err := s.Open(context.Background()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkQuickReport sends `/bc vneid 1` from 200 registered members
// through the whole stack — the real go-telegram/bot long-polling the fake
// Bot API on loopback (0 ms latency), the pipeline with dedupe and the
// per-user Redis lock, the handlers, SQLite in WAL mode — and reports
// reports/s and the p50/p99 handling latency of one update (dedupe, lock,
// handler, receipt sent). All updates are queued at once, so the time an
// update waits for its turn is not part of that latency; it is what
// reports/s measures.
func BenchmarkQuickReport(b *testing.B) {
	h := newHarness(b, benchRedis(b)).withReporting(b, "vi")
	ctx := context.Background()
	const users = 200
	for u := 0; u < users; u++ {
		m := &cnsbot.Member{FullName: fmt.Sprintf("Thành viên %d", u), Phone: fmt.Sprintf("09140%05d", u), UnitID: h.village.ID, Role: cnsbot.RoleMember}
		if err := h.members.CreateMember(ctx, m); err != nil {
			b.Fatal(err)
		}
		tg, active := int64(20_000+u), cnsbot.StatusActive
		if _, err := h.members.UpdateMember(ctx, m.ID, cnsbot.MemberUpdate{TelegramID: &tg, Status: &active}); err != nil {
			b.Fatal(err)
		}
	}
	h.handledMu.Lock()
	h.took = h.took[:0]
	h.handledMu.Unlock()
	first := h.ids.Next() + 1
	updates := make([]*models.Update, b.N)
	for i := range updates {
		user := int64(20_000 + i%users)
		updates[i] = telegramtest.Command(first+int64(i), user, user, "/bc vneid 1")
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < len(updates); i += 100 {
		h.tg.Push(updates[i:min(i+100, len(updates))]...)
	}
	for i := range updates {
		h.waitHandled(b, first+int64(i))
	}
	elapsed := time.Since(start)
	b.StopTimer()

	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reports/s")
	h.handledMu.Lock()
	took := append([]time.Duration(nil), h.took...)
	h.handledMu.Unlock()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
	if _, n, err := h.reports.FindReports(ctx, cnsbot.ReportFilter{Limit: 1}); err != nil {
		b.Fatal(err)
	} else if n != b.N {
		b.Fatalf("%d reports saved for %d updates", n, b.N)
	}
	if n := len(h.tg.SentMessages()); n != b.N {
		b.Fatalf("%d receipts for %d updates", n, b.N)
	}
}
