package code

import "github.com/ward-sec/ward/checks"

// RuleEvalInjection is eval/exec of a non-literal.
const RuleEvalInjection = "code-eval-injection"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleEvalInjection, Title: "Untrusted input evaluated as code", Severity: checks.SeverityHigh,
		Why: "eval, exec, compile, new Function and vm.run* execute whatever string they get. When input from " +
			"outside (a request or handler argument, a webhook or message payload, fetched content) reaches " +
			"them, its sender runs code in the process: high. A string that is merely not a constant, with no " +
			"untrusted source ward can trace, is reported at low (hygiene); one checked first against a regex " +
			"or an allow-list, or built only from literals and numbers, is not reported. Model output has its " +
			"own rule (code-llm-output-exec, critical).",
		Fix: "Parse data instead of evaluating it: ast.literal_eval or json.loads for values, a dispatch " +
			"table for operations.",
		FixExample: "value = ast.literal_eval(text)",
		References: []string{"CWE-95", "CWE-94"},
	},
	onCall: func(c *ctx, call *node) {
		code := c.evalSink(call)
		if code == nil || code.kind == kFunc {
			return
		}
		if code.kind == kCall && c.evalSink(code) != nil {
			return // exec(compile(...)): reported once, at compile
		}
		if code.kind == kIdent {
			if v, ok := c.lookup(code.name); ok && v.value != nil && v.value.kind == kCall && c.evalSink(v.value) != nil {
				return // code = compile(src); exec(code): reported at compile
			}
		}
		sev, t, ok := c.injectionLevel(code, 0)
		if !ok {
			return
		}
		if sev == checks.SeverityHigh {
			c.report(call, sourceWords(t)+" reaches "+c.callee(call)+": its sender runs code in this process.")
			return
		}
		h := c.report(call, c.callee(call)+" runs a string that is not a constant; ward found no untrusted source "+
			"reaching it (hygiene, low). Parse data instead of evaluating it.")
		h.sev = sev
	},
})
