package engine

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

func gitT(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@ward.invalid", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func put(t *testing.T, dir, name, content string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(dir, name)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	os.Chmod(p, mode)
}

func TestDiffTargets(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	gitT(t, dir, "init", "-q", "-b", "main")
	put(t, dir, "keep.py", "a\nb\nc\n", 0o644)
	put(t, dir, "gone.py", "x\n", 0o644)
	put(t, dir, "old/name.py", "one\ntwo\nthree\nfour\nfive\n", 0o644)
	put(t, dir, "run.sh", "echo hi\n", 0o644)
	put(t, dir, "requirements.txt", "torch==2.3.1\n", 0o644)
	gitT(t, dir, "add", "-A")
	gitT(t, dir, "commit", "-q", "-m", "base")
	gitT(t, dir, "checkout", "-q", "-b", "feature")
	put(t, dir, "keep.py", "a\nB\nc\nd\n", 0o644)
	os.Remove(filepath.Join(dir, "gone.py"))
	os.MkdirAll(filepath.Join(dir, "new"), 0o755)
	gitT(t, dir, "mv", "old/name.py", "new/name.py")
	put(t, dir, "run.sh", "echo hi\n", 0o755) // mode only
	put(t, dir, "blob.bin", "\x00\x01\x02", 0o644)
	put(t, dir, "requirements.txt", "torch==2.3.1\nnumpy==2.0.0\n", 0o644)
	gitT(t, dir, "add", "-A")
	gitT(t, dir, "commit", "-q", "-m", "change")

	wantsBase := func(p string) bool { return p == "requirements.txt" }
	ts, err := Diff(context.Background(), DiffSource{Top: dir, Base: "main", WantsBase: wantsBase}, dir, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Target{}
	for _, tg := range ts {
		got[tg.Path] = tg
	}
	if _, ok := got["gone.py"]; ok || len(got) != 5 {
		t.Fatalf("targets %v: want keep.py, new/name.py, run.sh, blob.bin, requirements.txt (not the deleted file)", keys(got))
	}
	if l := got["keep.py"].Lines; l == nil || !l.Touches(2, 2) || !l.Touches(4, 4) || l.Touches(1, 1) || l.Touches(3, 3) {
		t.Errorf("keep.py changed lines: %+v", l)
	}
	// No hunk (a pure rename, a mode change): GitHub gives the review no
	// patch and it counts every line; so does the diff mode.
	if tg := got["new/name.py"]; tg.Status != checks.StatusRenamed || tg.Lines == nil || !tg.Lines.Touches(3, 3) {
		t.Errorf("a pure rename: status %q, lines %+v", tg.Status, tg.Lines)
	}
	if l := got["run.sh"].Lines; l == nil || !l.Touches(1, 1) {
		t.Errorf("a mode-only change: lines %+v", l)
	}
	if got["blob.bin"].Lines != nil || got["blob.bin"].Status != checks.StatusAdded {
		t.Errorf("a binary file is scanned whole: %+v", got["blob.bin"])
	}
	if tg := got["requirements.txt"]; string(tg.Base) != "torch==2.3.1\n" || tg.Status != checks.StatusModified {
		t.Errorf("requirements.txt base %q, status %q", tg.Base, tg.Status)
	}
	if got["keep.py"].Base != nil {
		t.Error("read the base of a file no check compares")
	}

	// Only what is under the given folders.
	ts, _ = Diff(context.Background(), DiffSource{Top: dir, Base: "main"}, dir, []string{filepath.Join(dir, "new")}, nil)
	if len(ts) != 1 || ts[0].Path != "new/name.py" {
		t.Fatalf("within new/: %+v", ts)
	}
	// The index: staged content, not the work tree's.
	put(t, dir, "keep.py", "staged\n", 0o644)
	gitT(t, dir, "add", "keep.py")
	put(t, dir, "keep.py", "work tree\n", 0o644)
	ts, _ = Diff(context.Background(), DiffSource{Top: dir, Staged: true}, dir, nil, nil)
	if len(ts) != 1 || string(ts[0].Data) != "staged\n" {
		t.Fatalf("staged: %+v", ts)
	}
	if _, err := Diff(context.Background(), DiffSource{Top: dir, Base: "no-such"}, dir, nil, nil); err == nil || !strings.Contains(err.Error(), "no-such") {
		t.Fatalf("unknown base: %v", err)
	}
}

func keys(m map[string]Target) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
