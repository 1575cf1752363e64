package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleJWTVerify is JWT decoding without signature verification.
const RuleJWTVerify = "code-jwt-verify-disabled"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleJWTVerify, Title: "JWT signature verification disabled", Severity: checks.SeverityHigh,
		Why: "A JWT whose signature is not checked (verify_signature False, the \"none\" algorithm, " +
			"ParseUnverified) is just a claim anyone can write: they can log in as any user.",
		Fix:        "Verify with the expected key and an explicit algorithm list.",
		FixExample: "claims = jwt.decode(token, key, algorithms=[\"RS256\"], audience=AUDIENCE)",
		References: []string{"CWE-347", "CWE-287"},
		Hygiene:    true,
	},
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		switch c.u.lang {
		case golang:
			if strings.Contains(name, "jwt") && strings.HasSuffix(name, ".ParseUnverified") {
				c.report(call, "ParseUnverified reads the token's claims without checking its signature.")
			}
			return
		case python:
			if !strings.HasPrefix(name, "jwt.") && !strings.HasPrefix(name, "jose.jwt.") {
				return
			}
			if !strings.HasSuffix(name, ".decode") {
				return
			}
			if v := call.kwarg("verify"); v.isFalse() {
				c.report(call, "jwt.decode(verify=False) accepts tokens with any signature.")
				return
			}
			if opts := call.kwarg("options"); opts != nil && opts.kind == kDict {
				if v := opts.kwarg("verify_signature"); v.isFalse() {
					c.report(call, "jwt.decode with verify_signature False accepts tokens with any signature.")
					return
				}
			}
		default:
			if !strings.HasPrefix(name, "jsonwebtoken.") || !strings.HasSuffix(name, ".verify") {
				return
			}
		}
		if algs := call.kwarg("algorithms"); algs != nil && algs.kind == kList {
			for _, a := range algs.args {
				if a.kind == kStr && strings.EqualFold(a.str, "none") {
					c.report(call, "The \"none\" algorithm is accepted: a token without a signature passes.")
					return
				}
			}
		}
	},
})
