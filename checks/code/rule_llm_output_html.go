package code

import "github.com/ward-sec/ward/checks"

// RuleLLMHTML is model output rendered as raw HTML.
const RuleLLMHTML = "code-llm-output-html"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleLLMHTML, Title: "LLM output rendered as raw HTML", Severity: checks.SeverityHigh,
		Why: "Model output inserted as HTML (innerHTML, dangerouslySetInnerHTML, document.write, Markup, " +
			"mark_safe, render_template_string) is stored XSS on demand: a prompt injection makes the model " +
			"emit <script> or an <img onerror> that runs in your users' browsers.",
		Fix:        "Render model output as text, or convert Markdown with a sanitiser (DOMPurify, bleach) first.",
		FixExample: "el.textContent = reply;\n// or: el.innerHTML = DOMPurify.sanitize(marked.parse(reply));",
		References: []string{"CWE-79", "LLM05:2025"},
	},
	onCall: func(c *ctx, call *node) {
		if h := c.htmlSinkCall(call); h != nil && c.taintOf(h)&tLLM != 0 {
			c.report(call, "Model output is emitted as raw HTML by "+c.callee(call)+": a prompt injection becomes script in the page.")
		}
	},
	onAssign: func(c *ctx, target, value *node) {
		if htmlSinkAssign(target) && c.taintOf(value)&tLLM != 0 {
			c.report(target, "Model output is assigned to "+target.name+": a prompt injection becomes script in the page.")
		}
	},
})
