package code

import "github.com/ward-sec/ward/checks"

// RuleLLMSQL is model output in SQL.
const RuleLLMSQL = "code-llm-output-sql"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleLLMSQL, Title: "LLM output used in a SQL query", Severity: checks.SeverityHigh,
		Why: "Model output formatted or concatenated into SQL (or a whole generated query run as is) lets a " +
			"prompt injection read, change or drop any data the connection can reach.",
		Fix: "Pass model-derived values as bound parameters; for text-to-SQL, run generated queries on a " +
			"read-only connection with a restricted role, after parsing them against an allow-list.",
		FixExample: "cur.execute(\"SELECT * FROM products WHERE name = %s\", (llm_answer,))",
		References: []string{"CWE-89", "LLM05:2025"},
	},
	onCall: func(c *ctx, call *node) {
		q := c.sqlSink(call)
		if q == nil {
			return
		}
		built, isBuilt := c.builtSQL(q)
		if c.taintOf(q)&tLLM == 0 {
			return
		}
		if isBuilt || built == nil || built.kind != kStr {
			c.report(call, "Model output reaches SQL run by "+c.callee(call)+": a prompt injection can rewrite the query.")
		}
	},
})
