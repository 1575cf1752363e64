package fakegithub

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v66/github"
)

const (
	testOwner = "acme"
	testRepo  = "acme/widgets"
	testInst  = int64(77)
)

// gitRepo adapts GitRepo to the short names the tests use.
type gitRepo struct {
	*GitRepo
	dir string
}

func newGitRepo(t testing.TB) *gitRepo {
	t.Helper()
	g := NewGitRepo(t)
	return &gitRepo{GitRepo: g, dir: g.Dir}
}

func (g *gitRepo) run(args ...string) string  { g.t.Helper(); return g.Git(args...) }
func (g *gitRepo) write(path, content string) { g.t.Helper(); g.WriteString(path, content) }
func (g *gitRepo) commit(msg string) string   { g.t.Helper(); return g.Commit(msg) }

// numbered returns n lines "line 1\n" … "line n\n".
func numbered(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		b.WriteString("line " + strconv.Itoa(i) + "\n")
	}
	return b.String()
}

// fixture is a fake GitHub with acme/widgets and PR #1 from "feature" into
// "main": app.py modified (line 20 changed, line 40 added), new.txt added,
// old.txt removed, moved.txt renamed from orig.txt, model.bin binary.
type fixture struct {
	s    *Server
	repo *gitRepo
	base string
	head string
}

func newFixture(t *testing.T, opts ...PROption) *fixture {
	t.Helper()
	g := newGitRepo(t)
	lines := strings.Split(strings.TrimSuffix(numbered(60), "\n"), "\n")
	g.write("app.py", strings.Join(lines, "\n")+"\n")
	g.write("old.txt", "to be removed\n")
	g.write("orig.txt", numbered(30))
	base := g.commit("base")
	g.run("checkout", "-q", "-b", "feature")
	lines[19] = "changed line 20"
	lines = append(lines[:40], append([]string{"added after 40"}, lines[40:]...)...)
	g.write("app.py", strings.Join(lines, "\n")+"\n")
	g.write("new.txt", "hello\nworld\n")
	g.run("rm", "-q", "old.txt")
	g.run("mv", "orig.txt", "moved.txt")
	g.write("model.bin", "\x7fELF\x00\x01\x02\x00binary")
	head := g.commit("feature")
	g.run("checkout", "-q", "main")

	s := New(t)
	s.AddInstallation(testInst, testOwner)
	s.AddRepo(testRepo, g.dir)
	s.OpenPR(testRepo, 1, "main", "feature", opts...)
	return &fixture{s: s, repo: g, base: base, head: head}
}

// client returns a go-github client authenticated as the installation
// through ghinstallation, targeting the GHES prefix.
func (f *fixture) client(t *testing.T) *github.Client {
	t.Helper()
	return installationClient(t, f.s, f.s.URL())
}

func installationClient(t *testing.T, s *Server, baseURL string) *github.Client {
	t.Helper()
	itr, err := ghinstallation.New(http.DefaultTransport, s.AppID(), testInst, s.PrivateKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	itr.BaseURL = baseURL
	c, err := github.NewClient(&http.Client{Transport: itr}).WithEnterpriseURLs(s.URL(), s.URL())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// tokenClient is a go-github client with a static token.
func tokenClient(t *testing.T, s *Server, tok string) *github.Client {
	t.Helper()
	c, err := github.NewClient(nil).WithAuthToken(tok).WithEnterpriseURLs(s.URL(), s.URL())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// statusOf is the HTTP status of a go-github error, or 0.
func statusOf(err error) int {
	var er *github.ErrorResponse
	if errors.As(err, &er) {
		return er.Response.StatusCode
	}
	return 0
}

var ctx = context.Background()

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
