package actions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// prTriggers are the events whose runs outsiders can start or influence.
var prTriggers = []string{"pull_request", "pull_request_target", "workflow_run", "issue_comment",
	"pull_request_review", "pull_request_review_comment"}

// broadScopes are the write scopes that let a token change code, releases,
// workflows or cloud identity.
var broadScopes = []string{"contents", "actions", "packages", "id-token", "deployments", "workflows"}

func (r *reporter) permissions() {
	trig, ok := r.w.hasTrigger(prTriggers...)
	if !ok {
		return
	}
	check := func(p *permissions, where string) {
		if p == nil {
			return
		}
		if p.All != nil && strings.EqualFold(strings.TrimSpace(p.All.Value), "write-all") {
			r.add(RulePermissions, checks.SeverityMedium, p.All.Line, "permissions: write-all", fmt.Sprintf(
				"%s grants write-all to the token of a workflow triggered by %s: any injection or compromised "+
					"action in it can push code, publish packages and rewrite releases.", where, trig.Name))
		}
		for _, s := range broadScopes {
			if v := p.Scopes[s]; v != nil && strings.EqualFold(strings.TrimSpace(v.Value), "write") {
				r.add(RulePermissions, checks.SeverityMedium, v.Line, s+": write", fmt.Sprintf(
					"%s grants %s: write to a workflow triggered by %s. Grant it only to the job that needs it, "+
						"in a workflow outsiders cannot trigger.", where, s, trig.Name))
			}
		}
	}
	check(r.w.Permissions, "The workflow")
	for _, j := range r.w.Jobs {
		check(j.Permissions, "Job "+j.ID)
	}
}

func (r *reporter) secrets() {
	for _, j := range r.w.Jobs {
		if j.Inherit != nil {
			r.add(RuleSecrets, checks.SeverityMedium, j.Inherit.Line, "secrets: inherit", fmt.Sprintf(
				"Job %s passes every secret of the repository and organisation to %s with `secrets: inherit`; pass "+
					"only the ones it needs.", j.ID, valueOr(j.CallUses, "the called workflow")))
		}
	}
	seen := map[*text]bool{}
	check := func(t *text) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		for _, e := range expressions(t.Value) {
			if readsSecretsAsJSON(e) {
				r.add(RuleSecrets, checks.SeverityMedium, t.lineOf(e.Offset), e.Raw, fmt.Sprintf(
					"%s serialises every secret available to the job into one value; a single log line or "+
						"compromised step then leaks them all.", e.Raw))
			}
		}
	}
	for _, k := range sortedKeys(r.w.Env) {
		check(r.w.Env[k])
	}
	for _, j := range r.w.Jobs {
		for _, k := range sortedKeys(j.Env) {
			check(j.Env[k])
		}
		for _, s := range j.Steps {
			check(s.Run)
			for _, k := range sortedKeys(s.With) {
				check(s.With[k])
			}
			for _, k := range sortedKeys(s.Env) {
				check(s.Env[k])
			}
		}
	}
}

func valueOr(t *text, def string) string {
	if t == nil {
		return def
	}
	return t.Value
}

// envFileWrite matches shell and PowerShell writes to GITHUB_ENV/GITHUB_PATH.
var envFileWrite = regexp.MustCompile(`(>>?|tee(\s+-a)?|Out-File|Add-Content|Set-Content)[^\n]*?(\$\{?GITHUB_(ENV|PATH)\}?|\$env:GITHUB_(ENV|PATH))`)

func (r *reporter) envWrites() {
	trig, ok := r.w.hasTrigger(privilegedTriggers...)
	if !ok {
		return
	}
	r.allSteps(func(_ *job, _ int, s *step) {
		if s.Run == nil {
			return
		}
		for _, loc := range envFileWrite.FindAllStringSubmatchIndex(s.Run.Value, -1) {
			target := "GITHUB_" + firstNonEmpty(sub(s.Run.Value, loc, 4), sub(s.Run.Value, loc, 5))
			line := strings.TrimSpace(firstLineAt(s.Run.Value, loc[0]))
			r.add(RuleEnvInjection, checks.SeverityHigh, s.Run.lineOf(loc[0]), line, fmt.Sprintf(
				"This %s workflow writes to $%s; every later step inherits what is written. If any part comes "+
					"from the pull request (a file, a branch name, an artifact), its author can set variables such "+
					"as LD_PRELOAD or NODE_OPTIONS, or prepend a directory to PATH, and run code with this "+
					"workflow's secrets.", trig.Name, target))
		}
	})
}

func sub(s string, loc []int, group int) string {
	if 2*group+1 >= len(loc) || loc[2*group] < 0 {
		return ""
	}
	return s[loc[2*group]:loc[2*group+1]]
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

var releaseName = regexp.MustCompile(`(?i)release|publish|deploy`)

// releaseCache flags caches restored in workflows that publish releases.
func (r *reporter) releaseCache() {
	if !r.isRelease() {
		return
	}
	r.allSteps(func(j *job, _ int, s *step) {
		if s.Uses == nil {
			return
		}
		if isAction(s.Uses.Value, "actions/cache") {
			r.add(RuleReleaseCache, checks.SeverityMedium, s.Uses.Line, s.Uses.Value, fmt.Sprintf(
				"Job %s of a release workflow restores a cache with %s. Caches are shared with pull request "+
					"workflows, which can poison them; the release then ships the attacker's files.", j.ID, s.Uses.Value))
			return
		}
		name, _, _ := strings.Cut(strings.ToLower(s.Uses.Value), "@")
		if !strings.HasPrefix(name, "actions/setup-") {
			return
		}
		if c := s.With["cache"]; c != nil && c.Value != "" && !strings.EqualFold(c.Value, "false") {
			r.add(RuleReleaseCache, checks.SeverityMedium, c.Line, name+" cache: "+c.Value, fmt.Sprintf(
				"Job %s of a release workflow restores the %s cache of %s. Caches are shared with pull request "+
					"workflows, which can poison them; the release then ships the attacker's files.", j.ID, c.Value, name))
		}
	})
}

func (r *reporter) isRelease() bool {
	if r.w.Action {
		return false
	}
	if _, ok := r.w.hasTrigger("release"); ok {
		return true
	}
	for _, t := range r.w.Triggers {
		if t.Name == "push" && t.Tags {
			return true
		}
	}
	base := r.w.Path[strings.LastIndexByte(r.w.Path, '/')+1:]
	return releaseName.MatchString(base) || releaseName.MatchString(r.w.Name)
}
