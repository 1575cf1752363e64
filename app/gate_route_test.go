package app

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/google/go-github/v66/github"
)

func TestRouteGateEvents(t *testing.T) {
	inst := &github.Installation{ID: github.Int64(7)}
	rp := &github.Repository{FullName: github.String("acme/models")}
	pr := &github.PullRequest{Head: &github.PullRequestBranch{SHA: github.String("h1")}}

	// Closed: no job, but the PR's reviews are cancelled (all head SHAs).
	jobs, cancel, _ := routeEvent(&github.PullRequestEvent{Action: github.String("closed"), Number: github.Int(3),
		PullRequest: pr, Repo: rp, Installation: inst}, "d1", slog.Default())
	if len(jobs) != 0 || cancel == nil || cancel.PR != 3 || cancel.Repo != "acme/models" || cancel.HeadSHA != "" {
		t.Fatalf("closed: jobs %v cancel %+v", jobs, cancel)
	}

	// Merge group: a review of the group's head against its base, no PR.
	jobs, _, why := routeEvent(&github.MergeGroupEvent{Action: github.String("checks_requested"), Repo: rp, Installation: inst,
		MergeGroup: &github.MergeGroup{HeadSHA: github.String("g1"), BaseSHA: github.String("b1"),
			HeadRef: github.String("refs/heads/gh-readonly-queue/main/pr-12-abc")}}, "d2", slog.Default())
	if len(jobs) != 1 {
		t.Fatalf("merge group: %v (%s)", jobs, why)
	}
	a := jobs[0].(ReviewArgs)
	if a.HeadSHA != "g1" || a.MergeGroup == nil || a.MergeGroup.BaseSHA != "b1" || a.PR != 0 {
		t.Fatalf("merge group job %+v", a)
	}
	if jobs, _, _ := routeEvent(&github.MergeGroupEvent{Action: github.String("destroyed"), Repo: rp, Installation: inst,
		MergeGroup: &github.MergeGroup{HeadSHA: github.String("g1"), BaseSHA: github.String("b1")}}, "d3", slog.Default()); len(jobs) != 0 {
		t.Fatal("merge group destroyed queued a review")
	}

	// The "Explain findings" button becomes a command job on the run's PR.
	run := &github.CheckRun{ID: github.Int64(99), Name: github.String(CheckRunName), HeadSHA: github.String("h1"),
		PullRequests: []*github.PullRequest{{Number: github.Int(3)}}}
	jobs, _, _ = routeEvent(&github.CheckRunEvent{Action: github.String("requested_action"), CheckRun: run, Repo: rp, Installation: inst,
		RequestedAction: &github.RequestedAction{Identifier: "explain"}, Sender: &github.User{Login: github.String("maint")}}, "d4", slog.Default())
	if len(jobs) != 1 {
		t.Fatalf("explain: %v", jobs)
	}
	if c := jobs[0].(CommandArgs); c.Action != "explain" || c.CheckRunID != 99 || c.PR != 3 || c.Author != "maint" {
		t.Fatalf("explain job %+v", c)
	}
}

func TestQueuedPRs(t *testing.T) {
	for _, tc := range []struct {
		ref  string
		msgs []string
		want string
	}{
		{"refs/heads/gh-readonly-queue/main/pr-123-0a1b2c3d", nil, "[123]"},
		{"refs/heads/gh-readonly-queue/release/v2/pr-7-ffff", []string{"Merge pull request #5 from acme/x\n\nbody", "Fix loader (#6)", "mentions #9 in passing"}, "[5 6 7]"},
		{"refs/heads/feature", []string{"no numbers"}, "[]"},
	} {
		if got := fmtInts(queuedPRs(tc.ref, tc.msgs)); got != tc.want {
			t.Errorf("queuedPRs(%q, %q) = %s, want %s", tc.ref, tc.msgs, got, tc.want)
		}
	}
}

func fmtInts(n []int) string {
	s := "["
	for i, x := range n {
		if i > 0 {
			s += " "
		}
		s += itoa(x)
	}
	return s + "]"
}

func itoa(n int) string { return fmt.Sprint(n) }

func TestGraphQLURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.github.com/":         "https://api.github.com/graphql",
		"https://ghe.example.com/api/v3/": "https://ghe.example.com/api/graphql",
		"http://127.0.0.1:4000/api/v3":    "http://127.0.0.1:4000/api/graphql",
	} {
		if got := graphQLURL(in); got != want {
			t.Errorf("graphQLURL(%q) = %s, want %s", in, got, want)
		}
	}
}
