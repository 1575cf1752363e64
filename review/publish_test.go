package review

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
)

// resolvingFake adds GraphQL review threads to the struct fake.
type resolvingFake struct {
	*fakeGitHub
	threads  map[int64]Thread
	resolved []string
	failWith error
}

func (f *resolvingFake) ReviewThreads(context.Context) (map[int64]Thread, error) {
	return f.threads, f.failWith
}

func (f *resolvingFake) ResolveThread(_ context.Context, id string) error {
	f.resolved = append(f.resolved, id)
	return nil
}

// badLines returns content and an all-added patch with n BAD lines.
func badLines(n int) (string, string) {
	var c, p strings.Builder
	fmt.Fprintf(&p, "@@ -0,0 +1,%d @@\n", n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&c, "v%d = BAD\n", i)
		fmt.Fprintf(&p, "+v%d = BAD\n", i)
	}
	return c.String(), strings.TrimSuffix(p.String(), "\n")
}

func TestSameRuleBeyondThreeIsGrouped(t *testing.T) {
	for _, tc := range []struct {
		findings, comments int
		groupLists         string
	}{
		{3, 3, ""},
		{4, 4, ""},
		{9, 4, "5, 6, 7, 8, 9"},
	} {
		content, patch := badLines(tc.findings)
		gh := newFake(content, patch)
		runReview(t, gh, Options{})
		cs := gh.Reviews[0].Comments
		if len(cs) != tc.comments {
			t.Fatalf("%d findings: %d comments, want %d", tc.findings, len(cs), tc.comments)
		}
		last := cs[len(cs)-1]
		if tc.groupLists != "" && (last.Line != 4 || !strings.Contains(last.Body, tc.groupLists)) {
			t.Errorf("%d findings: the 4th comment (line %d) does not list lines %s:\n%s", tc.findings, last.Line, tc.groupLists, last.Body)
		}
	}
}

func TestInlineCommentCapAndOverflow(t *testing.T) {
	gh := newFake("", "")
	gh.Files = nil
	for i := 0; i < 20; i++ { // 20 files × 3 findings = 60 comments wanted
		content, patch := badLines(3)
		p := fmt.Sprintf("f%02d.py", i)
		gh.Files = append(gh.Files, ChangedFile{Path: p, Status: "added", BlobSHA: p, Patch: patch})
		gh.Blobs[p] = []byte(content)
	}
	res := runReview(t, gh, Options{})
	if res.Posted != 30 || len(gh.Reviews[0].Comments) != 30 || res.Overflow != 30 {
		t.Fatalf("posted %d, overflow %d; want 30 and 30", res.Posted, res.Overflow)
	}
	if s := gh.run(res.CheckRunID).Output.Summary; !strings.Contains(s, "30 more finding(s) are over the limit") {
		t.Errorf("summary:\n%s", s)
	}
}

func TestStaleCommentsResolvedDeletedOrLeft(t *testing.T) {
	gh := newFake("ok = 1\n", "@@ -0,0 +1 @@\n+ok = 1")
	marker := func(fp string) string { return "old <!-- ward:fingerprint:" + fp + " -->" }
	gh.Existing = []Comment{
		{ID: 1, Body: marker("aa"), Bot: true},                 // stale, has a thread: resolved
		{ID: 2, Body: marker("bb"), Bot: true},                 // stale, no thread known: deleted
		{ID: 3, Body: marker("cc"), Bot: true},                 // stale, human replied: left alone
		{ID: 4, Body: "I disagree", InReplyTo: 3},              // the human reply
		{ID: 5, Body: marker("dd"), Bot: true},                 // stale, resolved before: not counted again
		{ID: 6, Body: marker("ee"), Bot: false, Author: "dev"}, // not ward's
	}
	f := &resolvingFake{fakeGitHub: gh, threads: map[int64]Thread{
		1: {ID: "T1"}, 3: {ID: "T3"}, 5: {ID: "T5", Resolved: true}, 6: {ID: "T6"},
	}}
	res, err := Run(context.Background(), f, Options{Checks: runReviewChecks()})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.resolved, ",") != "T1" || fmt.Sprint(gh.Deleted) != "[2]" || res.Removed != 2 {
		t.Fatalf("resolved %v, deleted %v, removed %d; want [T1], [2], 2", f.resolved, gh.Deleted, res.Removed)
	}
	if s := gh.run(res.CheckRunID).Output.Summary; !strings.Contains(s, "2 fixed since the last push") {
		t.Errorf("summary:\n%s", s)
	}
	// Without GraphQL, stale comments are deleted.
	gh.Deleted = nil
	f.failWith = fmt.Errorf("graphql: forbidden")
	f.resolved = nil
	if _, err := Run(context.Background(), f, Options{Checks: runReviewChecks()}); err != nil {
		t.Fatal(err)
	}
	if len(f.resolved) != 0 || fmt.Sprint(gh.Deleted) != "[1 2 5]" {
		t.Fatalf("GraphQL down: resolved %v, deleted %v; want none and [1 2 5]", f.resolved, gh.Deleted)
	}
}

func TestCoverageFooter(t *testing.T) {
	gh := newFake("", "")
	gh.Files = nil
	for i := 0; i < 40; i++ {
		p := fmt.Sprintf("f%02d.py", i)
		cf := ChangedFile{Path: p, Status: "added", BlobSHA: p, Patch: "@@ -0,0 +1 @@\n+x = 1"}
		switch {
		case i < 5:
			cf.Path = "vendor/" + p
		case i < 7:
			cf.Patch = "" // binary or a diff GitHub does not show
		case i == 7:
			cf.Status = "removed"
		}
		gh.Files = append(gh.Files, cf)
		gh.Blobs[p] = []byte("x = 1\n")
	}
	gh.PR.ChangedFiles = 3200 // GitHub listed only 40 of them
	gh.FilesAt["base1"] = map[string][]byte{config.Path: []byte("paths:\n  ignore: [\"vendor/**\"]\n")}
	res := runReview(t, gh, Options{})
	s := gh.run(res.CheckRunID).Output.Summary
	for _, want := range []string{
		"Reviewed 34 of 3,199 files (1 deleted files need no review); skipped 3,165: ",
		"3,160: never listed by GitHub (its files API stops at 40 files; this change has 3,200)",
		"5: matches `paths.ignore`",
		"2 file(s) have no patch on GitHub",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 2870: "2,870", 1234567: "1,234,567", -3000: "-3,000"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %s, want %s", n, got, want)
		}
	}
}

func runReviewChecks() []checks.Check { return []checks.Check{lineCheck{}} }

func TestForkInlineSuppressionNotTrusted(t *testing.T) {
	content := "a = BAD  # ward:ignore test-bad generated fixture\n"
	patch := "@@ -0,0 +1 @@\n+a = BAD  # ward:ignore test-bad generated fixture"
	for _, fork := range []bool{false, true} {
		gh := newFake(content, patch)
		gh.PR.Fork = fork
		res := runReview(t, gh, Options{})
		want := map[bool]string{false: "success", true: "failure"}[fork]
		if res.Conclusion != want {
			t.Errorf("fork=%v: conclusion %s, want %s", fork, res.Conclusion, want)
		}
		if s := gh.run(res.CheckRunID).Output.Summary; fork != strings.Contains(s, "comes from a fork") {
			t.Errorf("fork=%v: summary note:\n%s", fork, s)
		}
	}
}

func TestMergeGroupCompareCap(t *testing.T) {
	gh := newFake("", "")
	gh.Files = nil
	for i := 0; i < 300; i++ {
		p := fmt.Sprintf("f%03d.py", i)
		gh.Files = append(gh.Files, ChangedFile{Path: p, Status: "added", BlobSHA: p, Patch: "@@ -0,0 +1 @@\n+x = 1"})
		gh.Blobs[p] = []byte("x = 1\n")
	}
	gh.PR.MergeGroup = true
	res := runReview(t, gh, Options{})
	if s := gh.run(res.CheckRunID).Output.Summary; !strings.Contains(s, "compare API lists at most 300 files") {
		t.Errorf("summary does not warn of the compare cap:\n%s", s)
	}
	if len(gh.Reviews) != 0 {
		t.Errorf("a merge group got a PR review")
	}
}
