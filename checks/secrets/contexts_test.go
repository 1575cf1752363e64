package secrets

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// Each provider key is found in the ways keys are usually written down —
// the variants gitleaks' own rule tests generate: env files, shell exports,
// YAML, JSON, TOML, Python and JavaScript assignments.
func TestProviderKeyContexts(t *testing.T) {
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	// Rules that need the provider's name next to the key, and that name.
	named := map[string]string{"cohere-api-token": "cohere", "mistral-api-key": "mistral",
		"deepseek-api-key": "deepseek", "wandb-api-key": "wandb"}
	contexts := []string{
		"%s_API_KEY=%s",
		"export %s_API_KEY=\"%s\"",
		"%s_api_key: '%s'",
		"{\"%s_api_key\": \"%s\"}",
		"%s_api_key = \"%s\"  # TOML or Python",
		"const %sApiKey = `%s`;",
	}
	for _, k := range newKeyGen(14).providerKeys() {
		name, needsName := named[k.gitleaksRule]
		if !needsName {
			name = "service"
		}
		for _, c := range contexts {
			line := fmt.Sprintf(c, name, k.key)
			if k.gitleaksRule == "wandb-api-key" && strings.Contains(c, "ApiKey") {
				line = fmt.Sprintf("const wandbApiKey = `%s`;", k.key)
			}
			ms := d.Find(context.Background(), "x", "first line\n"+line+"\n")
			ok := false
			for _, m := range ms {
				ok = ok || (m.GitleaksRule == k.gitleaksRule && m.Secret == k.key && m.Line == 2)
			}
			if !ok {
				t.Errorf("%s not found in %q: %+v", k.gitleaksRule, c, ms)
			}
		}
	}
}
