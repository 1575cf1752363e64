package code

import (
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleWeakHash is a fast hash used for passwords.
const RuleWeakHash = "code-weak-password-hash"

var passwordName = regexp.MustCompile(`(?i)(passw|passwd|pwd|passphrase)`)

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleWeakHash, Title: "Password hashed with a fast or broken hash", Severity: checks.SeverityMedium,
		Why: "MD5, SHA-1 and plain SHA-2 are built to be fast: a leaked table of such password hashes is " +
			"cracked at billions of guesses per second on one GPU.",
		Fix:        "Use a password hashing function: argon2id, scrypt or bcrypt (with their libraries' defaults).",
		FixExample: "from argon2 import PasswordHasher\nhashed = PasswordHasher().hash(password)",
		References: []string{"CWE-916", "CWE-328"},
		Hygiene:    true,
	},
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		var data []*node
		algo := ""
		switch {
		case hasAny(name, "hashlib.md5", "hashlib.sha1", "hashlib.sha256", "hashlib.sha512", "crypto/md5.Sum",
			"crypto/sha1.Sum", "crypto/sha256.Sum256", "crypto/sha512.Sum512"):
			algo, data = name, call.args
		case name == "hashlib.new":
			if a := call.arg(0, "name"); a != nil && a.kind == kStr {
				algo = "hashlib.new(\"" + a.str + "\")"
				for _, x := range call.args {
					if x != a {
						data = append(data, x)
					}
				}
				if d := call.kwarg("data"); d != nil {
					data = append(data, d)
				}
			}
		case call.obj != nil && call.obj.kind == kAttr && call.obj.name == "update":
			// crypto.createHash("md5").update(password)
			if r := call.obj.obj; r != nil && r.kind == kCall && c.callee(r) == "crypto.createHash" {
				if a := r.arg(0, ""); a != nil && a.kind == kStr && hasAny(strings.ToLower(a.str), "md5", "sha1", "sha256", "sha512") {
					algo, data = "createHash(\""+a.str+"\")", call.args
				}
			}
		}
		if algo == "" {
			return
		}
		for _, d := range data {
			if mentionsPassword(d) {
				c.report(call, algo+" hashes a password: fast hashes are cracked offline at billions of guesses per second.")
				return
			}
		}
	},
})

// mentionsPassword reports an expression that reads a variable or field named like a password.
func mentionsPassword(n *node) bool {
	found := false
	n.walk(func(x *node) bool {
		if (x.kind == kIdent || x.kind == kAttr) && passwordName.MatchString(x.name) ||
			x.kind == kIndex && len(x.args) == 1 && x.args[0] != nil && x.args[0].kind == kStr && passwordName.MatchString(x.args[0].str) {
			found = true
		}
		return !found
	})
	return found
}
