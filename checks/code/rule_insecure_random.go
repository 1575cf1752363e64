package code

import (
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleInsecureRandom is a non-cryptographic generator used for secrets.
const RuleInsecureRandom = "code-insecure-random-token"

// mlTokenName matches names where "token" means a piece of text (tokens
// sampled for masking or augmentation), not a secret.
var mlTokenName = regexp.MustCompile(`(?i)(tokens|token_?ids?|tokenizer|max_?token|num_?token|n_?token|token_?count|vocab|pad_?token|mask_?token|bos_?token|eos_?token|unk_?token|token_?len|token_?idx|token_?index)`)

var tokenName = regexp.MustCompile(`(?i)(token|secret|nonce|otp|salt|session_?id|sessionid|api_?key|apikey|passw|reset_?code|verif\w*_?code|csrf|invite_?code)`)

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleInsecureRandom, Title: "Non-cryptographic randomness used for a token or secret", Severity: checks.SeverityMedium,
		Why: "random, Math.random and math/rand are predictable: their state can be recovered from a few " +
			"outputs, so tokens, reset codes, session ids or keys made with them can be guessed.",
		Fix:        "Use the platform's cryptographic generator: secrets (Python), crypto.randomBytes/randomUUID (Node), crypto/rand (Go).",
		FixExample: "reset_token = secrets.token_urlsafe(32)",
		References: []string{"CWE-338", "CWE-330"},
		Hygiene:    true,
	},
	onAssign: func(c *ctx, target, value *node) {
		name := target.name
		if target.kind == kIndex && len(target.args) == 1 && target.args[0] != nil && target.args[0].kind == kStr {
			name = target.args[0].str
		}
		if name == "" {
			return
		}
		// The generator first: most assignments call none, and the name
		// patterns cost more than the walk.
		gen := c.insecureRandom(value)
		if gen == "" || !tokenName.MatchString(name) || mlTokenName.MatchString(name) {
			return
		}
		c.report(target, name+" is made with "+gen+", which is predictable: use a cryptographic generator.")
	},
})

// insecureRandom returns the name of a non-cryptographic generator used in
// the expression, or "".
func (c *ctx) insecureRandom(v *node) string {
	found := ""
	v.walk(func(x *node) bool {
		if found != "" || x.kind != kCall {
			return found == ""
		}
		name := c.callee(x)
		switch {
		case strings.HasPrefix(name, "random.") && !strings.HasPrefix(name, "random.SystemRandom"):
			found = name
		case name == "Math.random":
			found = name
		case strings.HasPrefix(name, "math/rand.") || strings.HasPrefix(name, "math/rand/v2."):
			found = name
		}
		return found == ""
	})
	return found
}
