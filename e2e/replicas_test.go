package e2e

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// freshPostgres creates a database of its own for one test on the server
// named by WARD_TEST_POSTGRES_URL, or skips.
func freshPostgres(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("WARD_TEST_POSTGRES_URL")
	if admin == "" {
		t.Skip("WARD_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets it)")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect %s: %v", admin, err)
	}
	defer conn.Close(ctx)
	name := fmt.Sprintf("ward_e2e_%d", rand.Uint32())
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err == nil {
			c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(context.Background())
		}
	})
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}

// TestTwoReplicasSurviveKill runs two ward processes on one PostgreSQL,
// spreads 50 signed deliveries across them, kills one with SIGKILL half-way
// (resending what it refused to the survivor, as a load balancer would), and
// checks that every PR's head ends with exactly one completed check run and
// no review comment twice.
func TestTwoReplicasSurviveKill(t *testing.T) {
	db := freshPostgres(t)
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# models\n"})
	gh.AddRepo(repo, r.dir)
	const prs = 50
	shas := map[int]string{}
	for n := 1; n <= prs; n++ {
		files := map[string]string{fmt.Sprintf("src/m%d.py", n): fmt.Sprintf("import torch\n\nm = torch.load('m%d.pt')\n", n)}
		if n%3 == 0 {
			files[fmt.Sprintf("bin/tool%d", n)] = elfBinary(t)
		}
		shas[n] = r.commit(fmt.Sprintf("pr%d", n), "change", files)
		gh.OpenPR(repo, n, "main", fmt.Sprintf("pr%d", n))
	}
	// Slow GitHub down so that reviews are in flight when the kill lands.
	gh.InjectFault(fakegithub.Fault{Method: http.MethodGet, PathPrefix: "/repos/acme/models/git/blobs", Delay: 300 * time.Millisecond, Times: 40})

	env := []string{"WARD_DATABASE_URL=" + db, "WARD_REVIEW_TIMEOUT=4s", "WARD_WORKERS=4"}
	a := startWard(t, gh, "", env...)
	b := startWard(t, gh, "", env...)
	var mu sync.Mutex
	killed := false
	for n := 1; n <= prs; n++ {
		target := a
		if n%2 == 0 {
			target = b
		}
		mu.Lock()
		if n == prs/2 {
			b.kill9()
			killed = true
		}
		if killed && target == b {
			target = a
		}
		mu.Unlock()
		if code := target.deliver("pull_request", fmt.Sprintf("d-%d", n), gh.PullRequestEvent("opened", repo, n)); code != http.StatusAccepted {
			t.Fatalf("PR %d: HTTP %d", n, code)
		}
	}
	waitFor(t, 90*time.Second, "a completed check run on every PR", func() bool {
		for n := 1; n <= prs; n++ {
			if done, _ := completedRuns(gh, repo, shas[n]); len(done) == 0 {
				return false
			}
		}
		return true
	})
	a.waitIdle() // both replicas share the queue: drained means no duplicate is coming
	for n := 1; n <= prs; n++ {
		done, open := completedRuns(gh, repo, shas[n])
		if len(done) != 1 || len(open) != 0 {
			t.Errorf("PR %d: %d completed and %d open check runs, want exactly one completed", n, len(done), len(open))
		}
		want := "success"
		if n%3 == 0 {
			want = "failure"
		}
		if len(done) == 1 && done[0].Conclusion != want && !(want == "success" && done[0].Conclusion == "failure") {
			t.Errorf("PR %d: conclusion %s", n, done[0].Conclusion)
		}
		seen := map[string]bool{}
		for _, c := range wardCommentsOf(gh, n) {
			fp := fingerprintOf(c.Body)
			if seen[fp] {
				t.Errorf("PR %d: comment %s posted twice", n, fp)
			}
			seen[fp] = true
		}
	}
	if strings.Contains(a.log.String(), "panic") {
		t.Error("the surviving replica logged a panic")
	}
}

func wardCommentsOf(gh *fakegithub.Server, pr int) []fakegithub.ReviewComment {
	var out []fakegithub.ReviewComment
	for _, c := range gh.ReviewComments(repo, pr) {
		if !c.Deleted && c.User == gh.BotLogin() && c.InReplyTo == 0 {
			out = append(out, c)
		}
	}
	return out
}
