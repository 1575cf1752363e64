package code

import "github.com/ward-sec/ward/checks"

// RuleSQLInjection is SQL built from non-literal strings.
const RuleSQLInjection = "code-sql-injection"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleSQLInjection, Title: "SQL query built from untrusted input", Severity: checks.SeverityHigh,
		Why: "A query built with f-strings, %, .format, + or template literals treats data as SQL: a quote in " +
			"the value ends the string and the rest runs as SQL (injection), reading or changing any data. " +
			"High when input from outside (a request or handler argument, a webhook or message payload, " +
			"fetched content) reaches the query; low (hygiene) when the query is built from values ward cannot " +
			"trace to such a source (table names from code, parameters of a helper); not reported when the " +
			"parts are literals, numbers or values checked against an allow-list. Model output has its own " +
			"rule (code-llm-output-sql).",
		Fix:        "Use bound parameters (placeholders) and pass the values separately.",
		FixExample: "cur.execute(\"SELECT * FROM users WHERE email = %s\", (email,))",
		References: []string{"CWE-89"},
	},
	onCall: func(c *ctx, call *node) {
		q := c.sqlSink(call)
		if q == nil {
			return
		}
		built, isBuilt := c.builtSQL(q)
		if !isBuilt {
			return
		}
		sev, t, ok := c.injectionLevel(built, 0)
		if !ok || c.taintOf(q)&tLLM != 0 {
			return
		}
		if sev == checks.SeverityHigh {
			c.report(call, sourceWords(t)+" is built into the SQL run by "+c.callee(call)+" instead of bound "+
				"parameters: a quote in it rewrites the query.")
			return
		}
		h := c.report(call, "The SQL run by "+c.callee(call)+" is built from non-literal values instead of bound "+
			"parameters; ward found no untrusted source reaching it (hygiene, low).")
		h.sev = sev
	},
})
