package code

import "github.com/ward-sec/ward/checks"

// RuleLLMShell is model output run as a command.
const RuleLLMShell = "code-llm-output-shell"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleLLMShell, Title: "LLM output run as a shell command", Severity: checks.SeverityCritical,
		Why: "Model output can be steered by prompt injection. Running it as a command (a shell, " +
			"subprocess, child_process, exec.Command) hands the attacker a shell on the host.",
		Fix: "Map the model's answer onto an allow-list of commands with validated arguments, without a shell; " +
			"or run agents' commands in a disposable sandbox without credentials.",
		FixExample: "ALLOWED = {\"status\": [\"git\", \"status\"], \"log\": [\"git\", \"log\", \"-5\"]}\n" +
			"subprocess.run(ALLOWED[choice], check=True)",
		References: []string{"CWE-78", "LLM05:2025", "LLM06:2025"},
	},
	onCall: func(c *ctx, call *node) {
		if cmd := c.shellSink(call); cmd != nil && c.taintOf(cmd)&tLLM != 0 {
			c.report(call, "Model output reaches a shell ("+c.callee(call)+"): a prompt injection becomes a command on this host.")
			return
		}
		if _, all := c.programSink(call); all != nil {
			for _, a := range all {
				if c.taintOf(a)&tLLM != 0 {
					c.report(call, "Model output decides the command run by "+c.callee(call)+": a prompt injection "+
						"chooses what runs on this host.")
					return
				}
			}
		}
	},
})
