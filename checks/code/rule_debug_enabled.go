package code

import (
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleDebug is a web framework's debug mode turned on.
const RuleDebug = "code-debug-enabled"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleDebug, Title: "Web framework debug mode enabled", Severity: checks.SeverityMedium,
		Why: "Flask's debugger is an interactive Python console in the browser; Django's DEBUG=True shows " +
			"settings, source and SQL on every error page. Deployed by accident, either hands out code " +
			"execution or secrets.",
		Fix:        "Read debug from the environment, off by default.",
		FixExample: "app.run(debug=os.environ.get(\"FLASK_DEBUG\") == \"1\")",
		References: []string{"CWE-489", "CWE-215"},
		Hygiene:    true,
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		v := call.kwarg("debug")
		if !v.isTrue() {
			return
		}
		switch {
		case hasAny(name, "flask.Flask().run", "fastapi.FastAPI", "starlette.applications.Starlette", "quart.Quart().run"),
			call.obj != nil && call.obj.kind == kAttr && call.obj.name == "run" && call.obj.obj != nil &&
				call.obj.obj.kind == kIdent && call.obj.obj.name == "app" && c.u.imports["Flask"] != "":
			h := c.report(call, "Debug mode is on: Flask's debugger gives anyone who reaches an error page a Python console.")
			h.sugg = c.suggest(call, replaceNode(v, "False"))
		}
	},
	onAssign: func(c *ctx, target, value *node) {
		base := path.Base(c.u.path)
		if target.kind == kIdent && target.name == "DEBUG" && value.isTrue() && c.s.isModule &&
			(strings.HasPrefix(base, "settings") || strings.Contains(c.u.path, "settings/")) {
			h := c.report(target, "DEBUG = True in Django settings shows source, settings and SQL on every error page.")
			h.sugg = c.suggest(value, replaceNode(value, "False"))
		}
		if target.kind == kAttr && target.name == "debug" && value.isTrue() && c.name(target.obj) == "flask.Flask()" {
			c.report(target, "app.debug = True turns on Flask's interactive debugger.")
		}
	},
})
