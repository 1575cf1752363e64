package actions

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// hit is one untrusted expression in a script.
type hit struct {
	use  exprUse
	path string
	line int
}

func (r *reporter) injection() {
	r.allSteps(func(_ *job, _ int, s *step) {
		if s.Run != nil {
			r.injectionIn(s, s.Run, "run")
		}
		if s.Uses != nil && isAction(s.Uses.Value, "actions/github-script") {
			if sc := s.With["script"]; sc != nil {
				r.injectionIn(s, sc, "script")
			}
		}
	})
}

func (r *reporter) injectionIn(s *step, t *text, where string) {
	var hits []hit
	for _, e := range expressions(t.Value) {
		for _, p := range untrustedPaths(e) {
			hits = append(hits, hit{use: e, path: p, line: t.lineOf(e.Offset)})
		}
	}
	for i, h := range hits {
		name := envName(h.path)
		ref := "\"$" + name + "\""
		if where == "script" {
			ref = "process.env." + name
		}
		f := r.add(RuleInjection, checks.SeverityHigh, h.line, h.use.Raw, fmt.Sprintf(
			"%s is expanded into this %s before it runs. Whoever writes it (%s) can inject %s code that runs "+
				"with the workflow's token and secrets. Pass it through an environment variable (%s) instead.",
			h.use.Raw, where, describeSource(h.path), langOf(where), ref))
		if i == 0 && where == "run" {
			f.Suggestion = r.envSuggestion(s, t, hits)
		}
	}
}

func langOf(where string) string {
	if where == "script" {
		return "JavaScript"
	}
	return "shell"
}

func describeSource(path string) string {
	switch {
	case strings.Contains(path, "head_ref"), strings.Contains(path, "head_branch"), strings.HasSuffix(path, ".ref"):
		return "anyone who names a branch in a pull request"
	case strings.Contains(path, "comment"), strings.Contains(path, "review"):
		return "anyone who can comment"
	case strings.Contains(path, "commit"):
		return "any commit author"
	}
	return "anyone who opens an issue or pull request"
}

// envSuggestion rewrites a block "run:" so that every untrusted expression
// comes from an env: entry added to the step. It needs the step to have no
// env: of its own (a second env key would be invalid YAML) and a block
// scalar, whose lines map one-to-one onto the source.
func (r *reporter) envSuggestion(s *step, t *text, hits []hit) *checks.Suggestion {
	if s.HasEnv || s.RunKey == 0 {
		return nil
	}
	if !t.Block { // a one-line plain scalar only: quoted YAML would need re-escaping
		v := strings.TrimSpace(r.line(s.RunKey))
		_, after, _ := strings.Cut(v, "run:")
		after = strings.TrimSpace(after)
		if strings.HasPrefix(after, "\"") || strings.HasPrefix(after, "'") || t.Line != s.RunKey || strings.Contains(t.Value, "\n") {
			return nil
		}
	}
	last := 0
	names := map[string]string{} // raw expression → env name
	var order []string
	for _, h := range hits {
		last = max(last, h.line)
		if _, ok := names[h.use.Raw]; !ok {
			names[h.use.Raw] = envName(h.path)
			order = append(order, h.use.Raw)
		}
	}
	keyLine := r.line(s.RunKey)
	trimmed := strings.TrimLeft(keyLine, " ")
	indent := strings.Repeat(" ", len(keyLine)-len(trimmed))
	var b strings.Builder
	first := trimmed
	if strings.HasPrefix(trimmed, "- ") { // run is the step's first key
		b.WriteString(indent + "- env:\n")
		indent += "  "
		first = trimmed[2:]
	} else {
		b.WriteString(indent + "env:\n")
	}
	sort.SliceStable(order, func(i, j int) bool { return names[order[i]] < names[order[j]] })
	for _, raw := range order {
		fmt.Fprintf(&b, "%s  %s: %s\n", indent, names[raw], raw)
	}
	subst := func(l string) string {
		for _, raw := range order {
			l = replaceQuoted(l, raw, names[raw])
		}
		return l
	}
	b.WriteString(indent + subst(first))
	for n := s.RunKey + 1; n <= last; n++ {
		b.WriteString("\n" + subst(r.line(n)))
	}
	return &checks.Suggestion{StartLine: s.RunKey, EndLine: last, Replacement: b.String()}
}

// replaceQuoted swaps an expression for "$NAME", without doubling quotes
// when it already sat inside double quotes.
func replaceQuoted(line, raw, name string) string {
	var b strings.Builder
	for {
		i := strings.Index(line, raw)
		if i < 0 {
			b.WriteString(line)
			return b.String()
		}
		inQuotes := strings.Count(line[:i], "\"")%2 == 1
		b.WriteString(line[:i])
		if inQuotes {
			b.WriteString("${" + name + "}")
		} else {
			b.WriteString("\"${" + name + "}\"")
		}
		line = line[i+len(raw):]
	}
}
