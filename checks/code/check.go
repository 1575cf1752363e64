// Package code holds ward's source-code rules: unsafe model loading, LLM
// output reaching dangerous sinks, and the classic flaws AI assistants
// reproduce, for Python, JavaScript, TypeScript (TSX) and Go.
package code

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// New returns the source check.
func New() checks.Check { return Check{} }

// Check runs every code rule on Python, JS/TS and Go sources.
type Check struct{}

// Name implements checks.Check.
func (Check) Name() string { return "code" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (Check) Version() string { return "1" }

// Rules implements checks.Check.
func (Check) Rules() []checks.Rule {
	out := make([]checks.Rule, 0, len(codeRules))
	for _, r := range codeRules {
		out = append(out, r.Rule)
	}
	return out
}

// Scan implements checks.Check.
func (Check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	l := langFor(f.Path)
	if l == langNone && !f.Binary {
		l = langFromShebang(f.Path, f.Head(256))
	}
	if l == langNone && isNotebook(f.Path) && !f.Binary {
		return scanNotebook(ctx, f)
	}
	if l == langNone {
		if isShellScript(f.Path) && !f.Binary {
			return scanShell(f)
		}
		return checks.Result{}, nil
	}
	if f.Binary {
		return checks.Result{}, nil
	}
	lim := f.Limits.Effective()
	if f.Size > lim.MaxSourceBytes {
		return checks.Result{Findings: []checks.Finding{{
			RuleID: RuleSourceSkipped, Severity: checks.SeverityLow, Path: f.Path,
			Message: fmt.Sprintf("This %s file is %d bytes, over the %d-byte bound for source files (usually "+
				"minified, bundled or generated code), so ward's code rules did not read it. If it is "+
				"hand-written, split it; if it is generated, review its generator instead.", l, f.Size, lim.MaxSourceBytes),
			Evidence: "over source size bound",
		}}}, nil
	}
	src, err := f.ReadAll(lim.MaxSourceBytes)
	if err != nil {
		return checks.Result{}, fmt.Errorf("read %s: %w", f.Path, err)
	}
	findings, err := analyse(ctx, f, l, src)
	if err != nil {
		return checks.Result{}, err
	}
	return checks.Result{Findings: findings, Analysed: true}, nil
}

// analyse parses src and runs every rule; it is the whole pipeline of one
// file, shared by Scan, the tests, fuzzing and the benchmarks.
func analyse(ctx context.Context, f *checks.File, l lang, src []byte) ([]checks.Finding, error) {
	var u *unit
	var err error
	if l == golang {
		u = parseGo(f.Path, src)
	} else {
		u, err = parseTS(ctx, f.Path, l, src)
		if errors.Is(err, errParseStalled) {
			// Not a syntax error: the parser itself gave up, on input that
			// may have been made to stall it. Medium, unlike a broken file.
			return []checks.Finding{{
				RuleID: RuleParseFailed, Severity: checks.SeverityMedium, Path: f.Path,
				Message: fmt.Sprintf("The %s parser did not finish on this file within %s, so ward's code rules "+
					"did not analyse it. Parsers stall on unusual input, and input can be written to make them "+
					"stall: look at what this file contains.", l, parseBudget(len(src))),
				Evidence: "parse stalled: " + l.String(),
			}}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", f.Path, err)
		}
	}
	if u.broken {
		return []checks.Finding{{
			RuleID: RuleParseFailed, Severity: checks.SeverityLow, Path: f.Path,
			Message: fmt.Sprintf("ward could not parse this file as %s (syntax errors cover much of it), so its "+
				"code rules did not analyse it. Unparseable code in a PR is unusual: check that the file "+
				"is what it claims to be.", l),
			Evidence: "parse failed: " + l.String(),
		}}, nil
	}
	hits, err := runRules(ctx, u, f)
	if err != nil {
		return nil, err
	}
	out := make([]checks.Finding, 0, len(hits))
	for _, h := range hits {
		start, end := u.lines(h.at)
		fd := checks.Finding{
			RuleID: h.rule.ID, Severity: h.sev, Path: f.Path,
			StartLine: start, EndLine: end,
			Message: h.msg, Evidence: h.evidence, Fix: h.fix, Suggestion: h.sugg,
		}
		out = append(out, fd)
	}
	checks.MarkSuppressed(checks.InlineSuppressions(src), out)
	return out, nil
}

// runRules walks every scope's events in source order, updating the
// data-flow state and calling the rules' predicates.
func runRules(goctx context.Context, u *unit, f *checks.File) ([]*hit, error) {
	var rules []*rule
	for _, r := range codeRules {
		if r.forLang(u.lang) && (r.applies == nil || r.applies(u)) {
			rules = append(rules, r)
		}
	}
	c := &ctx{u: u, file: f}
	scopes := append([]*scope{u.module}, u.scopes...)
	if hasNamedFuncs(u) {
		// First pass: what each function of the file returns, and what
		// its callers in this file pass it.
		c.returns = map[string]taint{}
		c.constReturns = map[string]bool{}
		c.argTaints = map[string]map[string]taint{}
		if err := c.pass(goctx, scopes, nil, true); err != nil {
			return nil, err
		}
		c.applyArgTaints()
		c.argTaints = nil
		c.gen++
	}
	if err := c.pass(goctx, scopes, rules, false); err != nil {
		return nil, err
	}
	c.s, c.env = u.module, c.module
	for _, r := range rules {
		if r.onUnit != nil {
			c.cur = r
			r.onUnit(c)
		}
	}
	return dedupe(c.hits), nil
}

// pass walks every scope's events once. With collect set it only updates
// the environment and records return taints; otherwise it runs the rules.
func (c *ctx) pass(goctx context.Context, scopes []*scope, rules []*rule, collect bool) error {
	c.module, c.scopeEnvs = nil, nil
	for i, s := range scopes {
		if i&63 == 0 && goctx.Err() != nil {
			return goctx.Err()
		}
		c.s = s
		c.gen++
		c.scopeCalls = nil
		c.guards = nil
		c.env = map[string]val{}
		for _, ev := range s.events {
			switch ev.kind {
			case evCall:
				for _, r := range rules {
					if r.onCall != nil {
						c.cur = r
						r.onCall(c, ev.call)
					}
				}
				if !collect {
					c.visitDicts(rules, ev.call)
				}
				c.noteGuard(ev.call)
				if collect {
					c.noteArgs(ev.call)
				}
			case evGuard:
				if len(ev.targets) == 1 {
					c.noteMembership(ev.targets[0], ev.value)
				}
			case evAssign, evFor:
				for _, t := range ev.targets {
					for _, r := range rules {
						if r.onAssign != nil && t != nil {
							c.cur = r
							r.onAssign(c, t, ev.value)
						}
					}
				}
				if !collect {
					c.visitDicts(rules, ev.value)
				}
				c.assign(ev)
			case evReturn:
				if collect {
					if s.name != "" {
						c.returns[s.name] |= c.taintOf(ev.value)
						k, seen := c.constReturns[s.name]
						c.constReturns[s.name] = c.konst(ev.value) && (k || !seen)
					}
				} else {
					c.visitDicts(rules, ev.value)
				}
			}
		}
		if s.isModule {
			c.module = c.env
		} else if len(c.env) > 0 {
			if c.scopeEnvs == nil {
				c.scopeEnvs = map[*scope]map[string]val{}
			}
			c.scopeEnvs[s] = c.env
		}
	}
	return nil
}

// hasNamedFuncs reports whether the file has a named function (whose
// return value or parameters the first pass can summarise).
func hasNamedFuncs(u *unit) bool {
	for _, s := range u.scopes {
		if s.name != "" {
			return true
		}
	}
	return false
}

// visitDicts calls the dict rules on literals inside an expression, but not
// inside nested calls: those are events of their own.
func (c *ctx) visitDicts(rules []*rule, n *node) {
	root := n
	n.walk(func(x *node) bool {
		if x.kind == kCall && x != root {
			return false
		}
		if x.kind == kDict {
			for _, r := range rules {
				if r.onDict != nil {
					c.cur = r
					r.onDict(c, x)
				}
			}
		}
		return true
	})
}

// assign updates the environment after an assignment or a for loop.
func (c *ctx) assign(ev event) {
	c.gen++
	for _, t := range ev.targets {
		key := dotted(t)
		if key == "" {
			continue
		}
		nv := val{t: c.taintOf(ev.value), konst: c.konst(ev.value), value: ev.value, ctor: c.ctorOf(ev.value)}
		nv.inert = nv.konst || c.inert(ev.value)
		if len(ev.targets) > 1 || ev.kind == evFor {
			nv.value, nv.ctor = nil, ""
			if ev.kind == evFor {
				nv.konst = ev.value != nil && ev.value.kind == kList && c.konst(ev.value)
				nv.inert = nv.konst || ev.value != nil && ev.value.kind == kCall && c.callee(ev.value) == "range"
			}
		}
		if ev.aug {
			old, _ := c.lookup(key)
			nv.t |= old.t
			nv.konst = nv.konst && old.konst
			nv.inert = nv.inert && (old.inert || old.konst)
			nv.value = nil
		}
		if !strings.Contains(key, ".") || nv.t != 0 || nv.ctor != "" || nv.konst || nv.inert {
			c.env[key] = nv
		}
	}
}

// dedupe keeps one hit per rule and position (a node can be reached from
// its own event and from an enclosing one).
func dedupe(hs []*hit) []*hit {
	seen := map[[3]int]map[string]bool{}
	out := hs[:0]
	for _, h := range hs {
		k := [3]int{h.at.sb, h.at.eb, 0}
		if seen[k] == nil {
			seen[k] = map[string]bool{}
		}
		if seen[k][h.rule.ID] {
			continue
		}
		seen[k][h.rule.ID] = true
		out = append(out, h)
	}
	return out
}

// langFromShebang reads the language of an extensionless script from its
// `#!` line (`#!/usr/bin/env python3`, `#!/usr/bin/node`): formats are
// detected by content, and such scripts are code like any other.
func langFromShebang(path string, head []byte) lang {
	base := path[strings.LastIndex(path, "/")+1:]
	if strings.Contains(base, ".") || !bytes.HasPrefix(head, []byte("#!")) {
		return langNone
	}
	line, _, _ := bytes.Cut(head[2:], []byte("\n"))
	fields := strings.Fields(string(line))
	if len(fields) == 0 {
		return langNone
	}
	prog := fields[0][strings.LastIndex(fields[0], "/")+1:]
	if prog == "env" {
		for _, a := range fields[1:] {
			if !strings.HasPrefix(a, "-") {
				prog = a
				break
			}
		}
	}
	switch {
	case strings.HasPrefix(prog, "python"), strings.HasPrefix(prog, "pypy"):
		return python
	case prog == "node", prog == "nodejs", prog == "deno", prog == "bun":
		return javascript
	}
	return langNone
}
