package app

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are ward's Prometheus metrics, on their own registry so that tests
// and several servers in one process do not collide.
type Metrics struct {
	Registry      *prometheus.Registry
	deliveries    *prometheus.CounterVec
	reviews       *prometheus.CounterVec
	reviewSeconds prometheus.Histogram
	ackSeconds    prometheus.Histogram
	githubCalls   *prometheus.CounterVec
	rateLimit     prometheus.Gauge
}

// NewMetrics registers ward's metrics; depth reports the queue depth on scrape.
func NewMetrics(depth func(context.Context) (int, error)) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ward_webhook_deliveries_total", Help: "Webhook deliveries by event (a subscribed event, ping or other once verified; unverified before) and outcome (queued, duplicate, ignored, rejected, error).",
		}, []string{"event", "outcome"}),
		reviews: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ward_reviews_total", Help: "Reviews finished, by conclusion (success, failure, neutral, superseded, error, abandoned: the process died during two attempts).",
		}, []string{"conclusion"}),
		reviewSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ward_review_duration_seconds", Help: "Wall time of one review, from job start to published check run.",
			Buckets: prometheus.ExponentialBuckets(0.1, 2, 12),
		}),
		ackSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ward_webhook_ack_duration_seconds", Help: "Time to verify and durably enqueue a delivery.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}),
		githubCalls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ward_github_api_calls_total", Help: "GitHub API calls by HTTP status (0: transport error).",
		}, []string{"status"}),
		rateLimit: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ward_github_rate_limit_remaining", Help: "X-RateLimit-Remaining of the last GitHub answer.",
		}),
	}
	m.Registry.MustRegister(m.deliveries, m.reviews, m.reviewSeconds, m.ackSeconds, m.githubCalls, m.rateLimit,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if depth != nil {
		m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "ward_queue_depth", Help: "Jobs waiting or running in the queue.",
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

func (m *Metrics) delivery(event, outcome string) {
	if m != nil {
		m.deliveries.WithLabelValues(event, outcome).Inc()
	}
}

func (m *Metrics) reviewDone(conclusion string, d time.Duration) {
	if m != nil {
		m.reviews.WithLabelValues(conclusion).Inc()
		m.reviewSeconds.Observe(d.Seconds())
	}
}

func (m *Metrics) acked(d time.Duration) {
	if m != nil {
		m.ackSeconds.Observe(d.Seconds())
	}
}

func (m *Metrics) githubCall(status int) {
	if m != nil {
		m.githubCalls.WithLabelValues(strconv.Itoa(status)).Inc()
	}
}

func (m *Metrics) rateRemaining(v string) {
	if m == nil || v == "" {
		return
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil {
		m.rateLimit.Set(n)
	}
}
