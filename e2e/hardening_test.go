package e2e

import (
	"net/http"
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
