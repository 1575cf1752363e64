package e2e

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// Rules the risky loader triggers (both high: the default gate fails).
const (
	ruleTorch  = "code-torch-load-unsafe"
	rulePickle = "code-pickle-load"
)

// botReplies returns ward's conversation comments on a PR.
func botReplies(gh *fakegithub.Server, pr int) []string {
	var out []string
	for _, c := range gh.IssueComments(repo, pr) {
		if !c.Deleted && c.User == gh.BotLogin() {
			out = append(out, c.Body)
		}
	}
	return out
}

// waitReply waits for ward's n-th conversation comment on a PR and returns it.
func waitReply(t *testing.T, gh *fakegithub.Server, pr, n int) string {
	t.Helper()
	var got []string
	waitFor(t, 20*time.Second, fmt.Sprintf("ward's reply #%d on PR %d", n, pr), func() bool {
		got = botReplies(gh, pr)
		return len(got) >= n
	})
	return got[n-1]
}

// openRisky opens PR number from branch with the risky loader and waits for
// its failing run.
func openRisky(t *testing.T, gh *fakegithub.Server, r *gitRepo, w *ward, number int, branch string, opts ...fakegithub.PROption) (string, fakegithub.CheckRun) {
	t.Helper()
	sha := r.commit(branch, "add loader", map[string]string{"src/loader.py": risky})
	gh.OpenPR(repo, number, "main", branch, opts...)
	if code := w.deliver("pull_request", fmt.Sprintf("d-open-%d", number), gh.PullRequestEvent("opened", repo, number)); code != http.StatusAccepted {
		t.Fatalf("opened: HTTP %d", code)
	}
	run := waitConclusion(t, gh, repo, sha, 1)[0]
	if run.Conclusion != "failure" {
		t.Fatalf("risky PR: conclusion %q\n%s", run.Conclusion, run.Summary)
	}
	return sha, run
}

// comment delivers an issue_comment "created" by login and returns its id.
func comment(t *testing.T, gh *fakegithub.Server, w *ward, pr int, login, body string) int64 {
	t.Helper()
	payload, id := gh.IssueCommentEvent("created", repo, pr, login, body)
	if code := w.deliver("issue_comment", fakegithub.DeliveryID(), payload); code != http.StatusAccepted {
		t.Fatalf("comment %q: HTTP %d", body, code)
	}
	return id
}

func TestIgnoreUnignoreExplainHelp(t *testing.T) {
	gh, r, w := setup(t)
	gh.SetPermission(repo, "visitor", "read")
	gh.SetPermission(repo, "maint", "maintain")
	sha, _ := openRisky(t, gh, r, w, 1, "feature")

	// A read-only user's /ignore is refused politely and changes nothing.
	comment(t, gh, w, 1, "visitor", "/ignore "+ruleTorch+" -- I think it is fine")
	reply := waitReply(t, gh, 1, 1)
	if !strings.Contains(reply, "@visitor") || !strings.Contains(reply, "write access") || !strings.Contains(reply, "maintain") {
		t.Errorf("refusal does not say who can ignore:\n%s", reply)
	}
	w.waitIdle()
	if done, open := completedRuns(gh, repo, sha); len(done) != 1 || len(open) != 0 {
		t.Fatalf("a refused /ignore re-ran the check: %d completed, %d open", len(done), len(open))
	}

	// An /ignore edited into a maintainer's comment by a read-only user: the
	// editor's permission counts.
	helpID := comment(t, gh, w, 1, "maint", "/help")
	if help := waitReply(t, gh, 1, 2); !strings.Contains(help, "/ignore RULE [PATH] -- REASON") {
		t.Errorf("/help does not list /ignore:\n%s", help)
	}
	w.deliver("issue_comment", fakegithub.DeliveryID(),
		gh.IssueCommentEditedEvent(repo, 1, helpID, "visitor", "/ignore "+rulePickle+" -- edited in"))
	if reply := waitReply(t, gh, 1, 3); !strings.Contains(reply, "@visitor") || !strings.Contains(reply, "nothing was changed") {
		t.Errorf("edit by a read-only user was not refused:\n%s", reply)
	}

	// The maintainer ignores both rules with a reason: the run turns green
	// and the reasons appear in the summary.
	comment(t, gh, w, 1, "maint", "/ignore "+ruleTorch+" src/loader.py -- test fixture: loads our own checkpoint\n/ignore "+rulePickle+" -- blob comes from our signed cache")
	runs := waitConclusion(t, gh, repo, sha, 2)
	green := latest(runs)
	if green.Conclusion != "success" {
		t.Fatalf("after /ignore: %q\n%s", green.Conclusion, green.Summary)
	}
	for _, want := range []string{"Ignored, with reasons", "loads our own checkpoint", "our signed cache", "@maint"} {
		if !strings.Contains(green.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, green.Summary)
		}
	}
	// A new push keeps the ignore.
	sha2 := r.commit("feature", "docs", map[string]string{"README.md": "# models\n\nmore\n"})
	gh.SyncPR(repo, 1)
	w.deliver("pull_request", "d-sync-ign", gh.PullRequestEvent("synchronize", repo, 1))
	if run := waitConclusion(t, gh, repo, sha2, 1)[0]; run.Conclusion != "success" {
		t.Fatalf("ignore lost on a new push: %q\n%s", run.Conclusion, run.Summary)
	}

	// /unignore turns it red again.
	comment(t, gh, w, 1, "maint", "/unignore "+rulePickle)
	runs = waitConclusion(t, gh, repo, sha2, 2)
	if red := latest(runs); red.Conclusion != "failure" || !strings.Contains(red.Summary, rulePickle) {
		t.Fatalf("after /unignore: %q\n%s", red.Conclusion, red.Summary)
	}

	// /explain and an unknown /ward command answer.
	n := len(botReplies(gh, 1))
	comment(t, gh, w, 1, "visitor", "/explain "+rulePickle)
	if ex := waitReply(t, gh, 1, n+1); !strings.Contains(ex, rulePickle) || !strings.Contains(ex, "How to fix") {
		t.Errorf("/explain reply:\n%s", ex)
	}
	comment(t, gh, w, 1, "visitor", "/ward frobnicate")
	if un := waitReply(t, gh, 1, n+2); !strings.Contains(un, "does not know") || !strings.Contains(un, "/help") {
		t.Errorf("unknown command reply:\n%s", un)
	}
	// Every command comment got a reaction.
	if len(gh.Reactions(helpID)) == 0 {
		t.Error("no reaction on a command comment")
	}
}

// TestCommandFloodIsRateLimited: users without write access have a small
// budget each and one shared between them; a maintainer's commands in the
// same minute are still handled; the limits survive a restart.
func TestCommandFloodIsRateLimited(t *testing.T) {
	gh, r, w := setup(t)
	gh.SetPermission(repo, "maint", "maintain")
	r.commit("docs", "docs", map[string]string{"docs/a.md": "# a\n"})
	gh.OpenPR(repo, 4, "main", "docs")
	for i := 0; i < 7; i++ {
		comment(t, gh, w, 4, "someone", "/help")
	}
	waitFor(t, 20*time.Second, "5 replies", func() bool { return len(botReplies(gh, 4)) >= 5 })
	for i := 0; i < 7; i++ {
		comment(t, gh, w, 4, "other", "/help")
	}
	waitFor(t, 20*time.Second, "10 replies", func() bool { return len(botReplies(gh, 4)) >= 10 })
	comment(t, gh, w, 4, "third", "/help")
	// The maintainer's command in the same minute is not displaced.
	comment(t, gh, w, 4, "maint", "/explain "+ruleTorch)
	waitFor(t, 20*time.Second, "the maintainer's answer", func() bool {
		for _, b := range botReplies(gh, 4) {
			if strings.HasPrefix(b, "@maint ") {
				return true
			}
		}
		return false
	})
	w.waitIdle()
	if n := len(botReplies(gh, 4)); n != 11 {
		t.Fatalf("%d replies, want 11: 5 each for two readers, none for a third (readers' budget spent), 1 for the maintainer", n)
	}
	// The limit is in the database: a restarted ward still holds it.
	w.stop()
	w.start()
	comment(t, gh, w, 4, "someone", "/help")
	w.waitIdle()
	if n := len(botReplies(gh, 4)); n != 11 {
		t.Fatalf("after a restart: %d replies, want still 11", n)
	}
}

func TestCheckRunRerunAndExplainButton(t *testing.T) {
	gh, r, w := setup(t)
	sha, run := openRisky(t, gh, r, w, 1, "feature")
	var ids []string
	for _, a := range run.Actions {
		ids = append(ids, a.Identifier)
	}
	if strings.Join(ids, ",") != "rerun,explain" {
		t.Fatalf("buttons on a failed run: %v", ids)
	}

	// "Re-run" in GitHub's UI: check_run rerequested.
	w.deliver("check_run", "d-rerequested", gh.CheckRunEvent("rerequested", repo, run.ID, "", "maint"))
	waitConclusion(t, gh, repo, sha, 2)
	// The "Re-run ward" button.
	w.deliver("check_run", "d-button-rerun", gh.CheckRunEvent("requested_action", repo, run.ID, "rerun", "maint"))
	waitConclusion(t, gh, repo, sha, 3)
	// "Re-run all checks": check_suite rerequested.
	w.deliver("check_suite", "d-suite", gh.CheckSuiteEvent("rerequested", repo, sha, "maint"))
	runs := waitConclusion(t, gh, repo, sha, 4)
	if c := latest(runs).Conclusion; c != "failure" {
		t.Fatalf("re-run conclusion %q", c)
	}

	// "Explain findings" posts one comment explaining the rules involved.
	w.deliver("check_run", "d-button-explain", gh.CheckRunEvent("requested_action", repo, run.ID, "explain", "maint"))
	ex := waitReply(t, gh, 1, 1)
	for _, want := range []string{ruleTorch, rulePickle, "How to fix", "@maint"} {
		if !strings.Contains(ex, want) {
			t.Errorf("explanation lacks %q:\n%s", want, ex)
		}
	}
	w.waitIdle()
	if n := len(botReplies(gh, 1)); n != 1 {
		t.Errorf("%d explanation comments, want 1", n)
	}
}

func TestMergeGroup(t *testing.T) {
	gh, r, w := setup(t)
	gh.SetPermission(repo, "maint", "admin")
	base := r.git("rev-parse", "main")
	openRisky(t, gh, r, w, 1, "feature")

	// The queue builds a group commit on main with PR 2's risky change:
	// reviewed against the base, concluded on the group's head SHA.
	g2 := r.commit("gh-readonly-queue/main/pr-2-aaaa", "Add loader (#2)", map[string]string{"src/loader.py": risky})
	w.deliver("merge_group", "d-mg-2", gh.MergeGroupEvent(repo, g2, base, "refs/heads/gh-readonly-queue/main/pr-2-"+g2[:40]))
	run := waitConclusion(t, gh, repo, g2, 1)[0]
	if run.Conclusion != "failure" || !strings.Contains(run.Summary, "src/loader.py") {
		t.Fatalf("merge group with a risky change: %q\n%s", run.Conclusion, run.Summary)
	}
	if !strings.Contains(run.Summary, "merge queue") {
		t.Errorf("summary does not say it reviewed a merge group:\n%s", run.Summary)
	}

	// PR 1's maintainer ignored both rules: its group passes, with the reasons.
	comment(t, gh, w, 1, "maint", "/ignore "+ruleTorch+" -- reviewed by security\n/ignore "+rulePickle+" -- reviewed by security")
	waitReply(t, gh, 1, 1)
	g1 := r.commit("gh-readonly-queue/main/pr-1-bbbb", "Merge pull request #1 from acme/feature", map[string]string{"src/loader.py": risky})
	w.deliver("merge_group", "d-mg-1", gh.MergeGroupEvent(repo, g1, base, "refs/heads/gh-readonly-queue/main/pr-1-"+g1[:40]))
	run = waitConclusion(t, gh, repo, g1, 1)[0]
	if run.Conclusion != "success" || !strings.Contains(run.Summary, "reviewed by security") {
		t.Fatalf("merge group of an ignored PR: %q\n%s", run.Conclusion, run.Summary)
	}

	// A clean group passes on its own merits, never blindly: it was reviewed.
	g3 := r.commit("gh-readonly-queue/main/pr-3-cccc", "Docs (#3)", map[string]string{"docs/x.md": "# x\n"})
	w.deliver("merge_group", "d-mg-3", gh.MergeGroupEvent(repo, g3, base, "refs/heads/gh-readonly-queue/main/pr-3-"+g3[:40]))
	run = waitConclusion(t, gh, repo, g3, 1)[0]
	if run.Conclusion != "success" || !strings.Contains(run.Summary, "Reviewed 1 changed file") {
		t.Fatalf("clean merge group: %q\n%s", run.Conclusion, run.Summary)
	}
}

func TestDraftHoldsCommentsUntilReady(t *testing.T) {
	gh, r, w := setup(t)
	sha, run := openRisky(t, gh, r, w, 1, "feature", fakegithub.Draft())
	if n := len(wardComments(gh, 1)); n != 0 {
		t.Fatalf("%d inline comments on a draft", n)
	}
	if !strings.Contains(run.Summary, "held until the pull request is ready for review") {
		t.Errorf("summary does not say comments are held:\n%s", run.Summary)
	}
	gh.SetDraft(repo, 1, false)
	w.deliver("pull_request", "d-ready", gh.PullRequestEvent("ready_for_review", repo, 1))
	waitConclusion(t, gh, repo, sha, 2)
	if n := len(wardComments(gh, 1)); n != 2 {
		t.Fatalf("%d inline comments after ready_for_review, want 2", n)
	}
}

func TestForkReviewedWithBaseConfig(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# models\n",
		".github/ward.yml": "paths:\n  ignore: [\"vendor/**\"]\n"})
	gh.AddRepo(repo, r.dir)
	w := startWard(t, gh, t.TempDir()+"/ward.db")
	// The fork turns the gate off in its own copy of the config: ignored.
	// … and waves its payload through with an inline ward:ignore: not trusted.
	sneaky := strings.Replace(risky, "pickle.loads(blob)", "pickle.loads(blob)  # ward:ignore code-pickle-load harmless", 1)
	sha := r.commit("fork-feature", "add loader", map[string]string{
		"src/loader.py": sneaky, "vendor/lib.py": risky,
		".github/ward.yml": "fail_on: none\npaths:\n  ignore: [\"**\"]\n",
	})
	gh.OpenPR(repo, 5, "main", "fork-feature", fakegithub.FromFork("mallory/models"))
	w.deliver("pull_request", "d-fork", gh.PullRequestEvent("opened", repo, 5))
	run := waitConclusion(t, gh, repo, sha, 1)[0]
	if run.Conclusion != "failure" {
		t.Fatalf("fork PR judged by its own config: %q\n%s", run.Conclusion, run.Summary)
	}
	if !strings.Contains(run.Summary, "vendor/lib.py") || !strings.Contains(run.Summary, "paths.ignore") {
		t.Errorf("the base's paths.ignore was not applied:\n%s", run.Summary)
	}
	if !strings.Contains(run.Summary, "[`"+rulePickle+"`]") || !strings.Contains(run.Summary, "comes from a fork") {
		t.Errorf("the fork's inline ward:ignore silenced its finding:\n%s", run.Summary)
	}
	// GitHub sends a fork's check_run without pull_requests: the re-run
	// still finds the PR by its head commit.
	w.deliver("check_run", "d-fork-rerun", gh.CheckRunEvent("rerequested", repo, run.ID, "", "maint"))
	waitConclusion(t, gh, repo, sha, 2)
}

func TestGroupedCommentsAndStaleResolved(t *testing.T) {
	gh, r, w := setup(t)
	var many strings.Builder
	many.WriteString("import pickle\n\n")
	for i := 0; i < 7; i++ {
		fmt.Fprintf(&many, "x%d = pickle.loads(b%d)\n", i, i)
	}
	sha := r.commit("feature", "many", map[string]string{"src/many.py": many.String(), "src/loader.py": risky})
	gh.OpenPR(repo, 1, "main", "feature")
	w.deliver("pull_request", "d-open", gh.PullRequestEvent("opened", repo, 1))
	waitConclusion(t, gh, repo, sha, 1)
	var onMany []fakegithub.ReviewComment
	for _, c := range wardComments(gh, 1) {
		if c.Path == "src/many.py" {
			onMany = append(onMany, c)
		}
	}
	if len(onMany) != 4 {
		t.Fatalf("%d comments for 7 findings of one rule in one file, want 3 + 1 grouped", len(onMany))
	}
	grouped := 0
	for _, c := range onMany {
		if c.Line == 6 && strings.Contains(c.Body, "3 more line(s)") && strings.Contains(c.Body, "7, 8, 9") {
			grouped++
		}
	}
	if grouped != 1 {
		t.Errorf("%d comments on line 6 list the other lines 7, 8, 9; want 1", grouped)
	}

	// A human replies to one loader comment; then a push fixes everything.
	var loaderIDs []int64
	for _, c := range wardComments(gh, 1) {
		if c.Path == "src/loader.py" {
			loaderIDs = append(loaderIDs, c.ID)
		}
	}
	if len(loaderIDs) != 2 {
		t.Fatalf("%d comments on the loader, want 2", len(loaderIDs))
	}
	gh.ReplyToReviewComment(repo, 1, loaderIDs[0], "dev", "we load our own files here")
	sha2 := r.commit("feature", "fix", map[string]string{"src/many.py": "import json\n", "src/loader.py": "def load(p):\n    return open(p).read()\n"})
	gh.SyncPR(repo, 1)
	w.deliver("pull_request", "d-sync", gh.PullRequestEvent("synchronize", repo, 1))
	run := waitConclusion(t, gh, repo, sha2, 1)[0]
	if run.Conclusion != "success" {
		t.Fatalf("fixed: %q\n%s", run.Conclusion, run.Summary)
	}
	resolved, open := 0, 0
	for _, c := range gh.ReviewComments(repo, 1) {
		if c.User != gh.BotLogin() || c.InReplyTo != 0 {
			continue
		}
		if c.Deleted {
			t.Errorf("comment %d was deleted, want its thread resolved", c.ID)
		}
		switch {
		case c.ID == loaderIDs[0] && c.Resolved:
			t.Error("the thread a human replied to was resolved")
		case c.ID == loaderIDs[0]:
			open++
		case c.Resolved:
			resolved++
		}
	}
	if resolved != 5 || open != 1 {
		t.Errorf("%d resolved, %d left open; want 5 and the replied one", resolved, open)
	}
	if !strings.Contains(run.Summary, "5 fixed since the last push") {
		t.Errorf("summary does not count the fixed comments:\n%s", run.Summary)
	}
}

func latest(runs []fakegithub.CheckRun) fakegithub.CheckRun {
	l := runs[0]
	for _, r := range runs {
		if r.ID > l.ID {
			l = r
		}
	}
	return l
}

func TestBaseChangeReviewsAgainAndCloseIsQuiet(t *testing.T) {
	gh, r, w := setup(t)
	r.git("branch", "release", "main")
	sha, _ := openRisky(t, gh, r, w, 1, "feature")
	// Retargeting the PR: pull_request edited with changes.base.
	gh.SetPRBase(repo, 1, "release")
	if code := w.deliver("pull_request", "d-base", gh.PullRequestEvent("edited", repo, 1)); code != http.StatusAccepted {
		t.Fatalf("edited with a base change: HTTP %d", code)
	}
	waitConclusion(t, gh, repo, sha, 2)
	// Closing is acknowledged (its reviews are cancelled) and reviews nothing.
	gh.ClosePR(repo, 1)
	if code := w.deliver("pull_request", "d-close", gh.PullRequestEvent("closed", repo, 1)); code != http.StatusAccepted {
		t.Fatalf("closed: HTTP %d", code)
	}
	w.waitIdle()
	if done, open := completedRuns(gh, repo, sha); len(done) != 2 || len(open) != 0 {
		t.Fatalf("after close: %d completed, %d open runs; want 2 and 0", len(done), len(open))
	}
}
