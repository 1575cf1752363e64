package code

import "github.com/ward-sec/ward/checks"

// RuleCommandInjection is a shell command built from non-literals.
const RuleCommandInjection = "code-command-injection"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleCommandInjection, Title: "Untrusted input in a command run through a shell", Severity: checks.SeverityHigh,
		Why: "A shell interprets ; | && $() and backticks. When input from outside (a web request or handler " +
			"argument, a webhook or chat message payload, content fetched over the network) reaches the command " +
			"string, whoever sent it runs extra commands on the host (OS command injection); input choosing the " +
			"program is the same problem without the shell. Severity follows the source: high when such input " +
			"reaches the sink unchecked; low (hygiene) when the command is merely not a constant and ward cannot " +
			"trace any part of it to outside input (a parameter, argv, a variable); nothing when every part is a " +
			"literal, a number, a quoted word (shlex.quote) or a platform fact (process.platform), or when the " +
			"value was checked first (a regex match, an allow-list, isdigit). Model output has its own rule " +
			"(code-llm-output-shell, critical).",
		Fix: "Run the program directly with an argument list and no shell (shell=False, execFile, " +
			"exec.Command(prog, args...)), with the program name a constant; validate the input against an " +
			"allow-list first.",
		FixExample: "subprocess.run([\"convert\", src, dst], check=True)",
		References: []string{"CWE-78", "CWE-77"},
	},
	onCall: func(c *ctx, call *node) {
		if cmd := c.shellSink(call); cmd != nil {
			sev, t, ok := c.injectionLevel(cmd, 0)
			if !ok {
				return
			}
			if sev == checks.SeverityHigh {
				c.report(call, sourceWords(t)+" reaches a shell via "+c.callee(call)+": whoever sends it can run "+
					"commands on this host.")
				return
			}
			h := c.report(call, "The shell command passed to "+c.callee(call)+" is built from values that are not "+
				"constants. ward found no untrusted source reaching it (hygiene, low): if any part can come from "+
				"outside, pass an argument list without a shell or quote it with shlex.quote.")
			h.sev = sev
			return
		}
		if prog, _ := c.programSink(call); prog != nil {
			t := c.taintOf(prog)
			if t&untrusted != 0 && t&tLLM == 0 {
				c.report(call, sourceWords(t)+" chooses the program run by "+c.callee(call)+".")
			}
		}
	},
})
