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
// per-user Redis lock, the handlers, SQLite in WAL mode — and measures
// reports/s and the p99 latency from getUpdates delivery to the receipt.
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
	b.ResetTimer()
	start := time.Now()
	pushed := make(map[int64]time.Time, b.N)
	batch := make([]*models.Update, 0, 100)
	first := h.ids.Next()
	for i := 0; i < b.N; i++ {
		user := int64(20_000 + i%users)
		id := first + int64(i)
		batch = append(batch, telegramtest.Command(id, user, user, "/bc vneid 1"))
		if len(batch) == cap(batch) || i == b.N-1 {
			now := time.Now()
			for _, u := range batch {
				pushed[u.ID] = now
			}
			h.tg.Push(batch...)
			batch = batch[:0]
		}
	}
	h.ids = telegramtest.NewIDs()
	for i := int64(0); i < first+int64(b.N); i++ {
		h.ids.Next()
	}
	h.waitHandled(b, first+int64(b.N)-1)
	for i := 0; i < b.N; i++ {
		h.waitHandled(b, first+int64(i))
	}
	elapsed := time.Since(start)
	b.StopTimer()

	sent := h.tg.SentMessages()
	var lat []time.Duration
	byChat := map[int64][]time.Time{}
	for _, m := range sent {
		byChat[m.ChatID] = append(byChat[m.ChatID], m.At)
	}
	// Each user's receipts come in the order of their updates.
	for i := 0; i < b.N; i++ {
		user := int64(20_000 + i%users)
		n := i / users
		if n < len(byChat[user]) {
			lat = append(lat, byChat[user][n].Sub(pushed[first+int64(i)]))
		}
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) > 0 {
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reports/s")
	var total int
	for _, u := range h.reportsOf(b, reporterTG) {
		_ = u
	}
	rs, n, err := h.reports.FindReports(ctx, cnsbot.ReportFilter{Limit: 1})
	_ = rs
	if err != nil {
		b.Fatal(err)
	}
	total = n
	if total != b.N {
		b.Fatalf("%d reports saved for %d updates", total, b.N)
	}
}
