package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"cnsbot"
	"cnsbot/storage/sqlite"
)

// BenchmarkSynchronous is what surviving a power cut costs: quick reports
// saved by 64 concurrent callers (group commit, as the bot does) and by one
// caller at a time, with synchronous NORMAL (the default: WAL synced at
// checkpoints only) and FULL (WAL synced at every commit).
//
//	go test -run '^$' -bench Synchronous -benchtime 3000x ./storage/sqlite/
func BenchmarkSynchronous(b *testing.B) {
	for _, mode := range []string{"NORMAL", "FULL"} {
		for _, callers := range []int{1, 64} {
			b.Run(fmt.Sprintf("%s/callers=%d", mode, callers), func(b *testing.B) {
				db := sqlite.NewDB(filepath.Join(b.TempDir(), "cnsbot.db"))
				db.Synchronous = mode
				if err := db.Open(); err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				us := MustTree(b, db)
				ind := MustCreateIndicator(b, db, "VNEID")
				m := MustCreateMember(b, db, &cnsbot.Member{FullName: "A", Phone: "0912345678", UnitID: us["V1"].ID, Role: cnsbot.RoleMember})
				s := sqlite.NewReportService(db)
				var n atomic.Int64
				b.ResetTimer()
				save := func() {
					i := n.Add(1)
					if err := s.CreateReports(context.Background(), []*cnsbot.Report{{MemberID: m.ID, UnitID: us["V1"].ID,
						Date: "2026-12-04", IndicatorID: ind.ID, Value: 1, Source: cnsbot.SourceQuick,
						IdempotencyKey: fmt.Sprint("k", i)}}); err != nil {
						b.Error(err)
					}
				}
				if callers == 1 {
					for range b.N {
						save()
					}
				} else {
					sem := make(chan struct{}, callers)
					done := make(chan struct{}, b.N)
					for range b.N {
						sem <- struct{}{}
						go func() { save(); <-sem; done <- struct{}{} }()
					}
					for range b.N {
						<-done
					}
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reports/s")
			})
		}
	}
}
