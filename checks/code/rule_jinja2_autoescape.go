package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleJinjaAutoescape is Jinja2 with autoescape=False.
const RuleJinjaAutoescape = "code-jinja2-autoescape-off"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleJinjaAutoescape, Title: "Jinja2 autoescape turned off", Severity: checks.SeverityMedium,
		Why: "With autoescape=False, every {{ value }} is inserted into HTML as is: user input or model output " +
			"containing markup becomes script in the page (XSS).",
		Fix:        "Turn autoescaping on for HTML (select_autoescape) and mark trusted markup explicitly.",
		FixExample: "env = Environment(loader=FileSystemLoader(\"templates\"), autoescape=select_autoescape())",
		References: []string{"CWE-79", "CWE-116"},
		Hygiene:    true,
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		if !strings.HasPrefix(name, "jinja2.") || !(strings.HasSuffix(name, "Environment") || strings.HasSuffix(name, ".Template")) {
			return
		}
		if v := call.kwarg("autoescape"); v.isFalse() {
			h := c.report(call, "Jinja2 autoescape=False inserts values into HTML unescaped: markup in them runs as script.")
			h.sugg = c.suggest(call, replaceNode(v, "True"))
		}
	},
})
