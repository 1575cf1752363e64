package fakegithub

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Fault makes the next Times requests matching Method and PathPrefix fail
// (or slow down) the way GitHub does under load.
type Fault struct {
	// Method matches the request method; empty matches any.
	Method string
	// PathPrefix matches the path without the /api/v3 prefix, e.g.
	// "/repos/acme/widgets/check-runs"; empty matches any.
	PathPrefix string
	// Times is how many requests the fault answers (default 1).
	Times int
	// Status is the answer: 403 (a secondary rate limit, or a primary one
	// when Primary is set), 429 (secondary rate limit), 502, 503, or any
	// other code. 0 with a Delay only delays the normal answer.
	Status int
	// Primary makes a 403 a primary rate limit: x-ratelimit-remaining 0 and
	// x-ratelimit-reset RetryAfter from now, no retry-after header.
	Primary bool
	// RetryAfter sets the retry-after header (whole seconds, rounded up) of a
	// secondary rate limit; 0 omits it.
	RetryAfter time.Duration
	// Delay is waited before answering.
	Delay time.Duration
	// Applied makes the server carry out the request first and only then
	// answer Status: GitHub applied the write but the answer was lost (a 502
	// from its front end). A client that repeats the write blindly doubles it.
	Applied bool
}

// secondaryRateLimitMessage is GitHub's body for a secondary rate limit.
const secondaryRateLimitMessage = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID FAKE."

// InjectFault queues f; faults are matched in the order injected.
func (s *Server) InjectFault(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// PendingFaults counts fault answers not yet used.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.Times
	}
	return n
}

func (s *Server) takeFault(method, path string) *Fault {
	for i, f := range s.faults {
		if (f.Method == "" || strings.EqualFold(f.Method, method)) && strings.HasPrefix(path, f.PathPrefix) {
			f.Times--
			if f.Times <= 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
			c := *f
			return &c
		}
	}
	return nil
}

func (s *Server) writeFault(w http.ResponseWriter, f *Fault) {
	h := w.Header()
	s.mu.Lock()
	limit, remaining, reset := s.opts.RateLimit, s.rateRemaining, s.rateReset
	s.mu.Unlock()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(limit-remaining))
	h.Set("X-RateLimit-Resource", "core")
	retry := strconv.Itoa(int(math.Ceil(f.RetryAfter.Seconds())))
	switch {
	case f.Status == http.StatusForbidden && f.Primary:
		wait := f.RetryAfter
		if wait <= 0 {
			wait = time.Minute
		}
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("X-RateLimit-Used", strconv.Itoa(limit))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(wait).Unix()+1, 10))
		writeJSON(w, http.StatusForbidden, map[string]any{
			"message":           "API rate limit exceeded for installation. If you reach out to GitHub Support for help, please include the request ID FAKE.",
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits",
		})
	case f.Status == http.StatusForbidden || f.Status == http.StatusTooManyRequests:
		if f.RetryAfter > 0 {
			h.Set("Retry-After", retry)
		}
		writeJSON(w, f.Status, map[string]any{
			"message":           secondaryRateLimitMessage,
			"documentation_url": "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
		})
	case f.Status == http.StatusBadGateway:
		writeJSON(w, f.Status, map[string]any{"message": "Server Error"})
	case f.Status == http.StatusServiceUnavailable:
		if f.RetryAfter > 0 {
			h.Set("Retry-After", retry)
		}
		writeJSON(w, f.Status, map[string]any{"message": "Service Unavailable"})
	default:
		writeError(w, f.Status, http.StatusText(f.Status))
	}
}

// SetRateLimit sets the remaining primary rate limit and its reset time.
// When remaining reaches 0, requests answer 403 "API rate limit exceeded"
// until reset, then the budget refills.
func (s *Server) SetRateLimit(remaining int, reset time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateRemaining, s.rateReset = remaining, reset
}

// rateLimitHeaders sets x-ratelimit-* on every answer and spends one unit per
// request. It answers 403 and returns false when the budget is exhausted.
func (s *Server) rateLimitHeaders(w http.ResponseWriter, path string) bool {
	s.mu.Lock()
	now := time.Now()
	if !now.Before(s.rateReset) {
		s.rateRemaining, s.rateReset = s.opts.RateLimit, now.Add(time.Hour).Truncate(time.Second)
	}
	exhausted := s.rateRemaining <= 0
	if !exhausted {
		s.rateRemaining--
	}
	limit, remaining, reset := s.opts.RateLimit, s.rateRemaining, s.rateReset
	s.mu.Unlock()
	h := w.Header()
	resource := "core"
	if path == "/graphql" {
		resource = "graphql"
	}
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
	h.Set("X-RateLimit-Used", strconv.Itoa(limit-remaining))
	h.Set("X-RateLimit-Resource", resource)
	if exhausted {
		writeJSON(w, http.StatusForbidden, map[string]any{
			"message":           fmt.Sprintf("API rate limit exceeded. Resets at %s.", reset.UTC().Format(time.RFC3339)),
			"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits",
		})
		return false
	}
	return true
}

type writeRecord struct {
	at      time.Time
	points  int
	content bool
}

// isContentCreation reports whether a request creates content that notifies
// people, which GitHub's content-creation secondary limit counts.
func isContentCreation(method, path string) bool {
	if method != http.MethodPost || !strings.HasPrefix(path, "/repos/") {
		return false
	}
	for _, suffix := range []string{"/reviews", "/comments", "/replies", "/reactions"} {
		if strings.HasSuffix(path, suffix) {
			return true
		}
	}
	return false
}

// secondaryLimitLocked records the request and returns a secondary rate
// limit fault when it goes over GitHub's content-creation or points limits.
func (s *Server) secondaryLimitLocked(method, path string, now time.Time) *Fault {
	points := 1
	if method != http.MethodGet && method != http.MethodHead && method != http.MethodOptions {
		points = 5
	}
	rec := writeRecord{at: now, points: points, content: isContentCreation(method, path)}
	keep := s.writes[:0]
	for _, w := range s.writes {
		if now.Sub(w.at) < time.Hour {
			keep = append(keep, w)
		}
	}
	s.writes = keep
	var pointsMin, contentMin, contentHour int
	var oldestPts, oldestMin, oldestHour time.Time
	for _, w := range s.writes {
		if now.Sub(w.at) < time.Minute {
			pointsMin += w.points
			if oldestPts.IsZero() {
				oldestPts = w.at
			}
			if w.content {
				contentMin++
				if oldestMin.IsZero() {
					oldestMin = w.at
				}
			}
		}
		if w.content {
			contentHour++
			if oldestHour.IsZero() {
				oldestHour = w.at
			}
		}
	}
	over := func(until time.Time) *Fault {
		return &Fault{Status: http.StatusForbidden, RetryAfter: max(time.Second, until.Sub(now))}
	}
	if s.opts.PointsPerMinute > 0 && pointsMin+points > s.opts.PointsPerMinute {
		return over(oldestPts.Add(time.Minute))
	}
	if rec.content {
		if s.opts.ContentPerMinute > 0 && contentMin+1 > s.opts.ContentPerMinute {
			return over(oldestMin.Add(time.Minute))
		}
		if s.opts.ContentPerHour > 0 && contentHour+1 > s.opts.ContentPerHour {
			return over(oldestHour.Add(time.Hour))
		}
	}
	s.writes = append(s.writes, rec)
	return nil
}
