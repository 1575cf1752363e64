package code

import (
	"regexp"

	"github.com/ward-sec/ward/checks"
)

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
		if isBuilt || (built == nil || built.kind != kStr) && c.runsSQL(call) {
			c.report(call, "Model output reaches SQL run by "+c.callee(call)+": a prompt injection can rewrite the query.")
		}
	},
})

// sqlOnlyMethods run SQL whatever their receiver; query, exec, fetch and
// the rest also name RAG queries and remote commands, so a whole value
// passed to them counts as SQL only on a receiver named like a database.
var sqlOnlyMethods = set("execute", "executemany", "executescript", "$queryRawUnsafe", "$executeRawUnsafe",
	"read_sql", "read_sql_query", "mogrify", "QueryContext", "ExecContext", "QueryRowContext", "QueryRow")

var dbReceiver = regexp.MustCompile(`(?i)(cur|conn|db|database|session|engine|pool|sql|knex|prisma|sequelize|pg|mysql|sqlite|duckdb|tx|transaction|client)`)

// runsSQL reports a sink call that surely runs its argument as SQL.
func (c *ctx) runsSQL(call *node) bool {
	if call.obj == nil || call.obj.kind != kAttr {
		return true // sqlalchemy.text, pandas.read_sql
	}
	if sqlOnlyMethods[call.obj.name] {
		return true
	}
	recv := call.obj.obj
	return recv != nil && (recv.kind == kIdent || recv.kind == kAttr) && dbReceiver.MatchString(recv.lastName())
}
