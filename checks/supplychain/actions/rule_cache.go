package actions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

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
