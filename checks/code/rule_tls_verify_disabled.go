package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleTLSVerify is TLS certificate verification turned off.
const RuleTLSVerify = "code-tls-verify-disabled"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleTLSVerify, Title: "TLS certificate verification disabled", Severity: checks.SeverityMedium,
		Why: "Without certificate verification anyone on the network path (a café Wi-Fi, a compromised " +
			"proxy) can impersonate the server, read the API keys sent to it and change the responses — " +
			"including model files and LLM answers.",
		Fix: "Keep verification on; for a private CA, point the client at its certificate bundle instead " +
			"of disabling checks.",
		FixExample: "requests.get(url, verify=\"/etc/ssl/certs/internal-ca.pem\", timeout=10)",
		References: []string{"CWE-295"},
		Hygiene:    true,
	},
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		if c.u.lang == python {
			if v := call.kwarg("verify"); v.isFalse() && !strings.Contains(strings.ToLower(name), "jwt") &&
				!strings.HasSuffix(name, ".decode") {
				h := c.report(call, "verify=False turns off certificate checks: a network attacker can read and change this traffic.")
				h.sugg = c.suggest(call, replaceNode(v, "True"))
				return
			}
			if v := call.kwarg("ssl"); v.isFalse() && strings.HasPrefix(name, "aiohttp") {
				c.report(call, "ssl=False turns off certificate checks for this aiohttp connection.")
				return
			}
			if hasAny(name, "ssl._create_unverified_context", "ssl._create_stdlib_context") {
				c.report(call, name+" creates a TLS context that accepts any certificate.")
			}
		}
	},
	onAssign: func(c *ctx, target, value *node) {
		switch {
		case target.kind == kAttr && target.name == "verify_mode" && c.name(value) == "ssl.CERT_NONE",
			target.kind == kAttr && target.name == "check_hostname" && value.isFalse() && c.u.lang == python:
			c.report(target, "This TLS context stops checking certificates ("+target.name+"): connections can be intercepted.")
		case target.kind == kAttr && target.name == "NODE_TLS_REJECT_UNAUTHORIZED" && value.kind == kStr && value.str == "0":
			c.report(target, "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for every request of this process.")
		case target.kind == kAttr && target.name == "verify" && value.isFalse() && c.u.lang == python:
			h := c.report(target, "session.verify = False turns off certificate checks for every request of this session.")
			h.sugg = c.suggest(value, replaceNode(value, "True"))
		}
	},
	onDict: func(c *ctx, d *node) {
		for _, k := range d.kw {
			switch {
			case k.key == "rejectUnauthorized" && k.val.isFalse():
				h := c.report(k.val, "rejectUnauthorized: false accepts any certificate: connections can be intercepted.")
				h.sugg = c.suggest(k.val, replaceNode(k.val, "true"))
			case k.key == "InsecureSkipVerify" && k.val.isTrue():
				h := c.report(k.val, "InsecureSkipVerify: true accepts any certificate: connections can be intercepted.")
				h.sugg = c.suggest(k.val, replaceNode(k.val, "false"))
			}
		}
	},
})
