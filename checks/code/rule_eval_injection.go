package code

import "github.com/ward-sec/ward/checks"

// RuleEvalInjection is eval/exec of a non-literal.
const RuleEvalInjection = "code-eval-injection"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleEvalInjection, Title: "eval/exec of a non-literal string", Severity: checks.SeverityHigh,
		Why: "eval, exec, compile, new Function and vm.run* execute whatever string they get. When it is not a " +
			"constant, anyone who can influence it runs code in the process.",
		Fix: "Parse data instead of evaluating it: ast.literal_eval or json.loads for values, a dispatch " +
			"table for operations.",
		FixExample: "value = ast.literal_eval(text)",
		References: []string{"CWE-95", "CWE-94"},
	},
	onCall: func(c *ctx, call *node) {
		code := c.evalSink(call)
		if code == nil || c.konst(code) || code.kind == kFunc || c.taintOf(code)&tLLM != 0 {
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
		msg := c.callee(call) + " runs a string that is not a constant: whoever influences it runs code here."
		if c.taintOf(code)&tRequest != 0 {
			msg = "Request input reaches " + c.callee(call) + ": any caller runs code in this process."
		}
		c.report(call, msg)
	},
})
