package code

import (
	"bufio"
	"bytes"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleTrustRemoteCode is trust_remote_code=True and its CLI flag.
const RuleTrustRemoteCode = "code-trust-remote-code"

var trustRule = register(&rule{
	Rule: checks.Rule{
		ID: RuleTrustRemoteCode, Title: "trust_remote_code=True runs code from the model repository", Severity: checks.SeverityHigh,
		Why: "With trust_remote_code=True, transformers, datasets, vLLM and friends download Python files from " +
			"the model's hub repository and import them. Whoever can push to that repository (or take it " +
			"over) runs code on your machines, and the code can change under the same model name.",
		Fix: "Use a model class that ships with the library. If you must run the repository's code, vendor it " +
			"after review, or pin revision= to a reviewed commit hash.",
		FixExample: "model = AutoModelForCausalLM.from_pretrained(\n    \"org/model\", revision=\"3f5c1a9e0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e\", trust_remote_code=False\n)",
		References: []string{"CWE-94", "CWE-829", "LLM03:2025"},
	},
	onCall: func(c *ctx, call *node) {
		if v := call.kwarg("trust_remote_code"); v.isTrue() && c.u.lang == python {
			if suffixAny(c.callee(call), "datasets.load_dataset") {
				// datasets 4.0 removed loading scripts (huggingface/datasets#7592):
				// the flag runs code only where an older datasets is installed.
				h := c.report(call, "load_dataset(trust_remote_code=True) runs the dataset repository's loading "+
					"script with datasets < 4.0; datasets 4.0 removed loading scripts, so on current releases the "+
					"flag does nothing. Drop it, or pin revision= if an older datasets must run the script.")
				h.sev = checks.SeverityMedium
				return
			}
			c.report(call, "trust_remote_code=True imports Python code from the model's hub repository: whoever "+
				"controls that repository runs code here.")
		}
	},
	onDict: func(c *ctx, d *node) {
		for _, k := range d.kw {
			if (k.key == "trust_remote_code" || k.key == "trustRemoteCode") && k.val.isTrue() {
				c.report(k.val, "trust_remote_code=True (passed through an options dictionary) imports Python code "+
					"from the model's hub repository.")
			}
		}
	},
	onUnit: func(c *ctx) {
		for _, s := range c.u.flagStrings {
			if s.kind == kStr && strings.Contains(s.str, "--trust-remote-code") || s.kind == kFormat && strings.Contains(s.str, "--trust-remote-code") {
				c.report(s, "The command line passes --trust-remote-code: the tool will import Python code from the "+
					"model's hub repository.")
			}
		}
	},
})

// isShellScript reports scripts whose command lines the rule reads.
func isShellScript(p string) bool {
	p = strings.ToLower(p)
	return strings.HasSuffix(p, ".sh") || strings.HasSuffix(p, ".bash")
}

// scanShell finds --trust-remote-code in shell scripts (not in comments).
func scanShell(f *checks.File) (checks.Result, error) {
	lim := f.Limits.Effective()
	if f.Size > lim.MaxSourceBytes {
		return checks.Result{}, nil
	}
	src, err := f.ReadAll(lim.MaxSourceBytes)
	if err != nil {
		return checks.Result{}, err
	}
	var out []checks.Finding
	sc := bufio.NewScanner(bytes.NewReader(src))
	sc.Buffer(make([]byte, 64*1024), len(src)+1)
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		if i := strings.Index(t, "#"); i >= 0 && (i == 0 || t[i-1] == ' ' || t[i-1] == '\t') {
			t = t[:i]
		}
		if strings.Contains(t, "--trust-remote-code") || strings.Contains(t, "trust_remote_code=True") {
			out = append(out, checks.Finding{RuleID: RuleTrustRemoteCode, Severity: trustRule.Severity, Path: f.Path,
				StartLine: line, EndLine: line, Evidence: strings.TrimSpace(t),
				Message: "The command line passes --trust-remote-code: the tool will import Python code from the " +
					"model's hub repository."})
		}
	}
	checks.MarkSuppressed(checks.InlineSuppressions(src), out)
	return checks.Result{Findings: out, Analysed: true}, nil
}
