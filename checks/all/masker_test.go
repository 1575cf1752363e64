package all_test

import (
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/all"
	"github.com/ward-sec/ward/checks/hub"
)

// Building the check set installs the masker that checks.MaskFinding
// applies at the boundary: without it, findings would leave unmasked.
func TestMaskerRegistered(t *testing.T) {
	checks.SetMasker(nil)
	all.Default()
	if !checks.HasMasker() {
		t.Fatal("no masker registered: findings would leave the checks unmasked")
	}
	const token = "ghp_R7t9Qx2LmW4vZp8KcN3yHs6JdF1gTb5Ae0Uo"
	if got := checks.MaskText("key " + token); strings.Contains(got, token[8:]) {
		t.Fatalf("the registered masker left a GitHub token: %q", got)
	}
	// Names that read like tokens but are code stay readable.
	for _, s := range []string{"keras.config.enable_unsafe_deserialization", "_TemplateReference__context",
		"InitializeTableFromTextFileV2", "attacker/payload-repo.XForCausalLM"} {
		if got := checks.MaskText("uses " + s); got != "uses "+s {
			t.Errorf("over-masked %q as %q", s, got)
		}
	}
}

// Every registered check says its version, which the result cache key
// includes (checks.AnalyserVersion): a new check without one would be
// cached across changes to its detection.
func TestEveryCheckVersioned(t *testing.T) {
	if len(all.Default()) == 0 {
		t.Fatal("empty check set")
	}
	for _, c := range all.Default() {
		v, ok := c.(checks.Versioned)
		if !ok || v.Version() == "" {
			t.Errorf("check %s has no Version", c.Name())
		}
	}
}

// Building the set fills the rule catalogue: every rule of every check,
// and the Hub's, which no per-file check reports.
func TestDefaultFillsRuleCatalogue(t *testing.T) {
	checks.UseRules(nil)
	if _, ok := checks.LookupRule("code-trust-remote-code"); ok {
		t.Fatal("UseRules(nil) kept an old rule")
	}
	set := all.Default()
	for _, c := range set {
		for _, r := range c.Rules() {
			if _, ok := checks.LookupRule(r.ID); !ok {
				t.Errorf("rule %s of check %s not in the catalogue", r.ID, c.Name())
			}
		}
	}
	for _, r := range hub.Rules {
		if _, ok := checks.LookupRule(r.ID); !ok {
			t.Errorf("hub rule %s not in the catalogue", r.ID)
		}
	}
}
