package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// gitRepo makes a repository with files committed on main.
func gitRepo(t *testing.T, files map[string][]byte) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := writeTree(t, files)
	gitIn(t, dir, "init", "-q", "-b", "main")
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "base")
	return dir
}

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=ward test", "-c", "user.email=test@ward.invalid", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// scanJSON runs ward scan ARGS --format json from dir and returns the exit
// code and "path:line:rule" of each unsuppressed finding.
func scanJSON(t *testing.T, dir string, args ...string) (int, []string) {
	t.Helper()
	t.Chdir(dir)
	code, out, errs := runWard(t, append(append([]string{"scan"}, args...), "--format", "json")...)
	var rep struct {
		Findings []struct {
			RuleID     string `json:"rule_id"`
			Path       string `json:"path"`
			StartLine  int    `json:"start_line"`
			Suppressed bool   `json:"suppressed"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("ward scan %v: exit %d, %v\n%s%s", args, code, err, out, errs)
	}
	var got []string
	for _, f := range rep.Findings {
		if !f.Suppressed {
			got = append(got, strings.Join([]string{f.Path, itoa(f.StartLine), f.RuleID}, ":"))
		}
	}
	return code, got
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestScanDiffReportsChangedLinesAndWholeArtifacts(t *testing.T) {
	dir := gitRepo(t, map[string][]byte{"app.py": []byte(pyFile), "README.md": []byte("hi\n")})
	gitIn(t, dir, "checkout", "-q", "-b", "feature")
	write(t, dir, "app.py", pyFile+"import pickle\nd = pickle.loads(blob)\n")
	os.WriteFile(filepath.Join(dir, "tool"), elfBytes(t), 0o755)
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "feature")
	write(t, dir, "later.py", "import torch\nx = torch.load(p)\n") // untracked: not part of the change
	write(t, dir, "README.md", "hi\nimport torch\n")               // uncommitted change to a tracked file

	code, got := scanJSON(t, dir, "--diff", "main")
	want := []string{"app.py:4:code-pickle-load", "tool:0:binary-executable"}
	if code != 1 || !slices.Equal(got, want) {
		t.Fatalf("--diff main: exit %d, findings %v, want %v (the unchanged torch.load on line 2 is not reported)", code, got, want)
	}
	// From a sub-folder, paths stay relative to the working directory.
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	if _, got := scanJSON(t, filepath.Join(dir, "sub"), "--diff", "main", ".."); !slices.Contains(got, "../app.py:4:code-pickle-load") {
		t.Fatalf("--diff from a sub-folder: %v", got)
	}
	// The whole tree still has the old finding.
	if _, got := scanJSON(t, dir, "."); !slices.Contains(got, "app.py:2:code-torch-load-unsafe") {
		t.Fatalf("full scan: %v", got)
	}
	if code, _, errs := runWard(t, "scan", "--diff", "no-such-branch"); code != 2 || !strings.Contains(errs, "no-such-branch") {
		t.Fatalf("bad base: exit %d %s", code, errs)
	}
}

func TestScanStagedReadsTheIndex(t *testing.T) {
	dir := gitRepo(t, map[string][]byte{"README.md": []byte("hi\n")})
	write(t, dir, "train.py", pyFile)
	gitIn(t, dir, "add", "train.py")
	write(t, dir, "train.py", "import torch\nm = torch.load(path, weights_only=True)\n") // fixed, but not staged
	write(t, dir, "other.py", pyFile)                                                    // not staged at all

	code, got := scanJSON(t, dir, "--staged")
	if want := []string{"train.py:2:code-torch-load-unsafe"}; code != 1 || !slices.Equal(got, want) {
		t.Fatalf("--staged: exit %d, %v, want %v: what git commit would record", code, got, want)
	}
	gitIn(t, dir, "add", "train.py")
	if code, got := scanJSON(t, dir, "--staged"); code != 0 || len(got) != 0 {
		t.Fatalf("--staged after staging the fix: exit %d, %v", code, got)
	}
}

func TestBaselineReportsOnlyNewFindings(t *testing.T) {
	dir := writeTree(t, map[string][]byte{"app.py": []byte(pyFile), "tool": elfBytes(t)})
	base := filepath.Join(t.TempDir(), "ward-baseline.json")
	if code, got := scanJSON(t, dir, ".", "--write-baseline", base); code != 0 || len(got) != 2 {
		t.Fatalf("--write-baseline: exit %d (want 0), findings %v", code, got)
	}
	if code, got := scanJSON(t, dir, ".", "--baseline", base); code != 0 || len(got) != 0 {
		t.Fatalf("--baseline right after: exit %d, %v", code, got)
	}
	// Lines moved above the accepted finding: still accepted. A new one is reported.
	write(t, dir, "app.py", "# a comment\n\n"+pyFile+"n = torch.load(other)\n")
	code, got := scanJSON(t, dir, ".", "--baseline", base)
	if want := []string{"app.py:5:code-torch-load-unsafe"}; code != 1 || !slices.Equal(got, want) {
		t.Fatalf("--baseline after a change: exit %d, %v, want %v", code, got, want)
	}
	write(t, filepath.Dir(base), "bad.json", "{}")
	if code, _, _ := runWard(t, "scan", ".", "--baseline", filepath.Join(filepath.Dir(base), "bad.json")); code != 2 {
		t.Fatalf("a file that is not a baseline: exit %d, want 2", code)
	}
}

func TestScanCycloneDX(t *testing.T) {
	dir := writeTree(t, map[string][]byte{"requirements.txt": []byte("openai==1.30.0\n"), "AGENTS.md": []byte("Be careful.\n")})
	code, out, errs := runWard(t, "scan", dir, "--root", dir, "--format", "cyclonedx")
	var bom struct {
		BOMFormat   string `json:"bomFormat"`
		SpecVersion string `json:"specVersion"`
		Components  []struct{ Name string }
	}
	if err := json.Unmarshal([]byte(out), &bom); err != nil || code != 0 || bom.SpecVersion != "1.6" || len(bom.Components) != 2 {
		t.Fatalf("--format cyclonedx: exit %d, %v, %s\n%s", code, err, errs, out)
	}
}
