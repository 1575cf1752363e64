package fakegithub

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v66/github"
)

func annotations(n int) []*github.CheckRunAnnotation {
	out := make([]*github.CheckRunAnnotation, n)
	for i := range out {
		out[i] = &github.CheckRunAnnotation{Path: github.String("app.py"), StartLine: github.Int(i + 1), EndLine: github.Int(i + 1),
			AnnotationLevel: github.String("warning"), Message: github.String(fmt.Sprintf("finding %d", i))}
	}
	return out
}

func output(summary string, ann []*github.CheckRunAnnotation) *github.CheckRunOutput {
	return &github.CheckRunOutput{Title: github.String("ward"), Summary: github.String(summary), Annotations: ann}
}

func TestCheckRunLifecycle(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	run, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{
		Name: "ward", HeadSHA: f.head, Status: github.String("in_progress"), ExternalID: github.String("job-1"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if run.GetStatus() != "in_progress" || run.GetApp().GetID() != f.s.AppID() || len(run.PullRequests) != 1 {
		t.Errorf("created run %+v", run)
	}
	for i := 0; i < 3; i++ { // 150 annotations in three batches of 50
		_, _, err := c.Checks.UpdateCheckRun(ctx, "acme", "widgets", run.GetID(), github.UpdateCheckRunOptions{
			Name: "ward", Output: output("batch", annotations(50)),
		})
		if err != nil {
			t.Fatalf("batch %d: %v", i, err)
		}
	}
	_, _, err = c.Checks.UpdateCheckRun(ctx, "acme", "widgets", run.GetID(), github.UpdateCheckRunOptions{
		Name: "ward", Conclusion: github.String("failure"), Output: output("final summary", nil),
		Actions: []*github.CheckRunAction{{Label: "Re-run ward", Description: "Review the head commit again", Identifier: "rerun"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	runs := f.s.CheckRuns(testRepo)
	if len(runs) != 1 {
		t.Fatalf("%d runs", len(runs))
	}
	got := runs[0]
	if got.Status != "completed" || got.Conclusion != "failure" || got.Summary != "final summary" || len(got.Annotations) != 150 ||
		got.HeadSHA != f.head || got.ExternalID != "job-1" || len(got.Actions) != 1 || got.Writes != 5 {
		t.Errorf("final run: status %s conclusion %s summary %q annotations %d writes %d", got.Status, got.Conclusion, got.Summary, len(got.Annotations), got.Writes)
	}
	list, _, err := c.Checks.ListCheckRunAnnotations(ctx, "acme", "widgets", run.GetID(), &github.ListOptions{PerPage: 100})
	if err != nil || len(list) != 100 {
		t.Errorf("annotations page: %d %v", len(list), err)
	}
	res, _, err := c.Checks.ListCheckRunsForRef(ctx, "acme", "widgets", f.head, &github.ListCheckRunsOptions{CheckName: github.String("ward")})
	if err != nil || res.GetTotal() != 1 || res.CheckRuns[0].GetConclusion() != "failure" || res.CheckRuns[0].GetOutput().GetAnnotationsCount() != 150 {
		t.Errorf("runs for ref: %+v %v", res, err)
	}
	res, _, err = c.Checks.ListCheckRunsForRef(ctx, "acme", "widgets", "feature", nil)
	if err != nil || res.GetTotal() != 1 {
		t.Errorf("runs for branch name: %v %v", res.GetTotal(), err)
	}
}

func TestCheckRunLimits(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	run, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head})
	if err != nil {
		t.Fatal(err)
	}
	long := func(n int) *string { return github.String(strings.Repeat("a", n)) }
	action := func(label, desc, id string) []*github.CheckRunAction {
		return []*github.CheckRunAction{{Label: label, Description: desc, Identifier: id}}
	}
	bad := func(mod func(a *github.CheckRunAnnotation)) *github.CheckRunOutput {
		a := annotations(1)
		mod(a[0])
		return output("s", a)
	}
	tests := []struct {
		name string
		opt  github.UpdateCheckRunOptions
		want int
	}{
		{"50 annotations", github.UpdateCheckRunOptions{Name: "ward", Output: output("s", annotations(50))}, 200},
		{"51 annotations", github.UpdateCheckRunOptions{Name: "ward", Output: output("s", annotations(51))}, 422},
		{"summary 65535", github.UpdateCheckRunOptions{Name: "ward", Output: output(strings.Repeat("a", 65535), nil)}, 200},
		{"summary 65535 characters but 131070 bytes", github.UpdateCheckRunOptions{Name: "ward", Output: output(strings.Repeat("é", 65535), nil)}, 422},
		{"summary 32767 two-byte characters", github.UpdateCheckRunOptions{Name: "ward", Output: output(strings.Repeat("é", 32767), nil)}, 200},
		{"summary 65536", github.UpdateCheckRunOptions{Name: "ward", Output: output(strings.Repeat("a", 65536), nil)}, 422},
		{"text 65536", github.UpdateCheckRunOptions{Name: "ward", Output: &github.CheckRunOutput{Title: github.String("t"), Summary: github.String("s"), Text: long(65536)}}, 422},
		{"output without summary", github.UpdateCheckRunOptions{Name: "ward", Output: &github.CheckRunOutput{Title: github.String("t")}}, 422},
		{"bad level", github.UpdateCheckRunOptions{Name: "ward", Output: bad(func(a *github.CheckRunAnnotation) { a.AnnotationLevel = github.String("error") })}, 422},
		{"no path", github.UpdateCheckRunOptions{Name: "ward", Output: bad(func(a *github.CheckRunAnnotation) { a.Path = nil })}, 422},
		{"end before start", github.UpdateCheckRunOptions{Name: "ward", Output: bad(func(a *github.CheckRunAnnotation) { a.StartLine = github.Int(5); a.EndLine = github.Int(4) })}, 422},
		{"columns across lines", github.UpdateCheckRunOptions{Name: "ward", Output: bad(func(a *github.CheckRunAnnotation) {
			a.EndLine = github.Int(3)
			a.StartColumn = github.Int(1)
		})}, 422},
		{"empty message", github.UpdateCheckRunOptions{Name: "ward", Output: bad(func(a *github.CheckRunAnnotation) { a.Message = github.String("") })}, 422},
		{"invalid conclusion", github.UpdateCheckRunOptions{Name: "ward", Conclusion: github.String("passed")}, 422},
		{"stale conclusion", github.UpdateCheckRunOptions{Name: "ward", Conclusion: github.String("stale")}, 422},
		{"completed without conclusion", github.UpdateCheckRunOptions{Name: "ward", Status: github.String("completed")}, 422},
		{"invalid status", github.UpdateCheckRunOptions{Name: "ward", Status: github.String("done")}, 422},
		{"action ok", github.UpdateCheckRunOptions{Name: "ward", Actions: action(strings.Repeat("l", 20), strings.Repeat("d", 40), strings.Repeat("i", 20))}, 200},
		{"action label 21", github.UpdateCheckRunOptions{Name: "ward", Actions: action(strings.Repeat("l", 21), "d", "i")}, 422},
		{"action description 41", github.UpdateCheckRunOptions{Name: "ward", Actions: action("l", strings.Repeat("d", 41), "i")}, 422},
		{"action identifier 21", github.UpdateCheckRunOptions{Name: "ward", Actions: action("l", "d", strings.Repeat("i", 21))}, 422},
		{"four actions", github.UpdateCheckRunOptions{Name: "ward", Actions: append(append(append(action("a", "b", "c"), action("a", "b", "d")...), action("a", "b", "e")...), action("a", "b", "f")...)}, 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.s.CheckRuns(testRepo)[0].Annotations)
			_, _, err := c.Checks.UpdateCheckRun(ctx, "acme", "widgets", run.GetID(), tc.opt)
			got := 200
			if err != nil {
				got = statusOf(err)
			}
			if got != tc.want {
				t.Fatalf("status %d (%v), want %d", got, err, tc.want)
			}
			after := len(f.s.CheckRuns(testRepo)[0].Annotations)
			if tc.want == 422 && after != before {
				t.Errorf("a rejected request stored %d annotations", after-before)
			}
		})
	}

	// Create-time rules.
	if _, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward"}); statusOf(err) != 422 {
		t.Errorf("no head_sha: %v", err)
	}
	if _, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{HeadSHA: f.head}); statusOf(err) != 422 {
		t.Errorf("no name: %v", err)
	}
	if _, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: strings.Repeat("a", 40)}); statusOf(err) != 422 {
		t.Errorf("unknown commit: %v", err)
	}
	if _, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head, Output: output("s", annotations(51))}); statusOf(err) != 422 ||
		!strings.Contains(err.Error(), "No more than 50 items are allowed; 51 were supplied.") {
		t.Errorf("51 annotations on create: %v", err)
	}
	if _, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head, Output: output(strings.Repeat("a", 65536), nil)}); statusOf(err) != 422 ||
		!strings.Contains(err.Error(), "Only 65535 characters are allowed; 65536 were supplied.") {
		t.Errorf("65,536-character summary on create: %v", err)
	}
	done, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head, Conclusion: github.String("success")})
	if err != nil || done.GetStatus() != "completed" {
		t.Errorf("a conclusion implies completed: %v %v", done.GetStatus(), err)
	}
	if _, _, err := c.Checks.UpdateCheckRun(ctx, "acme", "widgets", 999999, github.UpdateCheckRunOptions{Name: "ward"}); statusOf(err) != 404 {
		t.Errorf("unknown run: %v", err)
	}
}

func TestMergeRequiresWard(t *testing.T) {
	f := newFixture(t)
	f.s.RequireCheck(testRepo, "ward")
	c := f.client(t)
	if _, _, err := c.PullRequests.Merge(ctx, "acme", "widgets", 1, "", nil); statusOf(err) != 403 {
		t.Fatalf("merge with contents:read: %v, want 403", err)
	}
	if status, msg := f.s.MergePR(testRepo, 1); status != 405 || msg != `Required status check "ward" is expected.` {
		t.Fatalf("maintainer merge without ward: %d %s", status, msg)
	}
	perms := maps.Clone(defaultAppPermissions)
	perms["contents"] = "write"
	f.s.SetAppPermissions(perms)
	merge := func() int {
		_, _, err := c.PullRequests.Merge(ctx, "acme", "widgets", 1, "", nil)
		if err != nil {
			return statusOf(err)
		}
		return 200
	}
	if got := merge(); got != 405 {
		t.Fatalf("no ward run: %d, want 405", got)
	}
	run, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head, Status: github.String("in_progress")})
	if err != nil {
		t.Fatal(err)
	}
	if got := merge(); got != 405 {
		t.Fatalf("in progress: %d, want 405", got)
	}
	if _, _, err := c.Checks.UpdateCheckRun(ctx, "acme", "widgets", run.GetID(), github.UpdateCheckRunOptions{Name: "ward", Conclusion: github.String("failure")}); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.PullRequests.Merge(ctx, "acme", "widgets", 1, "", nil)
	if statusOf(err) != 405 || !strings.Contains(err.Error(), `Required status check "ward" is failing`) {
		t.Fatalf("failing ward: %v", err)
	}
	// A success on another commit does not count.
	if _, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.base, Conclusion: github.String("success")}); err != nil {
		t.Fatal(err)
	}
	if got := merge(); got != 405 {
		t.Fatalf("success on the base only: %d", got)
	}
	if _, _, err := c.Checks.UpdateCheckRun(ctx, "acme", "widgets", run.GetID(), github.UpdateCheckRunOptions{Name: "ward", Conclusion: github.String("success")}); err != nil {
		t.Fatal(err)
	}
	if got := merge(); got != 200 || !f.s.IsMerged(testRepo, 1) {
		t.Fatalf("passing ward: %d merged=%v", got, f.s.IsMerged(testRepo, 1))
	}
}

func TestWaitForCheckRun(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	go func() {
		time.Sleep(50 * time.Millisecond)
		_, _, _ = c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head, Conclusion: github.String("success")})
	}()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	run, err := f.s.WaitForCheckRun(wctx, testRepo, f.head, "ward", Completed)
	if err != nil || run.Conclusion != "success" {
		t.Fatalf("%+v %v", run, err)
	}
	short, cancel2 := context.WithTimeout(ctx, 30*time.Millisecond)
	defer cancel2()
	if _, err := f.s.WaitForCheckRun(short, testRepo, f.base, "ward", Completed); err == nil {
		t.Error("waiting for a run that never comes succeeded")
	}
}
