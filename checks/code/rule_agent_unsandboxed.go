package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleAgentUnsandboxed is an agent set up to run the code or commands its
// model writes on the host, without a sandbox or a human in the loop.
const RuleAgentUnsandboxed = "code-agent-unsandboxed-exec"

// unsandboxedExecutors run model-written code or commands as the host
// process: autogen's local executor, the Microsoft Agent Framework's and
// AG2's LocalShellTool, smolagents' LocalPythonExecutor given "*".
var unsandboxedExecutors = set("LocalCommandLineCodeExecutor", "LocalShellTool", "LocalShellExecutor")

// dangerousImports turn smolagents' local interpreter into a full Python.
var dangerousImports = set("*", "os", "subprocess", "sys", "shutil", "builtins", "importlib", "pty", "socket",
	"posix", "ctypes", "multiprocessing", "os.*", "subprocess.*")

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleAgentUnsandboxed, Title: "Agent runs model-written code on the host without a sandbox",
		Severity: checks.SeverityHigh,
		Why: "The code or commands an agent's model writes are steered by whatever the model reads: a prompt " +
			"injection in a web page, document, issue or tool result becomes code run with this process's " +
			"files, network and credentials. Reported where such an agent is created: autogen's " +
			"LocalCommandLineCodeExecutor or code_execution_config={\"use_docker\": False}; smolagents' " +
			"CodeAgent or LocalPythonExecutor with additional_authorized_imports [\"*\"] (or os, subprocess…) " +
			"on the local executor; CrewAI's allow_code_execution=True with code_execution_mode=\"unsafe\" and " +
			"CodeInterpreterTool(unsafe_mode=True); Open Interpreter's auto_run=True; LocalShellTool (Microsoft " +
			"Agent Framework, AG2); the Claude Agent SDK's permission mode \"bypassPermissions\"; the Codex " +
			"SDK's sandboxMode \"danger-full-access\". LangChain's PythonREPLTool and ShellTool are " +
			"code-llm-dangerous-tool.",
		Fix: "Run model-written code in a disposable sandbox without credentials (a container or a remote " +
			"sandbox: DockerCommandLineCodeExecutor, smolagents executor_type=\"docker\"/\"e2b\"/\"modal\", " +
			"CrewAI's default safe mode, DockerShellTool, the SDKs' sandboxed modes), keep a human approval " +
			"step for commands, and give the local interpreter only the imports the task needs.",
		FixExample: "from autogen_ext.code_executors.docker import DockerCommandLineCodeExecutor\n\n" +
			"executor = DockerCommandLineCodeExecutor(image=\"python:3.12-slim\", work_dir=\"coding\")\n" +
			"agent = CodeExecutorAgent(\"runner\", code_executor=executor)",
		References: []string{"CWE-94", "CWE-78", "LLM06:2025", "LLM05:2025"},
		Hygiene:    true,
	},
	onCall: func(c *ctx, call *node) {
		if call.obj == nil || call.obj.kind == kCall {
			return
		}
		name := c.callee(call)
		last := call.obj.lastName()
		if unsandboxedExecutors[last] {
			c.report(call, last+" runs the code or commands the model writes directly on this host: a prompt "+
				"injection runs code with this process's rights. Use a container executor.")
			return
		}
		if cfg := call.kwarg("code_execution_config"); cfg != nil && cfg.kind == kDict && cfg.kwarg("use_docker").isFalse() {
			c.report(call, "code_execution_config has use_docker=False: the agent runs model-written code on this host.")
			return
		}
		if hasAny(last, "CodeAgent", "LocalPythonExecutor") {
			et := call.kwarg("executor_type")
			local := et == nil || et.kind == kStr && et.str == "local"
			imps := call.kwarg("additional_authorized_imports")
			if last == "LocalPythonExecutor" {
				imps = call.arg(0, "additional_authorized_imports")
			}
			if local && importsDangerous(imps) {
				c.report(call, last+" on the local executor with additional_authorized_imports "+c.evidence(imps)+
					": the model's code can import what it likes and run on this host.")
			}
			return
		}
		if call.kwarg("allow_code_execution").isTrue() {
			if m := call.kwarg("code_execution_mode"); m != nil && m.kind == kStr && m.str == "unsafe" {
				c.report(call, "allow_code_execution=True with code_execution_mode=\"unsafe\" runs the agent's code on "+
					"this host instead of in Docker.")
				return
			}
		}
		if last == "CodeInterpreterTool" && call.kwarg("unsafe_mode").isTrue() {
			c.report(call, "CodeInterpreterTool(unsafe_mode=True) runs the model's code on this host instead of in Docker.")
			return
		}
		if call.kwarg("auto_run").isTrue() && (strings.Contains(strings.ToLower(name), "interpreter") || last == "OpenInterpreter") {
			c.report(call, "auto_run=True runs the code the model writes without asking anyone first.")
			return
		}
		if v := call.kwarg("permission_mode"); v != nil && v.kind == kStr && v.str == "bypassPermissions" {
			c.report(call, "permission_mode=\"bypassPermissions\" lets the agent run commands and edit files without approval.")
		}
	},
	onAssign: func(c *ctx, target, value *node) {
		if target.kind == kAttr && target.name == "auto_run" && value.isTrue() &&
			strings.Contains(strings.ToLower(c.name(target.obj)), "interpreter") {
			c.report(target, "interpreter.auto_run = True runs the code the model writes without asking anyone first.")
		}
	},
	onDict: func(c *ctx, d *node) {
		for _, k := range d.kw {
			if k.val == nil || k.val.kind != kStr {
				continue
			}
			switch {
			case k.key == "permissionMode" && k.val.str == "bypassPermissions":
				c.report(k.val, "permissionMode \"bypassPermissions\" lets the agent run commands and edit files "+
					"without approval.")
			case k.key == "sandboxMode" && k.val.str == "danger-full-access",
				k.key == "sandbox_mode" && k.val.str == "danger-full-access":
				c.report(k.val, "sandboxMode \"danger-full-access\" runs the agent's commands on this host with no sandbox.")
			}
		}
	},
})

// importsDangerous reports an import allow-list that includes "*" or a
// module that reaches the operating system.
func importsDangerous(l *node) bool {
	if l == nil || l.kind != kList {
		return false
	}
	for _, a := range l.args {
		if a != nil && a.kind == kStr && dangerousImports[a.str] {
			return true
		}
	}
	return false
}
