package secrets

import (
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// envTemplates name the .env variants meant to be committed: placeholders
// only, or (.env.vault, dotenv-vault's format) values encrypted with a key
// kept elsewhere. Any dot-part of the name counts: .env.local.example and
// .env.production.sample are templates too.
var envTemplates = map[string]bool{"example": true, "sample": true, "template": true, "tmpl": true,
	"tpl": true, "dist": true, "vault": true}

// isEnvFile reports whether p is a .env file that should not be committed:
// ".env" or ".env.<anything>" other than the template names.
func isEnvFile(p string) bool {
	base := strings.ToLower(path.Base(p))
	if base == ".env" {
		return true
	}
	if !strings.HasPrefix(base, ".env.") || len(base) == len(".env.") {
		return false
	}
	for _, part := range strings.Split(base[len(".env."):], ".") {
		if envTemplates[part] {
			return false
		}
	}
	return true
}

func envFileFinding(p string) checks.Finding {
	return checks.Finding{
		RuleID:   RuleEnvFile,
		Severity: checks.SeverityMedium,
		Message: "`" + path.Base(p) + "` is an environment file: by convention it holds local credentials and " +
			"is kept out of version control. Once committed, every value in it stays in the history; " +
			"any secret ward recognises in it is reported separately.",
		Evidence: path.Base(p),
	}
}
