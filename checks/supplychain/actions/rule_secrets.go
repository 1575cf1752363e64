package actions

import (
	"fmt"

	"github.com/ward-sec/ward/checks"
)

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
