package actions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// privilegedTriggers run with secrets and a write token even for pull
// requests from forks.
var privilegedTriggers = []string{"pull_request_target", "workflow_run", "issue_comment"}

// prRef matches checkout refs and repositories that point at the pull
// request's code rather than the base branch.
var prRef = regexp.MustCompile(`github\.event\.pull_request\.(head\.(sha|ref|repo\.full_name)|merge_commit_sha)|` +
	`github\.head_ref|refs/pull/|github\.event\.workflow_run\.(head_sha|head_branch|head_commit\.id|head_repository\.full_name)|` +
	`github\.event\.(issue\.)?number|github\.event\.issue\.pull_request|steps\.[\w-]+\.outputs\.|needs\.[\w-]+\.outputs\.`)

// buildCommand matches run steps that execute checked-out code: package
// managers' installs (which run install scripts), builds, tests, scripts.
var buildCommand = regexp.MustCompile(`(?m)(^|[\s;&|(])(npm|npx|yarn|pnpm|bun|node|deno|pip3?|python3?|pytest|tox|nox|` +
	`poetry|uv|hatch|make|cmake|cargo|go|mvn|gradle|ant|dotnet|msbuild|bundle|rake|gem|composer|php|ruby|perl|` +
	`sh|bash|zsh|pwsh|docker|just|task|bazel|meson|ninja|terraform|helm|pre-commit)(\s|$)|(^|[\s;&|(])\./[\w./-]+`)

// buildActions run build files from the workspace (Dockerfile, hooks,
// build scripts, test suites).
var buildActions = []string{"docker/build-push-action", "pre-commit/action", "gradle/gradle-build-action",
	"gradle/actions", "goreleaser/goreleaser-action", "cypress-io/github-action"}

var prCheckoutCommand = regexp.MustCompile(`gh\s+pr\s+checkout|git\s+fetch\s+\S+\s+["']?(\+?refs/)?pull/`)

func (r *reporter) untrustedCheckout() {
	trig, ok := r.w.hasTrigger(privilegedTriggers...)
	if !ok {
		return
	}
	for _, j := range r.w.Jobs {
		for i, s := range j.Steps {
			line, evidence, ok := checksOutPR(s)
			if !ok {
				continue
			}
			runner, runLine := executesAfter(j.Steps[i+1:])
			if runner == "" {
				continue
			}
			f := r.add(RulePwnRequest, checks.SeverityCritical, line, evidence, fmt.Sprintf(
				"This %s workflow checks out the pull request's code (%s) and then runs it (%s, line %d). The "+
					"pull request's author controls that code, and it runs with this repository's secrets and "+
					"write token.", trig.Name, evidence, runner, runLine))
			f.EndLine = line
		}
	}
}

// checksOutPR reports a step that fetches the pull request's head.
func checksOutPR(s *step) (line int, evidence string, ok bool) {
	if s.Uses != nil && isAction(s.Uses.Value, "actions/checkout") {
		for _, k := range []string{"ref", "repository"} {
			if v := s.With[k]; v != nil && prRef.MatchString(v.Value) {
				return v.Line, k + ": " + v.Value, true
			}
		}
	}
	// An artifact of the triggering run (workflow_run) was built from the
	// pull request: unpacked into the workspace, it is the PR's code too.
	if s.Uses != nil && (isAction(s.Uses.Value, "actions/download-artifact") ||
		isAction(s.Uses.Value, "dawidd6/action-download-artifact")) {
		for _, k := range sortedKeys(s.With) {
			if v := s.With[k]; strings.Contains(v.Value, "github.event.workflow_run") {
				return v.Line, k + ": " + v.Value, true
			}
		}
	}
	if s.Run != nil {
		if loc := prCheckoutCommand.FindStringIndex(s.Run.Value); loc != nil {
			return s.Run.lineOf(loc[0]), strings.TrimSpace(firstLineAt(s.Run.Value, loc[0])), true
		}
	}
	return 0, "", false
}

// executesAfter finds the first later step that runs checked-out code.
func executesAfter(steps []*step) (string, int) {
	for _, s := range steps {
		if s.Run != nil {
			if loc := buildCommand.FindStringIndex(s.Run.Value); loc != nil {
				return strings.TrimSpace(firstLineAt(s.Run.Value, loc[0])), s.Run.lineOf(loc[0])
			}
		}
		if s.Uses != nil && (strings.HasPrefix(s.Uses.Value, "./") || strings.HasPrefix(s.Uses.Value, "../")) {
			return "local action " + s.Uses.Value, s.Uses.Line
		}
		if s.Uses != nil {
			for _, a := range buildActions {
				if isAction(s.Uses.Value, a) {
					return s.Uses.Value, s.Uses.Line
				}
			}
		}
	}
	return "", 0
}

// firstLineAt returns the line of s containing offset i.
func firstLineAt(s string, i int) string {
	start := strings.LastIndexByte(s[:i], '\n') + 1
	end := strings.IndexByte(s[i:], '\n')
	if end < 0 {
		return s[start:]
	}
	return s[start : i+end]
}

// isAction reports whether uses names the action repo (any ref).
func isAction(uses, repo string) bool {
	name, _, _ := strings.Cut(uses, "@")
	return strings.EqualFold(name, repo) || strings.HasPrefix(strings.ToLower(name), strings.ToLower(repo)+"/")
}
