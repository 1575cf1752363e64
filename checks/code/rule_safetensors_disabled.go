package code

import "github.com/ward-sec/ward/checks"

// RuleSafetensorsOff is use_safetensors=False.
const RuleSafetensorsOff = "code-safetensors-disabled"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleSafetensorsOff, Title: "use_safetensors=False forces pickle-based weights", Severity: checks.SeverityMedium,
		Why: "use_safetensors=False makes transformers/diffusers load pytorch_model.bin (a pickle) even when a " +
			"safetensors file exists, bringing back code execution on load.",
		Fix:        "Remove use_safetensors=False, or set it to True so that loading fails rather than unpickles.",
		FixExample: "model = AutoModel.from_pretrained(\"org/model\", revision=REV, use_safetensors=True)",
		References: []string{"CWE-502", "LLM03:2025"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		if v := call.kwarg("use_safetensors"); v.isFalse() {
			h := c.report(call, "use_safetensors=False loads pickle-based weights, which can run code when loaded.")
			h.sugg = c.suggest(call, replaceNode(v, "True"))
		}
	},
})
