package code

import "github.com/ward-sec/ward/checks"

// RuleLLMExec is model output evaluated as code.
const RuleLLMExec = "code-llm-output-exec"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleLLMExec, Title: "LLM output evaluated as code", Severity: checks.SeverityCritical,
		Why: "A language model's output is attacker-influenced: prompt injection through a document, web page, " +
			"email or tool result can make the model return any code it likes. Passing that output to " +
			"eval/exec/new Function runs it with the application's rights.",
		Fix: "Never execute model output. Ask the model for structured data (JSON with a schema) and map it to " +
			"a fixed set of operations; if code execution is the product, run it in a disposable sandbox " +
			"(container or VM without credentials or network).",
		FixExample: "args = json.loads(reply)\nresult = OPERATIONS[args[\"op\"]](float(args[\"x\"]), float(args[\"y\"]))",
		References: []string{"CWE-94", "CWE-95", "LLM05:2025", "LLM01:2025"},
	},
	onCall: func(c *ctx, call *node) {
		if code := c.evalSink(call); code != nil && c.taintOf(code)&tLLM != 0 {
			c.report(call, "Model output reaches "+c.callee(call)+": a prompt injection becomes code execution.")
		}
	},
})
