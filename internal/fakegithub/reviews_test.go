package fakegithub

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-github/v66/github"
)

func draftComment(path string, line int) *github.DraftReviewComment {
	return &github.DraftReviewComment{Path: github.String(path), Line: github.Int(line), Side: github.String("RIGHT"), Body: github.String("finding <!-- ward:fp -->")}
}

func TestReviewCommentsMustBeInTheDiff(t *testing.T) {
	tests := []struct {
		name    string
		comment *github.DraftReviewComment
		ok      bool
	}{
		{"changed line", draftComment("app.py", 20), true},
		{"context line in hunk", draftComment("app.py", 17), true},
		{"added line in second hunk", draftComment("app.py", 41), true},
		{"line outside any hunk", draftComment("app.py", 30), false},
		{"line past the end", draftComment("app.py", 500), false},
		{"deleted line on LEFT", &github.DraftReviewComment{Path: github.String("app.py"), Line: github.Int(20), Side: github.String("LEFT"), Body: github.String("b")}, true},
		{"added line on LEFT", &github.DraftReviewComment{Path: github.String("app.py"), Line: github.Int(44), Side: github.String("LEFT"), Body: github.String("b")}, false},
		{"multi-line in one hunk", &github.DraftReviewComment{Path: github.String("app.py"), StartLine: github.Int(18), Line: github.Int(21), Body: github.String("b")}, true},
		{"multi-line across hunks", &github.DraftReviewComment{Path: github.String("app.py"), StartLine: github.Int(20), Line: github.Int(41), Body: github.String("b")}, false},
		{"start after end", &github.DraftReviewComment{Path: github.String("app.py"), StartLine: github.Int(21), Line: github.Int(20), Body: github.String("b")}, false},
		{"start equal to line", &github.DraftReviewComment{Path: github.String("app.py"), StartLine: github.Int(20), Line: github.Int(20), Body: github.String("b")}, false},
		{"start outside the diff", &github.DraftReviewComment{Path: github.String("app.py"), StartLine: github.Int(10), Line: github.Int(20), Body: github.String("b")}, false},
		{"legacy position", &github.DraftReviewComment{Path: github.String("app.py"), Position: github.Int(5), Body: github.String("b")}, true},
		{"legacy position on a hunk header", &github.DraftReviewComment{Path: github.String("app.py"), Position: github.Int(9), Body: github.String("b")}, false},
		{"file not in the PR", draftComment("README.md", 1), false},
		{"binary file has no diff lines", draftComment("model.bin", 1), false},
		{"renamed file without changes", draftComment("moved.txt", 1), false},
		{"removed file on RIGHT", draftComment("old.txt", 1), false},
		{"no line or position", &github.DraftReviewComment{Path: github.String("app.py"), Body: github.String("b")}, false},
	}
	f := newFixture(t)
	c := f.client(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nReviews, nComments := len(f.s.Reviews(testRepo, 1)), len(f.s.ReviewComments(testRepo, 1))
			// One good comment plus the one under test: a bad one sinks the whole
			// review. go-github refuses to mix position and line forms.
			good := draftComment("new.txt", 1)
			if tc.comment.Position != nil {
				good = &github.DraftReviewComment{Path: github.String("new.txt"), Position: github.Int(1), Body: github.String("b")}
			}
			_, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
				CommitID: github.String(f.head), Body: github.String("ward found things"), Event: github.String("COMMENT"),
				Comments: []*github.DraftReviewComment{good, tc.comment},
			})
			reviews := len(f.s.Reviews(testRepo, 1)) - nReviews
			comments := len(f.s.ReviewComments(testRepo, 1)) - nComments
			if tc.ok {
				if err != nil || reviews != 1 || comments != 2 {
					t.Fatalf("want stored: err %v, %d reviews, %d comments", err, reviews, comments)
				}
				return
			}
			if statusOf(err) != 422 || reviews != 0 || comments != 0 {
				t.Fatalf("want 422 and nothing stored: err %v, %d reviews, %d comments", err, reviews, comments)
			}
		})
	}
}

func TestReviewMessageAndPlacement(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	_, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		Event: github.String("COMMENT"), Body: github.String("b"), Comments: []*github.DraftReviewComment{draftComment("app.py", 30)},
	})
	if err == nil || !strings.Contains(err.Error(), "Line could not be resolved") {
		t.Errorf("message: %v", err)
	}

	rv, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		Event: github.String("REQUEST_CHANGES"), Body: github.String("fix these"),
		Comments: []*github.DraftReviewComment{draftComment("app.py", 41)},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		Event: github.String("COMMENT"), Comments: []*github.DraftReviewComment{{Path: github.String("app.py"), Position: github.Int(5), Body: github.String("legacy")}},
	}); err != nil {
		t.Fatal(err)
	}
	if rv.GetState() != "CHANGES_REQUESTED" || rv.GetCommitID() != f.head || rv.GetUser().GetLogin() != f.s.BotLogin() {
		t.Errorf("review %+v", rv)
	}
	list, _, err := c.PullRequests.ListComments(ctx, "acme", "widgets", 1, nil)
	if err != nil || len(list) != 2 {
		t.Fatalf("list comments: %d %v", len(list), err)
	}
	first := list[0]
	if first.GetLine() != 41 || first.GetSide() != "RIGHT" || first.GetPosition() != 13 || first.GetPullRequestReviewID() != rv.GetID() ||
		first.GetUser().GetType() != "Bot" || first.GetCommitID() != f.head || !strings.HasSuffix(first.GetDiffHunk(), "+added after 40") ||
		!strings.HasPrefix(first.GetDiffHunk(), "@@ -38,6 +38,7 @@") {
		t.Errorf("placed comment %+v hunk %q", first, first.GetDiffHunk())
	}
	if list[1].GetLine() != 20 || list[1].GetSide() != "RIGHT" {
		t.Errorf("position 5 maps to line %d side %s", list[1].GetLine(), list[1].GetSide())
	}
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		Event: github.String("REQUEST_CHANGES")}); statusOf(err) != 422 {
		t.Errorf("REQUEST_CHANGES without body: %v", err)
	}
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		Event: github.String("COMMENT"), Body: github.String(strings.Repeat("x", 65537))}); statusOf(err) != 422 {
		t.Errorf("body over 65,536: %v", err)
	}
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		CommitID: github.String(f.base), Event: github.String("COMMENT"), Body: github.String("b")}); statusOf(err) != 422 {
		t.Errorf("commit not in the PR: %v", err)
	}
	_, _, err = c.PullRequests.CreateComment(ctx, "acme", "widgets", 1, &github.PullRequestComment{
		CommitID: github.String(f.head), Path: github.String("app.py"), Line: github.Int(30), Side: github.String("RIGHT"), Body: github.String("b")})
	if statusOf(err) != 422 || !strings.Contains(err.Error(), "Pull request review thread line must be part of the diff") {
		t.Errorf("single comment outside the diff: %v", err)
	}
	if single, _, err := c.PullRequests.CreateComment(ctx, "acme", "widgets", 1, &github.PullRequestComment{
		CommitID: github.String(f.head), Path: github.String("app.py"), Line: github.Int(20), Side: github.String("RIGHT"), Body: github.String("b")}); err != nil || single.GetLine() != 20 {
		t.Errorf("single comment in the diff: %v", err)
	}
}

func TestReviewOnEarlierCommitAndOutdated(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		Event: github.String("COMMENT"), Comments: []*github.DraftReviewComment{draftComment("new.txt", 2), draftComment("app.py", 20)},
	}); err != nil {
		t.Fatal(err)
	}
	f.repo.run("checkout", "-q", "feature")
	f.repo.write("new.txt", "hello\n") // line 2 leaves the diff
	f.repo.commit("push 2")
	f.s.SyncPR(testRepo, 1)
	byPath := map[string]ReviewComment{}
	for _, rc := range f.s.ReviewComments(testRepo, 1) {
		byPath[rc.Path] = rc
	}
	if !byPath["new.txt"].Outdated || byPath["new.txt"].Line != 0 || byPath["app.py"].Outdated || byPath["app.py"].Line != 20 {
		t.Errorf("after push: %+v", byPath)
	}
	// A review may still target the earlier head.
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		CommitID: github.String(f.head), Event: github.String("COMMENT"), Comments: []*github.DraftReviewComment{draftComment("new.txt", 2)},
	}); err != nil {
		t.Errorf("review on the previous head: %v", err)
	}
}

func graphql(t *testing.T, s *Server, query string, vars map[string]any) map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/api/graphql", bytes.NewReader(body))
	req.Header.Set("Authorization", "bearer "+s.IssueToken(testInst))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if out["errors"] != nil {
		t.Fatalf("graphql errors: %v", out["errors"])
	}
	return out
}

const threadsQuery = `query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) { pullRequest(number: $number) {
    reviewThreads(first: 100) { nodes { id isResolved comments(first: 50) { nodes { databaseId author { login } } } } }
  } } }`

func TestThreadsRepliesResolveDelete(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		Event: github.String("COMMENT"), Comments: []*github.DraftReviewComment{draftComment("new.txt", 1), draftComment("new.txt", 2), draftComment("app.py", 20)},
	}); err != nil {
		t.Fatal(err)
	}
	comments := f.s.ReviewComments(testRepo, 1)
	a, b, d := comments[0], comments[1], comments[2]
	human := f.s.ReplyToReviewComment(testRepo, 1, a.ID, "alice", "this is intended")
	reply, _, err := c.PullRequests.CreateCommentInReplyTo(ctx, "acme", "widgets", 1, "noted", a.ID)
	if err != nil || reply.GetInReplyTo() != a.ID {
		t.Fatalf("bot reply: %v %v", reply, err)
	}

	out := graphql(t, f.s, threadsQuery, map[string]any{"owner": "acme", "name": "widgets", "number": 1})
	threads := out["data"].(map[string]any)["repository"].(map[string]any)["pullRequest"].(map[string]any)["reviewThreads"].(map[string]any)["nodes"].([]any)
	if len(threads) != 3 {
		t.Fatalf("%d threads", len(threads))
	}
	first := threads[0].(map[string]any)
	nodes := first["comments"].(map[string]any)["nodes"].([]any)
	if first["id"] != a.ThreadID || len(nodes) != 3 || nodes[1].(map[string]any)["author"].(map[string]any)["login"] != "alice" ||
		nodes[0].(map[string]any)["author"].(map[string]any)["login"] != f.s.AppSlug() || int64(nodes[0].(map[string]any)["databaseId"].(float64)) != a.ID {
		t.Errorf("thread: %v", first)
	}

	// Resolve b's thread with an inline literal, delete d.
	graphql(t, f.s, `mutation { resolveReviewThread(input: {threadId: "`+b.ThreadID+`"}) { thread { id isResolved } } }`, nil)
	if _, err := c.PullRequests.DeleteComment(ctx, "acme", "widgets", d.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.PullRequests.EditComment(ctx, "acme", "widgets", a.ID, &github.PullRequestComment{Body: github.String("edited")}); err != nil {
		t.Fatal(err)
	}
	state := map[int64]ReviewComment{}
	for _, rc := range f.s.ReviewComments(testRepo, 1) {
		state[rc.ID] = rc
	}
	if !state[b.ID].Resolved || state[a.ID].Resolved || !state[d.ID].Deleted || state[a.ID].Body != "edited" ||
		state[human].User != "alice" || state[human].UserType != "User" || state[human].InReplyTo != a.ID || state[human].ThreadID != a.ThreadID {
		t.Errorf("final state: %+v", state)
	}
	list, _, _ := c.PullRequests.ListComments(ctx, "acme", "widgets", 1, nil)
	if len(list) != 4 {
		t.Errorf("listed %d comments, want 4 (one deleted)", len(list))
	}
	if _, err := c.PullRequests.DeleteComment(ctx, "acme", "widgets", d.ID); statusOf(err) != 404 {
		t.Errorf("delete twice: %v", err)
	}
	// Each reply is its own COMMENTED review, as on GitHub.
	if n := len(f.s.Reviews(testRepo, 1)); n != 3 {
		t.Errorf("%d reviews, want 3", n)
	}
}

func TestListCommentsPaginated(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	var drafts []*github.DraftReviewComment
	for _, line := range []int{17, 18, 19, 20, 21, 22, 23} {
		drafts = append(drafts, draftComment("app.py", line))
	}
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{Event: github.String("COMMENT"), Comments: drafts}); err != nil {
		t.Fatal(err)
	}
	got, resp, err := c.PullRequests.ListComments(ctx, "acme", "widgets", 1, &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: 3}})
	if err != nil || len(got) != 3 || resp.LastPage != 3 {
		t.Errorf("page 1: %d comments, last %d, %v", len(got), resp.LastPage, err)
	}
}

func TestPendingReview(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	rv, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		Comments: []*github.DraftReviewComment{draftComment("app.py", 20)}})
	if err != nil || rv.GetState() != "PENDING" {
		t.Fatalf("pending: %v %v", rv.GetState(), err)
	}
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{}); statusOf(err) != 422 {
		t.Errorf("second pending review: %v", err)
	}
	done, _, err := c.PullRequests.SubmitReview(ctx, "acme", "widgets", 1, rv.GetID(), &github.PullRequestReviewRequest{Event: github.String("COMMENT")})
	if err != nil || done.GetState() != "COMMENTED" {
		t.Errorf("submit: %v %v", done.GetState(), err)
	}
}

func TestCommentsFollowTheirLinesAfterPush(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{
		Event: github.String("COMMENT"), Comments: []*github.DraftReviewComment{draftComment("app.py", 20), draftComment("app.py", 41), draftComment("new.txt", 2)},
	}); err != nil {
		t.Fatal(err)
	}
	f.repo.run("checkout", "-q", "feature")
	app := f.repo.run("show", "feature:app.py")
	f.repo.write("app.py", "import os\nimport sys\nimport re\n"+app+"\n")
	f.repo.write("new.txt", "hello\nWORLD\n")
	next := f.repo.commit("push 2")
	f.s.SyncPR(testRepo, 1)
	got := map[string][2]int{}
	for _, rc := range f.s.ReviewComments(testRepo, 1) {
		if rc.Outdated {
			got[rc.Path+" outdated"] = [2]int{rc.OriginalLine, rc.Line}
			continue
		}
		if rc.CommitID != next {
			t.Errorf("%s:%d still on %s", rc.Path, rc.Line, rc.CommitID)
		}
		got[rc.Path+" "+strconv.Itoa(rc.OriginalLine)] = [2]int{rc.OriginalLine, rc.Line}
	}
	want := map[string][2]int{"app.py 20": {20, 23}, "app.py 41": {41, 44}, "new.txt outdated": {2, 0}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("after push: %v, want %v", got, want)
	}
}
