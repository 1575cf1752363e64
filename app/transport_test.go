package app

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestRateLimitTransport(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fail      func(w http.ResponseWriter)
		failures  int32
		wantSleep time.Duration
		wantErr   bool
	}{
		{"secondary limit with retry-after", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "3")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"message":"You have exceeded a secondary rate limit."}`))
		}, 1, 3 * time.Second, false},
		{"secondary limit without headers waits a minute", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"message":"You have exceeded a secondary rate limit."}`))
		}, 1, 60 * time.Second, false},
		{"primary limit until reset", func(w http.ResponseWriter) {
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(10*time.Second).Unix(), 10))
			w.WriteHeader(http.StatusForbidden)
		}, 1, 9 * time.Second, false},
		{"502 then success", func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, 2, time.Millisecond, false},
		{"wait over the cap is an error", func(w http.ResponseWriter) {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		}, 1, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) <= tc.failures {
					tc.fail(w)
					return
				}
				w.Write([]byte("ok"))
			}))
			defer srv.Close()
			var slept time.Duration
			tr := newRateLimitTransport(http.DefaultTransport, nil)
			tr.sleep = func(_ context.Context, d time.Duration) error { slept += d; return nil }
			req, _ := http.NewRequest(http.MethodPut, srv.URL, strings.NewReader("body"))
			resp, err := tr.RoundTrip(req)
			if tc.wantErr {
				var rle *RateLimitError
				if !errors.As(err, &rle) {
					t.Fatalf("err = %v, want a RateLimitError", err)
				}
				return
			}
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("resp %v err %v", resp, err)
			}
			if slept < tc.wantSleep {
				t.Fatalf("slept %s, want at least %s", slept, tc.wantSleep)
			}
		})
	}
}
