// Package e2e runs the real `ward serve` binary against the fake GitHub and
// real git repositories, with signed webhooks as GitHub sends them.
package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ward-sec/ward/internal/fakegithub"
)

var wardBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ward-e2e-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	wardBin = filepath.Join(dir, "ward")
	build := exec.Command("go", "build", "-o", wardBin, "../cmd/ward")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build ward:", err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// gitRepo is a real repository the fake GitHub serves.
type gitRepo struct {
	t   testing.TB
	dir string
}

func newGitRepo(t testing.TB, files map[string]string) *gitRepo {
	t.Helper()
	r := &gitRepo{t: t, dir: t.TempDir()}
	r.git("init", "-q", "-b", "main")
	r.commit("main", "initial", files)
	return r
}

func (r *gitRepo) git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=dev", "GIT_AUTHOR_EMAIL=dev@example.com",
		"GIT_COMMITTER_NAME=dev", "GIT_COMMITTER_EMAIL=dev@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// commit writes files on branch (creating it from main) and commits them.
func (r *gitRepo) commit(branch, msg string, files map[string]string) string {
	r.t.Helper()
	if branch != "main" {
		if _, err := exec.Command("git", "-C", r.dir, "rev-parse", "--verify", "-q", branch).Output(); err != nil {
			r.git("checkout", "-q", "-b", branch, "main")
		} else {
			r.git("checkout", "-q", branch)
		}
	}
	r.write(files)
	r.git("add", "-A")
	r.git("commit", "-q", "--allow-empty", "-m", msg)
	sha := r.git("rev-parse", "HEAD")
	r.git("checkout", "-q", "main")
	return sha
}

// write puts files in the work tree.
func (r *gitRepo) write(files map[string]string) {
	r.t.Helper()
	for p, content := range files {
		full := filepath.Join(r.dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			r.t.Fatal(err)
		}
	}
}

// remove deletes paths on branch and commits.
func (r *gitRepo) remove(branch, msg string, paths ...string) string {
	r.t.Helper()
	r.git("checkout", "-q", branch)
	r.git(append([]string{"rm", "-q"}, paths...)...)
	r.git("commit", "-q", "-m", msg)
	sha := r.git("rev-parse", "HEAD")
	r.git("checkout", "-q", "main")
	return sha
}

// ward is a running `ward serve` process.
type ward struct {
	t   testing.TB
	cmd *exec.Cmd
	url string
	log interface {
		io.Writer
		String() string
	}
	env  []string
	addr string
}

const secret = "e2e-webhook-secret"

func startWard(t testing.TB, gh *fakegithub.Server, db string, extraEnv ...string) *ward {
	t.Helper()
	w := &ward{t: t, addr: freeAddr(t)}
	w.url = "http://" + w.addr
	w.env = append(os.Environ(),
		fmt.Sprintf("WARD_APP_ID=%d", gh.AppID()),
		"WARD_PRIVATE_KEY="+string(gh.PrivateKeyPEM()),
		"WARD_WEBHOOK_SECRET="+secret,
		"WARD_GITHUB_API_URL="+gh.URL(),
		"WARD_ADDR="+w.addr,
		"WARD_ENV_FILE="+filepath.Join(t.TempDir(), "none.env"),
	)
	if db != "" {
		w.env = append(w.env, "WARD_DATABASE_URL=sqlite://"+db)
	}
	w.env = append(w.env, extraEnv...)
	w.start()
	t.Cleanup(func() { w.stop() })
	return w
}

func (w *ward) start() {
	w.t.Helper()
	w.log = &bytes.Buffer{}
	w.cmd = exec.Command(wardBin, "serve")
	w.cmd.Env = w.env
	w.cmd.Stdout, w.cmd.Stderr = w.log, w.log
	if err := w.cmd.Start(); err != nil {
		w.t.Fatal(err)
	}
	waitFor(w.t, 20*time.Second, "ward ready", func() bool {
		resp, err := http.Get(w.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

func (w *ward) stop() {
	if w.cmd != nil && w.cmd.ProcessState == nil {
		w.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { w.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			w.cmd.Process.Kill()
			<-done
		}
	}
	if w.t.Failed() {
		w.t.Logf("ward log:\n%s", w.log.String())
	}
}

func (w *ward) kill9() {
	w.cmd.Process.Signal(syscall.SIGKILL)
	w.cmd.Wait()
}

func (w *ward) deliver(event, id string, body []byte) int {
	w.t.Helper()
	return deliverWith(w.t, w.url, secret, event, id, body)
}

func deliverWith(t testing.TB, url, sec, event, id string, body []byte) int {
	t.Helper()
	resp, err := fakegithub.Deliver(context.Background(), url+"/webhook", sec, event, id, body)
	if err != nil {
		t.Fatalf("deliver %s: %v", event, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

const e2eSecond = time.Second

func waitFor(t testing.TB, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if ok() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out after %s waiting for %s", d, what)
}

// completedRuns returns ward's completed check runs on sha.
func completedRuns(gh *fakegithub.Server, repo, sha string) (done, open []fakegithub.CheckRun) {
	for _, r := range gh.CheckRuns(repo) {
		if r.HeadSHA != sha || r.Name != "ward" {
			continue
		}
		if r.Status == "completed" {
			done = append(done, r)
		} else {
			open = append(open, r)
		}
	}
	return done, open
}

func waitConclusion(t testing.TB, gh *fakegithub.Server, repo, sha string, n int) []fakegithub.CheckRun {
	t.Helper()
	var done []fakegithub.CheckRun
	// 60 s: a review that retries a failing blob read (TestUnservedBlobAndSubmoduleLink)
	// takes ~20 s of backoff alone, more on a loaded two-core CI machine.
	waitFor(t, 60*time.Second, fmt.Sprintf("%d completed check run(s) on %s", n, sha[:7]), func() bool {
		done, _ = completedRuns(gh, repo, sha)
		return len(done) >= n
	})
	return done
}

func elfBinary(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("/bin/true")
	if err != nil {
		t.Skip("no /bin/true to commit as a binary")
	}
	return string(b)
}

// readFile is a test fixture's content, for a commit.
func readFile(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitIdle waits until ward's queue holds no waiting or running job (its
// ward_queue_depth gauge reads 0): every delivery it acknowledged, and every
// job those queued, has been worked. Tests that assert "nothing more
// happened" wait for this instead of sleeping.
func (w *ward) waitIdle() {
	w.t.Helper()
	waitFor(w.t, 30*time.Second, "ward's queue to drain", func() bool {
		resp, err := http.Get(w.url + "/metrics")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "ward_queue_depth ") {
				return strings.TrimSpace(strings.TrimPrefix(line, "ward_queue_depth ")) == "0"
			}
		}
		return false
	})
}
