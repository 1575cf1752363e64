package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestDiffConfigComesFromTheBase: a change that adds an `ignore:` entry to
// its own ward.yml is still judged by the base's configuration, in --diff
// (the GitHub Action) and in --staged (pre-commit), as the App does.
func TestDiffConfigComesFromTheBase(t *testing.T) {
	dir := gitRepo(t, map[string][]byte{"README.md": []byte("hi\n")})
	gitIn(t, dir, "checkout", "-q", "-b", "feature")
	os.WriteFile(filepath.Join(dir, "tool"), elfBytes(t), 0o755)
	write(t, dir, ".github/ward.yml", "ignore:\n  - rule: \"*\"\n    reason: trust me\n")
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", "feature")
	if code, got := scanJSON(t, dir, "--diff", "main"); code != 1 || !slices.Contains(got, "tool:0:binary-executable") {
		t.Fatalf("--diff main with the PR's own ignore: exit %d, %v; want the binary reported", code, got)
	}

	gitIn(t, dir, "checkout", "-q", "main")
	write(t, dir, "train.py", "import torch\nm = torch.load(path)\n")
	write(t, dir, ".github/ward.yml", "ignore:\n  - rule: \"*\"\n    reason: trust me\n")
	gitIn(t, dir, "add", "-A")
	if code, got := scanJSON(t, dir, "--staged"); code != 1 || !slices.Contains(got, "train.py:2:code-torch-load-unsafe") {
		t.Fatalf("--staged with a staged ignore: exit %d, %v; want the load reported", code, got)
	}
}

// TestConfigIgnoreBoundToContent: in `ward scan` as in a review, an
// `ignore:` entry accepts a whole-file finding only for the content its
// sha256 names, and says so on stderr when it does not apply.
func TestConfigIgnoreBoundToContent(t *testing.T) {
	elf := elfBytes(t)
	sum := sha256.Sum256(elf)
	hexsum := hex.EncodeToString(sum[:])
	dir := gitRepo(t, map[string][]byte{"tool": elf, "train.py": []byte("import torch\nm = torch.load(path)\n")})
	cfg := func(extra string) {
		write(t, dir, ".github/ward.yml", "ignore:\n  - rule: binary-executable\n    path: tool\n    reason: built by CI\n"+extra+
			"  - rule: code-torch-load-unsafe\n    path: train.py\n    reason: our own checkpoints\n")
	}
	cfg("")
	t.Chdir(dir)
	code, _, errs := runWard(t, "scan", ".")
	if code != 1 || !strings.Contains(errs, "names no `sha256:`") || !strings.Contains(errs, hexsum) {
		t.Fatalf("an entry without sha256 on a binary: exit %d\n%s", code, errs)
	}
	if _, got := scanJSON(t, dir, "."); slices.Contains(got, "train.py:2:code-torch-load-unsafe") {
		t.Errorf("an entry without sha256 should still accept a line finding: %v", got)
	}
	cfg("    sha256: " + hexsum + "\n    expires: 2099-01-01\n")
	if code, got := scanJSON(t, dir, "."); code != 0 || len(got) != 0 {
		t.Fatalf("an entry naming the binary's sha256: exit %d, %v; want it accepted", code, got)
	}
	os.WriteFile(filepath.Join(dir, "tool"), append(elf, 0), 0o755)
	code, _, errs = runWard(t, "scan", ".")
	if code != 1 || !strings.Contains(errs, "content changed") {
		t.Fatalf("a swapped binary: exit %d\n%s", code, errs)
	}
	cfg("    sha256: " + hexsum + "\n    expires: 2020-01-01\n")
	os.WriteFile(filepath.Join(dir, "tool"), elf, 0o755)
	if code, _, errs = runWard(t, "scan", "."); code != 1 || !strings.Contains(errs, "expired") {
		t.Fatalf("an expired entry: exit %d\n%s", code, errs)
	}
}
