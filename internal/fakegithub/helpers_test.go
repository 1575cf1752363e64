package fakegithub

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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

// gitRepo is a real git work tree for a test.
type gitRepo struct {
	t   testing.TB
	dir string
}

func newGitRepo(t testing.TB) *gitRepo {
	t.Helper()
	g := &gitRepo{t: t, dir: t.TempDir()}
	g.run("init", "-q", "-b", "main")
	return g
}

func (g *gitRepo) run(args ...string) string {
	g.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", g.dir, "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (g *gitRepo) write(path, content string) {
	g.t.Helper()
	full := filepath.Join(g.dir, path)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		g.t.Fatal(err)
	}
}

func (g *gitRepo) commit(msg string) string {
	g.t.Helper()
	g.run("add", "-A")
	g.run("commit", "-q", "--allow-empty", "-m", msg)
	return g.run("rev-parse", "HEAD")
}

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
