package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleCORS is a wildcard CORS origin with credentials.
const RuleCORS = "code-cors-wildcard-credentials"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleCORS, Title: "CORS allows any origin with credentials", Severity: checks.SeverityMedium,
		Why: "Allowing every origin together with credentials lets any web site a logged-in user visits call " +
			"your API as that user and read the answers (libraries reflect the caller's origin to make it work).",
		Fix:        "List the origins that may call the API with credentials.",
		FixExample: "CORS(app, origins=[\"https://app.example.com\"], supports_credentials=True)",
		References: []string{"CWE-942", "CWE-346"},
		Hygiene:    true,
	},
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		switch c.u.lang {
		case python:
			switch {
			case hasAny(name, "flask_cors.CORS", "flask_cors.cross_origin"):
				if !call.kwarg("supports_credentials").isTrue() {
					return
				}
				o := call.kwarg("origins")
				if o == nil {
					if r := call.kwarg("resources"); r != nil && r.kind == kDict {
						for _, k := range r.kw {
							if k.val != nil && k.val.kind == kDict {
								o = k.val.kwarg("origins")
							}
						}
						if o == nil {
							o = &node{kind: kStr, str: "*"}
						}
					}
				}
				if o == nil || isWildcard(o) {
					c.report(call, "CORS with supports_credentials=True and every origin allowed: any site can make "+
						"authenticated calls and read the answers.")
				}
			case call.obj != nil && call.obj.kind == kAttr && call.obj.name == "add_middleware" && len(call.args) > 0 &&
				strings.HasSuffix(c.name(call.args[0]), "CORSMiddleware"):
				if call.kwarg("allow_credentials").isTrue() && (isWildcard(call.kwarg("allow_origins")) ||
					c.konstRegexAll(call.kwarg("allow_origin_regex"))) {
					c.report(call, "CORSMiddleware with allow_credentials=True and every origin allowed: any site can "+
						"make authenticated calls and read the answers.")
				}
			}
		case golang:
			return
		default:
			if name != "cors" || len(call.args) == 0 || call.args[0].kind != kDict {
				return
			}
			opts := call.args[0]
			if o := opts.kwarg("origin"); opts.kwarg("credentials").isTrue() && (o == nil || o.isTrue() || isWildcard(o)) {
				c.report(call, "cors() with credentials: true and every origin allowed: any site can make authenticated "+
					"calls and read the answers.")
			}
		}
	},
	onDict: func(c *ctx, d *node) {
		if c.u.lang != golang || d.obj == nil {
			return
		}
		t := c.name(d.obj)
		if !strings.HasSuffix(t, "cors.Options") && !strings.HasSuffix(t, "cors.Config") {
			return
		}
		if !d.kwarg("AllowCredentials").isTrue() {
			return
		}
		if d.kwarg("AllowAllOrigins").isTrue() || isWildcard(d.kwarg("AllowedOrigins")) || isWildcard(d.kwarg("AllowOrigins")) {
			c.report(d, "CORS allows every origin with credentials: any site can make authenticated calls and read the answers.")
		}
	},
})

// isWildcard reports "*" or a list containing "*".
func isWildcard(n *node) bool {
	if n == nil {
		return false
	}
	if n.kind == kStr {
		return n.str == "*"
	}
	if n.kind == kList {
		for _, a := range n.args {
			if a != nil && a.kind == kStr && a.str == "*" {
				return true
			}
		}
	}
	return false
}

func (c *ctx) konstRegexAll(n *node) bool {
	return n != nil && n.kind == kStr && (n.str == ".*" || n.str == "^.*$" || n.str == ".+")
}
