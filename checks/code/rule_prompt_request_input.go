package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RulePromptRequest is request input placed in a system prompt.
const RulePromptRequest = "code-prompt-request-input"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RulePromptRequest, Title: "Request input placed in a system or developer prompt", Severity: checks.SeverityMedium,
		Why: "The system (or developer) message is where the model takes its instructions from. Putting HTTP " +
			"request input there lets any caller rewrite the application's instructions: turn off its " +
			"rules, extract the rest of the prompt, or steer its tools.",
		Fix: "Keep system prompts constant. Pass user input in a user message, delimited, and validate " +
			"choices (persona, language) against an allow-list.",
		FixExample: "messages = [\n    {\"role\": \"system\", \"content\": SYSTEM_PROMPT},\n    {\"role\": \"user\", \"content\": question},\n]",
		References: []string{"CWE-1427", "LLM01:2025", "LLM07:2025"},
	},
	onDict: func(c *ctx, d *node) {
		if content := systemContent(c, d); content != nil && c.taintOf(content)&tRequest != 0 {
			c.report(d, "Request input is placed in the system prompt: any caller can rewrite the model's instructions.")
		}
	},
	onCall: func(c *ctx, call *node) {
		var v *node
		name := c.callee(call)
		switch {
		case c.isLLMCall(call):
			v = call.kwarg("system")
			if v == nil {
				v = call.kwarg("instructions")
			}
		case suffixAny(name, "SystemMessage", "langchain_core.messages.SystemMessage", "langchain.schema.SystemMessage",
			"SystemMessagePromptTemplate.from_template", "openai.SystemMessage", "openai.DeveloperMessage"):
			v = call.arg(0, "content")
		}
		if v != nil && c.taintOf(v)&tRequest != 0 {
			c.report(call, "Request input is placed in the system prompt: any caller can rewrite the model's instructions.")
		}
	},
})

// systemContent returns the content of a system/developer message literal:
// {"role": "system", "content": x} in Python and JS, or Go's
// openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: x}.
func systemContent(c *ctx, d *node) *node {
	role := d.kwarg("role")
	if role == nil {
		role = d.kwarg("Role")
	}
	if role == nil {
		return nil
	}
	isSystem := role.kind == kStr && (role.str == "system" || role.str == "developer") ||
		role.kind == kAttr && (strings.HasSuffix(role.name, "RoleSystem") || strings.HasSuffix(role.name, "RoleDeveloper"))
	if !isSystem {
		return nil
	}
	if v := d.kwarg("content"); v != nil {
		return v
	}
	return d.kwarg("Content")
}
