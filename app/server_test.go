package app

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"github.com/ward-sec/ward/checks/all"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/riverqueue/river"
)

func testKeyPEM(tb testing.TB) []byte {
	tb.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		tb.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
}

// newTestServer is a configured server on a fresh SQLite file whose GitHub
// is unreachable: enough for the webhook path.
func newTestServer(tb testing.TB, secret string) *Server {
	tb.Helper()
	s, err := NewServer(context.Background(), Config{
		AppID: 1, PrivateKeyPEM: testKeyPEM(tb), WebhookSecrets: [][]byte{[]byte(secret)},
		APIURL: "http://127.0.0.1:1", DatabaseURL: "sqlite://" + filepath.Join(tb.TempDir(), "ward.db"),
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Checks: all.Default(),
	})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Store().Close() })
	return s
}

func prPayload(n int, sha string) []byte {
	return []byte(fmt.Sprintf(`{"action":"opened","number":%d,"pull_request":{"number":%d,"head":{"sha":%q,"ref":"f"},"base":{"sha":"b","ref":"main"}},
"repository":{"full_name":"acme/app","name":"app","owner":{"login":"acme"}},"installation":{"id":7},"sender":{"login":"dev","type":"User"}}`, n, n, sha))
}

func deliver(h http.Handler, secret, event, id string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", id)
	req.Header.Set("X-Hub-Signature-256", sign([]byte(secret), body))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestWebhookEnqueueAndDedupe(t *testing.T) {
	s := newTestServer(t, "sekret")
	h := s.Handler()
	body := prPayload(1, "aaa")
	if rec := deliver(h, "sekret", "pull_request", "d1", body); rec.Code != http.StatusAccepted {
		t.Fatalf("first delivery: %d %s", rec.Code, rec.Body)
	}
	if rec := deliver(h, "sekret", "pull_request", "d1", body); rec.Code != http.StatusOK {
		t.Fatalf("redelivery: %d %s", rec.Code, rec.Body)
	}
	// Same head SHA, new delivery id (GitHub sends check_suite and
	// pull_request for one push): River's uniqueness keeps one job.
	deliver(h, "sekret", "pull_request", "d2", body)
	if rec := deliver(h, "wrong", "pull_request", "d3", prPayload(2, "bbb")); rec.Code != http.StatusUnauthorized {
		t.Fatalf("bad signature: %d", rec.Code)
	}
	big := bytes.Repeat([]byte("x"), MaxWebhookBody+1)
	if rec := deliver(h, "sekret", "pull_request", "d4", big); rec.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", rec.Code)
	}
	if rec := deliver(h, "sekret", "ping", "d5", []byte(`{"zen":"x"}`)); rec.Code != http.StatusOK {
		t.Fatalf("ping: %d", rec.Code)
	}
	n, err := s.Store().QueueDepth(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("queue depth %d (%v), want exactly 1 review job", n, err)
	}
}

// BenchmarkWebhookAck measures verify + durable enqueue on SQLite, the path
// GitHub waits on. Run: go test ./app -run '^$' -bench WebhookAck -benchmem
func BenchmarkWebhookAck(b *testing.B) {
	s := newTestServer(b, "sekret")
	h := s.Handler()
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		body := prPayload(i+1, fmt.Sprintf("%040x", i))
		t0 := time.Now()
		rec := deliver(h, "sekret", "pull_request", fmt.Sprintf("d-%d", i), body)
		lat = append(lat, time.Since(t0))
		if rec.Code != http.StatusAccepted {
			b.Fatalf("delivery %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "deliveries/s")
}

func TestNewPushCancelsOlderReview(t *testing.T) {
	s := newTestServer(t, "sekret")
	ctx := context.Background()
	if _, err := s.Store().Enqueue(ctx, "d1", "pull_request", []river.JobArgs{ReviewArgs{InstallationID: 7, Repo: "acme/app", PR: 4, HeadSHA: "old", Trigger: "push"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Store().Enqueue(ctx, "d2", "pull_request", []river.JobArgs{ReviewArgs{InstallationID: 7, Repo: "acme/app", PR: 5, HeadSHA: "other", Trigger: "push"}}); err != nil {
		t.Fatal(err)
	}
	n, err := s.store.queue.cancelOlderReviews(ctx, "acme/app", 4, "new")
	if err != nil || n != 1 {
		t.Fatalf("cancelled %d (%v), want the one older review of PR 4", n, err)
	}
	if depth, _ := s.Store().QueueDepth(ctx); depth != 1 {
		t.Fatalf("queue depth %d, want PR 5's review left", depth)
	}
}
