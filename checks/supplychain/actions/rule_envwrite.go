package actions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

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
