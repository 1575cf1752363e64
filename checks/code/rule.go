package code

import (
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// rule is one source rule: its documentation plus the predicates that
// find it. Each predicate is called with the data-flow state at the
// point of the call or assignment, in source order.
type rule struct {
	checks.Rule
	langs    []lang                            // nil means every language
	onCall   func(c *ctx, call *node)          // every call expression
	onAssign func(c *ctx, target, value *node) // every assignment target
	onDict   func(c *ctx, d *node)             // every dict / object / composite literal
	onUnit   func(c *ctx)                      // once per file
	applies  func(u *unit) bool                // optional cheap file filter
}

var codeRules []*rule

// register adds a rule at init; rules live one per file.
func register(r *rule) *rule {
	r.Family = "code"
	codeRules = append(codeRules, r)
	return r
}

func (r *rule) forLang(l lang) bool {
	if len(r.langs) == 0 {
		return true
	}
	for _, x := range r.langs {
		if x == l || (x == javascript && l.isJS()) {
			return true
		}
	}
	return false
}

// pyOnly restricts a rule to Python.
var pyOnly = []lang{python}

// hit is a rule match before it becomes a finding.
type hit struct {
	rule     *rule
	sev      checks.Severity
	at       *node
	msg      string
	evidence string
	fix      string
	sugg     *checks.Suggestion
}

// report records a match of the current rule at a node.
func (c *ctx) report(at *node, msg string) *hit {
	h := &hit{rule: c.cur, sev: c.cur.Severity, at: at, msg: msg, evidence: c.evidence(at)}
	c.hits = append(c.hits, h)
	return h
}

// text is the source text of a node.
func (c *ctx) text(n *node) string {
	if n == nil || n.sb < 0 || n.eb > len(c.u.src) || n.sb > n.eb {
		return ""
	}
	return string(c.u.src[n.sb:n.eb])
}

// evidence is the node's text on one line, bounded.
func (c *ctx) evidence(n *node) string {
	s := strings.Join(strings.Fields(c.text(n)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// edit replaces src[sb:eb] with text.
type edit struct {
	sb, eb int
	text   string
}

// suggest builds a suggestion that replaces the whole lines of n with the
// same lines after the edits.
func (c *ctx) suggest(n *node, edits ...edit) *checks.Suggestion {
	src := c.u.src
	ls := n.sb
	for ls > 0 && src[ls-1] != '\n' {
		ls--
	}
	le := n.eb
	for le < len(src) && src[le] != '\n' {
		le++
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].sb < edits[j].sb })
	var b strings.Builder
	pos := ls
	for _, e := range edits {
		if e.sb < pos || e.eb > le || e.sb > e.eb {
			return nil
		}
		b.Write(src[pos:e.sb])
		b.WriteString(e.text)
		pos = e.eb
	}
	b.Write(src[pos:le])
	start, end := c.u.lines(n)
	return &checks.Suggestion{StartLine: start, EndLine: end, Replacement: strings.TrimSuffix(b.String(), "\r")}
}

// addKeyword is the edit that appends `name=value` to a call's arguments.
func (c *ctx) addKeyword(call *node, kw string) (edit, bool) {
	src := c.u.src
	end := call.eb - 1
	if end < 0 || end >= len(src) || src[end] != ')' {
		return edit{}, false
	}
	i := end - 1
	for i > call.sb && (src[i] == ' ' || src[i] == '\n' || src[i] == '\t' || src[i] == '\r') {
		i--
	}
	sep := ", "
	if src[i] == '(' || src[i] == ',' {
		sep = ""
		if src[i] == ',' {
			sep = " "
		}
	}
	return edit{i + 1, i + 1, sep + kw}, true
}

// replaceNode is the edit that replaces a node's text.
func replaceNode(n *node, text string) edit { return edit{n.sb, n.eb, text} }

// Helpers shared by rules.

// hasAny reports whether name is one of names.
func hasAny(name string, names ...string) bool {
	for _, n := range names {
		if name == n {
			return true
		}
	}
	return false
}

// suffixAny reports whether name ends with "."+s or equals s for one of ss.
func suffixAny(name string, ss ...string) bool {
	for _, s := range ss {
		// Not HasSuffix(name, "."+s): the concatenation allocated on
		// every call, and this runs for every call of every file.
		if name == s || len(name) > len(s) && name[len(name)-len(s)-1] == '.' && strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}
