package fakegithub

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v66/github"
)

func listAllFiles(t *testing.T, c *github.Client, perPage int) []*github.CommitFile {
	t.Helper()
	var all []*github.CommitFile
	opt := &github.ListOptions{PerPage: perPage}
	for {
		files, resp, err := c.PullRequests.ListFiles(ctx, "acme", "widgets", 1, opt)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, files...)
		if resp.NextPage == 0 {
			return all
		}
		opt.Page = resp.NextPage
	}
}

func TestPullRequestFiles(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	files := listAllFiles(t, c, 100)
	byName := map[string]*github.CommitFile{}
	for _, cf := range files {
		byName[cf.GetFilename()] = cf
	}
	tests := []struct {
		name, status, previous string
		adds, dels             int
		hasPatch               bool
		shaRev                 string
	}{
		{"app.py", "modified", "", 2, 1, true, "feature:app.py"},
		{"new.txt", "added", "", 2, 0, true, "feature:new.txt"},
		{"old.txt", "removed", "", 0, 1, true, "main:old.txt"},
		{"moved.txt", "renamed", "orig.txt", 0, 0, false, "feature:moved.txt"},
		{"model.bin", "added", "", 0, 0, false, "feature:model.bin"},
	}
	if len(files) != len(tests) {
		t.Fatalf("got %d files, want %d", len(files), len(tests))
	}
	for _, tc := range tests {
		cf := byName[tc.name]
		if cf == nil {
			t.Errorf("%s missing", tc.name)
			continue
		}
		if cf.GetStatus() != tc.status || cf.GetPreviousFilename() != tc.previous || cf.GetAdditions() != tc.adds ||
			cf.GetDeletions() != tc.dels || cf.GetChanges() != tc.adds+tc.dels || (cf.Patch != nil) != tc.hasPatch {
			t.Errorf("%s: status %s prev %q +%d -%d patch %v", tc.name, cf.GetStatus(), cf.GetPreviousFilename(), cf.GetAdditions(), cf.GetDeletions(), cf.Patch != nil)
		}
		if want := f.repo.run("rev-parse", tc.shaRev); cf.GetSHA() != want {
			t.Errorf("%s: sha %s, want %s", tc.name, cf.GetSHA(), want)
		}
	}
	patch := byName["app.py"].GetPatch()
	if !strings.HasPrefix(patch, "@@ -17,7 +17,7 @@") || strings.HasSuffix(patch, "\n") ||
		!strings.Contains(patch, "\n-line 20\n+changed line 20\n") || !strings.Contains(patch, "\n@@ -38,6 +38,7 @@") ||
		strings.Contains(patch, "diff --git") || strings.Contains(patch, "+++ ") {
		t.Errorf("app.py patch not in GitHub's format:\n%s", patch)
	}
	if got := byName["new.txt"].GetPatch(); got != "@@ -0,0 +1,2 @@\n+hello\n+world" {
		t.Errorf("new.txt patch %q", got)
	}

	pr, _, err := c.PullRequests.Get(ctx, "acme", "widgets", 1)
	if err != nil {
		t.Fatal(err)
	}
	if pr.GetHead().GetSHA() != f.head || pr.GetBase().GetSHA() != f.base || pr.GetHead().GetRef() != "feature" ||
		pr.GetBase().GetRef() != "main" || pr.GetState() != "open" || pr.GetDraft() || pr.GetChangedFiles() != 5 ||
		pr.GetHead().GetRepo().GetFullName() != testRepo || pr.GetUser().GetLogin() != "octocat" {
		t.Errorf("PR fields: %+v", pr)
	}
}

func TestFilesPaginationLinks(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	files, resp, err := c.PullRequests.ListFiles(ctx, "acme", "widgets", 1, &github.ListOptions{PerPage: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || resp.NextPage != 2 || resp.LastPage != 3 || resp.PrevPage != 0 {
		t.Errorf("page 1: %d files next %d last %d", len(files), resp.NextPage, resp.LastPage)
	}
	if link := resp.Header.Get("Link"); !strings.Contains(link, f.s.URL()+"/api/v3/repos/acme/widgets/pulls/1/files?") {
		t.Errorf("Link keeps the request's prefix: %s", link)
	}
	files, resp, err = c.PullRequests.ListFiles(ctx, "acme", "widgets", 1, &github.ListOptions{PerPage: 2, Page: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || resp.NextPage != 0 || resp.PrevPage != 2 || resp.FirstPage != 1 {
		t.Errorf("page 3: %d files next %d prev %d", len(files), resp.NextPage, resp.PrevPage)
	}
	if got := listAllFiles(t, c, 2); len(got) != 5 {
		t.Errorf("walking pages gave %d files", len(got))
	}
	// per_page above 100 is cut to 100 (one page here).
	if _, resp, _ := c.PullRequests.ListFiles(ctx, "acme", "widgets", 1, &github.ListOptions{PerPage: 500}); resp.NextPage != 0 {
		t.Errorf("per_page 500: next %d", resp.NextPage)
	}
}

func TestFilesCappedAt3000(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 3,005 files")
	}
	g := newGitRepo(t)
	g.write("README", "r\n")
	g.commit("base")
	g.run("checkout", "-q", "-b", "big")
	for i := 0; i < 3005; i++ {
		g.write(fmt.Sprintf("d%d/f%d.txt", i/100, i), "x\n")
	}
	g.commit("big")
	s := New(t)
	s.AddInstallation(testInst, testOwner)
	s.AddRepo(testRepo, g.dir)
	s.OpenPR(testRepo, 1, "main", "big")
	c := installationClient(t, s, s.URL())
	if got := len(listAllFiles(t, c, 100)); got != 3000 {
		t.Errorf("listed %d files, want GitHub's cap of 3000", got)
	}
	pr, _, err := c.PullRequests.Get(ctx, "acme", "widgets", 1)
	if err != nil || pr.GetChangedFiles() != 3005 {
		t.Errorf("changed_files %d (%v), want 3005", pr.GetChangedFiles(), err)
	}
}

func TestLargePatchOmitted(t *testing.T) {
	g := newGitRepo(t)
	g.write("small.txt", "a\n")
	g.commit("base")
	g.run("checkout", "-q", "-b", "big")
	g.write("big.txt", numbered(500))
	g.write("small.txt", "b\n")
	g.commit("big")
	s := NewWithOptions(t, Options{MaxPatchBytes: 1000})
	s.AddInstallation(testInst, testOwner)
	s.AddRepo(testRepo, g.dir)
	s.OpenPR(testRepo, 1, "main", "big")
	files := listAllFiles(t, installationClient(t, s, s.URL()), 100)
	for _, cf := range files {
		switch cf.GetFilename() {
		case "big.txt":
			if cf.Patch != nil || cf.GetAdditions() != 500 {
				t.Errorf("big.txt: patch present %v, additions %d", cf.Patch != nil, cf.GetAdditions())
			}
		case "small.txt":
			if cf.Patch == nil {
				t.Error("small.txt lost its patch")
			}
		}
	}
}

func rawGet(t *testing.T, s *Server, path, accept, rangeHdr string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
	req.Header.Set("Authorization", "token "+s.IssueToken(testInst))
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if rangeHdr != "" {
		req.Header.Set("Range", rangeHdr)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func TestBlobs(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	sha := f.repo.run("rev-parse", "feature:new.txt")
	blob, _, err := c.Git.GetBlob(ctx, "acme", "widgets", sha)
	if err != nil {
		t.Fatal(err)
	}
	if blob.GetEncoding() != "base64" || blob.GetSize() != 12 {
		t.Errorf("blob %+v", blob)
	}
	raw, _, err := c.Git.GetBlobRaw(ctx, "acme", "widgets", sha)
	if err != nil || string(raw) != "hello\nworld\n" {
		t.Errorf("raw blob %q %v", raw, err)
	}
	for _, accept := range []string{"application/vnd.github.raw", "application/vnd.github.raw+json", "application/vnd.github.v3.raw"} {
		resp, b := rawGet(t, f.s, "/api/v3/repos/acme/widgets/git/blobs/"+sha, accept, "bytes=2-6")
		if resp.StatusCode != http.StatusPartialContent || string(b) != "llo\nw" {
			t.Errorf("%s range: %d %q", accept, resp.StatusCode, b)
		}
	}
	if _, _, err := c.Git.GetBlob(ctx, "acme", "widgets", strings.Repeat("0", 40)); statusOf(err) != 404 {
		t.Errorf("missing blob: %v", err)
	}
	// A commit id is not a blob.
	if _, _, err := c.Git.GetBlob(ctx, "acme", "widgets", f.head); statusOf(err) != 404 {
		t.Errorf("commit as blob: %v", err)
	}
}

func TestContents(t *testing.T) {
	f := newFixture(t)
	c := f.client(t)
	fc, dir, _, err := c.Repositories.GetContents(ctx, "acme", "widgets", "new.txt", &github.RepositoryContentGetOptions{Ref: "feature"})
	if err != nil || dir != nil {
		t.Fatal(err)
	}
	content, err := fc.GetContent()
	if err != nil || content != "hello\nworld\n" || fc.GetSHA() != f.repo.run("rev-parse", "feature:new.txt") {
		t.Errorf("content %q sha %s %v", content, fc.GetSHA(), err)
	}
	if _, _, _, err := c.Repositories.GetContents(ctx, "acme", "widgets", "new.txt", nil); statusOf(err) != 404 {
		t.Errorf("new.txt on the default branch: %v, want 404", err)
	}
	if _, _, _, err := c.Repositories.GetContents(ctx, "acme", "widgets", "new.txt", &github.RepositoryContentGetOptions{Ref: f.head}); err != nil {
		t.Errorf("by SHA: %v", err)
	}
	_, list, _, err := c.Repositories.GetContents(ctx, "acme", "widgets", "", &github.RepositoryContentGetOptions{Ref: "feature"})
	if err != nil || len(list) != 4 {
		t.Errorf("root listing: %d entries %v", len(list), err)
	}
	resp, b := rawGet(t, f.s, "/repos/acme/widgets/contents/app.py?ref=feature", "application/vnd.github.raw+json", "")
	if resp.StatusCode != 200 || !strings.Contains(string(b), "changed line 20") {
		t.Errorf("raw contents: %d", resp.StatusCode)
	}
	rc, _, err := c.Repositories.DownloadContents(ctx, "acme", "widgets", "new.txt", &github.RepositoryContentGetOptions{Ref: "feature"})
	if err != nil {
		t.Fatalf("DownloadContents: %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if string(got) != "hello\nworld\n" {
		t.Errorf("download_url gave %q", got)
	}
}

func TestSyncPRAndFork(t *testing.T) {
	f := newFixture(t, Draft(), FromFork("mallory/widgets"), Author("mallory"), Title("t"), Body("b"))
	c := f.client(t)
	pr, _, err := c.PullRequests.Get(ctx, "acme", "widgets", 1)
	if err != nil {
		t.Fatal(err)
	}
	if !pr.GetDraft() || pr.GetHead().GetRepo().GetFullName() != "mallory/widgets" || !pr.GetHead().GetRepo().GetFork() ||
		pr.GetBase().GetRepo().GetFullName() != testRepo || pr.GetHead().GetLabel() != "mallory:feature" || pr.GetTitle() != "t" {
		t.Errorf("fork PR: %+v", pr)
	}
	f.repo.run("checkout", "-q", "feature")
	f.repo.write("new.txt", "hello\nthere\nworld\n")
	next := f.repo.commit("second push")
	if got := f.s.SyncPR(testRepo, 1); got != next {
		t.Fatalf("SyncPR head %s, want %s", got, next)
	}
	files := listAllFiles(t, c, 100)
	for _, cf := range files {
		if cf.GetFilename() == "new.txt" && cf.GetAdditions() != 3 {
			t.Errorf("new.txt after push: +%d", cf.GetAdditions())
		}
	}
	var ev github.PullRequestEvent
	if err := jsonUnmarshal(f.s.PullRequestEvent("synchronize", testRepo, 1), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.GetBefore() != f.head || ev.GetAfter() != next || ev.GetPullRequest().GetHead().GetSHA() != next {
		t.Errorf("synchronize payload before %s after %s", ev.GetBefore(), ev.GetAfter())
	}
}

func TestBlobHeadGivesSize(t *testing.T) {
	f := newFixture(t)
	sha := f.repo.run("rev-parse", "feature:app.py")
	req, _ := http.NewRequest(http.MethodHead, f.s.URL()+"/api/v3/repos/acme/widgets/git/blobs/"+sha, nil)
	req.Header.Set("Authorization", "token "+f.s.IssueToken(testInst))
	req.Header.Set("Accept", "application/vnd.github.raw")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	size := len(f.repo.run("show", sha)) + 1 // Git trims the final newline
	if resp.StatusCode != 200 || resp.ContentLength != int64(size) {
		t.Errorf("HEAD: %d, Content-Length %d, want %d", resp.StatusCode, resp.ContentLength, size)
	}
}

func TestBaseChangedEditedEvent(t *testing.T) {
	f := newFixture(t)
	f.repo.run("branch", "release", f.base)
	f.repo.run("checkout", "-q", "release")
	f.repo.write("rel.txt", "r\n")
	relSHA := f.repo.commit("release work")
	f.repo.run("checkout", "-q", "main")
	f.s.SetPRBase(testRepo, 1, "release")
	var ev github.PullRequestEvent
	if err := jsonUnmarshal(f.s.PullRequestEvent("edited", testRepo, 1), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.GetChanges().GetBase().GetRef().GetFrom() != "main" || ev.GetChanges().GetBase().GetSHA().GetFrom() != f.base ||
		ev.GetPullRequest().GetBase().GetRef() != "release" || ev.GetPullRequest().GetBase().GetSHA() != relSHA {
		t.Errorf("edited payload: %+v", ev.GetChanges())
	}
	f.s.SetDraft(testRepo, 1, true)
	f.s.ClosePR(testRepo, 1)
	var closed github.PullRequestEvent
	if err := jsonUnmarshal(f.s.PullRequestEvent("closed", testRepo, 1), &closed); err != nil {
		t.Fatal(err)
	}
	if closed.GetPullRequest().GetState() != "closed" || !closed.GetPullRequest().GetDraft() || closed.GetPullRequest().GetMerged() {
		t.Errorf("closed payload: %+v", closed.GetPullRequest())
	}
}
