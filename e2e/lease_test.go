package e2e

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// TestPoisonPillConcludedAfterCrashes: a review during which the ward
// process dies (SIGKILL, as the kernel's OOM killer does) is not retried
// forever: after two such attempts the restarted ward concludes the check
// run failure, saying why, instead of crash-looping on it.
func TestPoisonPillConcludedAfterCrashes(t *testing.T) {
	gh, r, w := setup(t)
	sha := r.commit("boom", "bin", map[string]string{"bin/tool": elfBinary(t)})
	gh.OpenPR(repo, 9, "main", "boom")
	// Every blob read hangs: the review is always mid-flight when killed.
	gh.InjectFault(fakegithub.Fault{Method: http.MethodGet, PathPrefix: "/repos/acme/models/git/blobs", Delay: time.Minute, Times: 100})
	if code := w.deliver("pull_request", "d-boom", gh.PullRequestEvent("opened", repo, 9)); code != http.StatusAccepted {
		t.Fatalf("opened: HTTP %d", code)
	}
	for i := 1; i <= 2; i++ {
		waitFor(t, 30*time.Second, "the review to read the blob", func() bool {
			return gh.RequestCount(http.MethodGet, "/repos/acme/models/git/blobs") >= i
		})
		w.kill9()
		w.start()
	}
	restarted := time.Now()
	run := waitConclusion(t, gh, repo, sha, 1)[0]
	t.Logf("concluded %s %s after the second restart", run.Conclusion, time.Since(restarted).Round(10*time.Millisecond))
	if run.Conclusion != "failure" || !strings.Contains(run.Summary, "process stopped") {
		t.Fatalf("after two crashes: conclusion %q, summary:\n%s", run.Conclusion, run.Summary)
	}
	if n := gh.RequestCount(http.MethodGet, "/repos/acme/models/git/blobs"); n != 2 {
		t.Errorf("%d blob reads: the third attempt must not analyse again", n)
	}
	if _, open := completedRuns(gh, repo, sha); len(open) != 0 {
		t.Errorf("%d check runs left in progress", len(open))
	}
}

// TestLeaseTakeoverAfterReplicaDies: a replica that dies mid-review stops
// renewing the job's lease; the other replica takes the job over within a
// few lease periods, although WARD_REVIEW_TIMEOUT is ten minutes.
func TestLeaseTakeoverAfterReplicaDies(t *testing.T) {
	db := freshPostgres(t)
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# models\n"})
	gh.AddRepo(repo, r.dir)
	env := []string{"WARD_DATABASE_URL=" + db, "WARD_REVIEW_TIMEOUT=10m", "WARD_JOB_LEASE=3s"}
	a := startWard(t, gh, "", env...)
	sha := r.commit("slow", "bin", map[string]string{"bin/tool": elfBinary(t)})
	gh.OpenPR(repo, 3, "main", "slow")
	gh.InjectFault(fakegithub.Fault{Method: http.MethodGet, PathPrefix: "/repos/acme/models/git/blobs", Delay: time.Minute})
	if code := a.deliver("pull_request", "d-slow", gh.PullRequestEvent("opened", repo, 3)); code != http.StatusAccepted {
		t.Fatalf("opened: HTTP %d", code)
	}
	waitFor(t, 30*time.Second, "replica A to read the blob", func() bool {
		return gh.RequestCount(http.MethodGet, "/repos/acme/models/git/blobs") >= 1
	})
	startWard(t, gh, "", env...)
	a.kill9()
	killed := time.Now()
	var done []fakegithub.CheckRun
	waitFor(t, 60*time.Second, "replica B to finish the review", func() bool {
		done, _ = completedRuns(gh, repo, sha)
		return len(done) >= 1
	})
	took := time.Since(killed)
	t.Logf("review finished by the other replica %s after SIGKILL (lease 3 s, review timeout 10 m)", took.Round(100*time.Millisecond))
	if took > 30*time.Second {
		t.Errorf("takeover took %s with a 3 s lease", took)
	}
	if done[0].Conclusion != "failure" {
		t.Errorf("conclusion %q", done[0].Conclusion)
	}
	if _, open := completedRuns(gh, repo, sha); len(open) != 0 {
		t.Errorf("%d check runs left in progress", len(open))
	}
}
