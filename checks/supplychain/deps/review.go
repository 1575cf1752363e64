package deps

import (
	"context"
	"fmt"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// review compares head with base (nil when there is none) and reports.
func (c *Check) review(ctx context.Context, filePath, src string, hm, bm *Manifest) []checks.Finding {
	r := reviewer{path: filePath, lines: strings.Split(src, "\n"), head: hm, base: bm}
	r.indexBase()
	var osvCandidates []Dep
	for _, d := range hm.Deps {
		if !r.inScope(d) {
			continue
		}
		r.dependency(d)
		if d.Source == FromRegistry && (d.Eco == PyPI || d.Eco == Npm || d.Eco == Go) && d.Name != "" {
			osvCandidates = append(osvCandidates, d)
		}
	}
	r.indexes()
	r.scripts()
	r.replaces()
	r.resolved()
	c.knownBad(ctx, &r, osvCandidates)
	return r.out
}

type reviewer struct {
	path        string
	lines       []string
	head, base  *Manifest
	baseDeps    map[string]Dep
	baseLock    map[string]bool
	baseIndexes map[string]bool
	baseScripts map[string]string
	baseRepl    map[string]bool
	baseRes     map[string]bool
	out         []checks.Finding
}

func (r *reviewer) indexBase() {
	r.baseDeps, r.baseLock = map[string]Dep{}, map[string]bool{}
	r.baseIndexes, r.baseScripts = map[string]bool{}, map[string]string{}
	r.baseRepl, r.baseRes = map[string]bool{}, map[string]bool{}
	if r.base == nil {
		return
	}
	for _, d := range r.base.Deps {
		if d.Lock {
			r.baseLock[d.Key()+"@"+d.Spec] = true
		} else {
			r.baseDeps[d.Key()] = d
		}
	}
	for _, ix := range r.base.Indexes {
		r.baseIndexes[indexKey(ix)] = true
	}
	for _, s := range r.base.Scripts {
		r.baseScripts[s.Name] = s.Command
	}
	for _, rp := range r.base.Replaces {
		r.baseRepl[rp.Text] = true
	}
	for _, rs := range r.base.Resolved {
		r.baseRes[rs.Name+"\x00"+rs.URL] = true
	}
}

func indexKey(ix Index) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%v\x00%v", ix.Kind, ix.Name, ix.URL, ix.Confusable, ix.Insecure)
}

// inScope: without a base everything is judged; with one, only what is new
// or changed (a lock entry by name and version).
func (r *reviewer) inScope(d Dep) bool {
	if r.base == nil {
		return true
	}
	if d.Lock {
		return !r.baseLock[d.Key()+"@"+d.Spec]
	}
	b, ok := r.baseDeps[d.Key()]
	return !ok || b.Spec != d.Spec || b.URL != d.URL || b.Source != d.Source || b.Name != d.Name
}

func (r *reviewer) add(f checks.Finding) { r.out = append(r.out, f) }

func (r *reviewer) lineText(n int) string {
	if n < 1 || n > len(r.lines) {
		return ""
	}
	return strings.TrimRight(r.lines[n-1], "\r")
}

// dependency applies the per-dependency rules.
func (r *reviewer) dependency(d Dep) {
	_, existed := r.baseDeps[d.Key()]
	unnamedLocal := d.Source == FromPath && d.Name == d.URL && localInsideRepo(r.path, d.URL) // "-e ."
	if r.base != nil && !d.Lock && !existed && r.head.Format != "constraints" && !unnamedLocal {
		r.add(checks.Finding{RuleID: RuleNewDependency, Severity: checks.SeverityInfo, StartLine: d.Line, EndLine: d.Line,
			Message:  fmt.Sprintf("New %s dependency %s%s. Confirm it is the package you meant.", d.Eco, d.Name, describeSpec(d)),
			Evidence: d.Name})
	}
	if d.Eco == Conda || d.Lock {
		return
	}
	if d.Source == FromRegistry {
		if sq, ok := Typosquat(d.Eco, d.Name); ok {
			r.add(checks.Finding{RuleID: RuleTyposquat, Severity: checks.SeverityHigh, StartLine: d.Line, EndLine: d.Line,
				Message: fmt.Sprintf("%s looks like the popular %s package %s (%s) but is not it. Typosquats run "+
					"the attacker's code on install; if you meant %s, use its exact name.", d.Name, d.Eco, sq.Target, sq.How, sq.Target),
				Evidence:   d.Name + " ~ " + sq.Target,
				Fix:        fmt.Sprintf("Replace %s with %s (check the registry page first).", d.Name, sq.Target),
				Suggestion: r.replaceOnLine(d.Line, d.Name, sq.Target)})
		} else if d.Alias != "" && Normalize(d.Eco, d.Alias) != Normalize(d.Eco, d.Name) && Known(d.Eco, d.Alias) {
			r.add(checks.Finding{RuleID: RuleTyposquat, Severity: checks.SeverityHigh, StartLine: d.Line, EndLine: d.Line,
				Message: fmt.Sprintf("%q is an alias: npm installs the package %s under the popular name %s, so code "+
					"that imports %s runs %s instead.", d.Alias, d.Name, d.Alias, d.Alias, d.Name),
				Evidence: d.Alias + " -> " + d.Name})
		} else if LooksHallucinated(d.Eco, d.Name) {
			r.add(checks.Finding{RuleID: RuleUnknownPackage, Severity: checks.SeverityLow, StartLine: d.Line, EndLine: d.Line,
				Message: fmt.Sprintf("%s is in none of ward's lists of popular %s packages and has the shape of names AI "+
					"assistants invent. Verify it exists and is the one you meant before installing it.", d.Name, d.Eco),
				Evidence: d.Name})
		}
		if r.head.App && d.Eco == PyPI && loosePEP440(d.Spec) {
			r.add(checks.Finding{RuleID: RuleLoosePin, Severity: checks.SeverityLow, StartLine: d.Line, EndLine: d.Line,
				Message: fmt.Sprintf("%s is not pinned (%s): every install takes the newest release, including a "+
					"compromised one published minutes ago.", d.Name, specOrNone(d.Spec)),
				Evidence: d.Name})
		}
		return
	}
	if d.Source == FromPath && localInsideRepo(r.path, d.URL) {
		return
	}
	r.add(checks.Finding{RuleID: RuleDirectSource, Severity: checks.SeverityMedium, StartLine: d.Line, EndLine: d.Line,
		Message: fmt.Sprintf("%s is installed from %s (%s), not from the registry: what gets installed is whatever "+
			"that location serves at install time, with no immutable version.", d.Name, d.Source.phrase(), d.URL),
		Evidence: d.Name + " " + d.URL})
}

func describeSpec(d Dep) string {
	switch {
	case d.Source != FromRegistry:
		return fmt.Sprintf(" from %s %s", d.Source, d.URL)
	case d.Spec != "":
		return " " + d.Spec
	}
	return ""
}

func specOrNone(s string) string {
	if s == "" {
		return "no version constraint"
	}
	return "constraint " + s
}

// replaceOnLine builds a suggestion replacing old with new when old appears
// exactly once on the line.
func (r *reviewer) replaceOnLine(line int, old, new string) *checks.Suggestion {
	t := r.lineText(line)
	if t == "" || strings.Count(t, old) != 1 {
		return nil
	}
	return &checks.Suggestion{StartLine: line, EndLine: line, Replacement: strings.Replace(t, old, new, 1)}
}
