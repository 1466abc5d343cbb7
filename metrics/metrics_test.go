package metrics_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"cnsbot/metrics"
)

// The collectors move as the bot reports, and the handler serves them in
// the text format.
func TestMetrics(t *testing.T) {
	m := metrics.New(func(context.Context) (int, error) { return 7, nil })
	m.Update("message", "ok", 3*time.Millisecond)
	m.Update("message", "duplicate", 0)
	m.ReportsSaved(2)
	m.OutboxSend("sent")
	m.StorageError("redis")
	m.SchedulerRun("weekly_missing", "ok")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{
		`cnsbot_updates_total{outcome="ok",type="message"} 1`,
		`cnsbot_updates_total{outcome="duplicate",type="message"} 1`,
		`cnsbot_handler_seconds_count 1`,
		`cnsbot_reports_saved_total 2`,
		`cnsbot_outbox_sends_total{result="sent"} 1`,
		`cnsbot_storage_errors_total{store="redis"} 1`,
		`cnsbot_scheduler_runs_total{result="ok",schedule="weekly_missing"} 1`,
		`cnsbot_outbox_depth 7`,
	} {
		if !strings.Contains(body, want) {
			t.Fatalf("metrics lack %q:\n%s", want, body)
		}
	}
}
