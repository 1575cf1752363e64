package e2e

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// loadResult is what one load run measured.
type loadResult struct {
	acked            int
	elapsed          time.Duration
	p50, p99         time.Duration
	reviews          int
	reviewsPerMinute float64
}

// runLoad opens prs PRs, sends deliveries (reopened events) from senders
// goroutines of this test process to the ward replicas on loopback,
// round-robin, and waits for every review. The perPR deliveries of one PR
// are replays of one request (same head, fresh delivery ids): ward
// coalesces those still queued, so a PR gets between 1 and perPR reviews.
func runLoad(t testing.TB, gh *fakegithub.Server, wards []*ward, prs, perPR, senders int) loadResult {
	r := newGitRepo(t, map[string]string{"README.md": "# load\n"})
	gh.AddRepo(repo, r.dir)
	for n := 1; n <= prs; n++ {
		r.commit(fmt.Sprintf("load%d", n), "change", map[string]string{fmt.Sprintf("src/m%d.py", n): "import torch\nm = torch.load('m.pt', weights_only=True)\n"})
		gh.OpenPR(repo, n, "main", fmt.Sprintf("load%d", n))
	}
	type delivery struct {
		pr int
		id string
	}
	work := make(chan delivery)
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	start := time.Now()
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			for d := range work {
				w := wards[(d.pr+s)%len(wards)]
				t0 := time.Now()
				code := deliverWith(t, w.url, secret, "pull_request", d.id, gh.PullRequestEvent("reopened", repo, d.pr))
				el := time.Since(t0)
				if code != http.StatusAccepted {
					t.Errorf("delivery %s: HTTP %d", d.id, code)
				}
				mu.Lock()
				lat = append(lat, el)
				mu.Unlock()
			}
		}(s)
	}
	for i := 0; i < perPR; i++ {
		for n := 1; n <= prs; n++ {
			work <- delivery{n, fmt.Sprintf("load-%d-%d-%d", n, i, start.UnixNano())}
		}
	}
	close(work)
	wg.Wait()
	ackElapsed := time.Since(start)
	deadline := time.Now().Add(5 * time.Minute)
	count := 0
	for time.Now().Before(deadline) {
		count = 0
		done := map[string]bool{}
		open := 0
		for _, cr := range gh.CheckRuns(repo) {
			if cr.Status == "completed" {
				count++
				done[cr.HeadSHA] = true
			} else {
				open++
			}
		}
		if len(done) >= prs && open == 0 && queuesEmpty(wards) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	total := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return loadResult{acked: len(lat), elapsed: ackElapsed, p50: lat[len(lat)/2], p99: lat[len(lat)*99/100],
		reviews: count, reviewsPerMinute: float64(count) / total.Minutes()}
}

// queuesEmpty reads ward_queue_depth from each replica's /metrics.
func queuesEmpty(wards []*ward) bool {
	for _, w := range wards {
		resp, err := http.Get(w.url + "/metrics")
		if err != nil {
			return false
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "\nward_queue_depth 0\n") {
			return false
		}
	}
	return true
}

func report(b *testing.B, res loadResult) {
	b.ReportMetric(float64(res.acked)/res.elapsed.Seconds(), "acks/s")
	b.ReportMetric(float64(res.p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(res.p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(res.reviewsPerMinute, "reviews/min")
	b.ReportMetric(float64(res.reviews), "reviews")
}

// BenchmarkLoadSQLite: one ward on SQLite, 200 signed deliveries from 8
// concurrent senders. Run:
// go test ./e2e -run '^$' -bench LoadSQLite -benchtime 1x
func BenchmarkLoadSQLite(b *testing.B) {
	for i := 0; i < b.N; i++ {
		gh := fakegithub.NewWithOptions(b, fakegithub.Options{ContentPerMinute: -1, ContentPerHour: -1})
		gh.AddInstallation(7, "acme")
		w := startWard(b, gh, b.TempDir()+"/ward.db")
		res := runLoad(b, gh, []*ward{w}, 50, 4, 8)
		report(b, res)
	}
}

// BenchmarkLoadPostgresTwoReplicas: two wards on one PostgreSQL. Run:
// WARD_TEST_POSTGRES_URL=… go test ./e2e -run '^$' -bench LoadPostgres -benchtime 1x
func BenchmarkLoadPostgresTwoReplicas(b *testing.B) {
	for i := 0; i < b.N; i++ {
		db := freshPostgres(b)
		gh := fakegithub.NewWithOptions(b, fakegithub.Options{ContentPerMinute: -1, ContentPerHour: -1})
		gh.AddInstallation(7, "acme")
		w1 := startWard(b, gh, "", "WARD_DATABASE_URL="+db)
		w2 := startWard(b, gh, "", "WARD_DATABASE_URL="+db)
		res := runLoad(b, gh, []*ward{w1, w2}, 50, 4, 8)
		report(b, res)
	}
}
