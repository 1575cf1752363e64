// Package actions reviews GitHub Actions workflows (.github/workflows/*.yml)
// and action metadata (action.yml): privileged checkouts of pull request
// code, script injection, unpinned actions and images, look-alike owners,
// broad permissions, exposed secrets, GITHUB_ENV writes, cache poisoning of
// releases and unverified downloads. Workflows are parsed with actionlint.
package actions

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// maxWorkflowBytes bounds one workflow file; real ones are a few KB.
const maxWorkflowBytes = 4 << 20

// New returns the check.
func New() checks.Check { return Check{} }

// Check is the GitHub Actions check; it holds no state.
type Check struct{}

func (Check) Name() string { return "actions" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (Check) Version() string { return "1" }

func (Check) Rules() []checks.Rule { return rules }

// kind says whether a path is a workflow, an action's metadata, or neither.
func kind(p string) (workflowFile, actionFile bool) {
	base := path.Base(p)
	ext := path.Ext(base)
	if ext != ".yml" && ext != ".yaml" {
		return false, false
	}
	dir := path.Dir(p)
	if dir == ".github/workflows" || strings.HasSuffix(dir, "/.github/workflows") {
		return true, false
	}
	return false, base == "action.yml" || base == "action.yaml"
}

func (Check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	wf, af := kind(f.Path)
	if !wf && !af || f.Binary {
		return checks.Result{}, nil
	}
	res := checks.Result{Analysed: true}
	b, err := f.ReadAll(maxWorkflowBytes)
	if errors.Is(err, checks.ErrTooLarge) {
		res.Findings = append(res.Findings, checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityMedium,
			Message:  fmt.Sprintf("%s is %d bytes, over the %d-byte limit for workflows: its steps were not reviewed.", path.Base(f.Path), f.Size, maxWorkflowBytes),
			Evidence: "size limit"})
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("read %s: %w", f.Path, err)
	}
	var w *workflow
	if wf {
		w, err = parseWorkflow(f.Path, b)
	} else {
		w, err = parseAction(f.Path, b)
	}
	if err != nil {
		res.Findings = append(res.Findings, checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityMedium,
			Message:  fmt.Sprintf("%s could not be parsed (%v): its steps were not reviewed.", path.Base(f.Path), err),
			Evidence: "parse error"})
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	res.Findings = review(w, strings.Split(string(b), "\n"))
	return res, nil
}

// review applies every rule to a parsed workflow.
func review(w *workflow, lines []string) []checks.Finding {
	r := &reporter{w: w, lines: lines}
	r.untrustedCheckout()
	r.injection()
	r.routedInjection()
	r.pinning()
	r.typosquats()
	r.permissions()
	r.secrets()
	r.envWrites()
	r.releaseCache()
	r.downloads()
	return r.out
}

type reporter struct {
	w     *workflow
	lines []string
	out   []checks.Finding
}

func (r *reporter) add(rule string, sev checks.Severity, line int, evidence, msg string) *checks.Finding {
	r.out = append(r.out, checks.Finding{RuleID: rule, Severity: sev, StartLine: line, EndLine: line,
		Message: redactURLs(msg), Evidence: redactURLs(evidence)})
	return &r.out[len(r.out)-1]
}

func (r *reporter) line(n int) string {
	if n < 1 || n > len(r.lines) {
		return ""
	}
	return strings.TrimRight(r.lines[n-1], "\r")
}

// allSteps visits every step with its job.
func (r *reporter) allSteps(fn func(j *job, i int, s *step)) {
	for _, j := range r.w.Jobs {
		for i, s := range j.Steps {
			fn(j, i, s)
		}
	}
}

// userinfo matches the credentials part of a URL ("scheme://user:pass@").
var userinfo = regexp.MustCompile(`(://)([^/@\s:]+)(:[^/@\s]*)?@`)

// redactURLs masks credentials in URLs that a script quotes (curl
// https://user:token@…): ward never writes a secret into a finding.
func redactURLs(s string) string {
	if !strings.Contains(s, "@") {
		return s
	}
	return userinfo.ReplaceAllStringFunc(s, func(m string) string {
		sub := userinfo.FindStringSubmatch(m)
		if sub[3] == "" && len(sub[2]) < 16 {
			return m // a plain user name such as git@
		}
		if sub[3] == "" {
			return sub[1] + "***@"
		}
		return sub[1] + sub[2] + ":***@"
	})
}
