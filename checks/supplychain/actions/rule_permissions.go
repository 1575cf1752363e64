package actions

import (
	"fmt"
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
