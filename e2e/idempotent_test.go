package e2e

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// TestLostAnswersToWritesDoNotDouble: GitHub applies ward's writes but its
// answers are lost (502). ward must look for what it created instead of
// creating it again: one check run per PR, completed; one review with one
// comment per finding; one reply per command.
func TestLostAnswersToWritesDoNotDouble(t *testing.T) {
	gh, r, w := setup(t)
	const prs = 6
	lost := func(prefix string) {
		gh.InjectFault(fakegithub.Fault{Method: http.MethodPost, PathPrefix: prefix, Status: http.StatusBadGateway, Applied: true, Times: prs})
	}
	lost("/repos/acme/models/check-runs")
	lost("/repos/acme/models/pulls/")
	lost("/repos/acme/models/issues/")
	shas := map[int]string{}
	for n := 1; n <= prs; n++ {
		branch := fmt.Sprintf("feature-%d", n)
		shas[n] = r.commit(branch, "add loader", map[string]string{"src/loader.py": fmt.Sprintf("# loader %d\n%s", n, risky)})
		gh.OpenPR(repo, n, "main", branch)
		if code := w.deliver("pull_request", fmt.Sprintf("d-open-%d", n), gh.PullRequestEvent("opened", repo, n)); code != http.StatusAccepted {
			t.Fatalf("opened %d: HTTP %d", n, code)
		}
	}
	for n := 1; n <= prs; n++ {
		waitConclusion(t, gh, repo, shas[n], 1)
		comment(t, gh, w, n, "dev", "/help")
	}
	for n := 1; n <= prs; n++ {
		waitReply(t, gh, n, 1)
	}
	w.waitIdle() // a doubled write would come from a retry of a job still queued
	for n := 1; n <= prs; n++ {
		done, open := completedRuns(gh, repo, shas[n])
		if len(done) != 1 || len(open) != 0 {
			t.Errorf("PR %d: %d completed and %d open check runs, want exactly one completed", n, len(done), len(open))
		}
		var bot []fakegithub.Review
		for _, rv := range gh.Reviews(repo, n) {
			if rv.User == gh.BotLogin() {
				bot = append(bot, rv)
			}
		}
		if len(bot) != 1 {
			t.Errorf("PR %d: %d reviews by ward, want 1", n, len(bot))
		}
		seen := map[string]int{}
		for _, c := range gh.ReviewComments(repo, n) {
			seen[fmt.Sprint(c.Path, ":", c.Line)]++
		}
		for where, k := range seen {
			if k > 1 {
				t.Errorf("PR %d: %d comments on %s", n, k, where)
			}
		}
		if replies := botReplies(gh, n); len(replies) != 1 {
			t.Errorf("PR %d: %d replies to /help, want 1", n, len(replies))
		}
	}
	t.Logf("%d PRs, every create (check run, review, reply) applied but answered 502: %d check runs, %d reviews, %d replies",
		prs, len(gh.CheckRuns(repo)), countBotReviews(gh, prs), countReplies(gh, prs))
	if left := gh.PendingFaults(); left != 0 {
		t.Errorf("%d lost-answer faults were never hit: the test did not exercise them", left)
	}
}

func countBotReviews(gh *fakegithub.Server, prs int) int {
	n := 0
	for pr := 1; pr <= prs; pr++ {
		for _, rv := range gh.Reviews(repo, pr) {
			if rv.User == gh.BotLogin() {
				n++
			}
		}
	}
	return n
}

func countReplies(gh *fakegithub.Server, prs int) int {
	n := 0
	for pr := 1; pr <= prs; pr++ {
		n += len(botReplies(gh, pr))
	}
	return n
}
