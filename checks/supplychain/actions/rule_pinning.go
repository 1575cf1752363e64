package actions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hbollon/go-edlib"
	"github.com/rhysd/actionlint"
	"github.com/ward-sec/ward/checks"
)

var fullSHA = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

func (r *reporter) pinning() {
	check := func(u *text) {
		if u == nil || strings.Contains(u.Value, "${{") {
			return
		}
		v := u.Value
		switch {
		case strings.HasPrefix(v, "./"), strings.HasPrefix(v, "../"):
			return // local action: reviewed with this repository
		case strings.HasPrefix(v, "docker://"):
			if !strings.Contains(v, "@sha256:") {
				r.add(RuleUnpinnedImage, checks.SeverityMedium, u.Line, v, fmt.Sprintf(
					"%s runs a container image by tag. Whoever can push that tag decides what runs in this job; pin "+
						"it by digest (@sha256:…).", v))
			}
			return
		}
		_, ref, ok := strings.Cut(v, "@")
		if ok && fullSHA.MatchString(ref) {
			return
		}
		what := "ref " + ref
		if !ok {
			what = "no ref at all"
		}
		if ok && githubOwned(v) && versionTag.MatchString(ref) {
			// GitHub's own actions at a release tag: the tag can move, but only
			// GitHub can move it. Worth knowing, not worth a review comment on
			// every checkout step.
			r.add(RuleUnpinnedAction, checks.SeverityLow, u.Line, v, fmt.Sprintf(
				"%s is pinned to the release tag %s of a GitHub-owned action. Only GitHub can move that tag; pin the "+
					"full commit SHA (version in a comment) if your policy requires immutable actions.", v, ref))
			return
		}
		r.add(RuleUnpinnedAction, checks.SeverityMedium, u.Line, v, fmt.Sprintf(
			"%s is pinned to %s, which its owner can move to different code at any time (tj-actions/changed-files, "+
				"March 2025). Pin the full commit SHA and keep the version in a comment.", v, what))
	}
	for _, j := range r.w.Jobs {
		check(j.CallUses)
		for _, s := range j.Steps {
			check(s.Uses)
		}
		for _, img := range j.Images {
			r.image(img)
		}
	}
	if img := r.w.ActionImage; img != nil {
		if strings.HasPrefix(img.Value, "docker://") {
			r.image(&text{Value: strings.TrimPrefix(img.Value, "docker://"), Line: img.Line})
		}
	}
}

// versionTag is a release tag: v4, v4.2, 4.2.1.
var versionTag = regexp.MustCompile(`^v?\d+(\.\d+){0,2}$`)

// githubOwned is true for actions published by GitHub itself.
func githubOwned(uses string) bool {
	owner, _, _ := strings.Cut(strings.ToLower(uses), "/")
	return owner == "actions" || owner == "github"
}

func (r *reporter) image(img *text) {
	v := strings.TrimSpace(img.Value)
	if v == "" || strings.Contains(v, "${{") || strings.Contains(v, "@sha256:") {
		return
	}
	r.add(RuleUnpinnedImage, checks.SeverityMedium, img.Line, v, fmt.Sprintf(
		"Container image %s is referenced by tag: the registry can serve different content tomorrow, and it runs "+
			"with this job's token and secrets. Pin it by digest (%s@sha256:…).", v, v))
}

// knownOwners are GitHub owners of widely used actions: those actionlint
// knows as popular, plus a few more that publish security-relevant actions.
var knownOwners = func() map[string]bool {
	m := map[string]bool{}
	for spec := range actionlint.PopularActions {
		if o, _, ok := strings.Cut(spec, "/"); ok {
			m[strings.ToLower(o)] = true
		}
	}
	for _, o := range []string{"actions", "github", "docker", "aws-actions", "azure", "google-github-actions",
		"hashicorp", "astral-sh", "pnpm", "denoland", "cachix", "ossf", "step-security", "slackapi", "sigstore",
		"slsa-framework", "aquasecurity", "crazy-max", "stefanzweifel", "codecov", "pypa", "ruby", "dtolnay"} {
		m[o] = true
	}
	return m
}()

func (r *reporter) typosquats() {
	check := func(u *text) {
		if u == nil || strings.HasPrefix(u.Value, ".") || strings.HasPrefix(u.Value, "docker://") {
			return
		}
		owner, _, ok := strings.Cut(u.Value, "/")
		if !ok {
			return
		}
		if target, ok := ownerSquat(strings.ToLower(owner)); ok {
			r.add(RuleTyposquat, checks.SeverityHigh, u.Line, u.Value, fmt.Sprintf(
				"%s comes from owner %q, one edit away from the well-known %q. Look-alike owners publish actions "+
					"that steal the workflow's secrets; use the real %s action.", u.Value, owner, target, target))
		}
	}
	for _, j := range r.w.Jobs {
		check(j.CallUses)
		for _, s := range j.Steps {
			check(s.Uses)
		}
	}
}

var separators = strings.NewReplacer("-", "", "_", "", ".", "")

// squatTargets are the known owners long enough to compare (five letters or
// more), sorted, with their separator-free spelling.
var squatTargets = func() [][2]string {
	var out [][2]string
	for _, k := range sortedKeys(knownOwners) {
		if len(k) >= 5 {
			out = append(out, [2]string{k, separators.Replace(k)})
		}
	}
	return out
}()

// ownerSquat compares an owner with the known ones: OSA distance 1 or the
// same letters with different separators.
func ownerSquat(owner string) (string, bool) {
	if knownOwners[owner] {
		return "", false
	}
	flat := separators.Replace(owner)
	for _, t := range squatTargets {
		if t[1] == flat || abs(len(t[0])-len(owner)) <= 1 && edlib.OSADamerauLevenshteinDistance(owner, t[0]) == 1 {
			return t[0], true
		}
	}
	return "", false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
