package code

import "github.com/ward-sec/ward/checks"

// RuleCommandInjection is a shell command built from non-literals.
const RuleCommandInjection = "code-command-injection"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleCommandInjection, Title: "Command run through a shell from a non-literal string", Severity: checks.SeverityHigh,
		Why: "A shell interprets ; | && $() and backticks. When any part of the command string is not a " +
			"constant, a value containing them runs extra commands (OS command injection). Running a " +
			"program chosen by request input is the same problem without the shell.",
		Fix: "Run the program directly with an argument list and no shell (shell=False, execFile, " +
			"exec.Command(prog, args...)), with the program name a constant.",
		FixExample: "subprocess.run([\"convert\", src, dst], check=True)",
		References: []string{"CWE-78", "CWE-77"},
	},
	onCall: func(c *ctx, call *node) {
		if cmd := c.shellSink(call); cmd != nil {
			t := c.taintOf(cmd)
			if t&tLLM != 0 || c.konst(cmd) {
				return // LLM output has its own (critical) rule; constants are fine
			}
			msg := "The shell command passed to " + c.callee(call) + " is built from non-literal values: " +
				"shell metacharacters in them run extra commands."
			if t&tRequest != 0 {
				msg = "Request input reaches a shell via " + c.callee(call) + ": any caller can run commands on this host."
			}
			c.report(call, msg)
			return
		}
		if prog, _ := c.programSink(call); prog != nil {
			t := c.taintOf(prog)
			if t&tRequest != 0 && t&tLLM == 0 {
				c.report(call, "Request input chooses the program run by "+c.callee(call)+".")
			}
		}
	},
})
