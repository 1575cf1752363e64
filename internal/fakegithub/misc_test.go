package fakegithub

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-github/v66/github"
)

func TestIssueCommentsAndReactions(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	payload, id := f.s.IssueCommentEvent("created", testRepo, 1, "alice", "/rescan")
	var ev github.IssueCommentEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.GetComment().GetID() != id || ev.GetComment().GetBody() != "/rescan" || !ev.GetIssue().IsPullRequest() ||
		ev.GetIssue().GetNumber() != 1 || ev.GetInstallation().GetID() != testInst || ev.GetSender().GetLogin() != "alice" ||
		ev.GetRepo().GetOwner().GetLogin() != testOwner {
		t.Errorf("issue_comment payload: %s", payload)
	}
	r1, resp, err := c.Reactions.CreateIssueCommentReaction(ctx, "acme", "widgets", id, "eyes")
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("first reaction: %v %v", resp.StatusCode, err)
	}
	r2, resp, err := c.Reactions.CreateIssueCommentReaction(ctx, "acme", "widgets", id, "eyes")
	if err != nil || resp.StatusCode != 200 || r2.GetID() != r1.GetID() {
		t.Errorf("same reaction again: %d %v", resp.StatusCode, err)
	}
	if _, _, err := c.Reactions.CreateIssueCommentReaction(ctx, "acme", "widgets", id, "thumbsup"); statusOf(err) != 422 {
		t.Errorf("invalid content: %v", err)
	}
	if got := f.s.Reactions(id); len(got) != 1 || got[0].Content != "eyes" || got[0].User != f.s.BotLogin() {
		t.Errorf("reactions %+v", got)
	}
	posted, _, err := c.Issues.CreateComment(ctx, "acme", "widgets", 1, &github.IssueComment{Body: github.String("Rescanning.")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Issues.EditComment(ctx, "acme", "widgets", posted.GetID(), &github.IssueComment{Body: github.String("Rescanned.")}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Issues.CreateComment(ctx, "acme", "widgets", 1, &github.IssueComment{Body: github.String(strings.Repeat("x", 65537))}); statusOf(err) != 422 {
		t.Errorf("body over 65,536: %v", err)
	}
	list, _, err := c.Issues.ListComments(ctx, "acme", "widgets", 1, nil)
	if err != nil || len(list) != 2 || list[1].GetBody() != "Rescanned." || list[1].GetUser().GetType() != "Bot" || list[0].GetReactions().GetEyes() != 1 {
		t.Errorf("list: %d %v", len(list), err)
	}
	all := f.s.IssueComments(testRepo, 1)
	if len(all) != 2 || all[0].User != "alice" || all[1].Body != "Rescanned." {
		t.Errorf("IssueComments %+v", all)
	}
	edited := f.s.IssueCommentEditedEvent(testRepo, 1, id, "bob", "/ignore rule -- reason")
	if err := json.Unmarshal(edited, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.GetAction() != "edited" || ev.GetSender().GetLogin() != "bob" || ev.GetChanges().GetBody().GetFrom() != "/rescan" || ev.GetComment().GetBody() != "/ignore rule -- reason" {
		t.Errorf("edited payload: %s", edited)
	}
}

func TestPermission(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	f.s.SetPermission(testRepo, "maint", "maintain")
	f.s.SetPermission(testRepo, "reader", "read")
	for login, want := range map[string][2]string{"maint": {"write", "maintain"}, "reader": {"read", "read"}, "stranger": {"none", "none"}} {
		p, _, err := c.Repositories.GetPermissionLevel(ctx, "acme", "widgets", login)
		if err != nil || p.GetPermission() != want[0] || p.GetRoleName() != want[1] || p.GetUser().GetLogin() != login {
			t.Errorf("%s: %s/%s %v", login, p.GetPermission(), p.GetRoleName(), err)
		}
	}
}

func TestFaultsAndRateLimitHeaders(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	_, resp, err := c.PullRequests.Get(ctx, "acme", "widgets", 1)
	if err != nil || resp.Rate.Limit != 12500 || resp.Rate.Remaining >= 12500 || resp.Rate.Reset.Before(time.Now()) {
		t.Fatalf("rate headers: %+v %v", resp.Rate, err)
	}
	f.s.InjectFault(Fault{Method: "GET", PathPrefix: "/repos/acme/widgets/pulls/1", Status: 403, RetryAfter: 1500 * time.Millisecond})
	_, _, err = c.PullRequests.Get(ctx, "acme", "widgets", 1)
	var abuse *github.AbuseRateLimitError
	if !errors.As(err, &abuse) || abuse.RetryAfter == nil || *abuse.RetryAfter != 2*time.Second ||
		!strings.HasPrefix(abuse.Message, "You have exceeded a secondary rate limit") {
		t.Fatalf("secondary rate limit: %#v", err)
	}

	// Raw requests (go-github would refuse locally during the retry-after).
	get := func() *http.Response {
		resp, _ := rawGet(t, f.s, "/api/v3/repos/acme/widgets/pulls/1", "", "")
		return resp
	}
	f.s.InjectFault(Fault{PathPrefix: "/repos/acme/widgets/pulls", Status: 502, Times: 2})
	if a, b, c := get().StatusCode, get().StatusCode, get().StatusCode; a != 502 || b != 502 || c != 200 {
		t.Errorf("two 502s then success: %d %d %d", a, b, c)
	}
	f.s.InjectFault(Fault{Status: 429, RetryAfter: 3 * time.Second})
	if r := get(); r.StatusCode != 429 || r.Header.Get("Retry-After") != "3" {
		t.Errorf("429: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	f.s.InjectFault(Fault{Status: 403, Primary: true, RetryAfter: time.Minute})
	if r := get(); r.StatusCode != 403 || r.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("primary: %d remaining %q", r.StatusCode, r.Header.Get("X-RateLimit-Remaining"))
	}
	f.s.InjectFault(Fault{Method: "POST", Status: 503})
	if r := get(); r.StatusCode != 200 {
		t.Errorf("a POST fault hit a GET: %d", r.StatusCode)
	}
	if f.s.PendingFaults() != 1 {
		t.Errorf("pending faults %d", f.s.PendingFaults())
	}
	f.s.InjectFault(Fault{Method: "GET", Delay: 200 * time.Millisecond})
	start := time.Now()
	if r := get(); r.StatusCode != 200 || time.Since(start) < 200*time.Millisecond {
		t.Errorf("delay: %d after %v", r.StatusCode, time.Since(start))
	}
	if n := f.s.RequestCount("GET", "/repos/acme/widgets/pulls/1"); n != 9 {
		t.Errorf("RequestCount = %d, want 9", n)
	}

	f.s.SetRateLimit(1, time.Now().Add(time.Hour))
	if a, b := get().StatusCode, get(); a != 200 || b.StatusCode != 403 || b.Header.Get("X-RateLimit-Remaining") != "0" {
		t.Errorf("exhausted budget: %d then %d", a, b.StatusCode)
	}
}

func TestRootAndEnterprisePrefixAgree(t *testing.T) {
	f := newFixture(t)
	tok := f.s.IssueToken(testInst)
	root := github.NewClient(nil).WithAuthToken(tok)
	u, _ := url.Parse(f.s.URL() + "/")
	root.BaseURL = u
	ghes := tokenClient(t, f.s, tok)
	for name, c := range map[string]*github.Client{"root": root, "ghes": ghes} {
		files, _, err := c.PullRequests.ListFiles(ctx, "acme", "widgets", 1, nil)
		if err != nil || len(files) != 5 {
			t.Errorf("%s: %d files %v", name, len(files), err)
		}
		if _, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if f.s.RequestCount("GET", "/repos/acme/widgets/pulls/1/files") != 2 {
		t.Errorf("both prefixes count as one path: %v", f.s.Requests())
	}
}

func TestWebhookHelpers(t *testing.T) {
	f := newFixture(t)
	body := f.s.PullRequestEvent("opened", testRepo, 1)
	var got struct {
		header http.Header
		body   []byte
	}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.header = r.Header.Clone()
		got.body, _ = io.ReadAll(r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	defer hook.Close()
	resp, err := Deliver(ctx, hook.URL+"/webhook", "s3cret", "pull_request", "d-1", body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 || got.header.Get("X-GitHub-Event") != "pull_request" || got.header.Get("X-GitHub-Delivery") != "d-1" {
		t.Fatalf("delivery: %d %v", resp.StatusCode, got.header)
	}
	// go-github's own verifier accepts the signature.
	req, _ := http.NewRequest(http.MethodPost, "/", bytes.NewReader(got.body))
	req.Header = got.header
	payload, err := github.ValidatePayload(req, []byte("s3cret"))
	if err != nil {
		t.Fatalf("ValidatePayload: %v", err)
	}
	ev, err := github.ParseWebHook("pull_request", payload)
	if err != nil {
		t.Fatal(err)
	}
	pr := ev.(*github.PullRequestEvent)
	if pr.GetAction() != "opened" || pr.GetNumber() != 1 || pr.GetPullRequest().GetHead().GetSHA() != f.head ||
		pr.GetInstallation().GetID() != testInst || pr.GetRepo().GetFullName() != testRepo || pr.GetRepo().GetOwner().GetLogin() != testOwner ||
		pr.GetSender().GetLogin() != "octocat" {
		t.Errorf("payload: %s", payload)
	}
	if Sign([]byte("other"), body) == got.header.Get("X-Hub-Signature-256") {
		t.Error("signature does not depend on the secret")
	}

	c := f.client(t)
	run, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head, Conclusion: github.String("failure")})
	if err != nil {
		t.Fatal(err)
	}
	var cr github.CheckRunEvent
	if err := json.Unmarshal(f.s.CheckRunEvent("requested_action", testRepo, run.GetID(), "rerun", "alice"), &cr); err != nil {
		t.Fatal(err)
	}
	if cr.GetCheckRun().GetID() != run.GetID() || cr.GetRequestedAction().Identifier != "rerun" || cr.GetCheckRun().GetCheckSuite().GetHeadSHA() != f.head {
		t.Errorf("check_run payload %+v", cr)
	}
	var cs github.CheckSuiteEvent
	if err := json.Unmarshal(f.s.CheckSuiteEvent("rerequested", testRepo, f.head, "alice"), &cs); err != nil {
		t.Fatal(err)
	}
	if cs.GetCheckSuite().GetHeadSHA() != f.head || len(cs.GetCheckSuite().PullRequests) != 1 || cs.GetCheckSuite().GetHeadBranch() != "feature" {
		t.Errorf("check_suite payload %+v", cs)
	}
	var mg github.MergeGroupEvent
	if err := json.Unmarshal(f.s.MergeGroupEvent(testRepo, f.head, f.base, "refs/heads/gh-readonly-queue/main/pr-1"), &mg); err != nil {
		t.Fatal(err)
	}
	if mg.GetMergeGroup().GetHeadSHA() != f.head || mg.GetMergeGroup().GetBaseRef() != "refs/heads/main" || mg.GetAction() != "checks_requested" {
		t.Errorf("merge_group payload %+v", mg)
	}
	cmp, _, err := c.Repositories.CompareCommits(ctx, "acme", "widgets", f.base, f.head, nil)
	if err != nil || len(cmp.Files) != 5 || cmp.GetAheadBy() != 1 || cmp.GetStatus() != "ahead" {
		t.Errorf("compare: %+v %v", cmp, err)
	}
}

func TestManifestFlow(t *testing.T) {
	s := New(t)
	callback := "http://ward.example/setup/callback"
	manifest := `{"name":"Ward Dev","url":"http://ward.example","redirect_url":"` + callback + `","hook_attributes":{"url":"http://ward.example/webhook"}}`
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(s.URL()+"/organizations/acme/settings/apps/new", url.Values{"manifest": {manifest}, "state": {"xyz"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != 302 || !strings.HasPrefix(loc.String(), callback+"?") || loc.Query().Get("state") != "xyz" || loc.Query().Get("code") == "" {
		t.Fatalf("redirect %d %s", resp.StatusCode, loc)
	}
	ms := s.Manifests()
	if len(ms) != 1 || ms[0].Org != "acme" || !strings.Contains(string(ms[0].JSON), "hook_attributes") {
		t.Errorf("manifests %+v", ms)
	}
	c, _ := github.NewClient(nil).WithEnterpriseURLs(s.URL(), s.URL())
	cfg, _, err := c.Apps.CompleteAppManifest(ctx, loc.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.GetID() != s.AppID() || cfg.GetSlug() != "ward-dev" || cfg.GetPEM() != string(s.PrivateKeyPEM()) || cfg.GetWebhookSecret() != s.WebhookSecret() ||
		cfg.GetClientID() == "" || cfg.GetClientSecret() == "" || cfg.GetHTMLURL() == "" {
		t.Errorf("conversion %+v", cfg)
	}
	if _, _, err := c.Apps.CompleteAppManifest(ctx, loc.Query().Get("code")); statusOf(err) != 404 {
		t.Errorf("a code is good once: %v", err)
	}
	if _, _, err := c.Apps.CompleteAppManifest(ctx, s.ManifestCode()); err != nil {
		t.Errorf("minted code: %v", err)
	}
	if s.BotLogin() != "ward-dev[bot]" {
		t.Errorf("bot login %s", s.BotLogin())
	}
}

func TestLFS(t *testing.T) {
	f := newFixture(t)
	content := bytes.Repeat([]byte("weights!"), 1000)
	sum := sha256.Sum256(content)
	oid := hex.EncodeToString(sum[:])
	f.s.AddLFSObject(oid, content)
	batch := func(auth string) (*http.Response, map[string]any) {
		body := `{"operation":"download","transfers":["basic"],"objects":[{"oid":"` + oid + `","size":8000},{"oid":"` + strings.Repeat("0", 64) + `","size":1}]}`
		req, _ := http.NewRequest(http.MethodPost, f.s.URL()+"/acme/widgets.git/info/lfs/objects/batch", strings.NewReader(body))
		req.Header.Set("Accept", "application/vnd.git-lfs+json")
		req.Header.Set("Content-Type", "application/vnd.git-lfs+json")
		if auth != "" {
			req.SetBasicAuth("x-access-token", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp, out
	}
	if resp, _ := batch(""); resp.StatusCode != 401 {
		t.Errorf("no credentials: %d", resp.StatusCode)
	}
	resp, out := batch(f.s.IssueToken(testInst))
	if resp.StatusCode != 200 {
		t.Fatalf("batch: %d", resp.StatusCode)
	}
	objects := out["objects"].([]any)
	dl := objects[0].(map[string]any)["actions"].(map[string]any)["download"].(map[string]any)
	if objects[1].(map[string]any)["error"].(map[string]any)["code"].(float64) != 404 {
		t.Errorf("missing object: %v", objects[1])
	}
	req, _ := http.NewRequest(http.MethodGet, dl["href"].(string), nil)
	req.Header.Set("Range", "bytes=0-99")
	if r, _ := http.DefaultClient.Do(req); r.StatusCode != 401 {
		t.Errorf("download without the action's header: %d", r.StatusCode)
	}
	for k, v := range dl["header"].(map[string]any) {
		req.Header.Set(k, v.(string))
	}
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 206 || !bytes.Equal(b, content[:100]) || f.s.LFSBytesServed() != 100 {
		t.Errorf("ranged download: %d %d bytes, served %d", r.StatusCode, len(b), f.s.LFSBytesServed())
	}
}

func TestContentCreationLimit(t *testing.T) {
	g := newGitRepo(t)
	g.write("a.txt", "a\n")
	g.commit("base")
	g.run("checkout", "-q", "-b", "f")
	g.write("a.txt", "b\n")
	g.commit("f")
	s := NewWithOptions(t, Options{ContentPerMinute: 3})
	s.AddInstallation(testInst, testOwner)
	s.AddRepo(testRepo, g.dir)
	s.OpenPR(testRepo, 1, "main", "f")
	c := installationClient(t, s, s.URL())
	for i := 0; i < 3; i++ {
		if _, _, err := c.Issues.CreateComment(ctx, "acme", "widgets", 1, &github.IssueComment{Body: github.String("hi")}); err != nil {
			t.Fatalf("comment %d: %v", i, err)
		}
	}
	// Reads and check runs are not content creation.
	if _, _, err := c.PullRequests.Get(ctx, "acme", "widgets", 1); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Issues.CreateComment(ctx, "acme", "widgets", 1, &github.IssueComment{Body: github.String("one too many")})
	var abuse *github.AbuseRateLimitError
	if !errors.As(err, &abuse) || abuse.RetryAfter == nil || *abuse.RetryAfter > time.Minute {
		t.Fatalf("fourth comment in a minute: %v", err)
	}
	if n := len(s.IssueComments(testRepo, 1)); n != 3 {
		t.Errorf("%d comments stored", n)
	}
}

func TestPointsLimit(t *testing.T) {
	f := newFixture(t)
	f.s.mu.Lock()
	f.s.opts.PointsPerMinute = 10
	f.s.mu.Unlock()
	codes := map[int]int{}
	for i := 0; i < 12; i++ {
		resp, _ := rawGet(t, f.s, "/repos/acme/widgets", "", "")
		codes[resp.StatusCode]++
	}
	if codes[200] != 10 || codes[403] != 2 {
		t.Errorf("status counts %v, want 10×200 and 2×403", codes)
	}
}

func TestHoldRequests(t *testing.T) {
	f := newFixture(t)
	gate := f.s.Hold("POST", "/repos/acme/widgets/check-runs")
	c := f.client(t)
	done := make(chan error, 1)
	go func() {
		_, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head})
		done <- err
	}()
	select {
	case got := <-gate.Arrived():
		if got != "POST /repos/acme/widgets/check-runs" {
			t.Errorf("arrived %q", got)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("request never arrived")
	}
	if len(f.s.CheckRuns(testRepo)) != 0 {
		t.Error("held request was served")
	}
	gate.Release()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(f.s.CheckRuns(testRepo)) != 1 {
		t.Error("released request not served")
	}
}

func TestConcurrentClients(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		go func() {
			_, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head, Output: output("s", annotations(50))})
			errs <- err
		}()
		go func() {
			_, _, err := c.PullRequests.ListFiles(ctx, "acme", "widgets", 1, nil)
			errs <- err
		}()
	}
	for i := 0; i < 40; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := len(f.s.CheckRuns(testRepo)); n != 20 {
		t.Errorf("%d runs", n)
	}
}

func TestGetCommitAndRateLimit(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	commit, _, err := c.Repositories.GetCommit(ctx, "acme", "widgets", "feature", nil)
	if err != nil || commit.GetSHA() != f.head || len(commit.Parents) != 1 || commit.Parents[0].GetSHA() != f.base {
		t.Errorf("commit %+v %v", commit, err)
	}
	limits, _, err := c.RateLimit.Get(ctx)
	if err != nil || limits.GetCore().Limit != 12500 {
		t.Errorf("rate limit %+v %v", limits, err)
	}
}

func TestIssueAndPing(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	is, _, err := c.Issues.Get(ctx, "acme", "widgets", 1)
	if err != nil || !is.IsPullRequest() || is.GetNumber() != 1 {
		t.Errorf("issue %+v %v", is, err)
	}
	ev, err := github.ParseWebHook("ping", f.s.PingEvent())
	if err != nil || ev.(*github.PingEvent).GetHookID() != 1 {
		t.Errorf("ping %v %v", ev, err)
	}
}

func TestAppPermissionsEnforced(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	f.s.SetAppPermissions(map[string]string{"metadata": "read", "pull_requests": "read", "issues": "write"})
	if _, _, err := c.Checks.CreateCheckRun(ctx, "acme", "widgets", github.CreateCheckRunOptions{Name: "ward", HeadSHA: f.head}); statusOf(err) != 403 ||
		!strings.Contains(err.Error(), "Resource not accessible by integration") {
		t.Errorf("check run without checks:write: %v", err)
	}
	if _, _, err := c.Git.GetBlob(ctx, "acme", "widgets", f.repo.run("rev-parse", "feature:new.txt")); statusOf(err) != 403 {
		t.Errorf("blob without contents:read: %v", err)
	}
	if _, _, err := c.PullRequests.CreateReview(ctx, "acme", "widgets", 1, &github.PullRequestReviewRequest{Event: github.String("COMMENT"), Body: github.String("b")}); statusOf(err) != 403 {
		t.Errorf("review with pull_requests:read: %v", err)
	}
	// Issue comments need issues:write or pull_requests:write.
	if _, _, err := c.Issues.CreateComment(ctx, "acme", "widgets", 1, &github.IssueComment{Body: github.String("hi")}); err != nil {
		t.Errorf("comment with issues:write: %v", err)
	}
	if _, _, err := c.PullRequests.Get(ctx, "acme", "widgets", 1); err != nil {
		t.Errorf("read PR: %v", err)
	}
}

func TestManifestPermissionsAdopted(t *testing.T) {
	s := New(t)
	manifest := `{"name":"w","url":"http://x","redirect_url":"http://x/cb","default_permissions":{"checks":"write","metadata":"read"}}`
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(s.URL()+"/settings/apps/new?state=s1", url.Values{"manifest": {manifest}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	if loc.Query().Get("state") != "s1" {
		t.Errorf("state from the action URL's query: %s", loc)
	}
	c, _ := github.NewClient(nil).WithEnterpriseURLs(s.URL(), s.URL())
	cfg, _, err := c.Apps.CompleteAppManifest(ctx, loc.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	if perms := s.AppPermissions(); cfg.GetID() != s.AppID() || perms["checks"] != "write" || perms["pull_requests"] != "" {
		t.Errorf("permissions %v", perms)
	}
}

func TestTreesCommitsMembers(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	tree, _, err := c.Git.GetTree(ctx, "acme", "widgets", f.head, true)
	if err != nil || len(tree.Entries) != 4 || tree.GetTruncated() {
		t.Errorf("tree: %d entries %v", len(tree.Entries), err)
	}
	commits, _, err := c.PullRequests.ListCommits(ctx, "acme", "widgets", 1, nil)
	if err != nil || len(commits) != 1 || commits[0].GetSHA() != f.head {
		t.Errorf("commits: %v %v", commits, err)
	}
	f.s.AddOrgMember("acme", "alice")
	if ok, _, err := c.Organizations.IsMember(ctx, "acme", "alice"); err != nil || !ok {
		t.Errorf("alice: %v %v", ok, err)
	}
	if ok, _, err := c.Organizations.IsMember(ctx, "acme", "mallory"); err != nil || ok {
		t.Errorf("mallory: %v %v", ok, err)
	}
}
