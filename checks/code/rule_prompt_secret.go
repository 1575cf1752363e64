package code

import "github.com/ward-sec/ward/checks"

// RulePromptSecret is a secret placed in a prompt.
const RulePromptSecret = "code-prompt-secret"

// Keyword arguments of LLM calls that legitimately carry credentials.
var credentialKwargs = set("api_key", "apiKey", "key", "token", "headers", "auth", "organization", "base_url",
	"default_headers", "http_client")

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RulePromptSecret, Title: "Secret placed in an LLM prompt", Severity: checks.SeverityMedium,
		Why: "Whatever is in a prompt can come back out: prompt injection or a curious user can make the model " +
			"repeat it, and it is stored in the provider's and your own logs. A key or password in a " +
			"prompt is a leaked key.",
		Fix: "Keep secrets out of prompts. Tools that need credentials should read them in your code, " +
			"outside the model's context.",
		FixExample: "reply = client.responses.create(model=MODEL, input=question)  # the API key stays in the client",
		References: []string{"CWE-200", "CWE-522", "LLM02:2025", "LLM07:2025"},
	},
	onCall: func(c *ctx, call *node) {
		if !c.isLLMCall(call) {
			return
		}
		for _, a := range call.args {
			if a.kind == kDict {
				for _, k := range a.kw {
					if !credentialKwargs[k.key] && c.taintOf(k.val)&tSecret != 0 {
						c.report(call, "A secret from the environment ends up in the prompt of "+c.callee(call)+": the model can repeat it and logs keep it.")
						return
					}
				}
				continue
			}
			if c.taintOf(a)&tSecret != 0 {
				c.report(call, "A secret from the environment ends up in the prompt of "+c.callee(call)+": the model can repeat it and logs keep it.")
				return
			}
		}
		for _, k := range call.kw {
			if !credentialKwargs[k.key] && c.taintOf(k.val)&tSecret != 0 {
				c.report(call, "A secret from the environment ends up in the prompt of "+c.callee(call)+": the model can repeat it and logs keep it.")
				return
			}
		}
	},
})
