package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

type scanFinding struct {
	RuleID   string `json:"rule_id"`
	Path     string `json:"path"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func copyFixture(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, at string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(at), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, at); err != nil {
		t.Skipf("symbolic links not available: %v", err)
	}
}

// A model whose loader opens a file by relative name (ONNX external data,
// Keras weights, joblib sidecars) next to a committed symbolic link that
// leads out of the model's folder or the repository is reported high,
// naming the model, the name it opens and the link's target; a link that
// stays next to the model is not. The ONNX model is python3-onnx's, the
// joblib pickle the legacy NDArrayWrapper red-team file; onnx.load (1.12)
// was seen to read an outside file through such a link into the weights.
func TestScanSymlinkedModelSidecars(t *testing.T) {
	src, err := filepath.Abs("../../checks/model/testdata")
	if err != nil {
		t.Fatal(err)
	}
	onnxModel := filepath.Join(src, "redteam/benign/onnx/external/model.onnx") // external data "w.bin"
	base := t.TempDir()
	repo := filepath.Join(base, "repo")
	outside := filepath.Join(base, "outside", "secret")
	copyFixture(t, onnxModel, outside) // any bytes will do
	for _, m := range []string{"abs", "rel", "chain", "inside", "benign"} {
		copyFixture(t, onnxModel, filepath.Join(repo, "onnx", m, "model.onnx"))
	}
	symlink(t, "/etc/passwd", filepath.Join(repo, "onnx/abs/w.bin"))
	symlink(t, "../../../outside/secret", filepath.Join(repo, "onnx/rel/w.bin"))
	symlink(t, "hop.bin", filepath.Join(repo, "onnx/chain/w.bin"))
	symlink(t, "/etc/hostname", filepath.Join(repo, "onnx/chain/hop.bin"))
	symlink(t, "../../keep/w.bin", filepath.Join(repo, "onnx/inside/w.bin")) // in the repository, outside the model's folder
	copyFixture(t, onnxModel, filepath.Join(repo, "keep/w.bin"))
	copyFixture(t, onnxModel, filepath.Join(repo, "onnx/benign/real.bin"))
	symlink(t, "real.bin", filepath.Join(repo, "onnx/benign/w.bin"))
	// the JSON form of the same model (onnx.load(..., format='json'))
	copyFixture(t, filepath.Join(src, "redteam/benign/onnx/model.json"), filepath.Join(repo, "onnx/json/model.json"))
	symlink(t, "/proc/self/environ", filepath.Join(repo, "onnx/json/w.bin"))
	// Keras: an unzipped model folder whose weights are a link to a key
	keras := filepath.Join(src, "redteam/benign/keras/folder/config.json")
	copyFixture(t, keras, filepath.Join(repo, "keras/config.json"))
	symlink(t, "/root/.ssh/id_rsa", filepath.Join(repo, "keras/model.weights.h5"))
	// joblib's legacy NDArrayWrapper opens model.pkl_01.npy next to the pickle
	copyFixture(t, filepath.Join(src, "redteam-pickle/malicious/joblib/sidecar/model.pkl"), filepath.Join(repo, "joblib/model.pkl"))
	symlink(t, "/tmp/ward-redteam/evil.npy", filepath.Join(repo, "joblib/model.pkl_01.npy"))
	// a link out of the repository in a folder without models: medium
	if err := os.WriteFile(filepath.Join(repo, "README.md"), []byte("# x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, "/etc/hosts", filepath.Join(repo, "docs/hosts"))

	t.Chdir(repo)
	_, out, errs := runWard(t, "scan", ".", "--format", "json")
	var rep struct{ Findings []scanFinding }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s%s", err, out, errs)
	}
	find := func(path, rule, sev string, words ...string) {
		t.Helper()
		for _, f := range rep.Findings {
			if f.Path != path || f.RuleID != rule || f.Severity != sev {
				continue
			}
			ok := true
			for _, w := range words {
				ok = ok && strings.Contains(f.Message, w)
			}
			if ok {
				return
			}
		}
		t.Errorf("no %s %s on %s naming %q in:\n%s", sev, rule, path, words, dumpFindings(rep.Findings))
	}
	find("onnx/abs/model.onnx", "model-onnx-external-data-path", "high", `"w.bin"`, "/etc/passwd")
	find("onnx/rel/model.onnx", "model-onnx-external-data-path", "high", `"w.bin"`, "../../../outside/secret")
	find("onnx/chain/model.onnx", "model-onnx-external-data-path", "high", "onnx/chain/hop.bin", "/etc/hostname")
	find("onnx/inside/model.onnx", "model-onnx-external-data-path", "high", "../../keep/w.bin")
	find("onnx/json/model.json", "model-onnx-external-data-path", "high", `"w.bin"`, "/proc/self/environ")
	find("onnx/abs/w.bin", "model-symlink-outside", "high", "/etc/passwd", "model.onnx")
	find("onnx/rel/w.bin", "model-symlink-outside", "high", "../../../outside/secret")
	find("keras/model.weights.h5", "model-symlink-outside", "high", "/root/.ssh/id_rsa", "keras")
	find("joblib/model.pkl", "model-not-fully-analysed", "high", "model.pkl_01.npy", "/tmp/ward-redteam/evil.npy")
	find("joblib/model.pkl_01.npy", "model-symlink-outside", "high", "/tmp/ward-redteam/evil.npy")
	find("docs/hosts", "model-symlink-outside", "medium", "/etc/hosts")
	for _, f := range rep.Findings {
		if strings.HasPrefix(f.Path, "onnx/benign/") || f.Path == "onnx/inside/w.bin" || strings.HasPrefix(f.Path, "keep/") {
			t.Errorf("finding on a link that stays in the repository: %+v", f)
		}
		if strings.Contains(f.Message, "root:x:0:0") {
			t.Errorf("ward read a file outside the tree: %+v", f)
		}
	}
}

// The folder the model's external data lives in is itself a link out.
func TestScanSymlinkedModelFolder(t *testing.T) {
	repo := t.TempDir()
	// a text-proto model whose location is "data/passwd", data -> /etc
	if err := os.WriteFile(filepath.Join(repo, "model.txt"), []byte(`ir_version: 8
graph {
  initializer {
    dims: 2
    data_type: 1
    name: "w"
    external_data { key: "location" value: "data/passwd" }
    data_location: EXTERNAL
  }
  name: "g"
}
opset_import { version: 17 }
`), 0o644); err != nil {
		t.Fatal(err)
	}
	symlink(t, "/etc", filepath.Join(repo, "data"))
	t.Chdir(repo)
	_, out, _ := runWard(t, "scan", ".", "--format", "json")
	var rep struct{ Findings []scanFinding }
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Path == "model.txt" && f.RuleID == "model-onnx-external-data-path" && f.Severity == "high" &&
			strings.Contains(f.Message, `"data/passwd"`) && strings.Contains(f.Message, `"/etc"`) {
			return
		}
	}
	t.Errorf("text-proto model reading through a linked folder not reported:\n%s", dumpFindings(rep.Findings))
}

func dumpFindings(fs []scanFinding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Severity + " " + f.RuleID + " " + f.Path + ": " + f.Message + "\n")
	}
	return b.String()
}

// `ward scan --diff` and `--staged` read a changed link as git stores it,
// never the file it points to: the change is the link, and following it
// would scan (and quote) a file of the developer's machine.
func TestScanDiffReadsLinksAsLinks(t *testing.T) {
	onnxModel, err := os.ReadFile("../../checks/model/testdata/redteam/benign/onnx/external/model.onnx")
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "notes.py")
	if err := os.WriteFile(outside, []byte("import pickle\nd = pickle.loads(blob)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := gitRepo(t, map[string][]byte{"models/model.onnx": onnxModel, "models/w.bin": make([]byte, 8)})
	gitIn(t, dir, "checkout", "-q", "-b", "feature")
	if err := os.Remove(filepath.Join(dir, "models/w.bin")); err != nil {
		t.Fatal(err)
	}
	symlink(t, outside, filepath.Join(dir, "models/w.bin"))
	gitIn(t, dir, "add", "-A")
	for _, args := range [][]string{{"--staged"}, {"--diff", "main"}} {
		if args[0] == "--diff" {
			gitIn(t, dir, "commit", "-q", "-m", "link")
		}
		_, got := scanJSON(t, dir, args...)
		want := []string{"models/w.bin:0:model-symlink-outside"}
		if len(got) != 1 || got[0] != want[0] {
			t.Errorf("ward scan %v: %v, want %v (the linked file is not part of the change)", args, got, want)
		}
	}
}

// A link named on the command line (as pre-commit passes changed files) is
// read as a link too.
func TestScanNamedLink(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "notes.py")
	if err := os.WriteFile(outside, []byte("import pickle\nd = pickle.loads(blob)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFixture(t, "../../checks/model/testdata/redteam/benign/onnx/external/model.onnx", filepath.Join(dir, "models/model.onnx"))
	symlink(t, outside, filepath.Join(dir, "models/w.bin"))
	symlink(t, "/nonexistent/ward-test/w.bin", filepath.Join(dir, "models/dangling.bin")) // nothing there on this machine
	_, got := scanJSON(t, dir, "models/w.bin", "models/dangling.bin")
	if !slices.Equal(got, []string{"models/dangling.bin:0:model-symlink-outside", "models/w.bin:0:model-symlink-outside"}) {
		t.Errorf("ward scan models/w.bin models/dangling.bin: %v", got)
	}
}
