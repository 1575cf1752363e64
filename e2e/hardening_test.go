package e2e

import (
	"bytes"
	"fmt"
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

// A realistic-looking (generated, not real) OpenAI project key.
const plantedKey = "sk-proj-Zq3vT9xW2mK7pL4nR8sY1uB6cD0eF5gH3jA9kM2oP7qS4tV8wX1yZ6bN0cE5fG3hJ7kL2mN9pQ4rS8tU1vW6xY0zA5bC3dE7fG2hJ"

// TestSecretsNeverWritten plants an API key in a PR and checks that neither
// ward's logs nor anything it published holds it, nor its own credentials.
func TestSecretsNeverWritten(t *testing.T) {
	gh, r, w := setup(t)
	sha := r.commit("leak", "config", map[string]string{"src/settings.py": "OPENAI_API_KEY = \"" + plantedKey + "\"\n"})
	gh.OpenPR(repo, 5, "main", "leak")
	w.deliver("pull_request", "d-leak", gh.PullRequestEvent("opened", repo, 5))
	run := waitConclusion(t, gh, repo, sha, 1)[0]
	var published strings.Builder
	published.WriteString(run.Summary + run.Text)
	for _, a := range run.Annotations {
		published.WriteString(a.Message + a.Title)
	}
	for _, c := range gh.ReviewComments(repo, 5) {
		published.WriteString(c.Body)
	}
	for _, rv := range gh.Reviews(repo, 5) {
		published.WriteString(rv.Body)
	}
	if !strings.Contains(published.String(), "sk-p") {
		t.Logf("summary:\n%s", run.Summary)
		t.Error("the planted key was not reported (masked) at all")
	}
	pemBody := strings.Split(string(gh.PrivateKeyPEM()), "\n")[1]
	for what, s := range map[string]string{"check run and comments": published.String(), "logs": w.log.String()} {
		for name, secretValue := range map[string]string{"planted key": plantedKey, "webhook secret": secret, "private key": pemBody} {
			if strings.Contains(s, secretValue) {
				t.Errorf("the %s appears in the %s", name, what)
			}
		}
	}
}

// TestGracefulShutdownDrains sends SIGTERM while a review waits on GitHub:
// ward stops accepting, finishes the review, then exits.
func TestGracefulShutdownDrains(t *testing.T) {
	gh, r, w := setup(t)
	sha := r.commit("slow", "bin", map[string]string{"bin/tool": elfBinary(t)})
	gh.OpenPR(repo, 6, "main", "slow")
	gh.InjectFault(fakegithub.Fault{Method: http.MethodGet, PathPrefix: "/repos/acme/models/git/blobs", Delay: 2 * time.Second})
	w.deliver("pull_request", "d-slow", gh.PullRequestEvent("opened", repo, 6))
	waitFor(t, 20*time.Second, "the review to start", func() bool {
		_, open := completedRuns(gh, repo, sha)
		return len(open) > 0
	})
	w.cmd.Process.Signal(syscall.SIGTERM)
	errc := make(chan error, 1)
	go func() { errc <- w.cmd.Wait() }()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("ward exited with %v after SIGTERM", err)
		}
	case <-time.After(40 * time.Second):
		t.Fatal("ward did not exit after SIGTERM")
	}
	done, open := completedRuns(gh, repo, sha)
	if len(done) != 1 || len(open) != 0 {
		t.Fatalf("after a graceful stop: %d completed, %d open runs; the in-flight review must finish", len(done), len(open))
	}
}

// TestHealthzAnswersUnderHeldConnections: strangers open far more silent
// connections than ward has file descriptors (here 256); ward evicts the
// unused ones, and /healthz and a signed delivery still get through.
func TestHealthzAnswersUnderHeldConnections(t *testing.T) {
	gh, r := setupRepo(t)
	w := &ward{t: t, addr: freeAddr(t)}
	w.url = "http://" + w.addr
	w.env = append(filterEnv(os.Environ(), "WARD_"), fmt.Sprintf("WARD_APP_ID=%d", gh.AppID()),
		"WARD_PRIVATE_KEY="+string(gh.PrivateKeyPEM()), "WARD_WEBHOOK_SECRET="+secret, "WARD_GITHUB_API_URL="+gh.URL(),
		"WARD_ADDR="+w.addr, "WARD_ENV_FILE=/nonexistent", "WARD_DATABASE_URL=sqlite://"+filepath.Join(t.TempDir(), "w.db"))
	w.log = &bytes.Buffer{}
	w.cmd = exec.Command("/bin/sh", "-c", "ulimit -n 256 && exec \"$0\" serve", wardBin)
	w.cmd.Env = w.env
	w.cmd.Stdout, w.cmd.Stderr = w.log, w.log
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.stop)
	waitFor(t, 20*time.Second, "ward ready", func() bool {
		resp, err := http.Get(w.url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	var held []net.Conn
	defer func() {
		for _, c := range held {
			c.Close()
		}
	}()
	for range 600 {
		c, err := net.DialTimeout("tcp", w.addr, time.Second)
		if err != nil {
			continue
		}
		c.Write([]byte("POST /webhook HTTP/1.1\r\nHost: x\r\n")) // and then nothing
		held = append(held, c)
	}
	client := &http.Client{Timeout: 3 * time.Second}
	for i := range 5 {
		resp, err := client.Get(w.url + "/healthz")
		if err != nil {
			t.Fatalf("healthz #%d with %d connections held: %v", i, len(held), err)
		}
		resp.Body.Close()
	}
	sha := r.commit("f", "c", map[string]string{"a.txt": "hello\n"})
	gh.OpenPR(repo, 1, "main", "f")
	if code := w.deliver("pull_request", "d-held", gh.PullRequestEvent("opened", repo, 1)); code != http.StatusAccepted {
		t.Fatalf("a delivery with %d connections held: HTTP %d", len(held), code)
	}
	waitConclusion(t, gh, repo, sha, 1)
}

// TestMetricsDoNotGrowWithMadeUpEvents: 2,000 requests with long made-up
// X-GitHub-Event names, unsigned and signed, leave /metrics the size it was.
func TestMetricsDoNotGrowWithMadeUpEvents(t *testing.T) {
	_, _, w := setup(t)
	size := func() int {
		resp, err := http.Get(w.url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var n int
		b := make([]byte, 32<<10)
		for {
			k, err := resp.Body.Read(b)
			n += k
			if err != nil {
				return n
			}
		}
	}
	deliverWith(t, w.url, "wrong", "warm-up", "d-warm", []byte(`{}`))
	deliverWith(t, w.url, secret, "also-made-up", "d-warm2", []byte(`{}`))
	before := size()
	for i := range 2000 {
		ev := fmt.Sprintf("made-up-%d-%s", i, strings.Repeat("x", 1000))
		sec := "wrong"
		if i%2 == 0 {
			sec = secret
		}
		deliverWith(t, w.url, sec, ev, fmt.Sprint("d-", i), []byte(`{}`))
	}
	after := size()
	t.Logf("/metrics: %d bytes before, %d after 2,000 made-up events", before, after)
	if after > before+512 {
		t.Fatalf("/metrics grew from %d to %d bytes", before, after)
	}
}

// TestExamplePayloadRerunWorks: the check_run.rerequested example GitHub's
// examples publish (dates like "2018-04-25 20:42:10", no pull_requests)
// pointed at a real PR's head re-runs the review through `ward serve`.
func TestExamplePayloadRerunWorks(t *testing.T) {
	gh, r, w := setup(t)
	sha, _ := openRisky(t, gh, r, w, 1, "feature")
	body, err := os.ReadFile("../app/testdata/check_run.rerequested.json")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer(`"github/hello-world"`, `"`+repo+`"`, "d6fde92930d4715a2b49857d24b940956b26d2d3", sha,
		`"installation": {"id": 1}`, `"installation": {"id": 7}`).Replace(string(body))
	if code := w.deliver("check_run", "d-example-rerun", []byte(s)); code != http.StatusAccepted {
		t.Fatalf("example payload: HTTP %d, want 202", code)
	}
	waitConclusion(t, gh, repo, sha, 2)
}
