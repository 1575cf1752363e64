package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleAgentTool is an agent given code execution or a shell.
const RuleAgentTool = "code-llm-dangerous-tool"

var dangerousTools = []string{"PythonREPLTool", "PythonAstREPLTool", "ShellTool", "BashProcess", "LLMBashChain",
	"PALChain", "PythonREPL"}

var dangerousToolNames = set("terminal", "python_repl", "shell", "bash", "llm-math-exec")

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleAgentTool, Title: "Agent given code execution, a shell or unrestricted requests", Severity: checks.SeverityHigh,
		Why: "A Python REPL, shell or bash tool (PythonREPLTool, ShellTool, BashProcess, LLMBashChain, PALChain, " +
			"load_tools([\"terminal\"])) or allow_dangerous_code / allow_dangerous_requests lets the model run " +
			"what it decides. Anyone who can put text in front of the model (a web page, a document, a " +
			"user message) can then run code on the host.",
		Fix: "Give the agent narrow tools with validated inputs; if it must run code, run it in a disposable " +
			"sandbox (container or VM without credentials) and require human approval.",
		FixExample: "tools = [StructuredTool.from_function(lookup_order, args_schema=OrderQuery)]",
		References: []string{"CWE-94", "CWE-78", "LLM06:2025", "LLM05:2025"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		for _, t := range dangerousTools {
			if name == t || strings.HasSuffix(name, "."+t) || strings.Contains(name, "."+t+".") && strings.HasPrefix(name, "langchain") {
				c.report(call, t+" gives the model code execution on this host: a prompt injection runs code.")
				return
			}
		}
		if suffixAny(name, "langchain.agents.load_tools", "langchain_community.agent_toolkits.load_tools.load_tools",
			"langchain_community.agent_toolkits.load_tools") {
			if l := call.arg(0, "tool_names"); l != nil && l.kind == kList {
				for _, e := range l.args {
					if e.kind == kStr && dangerousToolNames[e.str] {
						c.report(call, "load_tools([\""+e.str+"\"]) gives the model a shell or interpreter on this host.")
						return
					}
				}
			}
		}
		for _, flag := range []string{"allow_dangerous_code", "allow_dangerous_requests"} {
			if call.kwarg(flag).isTrue() {
				c.report(call, flag+"=True lets the model run code or send arbitrary requests with this process's rights.")
				return
			}
		}
	},
})
