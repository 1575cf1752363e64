package e2e

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/internal/fakegithub"
	"github.com/ward-sec/ward/internal/fakellm"
)

// maliciousTorchZip is a PyTorch zip checkpoint whose data.pkl calls
// os.system on load, padded with a stored tensor member of padding bytes.
func maliciousTorchZip(t *testing.T, padding int) string {
	t.Helper()
	pkl, err := os.ReadFile("../checks/model/testdata/malicious/reduce_os_system.pkl")
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, m := range []struct {
		name string
		data []byte
	}{{"archive/data.pkl", pkl}, {"archive/version", []byte("3\n")}, {"archive/data/0", make([]byte, padding)}} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: m.name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(m.data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// openPR opens PR number from branch and returns its completed run.
func openPR(t *testing.T, gh *fakegithub.Server, w *ward, number int, branch, sha string, opts ...fakegithub.PROption) fakegithub.CheckRun {
	t.Helper()
	gh.OpenPR(repo, number, "main", branch, opts...)
	if code := w.deliver("pull_request", fakegithub.DeliveryID(), gh.PullRequestEvent("opened", repo, number)); code != http.StatusAccepted {
		t.Fatalf("opened: HTTP %d", code)
	}
	return waitConclusion(t, gh, repo, sha, 1)[0]
}

// push syncs PR number after a commit and returns the new head's run.
func push(t *testing.T, gh *fakegithub.Server, w *ward, number int, sha string) fakegithub.CheckRun {
	t.Helper()
	gh.SyncPR(repo, number)
	if code := w.deliver("pull_request", fakegithub.DeliveryID(), gh.PullRequestEvent("synchronize", repo, number)); code != http.StatusAccepted {
		t.Fatalf("synchronize: HTTP %d", code)
	}
	return waitConclusion(t, gh, repo, sha, 1)[0]
}

func mustContain(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(s, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, s)
		}
	}
}

// Issue 12, path 2: a server that answers ranged reads with the whole blob
// (nothing guarantees Range) must not make a 20 MiB malicious checkpoint
// pass. ward spools the answer once and the model checks read it.
func TestRangeIgnoredCheckpointStillReviewed(t *testing.T) {
	gh, r, w := setup(t)
	gh.IgnoreRange(true)
	sha := r.commit("model", "checkpoint", map[string]string{"models/model.pt": maliciousTorchZip(t, 20<<20)})
	run := openPR(t, gh, w, 1, "model", sha)
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q, want failure:\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, "models/model.pt", "model-pickle")
	if strings.Contains(run.Summary, "file-check-failed") || strings.Contains(run.Summary, "file-not-read") {
		t.Errorf("the whole-blob answer was not read:\n%s", run.Summary)
	}
}

// Issue 12 path 3 and issue 18: one blob GitHub never serves (every read
// 502) and a submodule link, next to a risky loader. The review finishes
// with each file's finding: the unread model fails closed, the submodule pin
// is reported as what it is, and the loader is still reviewed.
func TestUnservedBlobAndSubmoduleLink(t *testing.T) {
	gh, r, w := setup(t)
	r.commit("mixed", "model and loader", map[string]string{
		"models/evil.pt": maliciousTorchZip(t, 1024), "src/loader.py": risky})
	r.git("checkout", "-q", "mixed")
	r.git("update-index", "--add", "--cacheinfo", "160000,1111111111111111111111111111111111111111,third_party/lib")
	r.git("commit", "-q", "-m", "pin a submodule")
	sha := r.git("rev-parse", "HEAD")
	r.git("checkout", "-q", "main")
	blob := r.git("rev-parse", sha+":models/evil.pt")
	gh.InjectFault(fakegithub.Fault{Method: http.MethodGet, PathPrefix: "/repos/" + repo + "/git/blobs/" + blob,
		Status: http.StatusBadGateway, Times: 1000})
	run := openPR(t, gh, w, 1, "mixed", sha)
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q, want failure:\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, "file-not-read", "models/evil.pt", "supplychain-submodule-pin",
		"third_party/lib", "111111111111", ruleTorch, "src/loader.py")
}

// A review that cannot finish at all (the PR's file list is gone) fails
// closed with the reason and a Re-run button, never neutral.
func TestUnfinishedReviewFailsClosed(t *testing.T) {
	gh, r, w := setup(t)
	gh.InjectFault(fakegithub.Fault{Method: http.MethodGet, PathPrefix: "/repos/" + repo + "/pulls/1/files",
		Status: http.StatusNotFound, Times: 1000})
	sha := r.commit("docs", "docs", map[string]string{"docs/a.md": "# a\n"})
	run := openPR(t, gh, w, 1, "docs", sha)
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q, want failure:\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, "could not finish", "fails closed")
	if len(run.Actions) == 0 || run.Actions[0].Identifier != "rerun" {
		t.Errorf("no Re-run button: %+v", run.Actions)
	}
}

// A review whose pull request cannot even be read (GET /pulls/N fails on
// every attempt) still gets a failing check run with the reason and a Re-run
// button, not a check that never appears.
func TestUnreadablePullRequestFailsClosed(t *testing.T) {
	gh, r, w := setup(t)
	sha := r.commit("docs", "docs", map[string]string{"docs/a.md": "# a\n"})
	gh.InjectFault(fakegithub.Fault{Method: http.MethodGet, PathPrefix: "/repos/" + repo + "/pulls/1",
		Status: http.StatusNotFound, Times: 1000})
	run := openPR(t, gh, w, 1, "docs", sha)
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q, want failure:\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, "could not finish", "fails closed")
	if len(run.Actions) == 0 || run.Actions[0].Identifier != "rerun" {
		t.Errorf("no Re-run button: %+v", run.Actions)
	}
}

// Issue 12, path 1: an /ignore holds for the content the maintainer saw. A
// push that swaps the approved binary's bytes fails again and says why; a
// push that only adds lines to an approved source file keeps its approved
// finding silenced (same fingerprint) and reports the new one.
func TestIgnoreBoundToReviewedContent(t *testing.T) {
	gh, r, w := setup(t)
	gh.SetPermission(repo, "maint", "maintain")
	sha := r.commit("tool", "add tool", map[string]string{"tools/helper": elfBinary(t), "src/loader.py": risky})
	if run := openPR(t, gh, w, 1, "tool", sha); run.Conclusion != "failure" {
		t.Fatalf("PR: %q\n%s", run.Conclusion, run.Summary)
	}
	comment(t, gh, w, 1, "maint", "/ignore binary-executable tools/helper -- built by our release job\n"+
		"/ignore "+ruleTorch+" src/loader.py -- loads our own checkpoint\n/ignore "+rulePickle+" -- our signed cache")
	if green := latest(waitConclusion(t, gh, repo, sha, 2)); green.Conclusion != "success" {
		t.Fatalf("after /ignore: %q\n%s", green.Conclusion, green.Summary)
	}

	// Lines added above the approved call: same findings, still accepted.
	sha2 := r.commit("tool", "docstring", map[string]string{"src/loader.py": "\"\"\"Loader.\"\"\"\n" + risky})
	if run := push(t, gh, w, 1, sha2); run.Conclusion != "success" {
		t.Fatalf("unrelated lines undid the approval: %q\n%s", run.Conclusion, run.Summary)
	}

	// A new unsafe call is not what was accepted.
	sha3 := r.commit("tool", "second load", map[string]string{"src/loader.py": "\"\"\"Loader.\"\"\"\n" + risky +
		"\ndef other(q):\n    return torch.load(q)\n"})
	run := push(t, gh, w, 1, sha3)
	if run.Conclusion != "failure" {
		t.Fatalf("a new torch.load passed under the old /ignore: %q\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, "`src/loader.py:11`", "content changed since @maint accepted it")

	// Different bytes at the approved path.
	other, err := os.ReadFile("/bin/false")
	if err != nil {
		t.Skip("no /bin/false")
	}
	sha4 := r.commit("tool", "swap", map[string]string{"tools/helper": string(other), "src/loader.py": "\"\"\"Loader.\"\"\"\n" + risky})
	run = push(t, gh, w, 1, sha4)
	if run.Conclusion != "failure" {
		t.Fatalf("swapped binary passed under the old /ignore: %q\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, "binary-executable",
		"Exception for `tools/helper` no longer applies: content changed since @maint accepted it")
}

// ward.yml exceptions: sha256 binds an entry to bytes, expires ends it, and
// an entry without sha256 does not accept a whole file.
func TestConfigExceptionsBoundAndExpiring(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	helper := elfBinary(t)
	sum := sha256.Sum256([]byte(helper))
	cfg := fmt.Sprintf(`ignore:
  - rule: binary-executable
    path: tools/helper
    reason: built by our release job
    sha256: %s
  - rule: binary-executable
    path: tools/other
    reason: vendored
  - rule: %s
    path: src/**
    reason: legacy loader
    expires: 2020-01-31
`, hex.EncodeToString(sum[:]), rulePickle)
	r := newGitRepo(t, map[string]string{"README.md": "# x\n", ".github/ward.yml": cfg})
	gh.AddRepo(repo, r.dir)
	w := startWard(t, gh, filepath.Join(t.TempDir(), "ward.db"))

	sha := r.commit("f", "tools", map[string]string{"tools/helper": helper, "tools/other": helper + "x",
		"src/loader.py": "import pickle\n\ndef load(b):\n    return pickle.loads(b)\n"})
	run := openPR(t, gh, w, 1, "f", sha)
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q:\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, "built by our release job", // accepted: the bytes match
		"The exception for `tools/other` in ward.yml", "names no `sha256:`",
		"expired on 2020-01-31", rulePickle)

	other, err := os.ReadFile("/bin/false")
	if err != nil {
		t.Skip("no /bin/false")
	}
	sha2 := r.commit("f", "swap", map[string]string{"tools/helper": string(other)})
	run = push(t, gh, w, 1, sha2)
	mustContain(t, "summary", run.Summary, "Exception for `tools/helper` no longer applies: content changed since ward.yml accepted it")
}

// The organisation's floor: a repository cannot loosen fail_on, disable an
// enforced rule or skip the files it is about with paths.ignore, unknown
// rule ids are warned about, and only admins may accept a critical finding.
func TestOrganisationFloor(t *testing.T) {
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	org := newGitRepo(t, map[string]string{".github/ward.yml": "enforce:\n  fail_on: high\n  rules: [binary-executable]\n  ignore_critical: [admins]\n"})
	gh.AddRepo("acme/.github", org.dir)
	r := newGitRepo(t, map[string]string{"README.md": "# x\n", ".github/ward.yml": "fail_on: none\npaths:\n  ignore: [\"tools/**\"]\nrules:\n  binary-executable:\n    disabled: true\n  no-such-rule:\n    severity: low\n"})
	gh.AddRepo(repo, r.dir)
	gh.SetPermission(repo, "maint", "maintain")
	gh.SetPermission(repo, "boss", "admin")
	w := startWard(t, gh, filepath.Join(t.TempDir(), "ward.db"))

	sha := r.commit("bin", "tool", map[string]string{"tools/helper": elfBinary(t)})
	run := openPR(t, gh, w, 1, "bin", sha)
	if run.Conclusion != "failure" {
		t.Fatalf("the repository loosened the organisation's floor: %q\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, "binary-executable", "more lenient than the organisation's floor",
		"which the organisation enforces; it stays on", "unknown rule `no-such-rule`",
		"`paths.ignore` (`tools/**`) does not cover the rules the organisation enforces")

	sha2 := r.commit("pkl", "model", map[string]string{"models/evil.pt": maliciousTorchZip(t, 1024)})
	if run := openPR(t, gh, w, 2, "pkl", sha2); run.Conclusion != "failure" || !strings.Contains(run.Summary, "critical") {
		t.Fatalf("malicious checkpoint: %q\n%s", run.Conclusion, run.Summary)
	}
	comment(t, gh, w, 2, "maint", "/ignore * models/evil.pt -- trust me")
	run = latest(waitConclusion(t, gh, repo, sha2, 2))
	if run.Conclusion != "failure" {
		t.Fatalf("a maintainer accepted a critical finding against the floor: %q\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, "lets only admins accept critical findings")
	comment(t, gh, w, 2, "boss", "/ignore * models/evil.pt -- reviewed by security, a test fixture")
	if run := latest(waitConclusion(t, gh, repo, sha2, 3)); run.Conclusion != "success" {
		t.Fatalf("an admin's /ignore of a critical finding: %q\n%s", run.Conclusion, run.Summary)
	}
}

// Issue 12, path 4: a token on a line another rule flags is not republished
// anywhere ward writes: check run summary and annotations, review comments
// (no suggestion block repeating it), the result cache and the database,
// the log, and the second opinion's input.
func TestTokenNeverRepublished(t *testing.T) {
	const token = "ghp_R7t9Qx2LmW4vZp8KcN3yHs6JdF1gTb5Ae0Uo"
	raw := token[8:] // any long piece of it counts
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# x\n", ".github/ward.yml": "second_opinion: on\n"})
	gh.AddRepo(repo, r.dir)
	llm := fakellm.New(t)
	llm.Respond(func(fakellm.Request) fakellm.Reply {
		return fakellm.Reply{Content: `{"findings":[],"concerns":[]}`}
	})
	db := filepath.Join(t.TempDir(), "ward.db")
	w := startWard(t, gh, db, "WARD_LLM_BASE_URL="+llm.URL(), "WARD_LLM_MODEL=fake-model", "WARD_LLM_TIMEOUT=10s")

	sha := r.commit("leak", "loader", map[string]string{"src/leak.py": "import torch\n\n\ndef load(p):\n    return torch.load(p)  # token " + token + "\n"})
	run := openPR(t, gh, w, 1, "leak", sha)
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q:\n%s", run.Conclusion, run.Summary)
	}
	mustContain(t, "summary", run.Summary, ruleTorch, "src/leak.py")
	var written []string
	written = append(written, run.Summary, run.Text, run.Title)
	for _, a := range run.Annotations {
		written = append(written, a.Message, a.Title, a.RawDetails)
	}
	waitFor(t, 20*e2eSecond, "the inline comments", func() bool { return len(wardComments(gh, 1)) > 0 })
	for _, c := range gh.ReviewComments(repo, 1) {
		written = append(written, c.Body)
		if strings.Contains(c.Body, "```suggestion") && strings.Contains(c.Body, "torch.load(p") {
			t.Errorf("a suggestion was offered on the line holding the token:\n%s", c.Body)
		}
	}
	for _, rv := range gh.Reviews(repo, 1) {
		written = append(written, rv.Body)
	}
	waitFor(t, 20*e2eSecond, "the second opinion", func() bool { return llm.Calls() > 0 })
	for _, req := range llm.Requests() {
		written = append(written, req.UserMessage(), req.SystemMessage())
	}
	for i, s := range written {
		if strings.Contains(s, raw) {
			t.Errorf("output %d republishes the token:\n%s", i, s)
		}
	}
	w.stop()
	if strings.Contains(w.log.String(), raw) {
		t.Error("the log holds the token")
	}
	for _, f := range []string{db, db + "-wal"} {
		if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(raw)) {
			t.Errorf("%s (result cache, review records) holds the token", filepath.Base(f))
		}
	}
}
