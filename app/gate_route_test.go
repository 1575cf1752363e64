package app

import (
	"fmt"
	"log/slog"
	"testing"

	"github.com/riverqueue/river"
)

// route parses a delivery body as the handler does and routes it.
func route(t *testing.T, event, body string) ([]river.JobArgs, *ReviewArgs, string) {
	t.Helper()
	payload, err := parseHook(event, []byte(body))
	if err != nil {
		t.Fatalf("parse %s: %v", event, err)
	}
	return routeEvent(payload, "d1", slog.Default())
}

func TestRouteGateEvents(t *testing.T) {
	const common = `"repository":{"full_name":"acme/models"},"installation":{"id":7}`

	// Closed: no job, but the PR's reviews are cancelled (all head SHAs).
	jobs, cancel, _ := route(t, "pull_request", `{"action":"closed","number":3,"pull_request":{"head":{"sha":"h1"}},`+common+`}`)
	if len(jobs) != 0 || cancel == nil || cancel.PR != 3 || cancel.Repo != "acme/models" || cancel.HeadSHA != "" {
		t.Fatalf("closed: jobs %v cancel %+v", jobs, cancel)
	}

	// Merge group: a review of the group's head against its base, no PR.
	jobs, _, why := route(t, "merge_group", `{"action":"checks_requested","merge_group":{"head_sha":"g1","base_sha":"b1",
		"head_ref":"refs/heads/gh-readonly-queue/main/pr-12-abc"},`+common+`}`)
	if len(jobs) != 1 {
		t.Fatalf("merge group: %v (%s)", jobs, why)
	}
	a := jobs[0].(ReviewArgs)
	if a.HeadSHA != "g1" || a.MergeGroup == nil || a.MergeGroup.BaseSHA != "b1" || a.PR != 0 {
		t.Fatalf("merge group job %+v", a)
	}
	if jobs, _, _ := route(t, "merge_group", `{"action":"destroyed","merge_group":{"head_sha":"g1","base_sha":"b1"},`+common+`}`); len(jobs) != 0 {
		t.Fatal("merge group destroyed queued a review")
	}

	// The "Explain findings" button becomes a command job on the run's PR.
	jobs, _, _ = route(t, "check_run", `{"action":"requested_action","check_run":{"id":99,"name":"ward","head_sha":"h1",
		"pull_requests":[{"number":3}]},"requested_action":{"identifier":"explain"},"sender":{"login":"maint"},`+common+`}`)
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
