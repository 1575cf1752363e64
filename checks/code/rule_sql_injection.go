package code

import "github.com/ward-sec/ward/checks"

// RuleSQLInjection is SQL built from non-literal strings.
const RuleSQLInjection = "code-sql-injection"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleSQLInjection, Title: "SQL query built by formatting or concatenation", Severity: checks.SeverityHigh,
		Why: "A query built with f-strings, %, .format, + or template literals treats data as SQL: a quote in " +
			"the value ends the string and the rest runs as SQL (injection), reading or changing any data.",
		Fix:        "Use bound parameters (placeholders) and pass the values separately.",
		FixExample: "cur.execute(\"SELECT * FROM users WHERE email = %s\", (email,))",
		References: []string{"CWE-89"},
	},
	onCall: func(c *ctx, call *node) {
		q := c.sqlSink(call)
		if q == nil {
			return
		}
		if _, built := c.builtSQL(q); built && c.taintOf(q)&tLLM == 0 {
			c.report(call, "The SQL run by "+c.callee(call)+" is built from non-literal values instead of bound "+
				"parameters: a quote in a value rewrites the query.")
		}
	},
})
