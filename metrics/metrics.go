// Package metrics holds cnsbot's Prometheus collectors and serves them in
// the text format on /metrics. The Telegram edge, the outbox, the scheduler
// and the stores report through the small methods here, so that none of
// them imports client_golang.
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics are the collectors of one bot process.
type Metrics struct {
	Registry *prometheus.Registry

	updates       *prometheus.CounterVec
	handlerTime   prometheus.Histogram
	reportsSaved  prometheus.Counter
	outboxSends   *prometheus.CounterVec
	storageErrors *prometheus.CounterVec
	schedulerRuns *prometheus.CounterVec
}

// New registers the collectors. depth, when set, is read at each scrape for
// the outbox depth gauge.
func New(depth func(ctx context.Context) (int, error)) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cnsbot_updates_total", Help: "Telegram updates handled, by type and outcome.",
		}, []string{"type", "outcome"}),
		handlerTime: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "cnsbot_handler_seconds", Help: "Time to handle one update, from dedupe to the last reply.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}),
		reportsSaved: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "cnsbot_reports_saved_total", Help: "Reports saved by members (all sources but imports).",
		}),
		outboxSends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cnsbot_outbox_sends_total", Help: "Outbox send results: sent, retry, failed, blocked, rate_limited.",
		}, []string{"result"}),
		storageErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cnsbot_storage_errors_total", Help: "Errors from the stores, by store (sqlite, redis).",
		}, []string{"store"}),
		schedulerRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cnsbot_scheduler_runs_total", Help: "Schedule slots run, by schedule and result.",
		}, []string{"schedule", "result"}),
	}
	reg.MustRegister(m.updates, m.handlerTime, m.reportsSaved, m.outboxSends, m.storageErrors, m.schedulerRuns,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if depth != nil {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "cnsbot_outbox_depth", Help: "Outbox messages queued or being sent.",
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, err := depth(ctx)
			if err != nil {
				return -1
			}
			return float64(n)
		}))
	}
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// Update counts one handled update.
func (m *Metrics) Update(kind, outcome string, took time.Duration) {
	m.updates.WithLabelValues(kind, outcome).Inc()
	if outcome != "duplicate" {
		m.handlerTime.Observe(took.Seconds())
	}
}

// ReportsSaved counts saved reports.
func (m *Metrics) ReportsSaved(n int) { m.reportsSaved.Add(float64(n)) }

// OutboxSend counts one outbox send result.
func (m *Metrics) OutboxSend(result string) { m.outboxSends.WithLabelValues(result).Inc() }

// StorageError counts an error of a store.
func (m *Metrics) StorageError(store string) { m.storageErrors.WithLabelValues(store).Inc() }

// SchedulerRun counts one schedule slot run.
func (m *Metrics) SchedulerRun(schedule, result string) {
	m.schedulerRuns.WithLabelValues(schedule, result).Inc()
}
