package e2e

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// commitLinks commits symbolic links (git mode 120000) and files on branch.
func (r *gitRepo) commitLinks(branch, msg string, links, files map[string]string) string {
	r.t.Helper()
	r.git("checkout", "-q", "-B", branch)
	r.write(files)
	for p, target := range links {
		full := filepath.Join(r.dir, p)
		_ = os.Remove(full)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			r.t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			r.t.Skipf("symbolic links not available: %v", err)
		}
	}
	r.git("add", "-A")
	r.git("commit", "-q", "-m", msg)
	sha := r.git("rev-parse", "HEAD")
	r.git("checkout", "-q", "main")
	return sha
}

// TestSymlinkedModelFilesThroughAPR: a PR turns the committed external data
// of an ONNX model into a link to /etc/passwd (the model itself unchanged),
// and adds a second model whose external data is a link out of the
// repository. The review sees the links in the PR's git tree (mode 120000)
// and fails the gate naming each model, location and target.
func TestSymlinkedModelFilesThroughAPR(t *testing.T) {
	onnxModel, err := os.ReadFile(filepath.Join("..", "checks", "model", "testdata", "redteam", "benign", "onnx", "external", "model.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	gh, r, w := setup(t)
	r.commit("main", "model", map[string]string{"models/model.onnx": string(onnxModel), "models/w.bin": "\x00\x00\x00\x00\x00\x00\x00\x00"})
	sha := r.commitLinks("links", "point the weights elsewhere",
		map[string]string{"models/w.bin": "/etc/passwd", "more/w.bin": "../../../.aws/credentials", "inside/w.bin": "../more/model.onnx"},
		map[string]string{"more/model.onnx": string(onnxModel), "inside/README.md": "# x\n"})
	gh.OpenPR(repo, 6, "main", "links")
	if code := w.deliver("pull_request", "d-links", gh.PullRequestEvent("opened", repo, 6)); code != http.StatusAccepted {
		t.Fatalf("opened: HTTP %d", code)
	}
	run := waitConclusion(t, gh, repo, sha, 1)[0]
	if run.Conclusion != "failure" {
		t.Fatalf("conclusion %q, want failure; summary:\n%s", run.Conclusion, run.Summary)
	}
	text := run.Summary + run.Text
	for _, a := range run.Annotations {
		text += "\n" + a.Path + " " + a.Title + " " + a.Message
	}
	for _, want := range []string{"model-symlink-outside", "models/w.bin", `"/etc/passwd"`,
		"model-onnx-external-data-path", "more/model.onnx", `"../../../.aws/credentials"`} {
		if !strings.Contains(text, want) {
			t.Errorf("review lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "inside/w.bin") {
		t.Errorf("a link that stays in the repository was reported:\n%s", text)
	}
}
