package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleSSRF is request input used as a URL for a server-side request.
const RuleSSRF = "code-ssrf"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleSSRF, Title: "Request input used as the URL of a server-side request", Severity: checks.SeverityHigh,
		Why: "When a caller chooses the URL the server fetches, they reach what only the server can: cloud " +
			"metadata endpoints (credentials), internal services and admin ports (SSRF). Only input from outside " +
			"(requests, webhooks, messages) is reported, at high; a URL checked against a pattern or an allow-list " +
			"first, or one whose host is fixed by a literal, is not.",
		Fix: "Fix the host in code and let input choose only a path or an id; or check the URL's scheme and " +
			"host against an allow-list after resolving it, and block private address ranges.",
		FixExample: "if urlparse(url).hostname not in ALLOWED_HOSTS:\n    abort(400)\nrequests.get(url, timeout=5)",
		References: []string{"CWE-918"},
	},
	onCall: func(c *ctx, call *node) {
		u := c.urlSink(call)
		if u == nil || c.taintFor(u, 0)&tRequest == 0 || fixedHost(u) {
			return
		}
		c.report(call, "Request input decides the URL fetched by "+c.callee(call)+": callers can reach internal "+
			"services and cloud metadata.")
	},
})

var httpVerbs = set("get", "post", "put", "delete", "head", "patch", "options", "request", "stream")

// urlSink returns the URL argument of an outgoing HTTP request.
func (c *ctx) urlSink(call *node) *node {
	name := c.callee(call)
	switch c.u.lang {
	case python:
		for _, lib := range []string{"requests.", "httpx.", "requests.Session().", "httpx.Client().", "httpx.AsyncClient().",
			"aiohttp.ClientSession()."} {
			if strings.HasPrefix(name, lib) && httpVerbs[strings.TrimPrefix(name, lib)] {
				if strings.HasSuffix(name, ".request") {
					return call.arg(1, "url")
				}
				return call.arg(0, "url")
			}
		}
		if hasAny(name, "urllib.request.urlopen", "urllib.request.Request", "urllib2.urlopen", "urllib.urlopen") {
			return call.arg(0, "url")
		}
	case golang:
		switch name {
		case "net/http.Get", "net/http.Post", "net/http.Head", "net/http.PostForm":
			return call.arg(0, "")
		case "net/http.NewRequest":
			return call.arg(1, "")
		case "net/http.NewRequestWithContext":
			return call.arg(2, "")
		}
	default:
		switch {
		case hasAny(name, "fetch", "axios", "got", "node-fetch", "undici.request", "undici.fetch", "http.get", "https.get",
			"http.request", "https.request", "needle"):
			return call.arg(0, "")
		case strings.HasPrefix(name, "axios.") && httpVerbs[strings.TrimPrefix(name, "axios.")],
			strings.HasPrefix(name, "got.") && httpVerbs[strings.TrimPrefix(name, "got.")]:
			return call.arg(0, "")
		}
	}
	return nil
}

// fixedHost reports a URL built from a literal that already fixes the
// scheme and host ("https://api.example.com/users/" + id): input then
// only chooses a path on a host the code picked.
func fixedHost(u *node) bool {
	var prefix string
	switch u.kind {
	case kFormat:
		prefix, _, _ = strings.Cut(u.str, "{}")
	case kConcat:
		if len(u.args) > 0 && u.args[0] != nil && u.args[0].kind == kStr {
			prefix = u.args[0].str
		}
	default:
		return false
	}
	_, rest, ok := strings.Cut(prefix, "://")
	return ok && strings.Contains(rest, "/")
}
