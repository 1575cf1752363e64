package code

import "github.com/ward-sec/ward/checks"

// RulePandasPickle is pandas.read_pickle.
const RulePandasPickle = "code-pandas-read-pickle"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RulePandasPickle, Title: "pandas.read_pickle", Severity: checks.SeverityHigh,
		Why:        "pandas.read_pickle is pickle.load: a dataset file shared as a pickle runs code when it is read.",
		Fix:        "Exchange data frames as Parquet, Feather or CSV.",
		FixExample: "df = pd.read_parquet(\"data.parquet\")",
		References: []string{"CWE-502", "LLM03:2025"},
	},
	langs: pyOnly,
	onCall: func(c *ctx, call *node) {
		if hasAny(c.callee(call), "pandas.read_pickle") {
			c.report(call, "pandas.read_pickle unpickles the file: a crafted data file runs code when it is read.")
		}
	},
})
