package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ward-sec/ward/checks/supplychain/deps"
)

// TestMain lets a test run this binary as `ward` itself (WARD_TEST_MAIN=1),
// so that signals, exit codes and file permissions are tried on a real
// process without building a second binary.
func TestMain(m *testing.M) {
	if os.Getenv("WARD_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// wardProcess is a `ward ARGS...` process run from dir.
func wardProcess(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "WARD_TEST_MAIN=1", "CI=1")
	return cmd
}

// pyFile is Python source with one torch.load finding on line 2.
const pyFile = "import torch\nm = torch.load(path)\n"

func TestScanInterruptStopsAtOnceAndExits130(t *testing.T) {
	// Enough source that the scan runs for many seconds.
	files := map[string][]byte{}
	var body strings.Builder
	for i := range 2000 {
		fmt.Fprintf(&body, "def f%d(x):\n    return eval(x) + %d\n", i, i)
	}
	for i := range 600 {
		files[fmt.Sprintf("src/m%03d.py", i)] = []byte(body.String())
	}
	dir := writeTree(t, files)
	cmd := wardProcess(t, dir, "scan", ".")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // well into the scan
	sent := time.Now()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	took := time.Since(sent)
	code := cmd.ProcessState.ExitCode()
	if code != 130 {
		t.Fatalf("exit %d (%v), want 130; stderr:\n%s", code, err, errb.String())
	}
	if took > time.Second {
		t.Errorf("stopped %v after Ctrl-C, want within a second", took)
	}
	if out.Len() != 0 || strings.Contains(errb.String(), "context canceled") || !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("after Ctrl-C: stdout %q, stderr %q; want no report and one line saying it was interrupted", out.String(), errb.String())
	}
	t.Logf("exited %v after SIGINT", took)
}

func TestScanPathsRelativeToWorkingDirectory(t *testing.T) {
	dir := writeTree(t, map[string][]byte{"src/app.py": []byte(pyFile), "tests/app.py": []byte(pyFile)})
	t.Chdir(dir)
	code, out, _ := runWard(t, "scan", "src", "tests")
	if code != 1 || !strings.Contains(out, "src/app.py:2:") || !strings.Contains(out, "tests/app.py:2:") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	// SARIF from a sub-folder names files from the repository root, where
	// code scanning places them; --root moves that root.
	code, out, _ = runWard(t, "scan", "src", "--format", "sarif")
	if code != 1 || !strings.Contains(out, `"uri": "src/app.py"`) {
		t.Fatalf("sarif from a folder: exit %d\n%s", code, out)
	}
	code, out, _ = runWard(t, "scan", "--root", "src", filepath.Join(dir, "src"), "--format", "json")
	if code != 1 || !strings.Contains(out, `"path": "app.py"`) {
		t.Fatalf("--root: exit %d\n%s", code, out)
	}
}

func TestScanFlagsAfterPaths(t *testing.T) {
	dir := writeTree(t, map[string][]byte{"app.py": []byte(pyFile)})
	code, out, errs := runWard(t, "scan", dir, "--format", "json", "--fail-on", "critical")
	var rep struct {
		Findings []struct {
			RuleID string `json:"rule_id"`
		} `json:"findings"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rep) != nil || len(rep.Findings) != 1 {
		t.Fatalf("exit %d (want 0: --fail-on critical after the path), stderr %s\n%s", code, errs, out)
	}
	// After "--" everything is a path, even what looks like a flag.
	if code, _, errs := runWard(t, "scan", "--", "--format"); code != 2 || !strings.Contains(errs, "--format") {
		t.Fatalf("scan -- --format: exit %d, %s", code, errs)
	}
}

func TestScanUnreadablePathsAreFindings(t *testing.T) {
	dir := writeTree(t, map[string][]byte{"ok/app.py": []byte(pyFile), "secret/a.py": []byte("x = 1\n"), "locked.py": []byte("x = 1\n")})
	if err := os.Chmod(filepath.Join(dir, "secret"), 0); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "locked.py"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(dir, "secret"), 0o755) })
	cmd := wardProcess(t, dir, "scan", ".", "--format", "json")
	if os.Geteuid() == 0 {
		// root reads everything: run ward as nobody, from copies it may run.
		cmd = asNobody(t, cmd, dir)
	}
	out, err := cmd.Output()
	code := cmd.ProcessState.ExitCode()
	var rep struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Path     string `json:"path"`
			Severity string `json:"severity"`
		} `json:"findings"`
	}
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("exit %d (%v), not JSON: %v\n%s", code, err, jerr, out)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.Path] = f.RuleID + "/" + f.Severity
	}
	if code != 1 || got["secret"] != "file-not-read/high" || got["locked.py"] != "file-not-read/high" ||
		got["ok/app.py"] != "code-torch-load-unsafe/high" {
		t.Fatalf("exit %d, findings %v; want the unreadable folder and file reported at high and the rest scanned", code, got)
	}
}

// asNobody runs cmd as uid 65534 with a copy of the test binary it can run.
func asNobody(t *testing.T, cmd *exec.Cmd, dir string) *exec.Cmd {
	t.Helper()
	exe, _ := os.Executable()
	bin := filepath.Join(t.TempDir(), "ward")
	data, err := os.ReadFile(exe)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{filepath.Dir(bin), filepath.Dir(filepath.Dir(bin)), dir, filepath.Dir(dir), filepath.Dir(filepath.Dir(dir))} {
		os.Chmod(d, 0o755)
	}
	for _, d := range []string{"ok", "."} {
		os.Chmod(filepath.Join(dir, d), 0o755)
	}
	c := exec.Command(bin, cmd.Args[1:]...)
	c.Dir, c.Env = cmd.Dir, cmd.Env
	c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	return c
}

func TestHelpExitsZero(t *testing.T) {
	for _, args := range [][]string{{"scan", "--help"}, {"scan", "-h"}, {"rules", "--help"}, {"healthcheck", "--help"}} {
		code, out, _ := runWard(t, args...)
		if code != 0 || !strings.Contains(out, "Usage: ward "+args[0]) {
			t.Errorf("ward %s: exit %d, stdout %q", strings.Join(args, " "), code, out)
		}
	}
}

func TestHealthcheckHelpFetchesNothing(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	t.Setenv("WARD_ADDR", srv.Listener.Addr().String())
	if code, _, _ := runWard(t, "healthcheck", "--help"); code != 0 || hits != 0 {
		t.Fatalf("healthcheck --help: exit %d, %d requests", code, hits)
	}
	if code, _, _ := runWard(t, "healthcheck", srv.URL+"/healthz"); code != 0 || hits != 1 {
		t.Fatalf("healthcheck URL: exit %d, %d requests", code, hits)
	}
}

func TestRulesShowsOneRuleAndJSONKeysMatchScan(t *testing.T) {
	code, out, _ := runWard(t, "rules", "code-torch-load-unsafe")
	if code != 0 || !strings.Contains(out, "weights_only") || !strings.Contains(out, "How to fix") || strings.Contains(out, "deps-typosquat") {
		t.Fatalf("rules RULE: exit %d\n%s", code, out)
	}
	if code, _, errs := runWard(t, "rules", "no-such-rule"); code != 2 || !strings.Contains(errs, "no-such-rule") {
		t.Fatalf("unknown rule: exit %d %s", code, errs)
	}
	_, out, _ = runWard(t, "rules", "--format", "json")
	var rules []map[string]any
	if err := json.Unmarshal([]byte(out), &rules); err != nil || len(rules) < 50 {
		t.Fatalf("rules json: %v (%d rules)", err, len(rules))
	}
	dir := writeTree(t, map[string][]byte{"app.py": []byte(pyFile)})
	_, out, _ = runWard(t, "scan", "--format", "json", dir)
	var rep struct{ Findings []map[string]any }
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Findings) == 0 {
		t.Fatalf("scan json: %v", err)
	}
	for _, k := range []string{"rule_id", "severity", "fix"} {
		if _, ok := rules[0][k]; !ok {
			t.Errorf("rules JSON lacks the scan JSON's key %q: %v", k, rules[0])
		}
	}
	if _, ok := rep.Findings[0]["rule_id"]; !ok {
		t.Errorf("scan JSON lacks rule_id: %v", rep.Findings[0])
	}
	_, out, _ = runWard(t, "rules", "--format", "json", "code-torch-load-unsafe")
	var one map[string]any
	if err := json.Unmarshal([]byte(out), &one); err != nil || one["rule_id"] != "code-torch-load-unsafe" {
		t.Fatalf("rules --format json RULE: %v %v", err, one)
	}
}

func TestScanStdin(t *testing.T) {
	stdin = strings.NewReader(pyFile)
	t.Cleanup(func() { stdin = os.Stdin })
	code, out, _ := runWard(t, "scan", "-", "--stdin-filename", "train.py")
	if code != 1 || !strings.Contains(out, "train.py:2:") || !strings.Contains(out, "code-torch-load-unsafe") {
		t.Fatalf("stdin: exit %d\n%s", code, out)
	}
}

func TestScanTextHasExcerptAndDocLink(t *testing.T) {
	secret := "sk-proj-" + "q8ZrT2mXv9LkP4wYb7NcJ1sHd6GfA3eRu5KoW0iQy" + "T3BlbkFJ" + "Vn2Lx8Pq4Mz7Rt1Ws5Ky9Hb3Jd6Fg0Ce8Au2Io7Ep"
	dir := writeTree(t, map[string][]byte{"app.py": []byte(pyFile + "key = \"" + secret + "\"; m = torch.load(key)\n")})
	_, out, _ := runWard(t, "scan", "--root", dir, dir)
	for _, want := range []string{
		"      2 | m = torch.load(path)",
		"docs: https://github.com/ward-sec/ward/blob/main/docs/rules.md#code-torch-load-unsafe",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(out, "sk-p…") || strings.Contains(out, secret[8:]) {
		t.Errorf("the excerpt printed a secret unmasked:\n%s", out)
	}
}

func TestScanPythonScriptByShebang(t *testing.T) {
	dir := writeTree(t, map[string][]byte{"bin/train": []byte("#!/usr/bin/env python3\n" + pyFile)})
	code, out, _ := runWard(t, "scan", "--root", dir, dir)
	if code != 1 || !strings.Contains(out, "bin/train:3:") {
		t.Fatalf("extensionless Python script: exit %d\n%s", code, out)
	}
}

func TestScanReportsBareIgnore(t *testing.T) {
	dir := writeTree(t, map[string][]byte{"app.py": []byte("import torch\nm = torch.load(path)  # ward:ignore\n")})
	_, out, _ := runWard(t, "scan", "--root", dir, dir)
	if !strings.Contains(out, "app.py:2: LOW: Suppression comment without a reason") || !strings.Contains(out, "code-torch-load-unsafe") {
		t.Fatalf("bare ward:ignore: want the finding kept and the comment reported:\n%s", out)
	}
}

func TestScanReadsRepositoryConfig(t *testing.T) {
	dir := writeTree(t, map[string][]byte{
		"app.py":            []byte(pyFile),
		".github/ward.yml":  []byte("rules:\n  code-torch-load-unsafe:\n    disabled: true\n"),
		".git/HEAD":         []byte("ref: refs/heads/main\n"),
		"sub/more/other.py": []byte(pyFile),
	})
	t.Chdir(filepath.Join(dir, "sub"))
	if code, out, _ := runWard(t, "scan", "."); code != 0 || strings.Contains(out, "torch.load") {
		t.Fatalf("repository's .github/ward.yml not applied: exit %d\n%s", code, out)
	}
	if code, _, _ := runWard(t, "scan", "--config", "none", "."); code != 1 {
		t.Fatalf("--config none: exit %d, want 1", code)
	}
}

func TestOSVSourcesFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"WARD_OSV_DIR": dir}
	var status string
	for _, c := range checkSet(func(k string) string { return env[k] }) {
		if d, ok := c.(*deps.Check); ok {
			status = d.Status()
		}
	}
	if !strings.Contains(status, "OSV export "+dir) {
		t.Fatalf("cmd did not hand WARD_OSV_DIR to the deps check: %q", status)
	}
}
