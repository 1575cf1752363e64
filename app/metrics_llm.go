package app

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// llmMetrics are the second opinion's metrics: calls, tokens, latency and
// failures by kind.
type llmMetrics struct {
	calls    *prometheus.CounterVec
	failures *prometheus.CounterVec
	skipped  *prometheus.CounterVec
	tokens   *prometheus.CounterVec
	seconds  prometheus.Histogram
}

func newLLMMetrics(reg prometheus.Registerer) *llmMetrics {
	m := &llmMetrics{
		calls: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ward_llm_calls_total", Help: "Second-opinion model calls by outcome (ok or a failure kind).",
		}, []string{"outcome"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ward_llm_failures_total", Help: "Failed second-opinion calls by kind (timeout, rate_limited, server_error, unreachable, refused, truncated, too_large, invalid_json, schema, bad_request).",
		}, []string{"kind"}),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ward_llm_skipped_total", Help: "Second opinions served without a call, by reason (cached, budget).",
		}, []string{"reason"}),
		tokens: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ward_llm_tokens_total", Help: "Tokens sent to (in) and received from (out) the model.",
		}, []string{"direction"}),
		seconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "ward_llm_call_duration_seconds", Help: "Wall time of one second-opinion call, retries included.",
			Buckets: prometheus.ExponentialBuckets(0.1, 2, 11),
		}),
	}
	reg.MustRegister(m.calls, m.failures, m.skipped, m.tokens, m.seconds)
	return m
}

// LLMCall implements review.LLMObserver.
func (m *llmMetrics) LLMCall(outcome string, d time.Duration, in, out int) {
	m.calls.WithLabelValues(outcome).Inc()
	if outcome != "ok" {
		m.failures.WithLabelValues(outcome).Inc()
	}
	m.tokens.WithLabelValues("in").Add(float64(in))
	m.tokens.WithLabelValues("out").Add(float64(out))
	m.seconds.Observe(d.Seconds())
}

// LLMSkipped implements review.LLMObserver.
func (m *llmMetrics) LLMSkipped(reason string) { m.skipped.WithLabelValues(reason).Inc() }
