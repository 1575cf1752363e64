package actions

import (
	"regexp"
	"strings"

	"github.com/rhysd/actionlint"
)

// untrustedRoots extends actionlint's list of attacker-controlled contexts
// (issue and PR titles and bodies, comments, reviews, head refs, commit
// messages, wiki page names…) with the workflow_run fields a fork controls.
var untrustedRoots = func() actionlint.UntrustedInputSearchRoots {
	m := actionlint.NewUntrustedInputMap
	roots := actionlint.UntrustedInputSearchRoots{}
	roots.AddRoot(m("github",
		m("event",
			m("issue", m("title"), m("body")),
			m("pull_request", m("title"), m("body"),
				m("head", m("ref"), m("label"), m("repo", m("default_branch")))),
			m("comment", m("body")),
			m("review", m("body")),
			m("review_comment", m("body")),
			m("pages", m("*", m("page_name"))),
			m("commits", m("*", m("message"), m("author", m("email"), m("name")))),
			m("head_commit", m("message"), m("author", m("email"), m("name"))),
			m("discussion", m("title"), m("body")),
			m("workflow_run",
				m("head_branch"), m("display_title"),
				m("head_commit", m("message"), m("author", m("email"), m("name"))),
				m("pull_requests", m("*", m("head", m("ref"))))),
		),
		m("head_ref"),
	))
	return roots
}()

// exprUse is one ${{ }} expression inside a string.
type exprUse struct {
	Raw    string // "${{ github.event.issue.title }}"
	Offset int    // byte offset of "${{" in the string
	Node   actionlint.ExprNode
}

// maxExprs bounds the expressions read from one string.
const maxExprs = 1000

// expressions parses every ${{ }} in s with actionlint's expression parser.
// Unparsable expressions are skipped: GitHub rejects the workflow anyway.
func expressions(s string) []exprUse {
	var out []exprUse
	pos := 0
	for len(out) < maxExprs {
		i := strings.Index(s[pos:], "${{")
		if i < 0 {
			break
		}
		start := pos + i
		body := s[start+3:]
		l := actionlint.NewExprLexer(body)
		node, err := actionlint.NewExprParser().Parse(l)
		end := strings.Index(body, "}}")
		if err != nil || end < 0 {
			pos = start + 3
			continue
		}
		consumed := l.Offset()
		if consumed < end+2 {
			consumed = end + 2
		}
		if consumed > len(body) {
			consumed = len(body)
		}
		out = append(out, exprUse{Raw: s[start : start+3+consumed], Offset: start, Node: node})
		pos = start + 3 + consumed
	}
	return out
}

var quotedPath = regexp.MustCompile(`"([^"]+)"`)

// untrustedPaths returns the attacker-controlled context paths an
// expression reads (e.g. "github.event.issue.title").
func untrustedPaths(e exprUse) []string {
	c := actionlint.NewUntrustedInputChecker(untrustedRoots)
	actionlint.VisitExprNode(e.Node, func(n, _ actionlint.ExprNode, entering bool) {
		if entering {
			c.OnVisitNodeEnter(n)
		} else {
			c.OnVisitNodeLeave(n)
		}
	})
	c.OnVisitEnd()
	var out []string
	for _, err := range c.Errs() {
		for _, m := range quotedPath.FindAllStringSubmatch(err.Message, -1) {
			if strings.HasPrefix(m[1], "github.") {
				out = append(out, m[1])
			}
		}
	}
	return out
}

// readsSecretsAsJSON reports toJSON(secrets), which hands every secret of
// the repository to one step.
func readsSecretsAsJSON(e exprUse) bool {
	found := false
	actionlint.VisitExprNode(e.Node, func(n, _ actionlint.ExprNode, entering bool) {
		if f, ok := n.(*actionlint.FuncCallNode); ok && entering && strings.EqualFold(f.Callee, "tojson") {
			for _, a := range f.Args {
				if v, ok := a.(*actionlint.VariableNode); ok && strings.EqualFold(v.Name, "secrets") {
					found = true
				}
			}
		}
	})
	return found
}

// envName turns a context path into an environment variable name:
// github.event.issue.title → ISSUE_TITLE.
func envName(path string) string {
	parts := strings.Split(path, ".")
	var keep []string
	for i := len(parts) - 1; i >= 0 && len(keep) < 2; i-- {
		if parts[i] == "*" || parts[i] == "event" || parts[i] == "github" {
			continue
		}
		keep = append([]string{parts[i]}, keep...)
	}
	return notEnvChar.ReplaceAllString(strings.ToUpper(strings.Join(keep, "_")), "_")
}

var notEnvChar = regexp.MustCompile(`[^A-Z0-9_]`)
