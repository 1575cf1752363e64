package checks

// Rule is the documentation of one kind of finding. `ward rules`, docs/rules.md,
// `/explain`, SARIF rule metadata and review comments all read it from here.
type Rule struct {
	ID       string   // stable, lowercase kebab-case, prefixed by family
	Title    string   // one line
	Severity Severity // default; a finding or the config may change it
	Family   string   // binary, model, code, secrets, supplychain, actions, agent, ward
	// Why explains what goes wrong, for an author who has never heard of it.
	Why string
	// Fix says how to fix it; FixExample is a code example of the fix.
	Fix        string
	FixExample string
	// References: CWE ids ("CWE-502"), OWASP LLM Top 10 ("LLM05:2025"), CVEs, URLs.
	References []string
	// Supersedes names rules (of any family) whose finding on the same
	// lines of the same file this rule's finding replaces: the same issue,
	// reported more precisely, so the author reads it once.
	Supersedes []string `json:",omitempty"`
	// Hygiene marks a code-hygiene rule: its findings drop one severity level
	// in tests, examples and docs (see PathContextPolicy).
	Hygiene bool `json:",omitempty"`
}
