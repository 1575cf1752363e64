package app

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// rateLimitTransport honours GitHub's primary and secondary rate limits and
// retries transient 5xx answers, so that a busy org slows ward down instead
// of failing reviews. A write whose answer was a 5xx is repeated only after
// ward looked for its result (idempotent.go). Waits longer than maxWait are returned as errors: the
// job queue's backoff takes over from there.
type rateLimitTransport struct {
	next    http.RoundTripper
	metrics *Metrics
	// sleep is time.Sleep honouring ctx; tests replace it.
	sleep       func(ctx context.Context, d time.Duration) error
	maxWait     time.Duration
	maxRetries  int
	minBackoff  time.Duration // secondary limit without retry-after
	baseBackoff time.Duration // 5xx
}

func newRateLimitTransport(next http.RoundTripper, m *Metrics) *rateLimitTransport {
	return &rateLimitTransport{next: next, metrics: m, sleep: sleepCtx, maxWait: 2 * time.Minute,
		maxRetries: 4, minBackoff: 60 * time.Second, baseBackoff: 500 * time.Millisecond}
}

// RateLimitError is returned when GitHub asks ward to wait longer than it
// will hold a request; the job is retried later.
type RateLimitError struct {
	Wait   time.Duration
	Status int
}

func (e *RateLimitError) Error() string {
	return fmt.Sprintf("GitHub rate limit (HTTP %d): retry in %s", e.Status, e.Wait.Round(time.Second))
}

func (t *rateLimitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.Body != nil {
			if req.GetBody == nil {
				return nil, fmt.Errorf("%s %s: cannot retry a request whose body cannot be replayed", req.Method, req.URL.Path)
			}
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		resp, err := t.next.RoundTrip(req)
		if err != nil {
			t.metrics.githubCall(0)
			return nil, err
		}
		t.metrics.githubCall(resp.StatusCode)
		t.metrics.rateRemaining(resp.Header.Get("X-RateLimit-Remaining"))
		wait, retry := t.retryAfter(resp, attempt)
		if !retry || attempt >= t.maxRetries {
			return resp, nil
		}
		finder, repeatable := finderFor(req)
		if uncertain(resp.StatusCode) && !repeatable {
			return resp, nil // a write ward cannot look up is not repeated
		}
		if wait > t.maxWait {
			drain(resp)
			return nil, &RateLimitError{Wait: wait, Status: resp.StatusCode}
		}
		drain(resp)
		if err := t.sleep(req.Context(), wait); err != nil {
			return nil, err
		}
		if uncertain(resp.StatusCode) {
			found, repeat, err := t.afterUncertain(req, finder)
			if err != nil {
				return nil, err
			}
			if !repeat {
				return found, nil
			}
		}
	}
}

// retryAfter decides whether and how long to wait before retrying.
func (t *rateLimitTransport) retryAfter(resp *http.Response, attempt int) (time.Duration, bool) {
	h := resp.Header
	switch resp.StatusCode {
	case http.StatusForbidden, http.StatusTooManyRequests:
		if s := h.Get("Retry-After"); s != "" {
			if n, err := strconv.Atoi(s); err == nil && n >= 0 {
				return time.Duration(n) * time.Second, true
			}
		}
		if h.Get("X-RateLimit-Remaining") == "0" {
			if reset, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
				d := time.Until(time.Unix(reset, 0)) + time.Second
				return max(d, time.Second), true
			}
		}
		if resp.StatusCode == http.StatusTooManyRequests || isSecondaryLimit(resp) {
			// GitHub: without headers, wait at least a minute, longer each time.
			return t.minBackoff << attempt, true
		}
		return 0, false
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		d := t.baseBackoff << attempt
		return d + time.Duration(rand.Int64N(int64(d)+1)), true
	}
	return 0, false
}

// isSecondaryLimit peeks at a 403 body for GitHub's secondary-limit message,
// putting the body back for the caller.
func isSecondaryLimit(resp *http.Response) bool {
	if resp.Body == nil {
		return false
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytesReader(b))
	return containsFold(b, "secondary rate limit")
}

func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
