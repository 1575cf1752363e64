package app

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// deliverRaw sends a delivery with arbitrary headers and signature.
func deliverRaw(h http.Handler, headers map[string]string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// deliveryLabels lists the event labels of ward_webhook_deliveries_total.
func deliveryLabels(t *testing.T, s *Server) map[string]bool {
	t.Helper()
	mfs, err := s.metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, mf := range mfs {
		if mf.GetName() != "ward_webhook_deliveries_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "event" {
					out[l.GetValue()] = true
				}
			}
		}
	}
	return out
}

// Strangers choose X-GitHub-Event: made-up names, signed or not, must not
// become metric labels (each one a new series held for the process's life).
func TestWebhookMetricLabelsOnlyKnownEvents(t *testing.T) {
	s := newTestServer(t, "sekret")
	h := s.Handler()
	for i := range 50 {
		ev := fmt.Sprintf("made-up-%d-%s", i, strings.Repeat("x", 200))
		deliverRaw(h, map[string]string{"X-GitHub-Event": ev, "X-GitHub-Delivery": fmt.Sprint("u", i),
			"X-Hub-Signature-256": "sha256=00"}, []byte(`{}`))
		deliver(h, "sekret", fmt.Sprintf("made-up-%d", i), fmt.Sprint("s", i), []byte(`{}`))
	}
	deliver(h, "sekret", "pull_request", "d-ok", prPayload(1, "aaa"))
	allowed := map[string]bool{"unverified": true, "other": true}
	for e := range hookTypes {
		allowed[e] = true
	}
	got := deliveryLabels(t, s)
	for l := range got {
		if !allowed[l] {
			t.Errorf("event label %.40q is not a known event", l)
		}
	}
	if !got["pull_request"] || !got["unverified"] || !got["other"] {
		t.Errorf("labels %v: want pull_request, unverified and other", got)
	}
}

// A header that is not UTF-8 is a bad request, not a panic.
func TestWebhookNonUTF8Header(t *testing.T) {
	s := newTestServer(t, "sekret")
	h := s.Handler()
	body := prPayload(1, "aaa")
	for name, hdr := range map[string]map[string]string{
		"signed event":   {"X-GitHub-Event": "pull_\xff\xfe", "X-GitHub-Delivery": "d1", "X-Hub-Signature-256": sign([]byte("sekret"), body)},
		"unsigned event": {"X-GitHub-Event": "\xc3\x28", "X-GitHub-Delivery": "d2", "X-Hub-Signature-256": "sha256=00"},
		"delivery":       {"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": "d\xff", "X-Hub-Signature-256": sign([]byte("sekret"), body)},
	} {
		t.Run(name, func(t *testing.T) {
			rec := deliverRaw(h, hdr, body)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("HTTP %d, want 400", rec.Code)
			}
		})
	}
}

// A correctly signed body that is not JSON is a bad request: answering 200
// would tell GitHub (or a tester) it was handled.
func TestWebhookSignedMalformedJSON(t *testing.T) {
	s := newTestServer(t, "sekret")
	for _, body := range []string{`{"action":"opened",`, `[1,2]`, `{"action":"opened","number":"seven"}`} {
		if rec := deliver(s.Handler(), "sekret", "pull_request", "d-"+body, []byte(body)); rec.Code != http.StatusBadRequest {
			t.Errorf("%s: HTTP %d, want 400", body, rec.Code)
		}
	}
	// An event ward does not subscribe to is still acknowledged.
	if rec := deliver(s.Handler(), "sekret", "star", "d-star", []byte(`not json`)); rec.Code != http.StatusOK {
		t.Errorf("unknown event: HTTP %d, want 200", rec.Code)
	}
}

// The check_run.rerequested example GitHub's own examples publish has dates
// in another format (app.created_at "2018-04-25 20:42:10"): ward reads only
// what it needs, so the Re-run button works for it.
func TestWebhookTolerantCheckRunRerequested(t *testing.T) {
	body, err := os.ReadFile("testdata/check_run.rerequested.json")
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, "sekret")
	rec := deliver(s.Handler(), "sekret", "check_run", "d-rerun", body)
	if rec.Code != http.StatusAccepted {
		t.Fatalf("HTTP %d %s, want 202 (queued)", rec.Code, rec.Body)
	}
	payload, err := parseHook("check_run", body)
	if err != nil {
		t.Fatal(err)
	}
	jobs, _, _ := routeEvent(payload, "d-rerun", slog.Default())
	if len(jobs) != 1 {
		t.Fatalf("jobs %v", jobs)
	}
	if c, ok := jobs[0].(CommandArgs); !ok || c.Action != "rerun" || c.HeadSHA != "d6fde92930d4715a2b49857d24b940956b26d2d3" || c.Repo != "github/hello-world" {
		t.Fatalf("job %+v: want a re-run of the run's commit", jobs[0])
	}
}

// rawPost writes a request by hand and returns the status line, or the
// error reading it within wait.
func rawPost(t *testing.T, addr, headers, body string, wait time.Duration) (string, error) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /webhook HTTP/1.1\r\nHost: x\r\nX-GitHub-Event: pull_request\r\nX-GitHub-Delivery: d\r\n%s\r\n%s", headers, body)
	c.SetReadDeadline(time.Now().Add(wait))
	return bufio.NewReader(c).ReadString('\n')
}

// A Content-Length over the limit is refused at once, before any body byte.
func TestWebhookOverLimitContentLengthRefusedAtOnce(t *testing.T) {
	s := newTestServer(t, "sekret")
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	line, err := rawPost(t, ts.Listener.Addr().String(), fmt.Sprintf("Content-Length: %d\r\n", 26<<20), "", 2*time.Second)
	if err != nil || !strings.Contains(line, "413") {
		t.Fatalf("got %q (%v), want 413 without sending the body", line, err)
	}
}

// A body that stops arriving is given up on after the body timeout.
func TestWebhookSilentBodyTimesOut(t *testing.T) {
	s := newTestServer(t, "sekret")
	s.bodyTimeout = 300 * time.Millisecond
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	start := time.Now()
	line, _ := rawPost(t, ts.Listener.Addr().String(), "Content-Length: 1000\r\n", `{"action":`, 5*time.Second)
	if time.Since(start) > 3*time.Second {
		t.Fatalf("a silent body held the connection %s (answer %q)", time.Since(start), line)
	}
}

// Rejected requests with huge headers write a bounded amount of log.
func TestWebhookRejectionLogsBounded(t *testing.T) {
	var logBuf bytes.Buffer
	s := newTestServer(t, "sekret")
	s.log = slog.New(slog.NewJSONHandler(&logBuf, nil))
	h := s.Handler()
	big := strings.Repeat("A", 60<<10)
	for i := range 200 {
		deliverRaw(h, map[string]string{"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": big + fmt.Sprint(i),
			"X-Hub-Signature-256": "sha256=" + big}, []byte(`{}`))
		deliverRaw(h, map[string]string{"X-GitHub-Event": "pull_request", "X-GitHub-Delivery": fmt.Sprint("d", i),
			"X-Hub-Signature-256": "sha256=00"}, []byte(`{}`))
	}
	if n := logBuf.Len(); n > 4096 {
		t.Fatalf("400 rejected requests wrote %d bytes of log; want a few lines", n)
	}
}

// Replays of one signed body under fresh delivery ids join the identical
// review already queued; after it finished, a new one is queued again.
func TestReplayedTriggersCoalesce(t *testing.T) {
	s := newTestServer(t, "sekret")
	h := s.Handler()
	reopened := bytes.Replace(prPayload(3, "ccc"), []byte(`"opened"`), []byte(`"reopened"`), 1)
	rerun, err := os.ReadFile("testdata/check_run.rerequested.json")
	if err != nil {
		t.Fatal(err)
	}
	rerun = bytes.Replace(rerun, []byte(`"pull_requests": []
  },`), []byte(`"pull_requests": [{"number": 3}]
  },`), 1)
	for i := range 10 {
		if rec := deliver(h, "sekret", "pull_request", fmt.Sprint("r", i), reopened); rec.Code != http.StatusAccepted {
			t.Fatalf("reopened %d: HTTP %d", i, rec.Code)
		}
		if rec := deliver(h, "sekret", "check_run", fmt.Sprint("c", i), rerun); rec.Code != http.StatusAccepted {
			t.Fatalf("rerun %d: HTTP %d %s", i, rec.Code, rec.Body)
		}
	}
	ctx := context.Background()
	if n, _ := s.Store().QueueDepth(ctx); n != 2 {
		t.Fatalf("queue depth %d after 10 replays of each, want 2 (one reopened, one re-run)", n)
	}
	// Once those finished, the same request reviews again.
	if _, err := s.store.db.ExecContext(ctx, `UPDATE river_job SET state = 'completed', finalized_at = $1`, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	deliver(h, "sekret", "pull_request", "r-later", reopened)
	if n, _ := s.Store().QueueDepth(ctx); n != 1 {
		t.Fatalf("queue depth %d, want a new review after the earlier one finished", n)
	}
}
