package fakegithub

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// GitRepo is a real git work tree written by a test, to back a repository of
// the fake with AddRepo. Commits use a fixed identity and never sign.
type GitRepo struct {
	t   testing.TB
	Dir string
}

// NewGitRepo initialises an empty repository whose first branch is "main".
func NewGitRepo(t testing.TB) *GitRepo {
	t.Helper()
	g := &GitRepo{t: t, Dir: t.TempDir()}
	g.Git("init", "-q", "-b", "main")
	return g
}

// Git runs git in the work tree and returns its trimmed output.
func (g *GitRepo) Git(args ...string) string {
	g.t.Helper()
	cmd := exec.Command("git", append([]string{"-C", g.Dir, "-c", "user.name=Fake Tester", "-c", "user.email=tester@example.com", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		g.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// Write writes a file (creating directories) without staging it.
func (g *GitRepo) Write(path string, content []byte) {
	g.t.Helper()
	full := filepath.Join(g.Dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		g.t.Fatal(err)
	}
	if err := os.WriteFile(full, content, 0o644); err != nil {
		g.t.Fatal(err)
	}
}

// WriteString is Write for text.
func (g *GitRepo) WriteString(path, content string) { g.t.Helper(); g.Write(path, []byte(content)) }

// Remove deletes a file from the work tree.
func (g *GitRepo) Remove(path string) {
	g.t.Helper()
	if err := os.Remove(filepath.Join(g.Dir, filepath.FromSlash(path))); err != nil {
		g.t.Fatal(err)
	}
}

// Commit stages everything and commits; it returns the new commit id.
func (g *GitRepo) Commit(msg string) string {
	g.t.Helper()
	g.Git("add", "-A")
	g.Git("commit", "-q", "--allow-empty", "-m", msg)
	return g.Git("rev-parse", "HEAD")
}

// Checkout switches to branch, creating it from HEAD when create is set.
func (g *GitRepo) Checkout(branch string, create bool) {
	g.t.Helper()
	if create {
		g.Git("checkout", "-q", "-b", branch)
		return
	}
	g.Git("checkout", "-q", branch)
}
