package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// wardSource is this repository's work tree, where action.yml and
// .pre-commit-hooks.yaml live.
func wardSource(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// actionEnv reads action.yml: the script its one step runs, and the
// environment that step gets from the inputs' defaults, as the runner
// would set it.
func actionEnv(t *testing.T, src string) (string, []string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(src, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		Inputs map[string]struct {
			Default string `yaml:"default"`
		} `yaml:"inputs"`
		Runs struct {
			Using string `yaml:"using"`
			Steps []struct {
				Run   string            `yaml:"run"`
				Shell string            `yaml:"shell"`
				Env   map[string]string `yaml:"env"`
			} `yaml:"steps"`
		} `yaml:"runs"`
	}
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	if a.Runs.Using != "composite" || len(a.Runs.Steps) != 1 || a.Runs.Steps[0].Shell != "bash" {
		t.Fatalf("action.yml: want one bash step of a composite action, got %+v", a.Runs)
	}
	step := a.Runs.Steps[0]
	m := regexp.MustCompile(`^bash "\$GITHUB_ACTION_PATH/(scripts/[a-z]+\.sh)"$`).FindStringSubmatch(step.Run)
	if m == nil {
		t.Fatalf("action.yml runs %q, not a script of the repository", step.Run)
	}
	var env []string
	in := regexp.MustCompile(`^\$\{\{ inputs\.([a-z-]+) \}\}$`)
	for k, v := range step.Env {
		im := in.FindStringSubmatch(v)
		if im == nil {
			t.Fatalf("action.yml env %s=%q is not an input", k, v)
		}
		input, ok := a.Inputs[im[1]]
		if !ok {
			t.Fatalf("action.yml env %s names no input %q", k, im[1])
		}
		env = append(env, k+"="+input.Default)
	}
	return filepath.Join(src, m[1]), env
}

func TestActionOnAPullRequest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ward: not in -short")
	}
	for _, tool := range []string{"jq", "bash", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed (the Action's runner has it; .ci/run installs it)", tool)
		}
	}
	src := wardSource(t)
	script, inputs := actionEnv(t, src)
	repo := gitRepo(t, map[string][]byte{"README.md": []byte("hi\n"), "old.py": []byte(pyFile)})
	baseSHA := strings.TrimSpace(gitIn(t, repo, "rev-parse", "HEAD"))
	gitIn(t, repo, "checkout", "-q", "-b", "feature")
	write(t, repo, "train.py", pyFile)
	write(t, repo, "README.md", "hi\nmore\n")
	gitIn(t, repo, "add", "-A")
	gitIn(t, repo, "commit", "-q", "-m", "feature")
	headSHA := strings.TrimSpace(gitIn(t, repo, "rev-parse", "HEAD"))

	runner := t.TempDir()
	run := func(eventName string, event any) (int, string, map[string]string) {
		t.Helper()
		ev, _ := json.Marshal(event)
		evPath := filepath.Join(runner, "event.json")
		os.WriteFile(evPath, ev, 0o644)
		summary, output := filepath.Join(runner, "summary.md"), filepath.Join(runner, "output")
		os.Remove(summary)
		os.Remove(output)
		cmd := exec.Command("bash", script)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), inputs...)
		cmd.Env = append(cmd.Env, "GITHUB_ACTIONS=true", "CI=true", "GITHUB_ACTION_PATH="+src,
			"GITHUB_EVENT_PATH="+evPath, "GITHUB_EVENT_NAME="+eventName, "GITHUB_WORKSPACE="+repo,
			"GITHUB_STEP_SUMMARY="+summary, "GITHUB_OUTPUT="+output, "RUNNER_TEMP="+runner,
			"GITHUB_SHA="+headSHA, "GITHUB_REPOSITORY=acme/models")
		log, _ := cmd.CombinedOutput()
		sum, _ := os.ReadFile(summary)
		outs := map[string]string{}
		data, _ := os.ReadFile(output)
		for _, l := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(l, "="); ok {
				outs[k] = v
			}
		}
		t.Logf("action log:\n%s", log)
		return cmd.ProcessState.ExitCode(), string(sum), outs
	}

	code, summary, outs := run("pull_request", map[string]any{"action": "opened", "number": 7,
		"pull_request": map[string]any{"number": 7, "base": map[string]any{"sha": baseSHA, "ref": "main"}, "head": map[string]any{"sha": headSHA, "ref": "feature"}}})
	if code != 1 || outs["exit-code"] != "1" {
		t.Fatalf("PR with a torch.load: exit %d, outputs %v; want the job to fail", code, outs)
	}
	if !strings.Contains(summary, "failed") || !strings.Contains(summary, "code-torch-load-unsafe") || !strings.Contains(summary, "`train.py:2`") || strings.Contains(summary, "old.py") {
		t.Fatalf("job summary (want train.py:2 only, not the unchanged old.py):\n%s", summary)
	}
	sarifData, err := os.ReadFile(filepath.Join(repo, outs["sarif-file"]))
	if err != nil {
		t.Fatal(err)
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(sarifData, &sarif); err != nil || sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != 1 {
		t.Fatalf("SARIF: %v\n%s", err, sarifData)
	}
	loc := sarif.Runs[0].Results[0].Locations[0].PhysicalLocation
	if loc.ArtifactLocation.URI != "train.py" || loc.Region.StartLine != 2 {
		t.Fatalf("SARIF location %+v, want train.py line 2 (relative to the repository root)", loc)
	}

	// A push that fixes it passes.
	write(t, repo, "train.py", "import torch\nm = torch.load(path, weights_only=True)\n")
	gitIn(t, repo, "commit", "-q", "-am", "fix")
	code, summary, _ = run("push", map[string]any{"before": headSHA, "after": "x", "ref": "refs/heads/feature"})
	if code != 0 || !strings.Contains(summary, "passed") {
		t.Fatalf("push with the fix: exit %d, summary:\n%s", code, summary)
	}
	if code, _, _ := run("workflow_dispatch", map[string]any{}); code != 2 {
		t.Fatalf("an event without a base: exit %d, want 2", code)
	}
}

// TestPreCommitHook installs ward's hook with Debian's pre-commit into a
// throwaway repository, from a local clone of this work tree, and commits.
func TestPreCommitHook(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ward with pre-commit: not in -short")
	}
	if _, err := exec.LookPath("pre-commit"); err != nil {
		t.Skip("pre-commit is not installed (apt-get install pre-commit; .ci/run installs it)")
	}
	src := wardSource(t)
	// The hook repository: this work tree as it is, committed in a clone.
	hooks := t.TempDir()
	listed := gitIn(t, src, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	for _, p := range strings.Split(strings.TrimRight(listed, "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(src, p))
		if err != nil {
			continue // deleted in the work tree
		}
		write(t, hooks, p, string(data))
	}
	gitIn(t, hooks, "init", "-q", "-b", "main")
	gitIn(t, hooks, "add", "-A")
	gitIn(t, hooks, "commit", "-q", "-m", "snapshot")
	rev := strings.TrimSpace(gitIn(t, hooks, "rev-parse", "HEAD"))

	proj := gitRepo(t, map[string][]byte{"README.md": []byte("hi\n"),
		".pre-commit-config.yaml": []byte(fmt.Sprintf("repos:\n  - repo: %s\n    rev: %s\n    hooks:\n      - id: ward\n", hooks, rev))})
	home := t.TempDir()
	gomodcache, _ := exec.Command("go", "env", "GOMODCACHE").Output()
	env := append(os.Environ(), "PRE_COMMIT_HOME="+filepath.Join(home, "pre-commit"),
		"GOMODCACHE="+strings.TrimSpace(string(gomodcache)), // the modules are in the local cache already
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@ward.invalid", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@ward.invalid")
	sh := func(args ...string) (int, string) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Dir, cmd.Env = proj, env
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	if code, out := sh("pre-commit", "install"); code != 0 {
		t.Fatalf("pre-commit install: %d\n%s", code, out)
	}
	write(t, proj, "train.py", pyFile)
	sh("git", "add", "train.py")
	code, out := sh("git", "commit", "-m", "add training")
	if code == 0 || !strings.Contains(out, "code-torch-load-unsafe") || !strings.Contains(out, "train.py:2") {
		t.Fatalf("commit of a torch.load: exit %d (want refused), output:\n%s", code, out)
	}
	write(t, proj, "train.py", "import torch\nm = torch.load(path, weights_only=True)\n")
	sh("git", "add", "train.py")
	if code, out := sh("git", "commit", "-m", "add training"); code != 0 {
		t.Fatalf("commit of the fixed file: exit %d, output:\n%s", code, out)
	}
}
