package code

import "github.com/ward-sec/ward/checks"

// Rule IDs for files the code rules could not read.
const (
	RuleParseFailed   = "code-parse-failed"
	RuleSourceSkipped = "code-source-skipped"
)

var _ = register(&rule{Rule: checks.Rule{
	ID:       RuleParseFailed,
	Title:    "Source file could not be parsed",
	Severity: checks.SeverityLow,
	Why: "ward reads source code through a parser. When most of a file is syntax errors (or it is " +
		"not the language its name says), the code rules cannot analyse it, and a finding they would " +
		"have made is missing. When the parser itself stalls on a file (medium), the file may have been " +
		"written to make it stall.",
	Fix:        "Fix the syntax errors, or rename the file if it is not source code (for example a template).",
	FixExample: "mv prompts/template.py prompts/template.py.j2",
	References: []string{"CWE-1164"},
}})

var _ = register(&rule{Rule: checks.Rule{
	ID:       RuleSourceSkipped,
	Title:    "Source file over the size bound was not analysed",
	Severity: checks.SeverityLow,
	Why: "Very large source files are almost always minified bundles or generated code. ward skips them " +
		"to keep reviews fast, so nothing inside them was checked.",
	Fix: "Keep generated and minified files out of the repository (build them in CI), or review " +
		"the generator's input instead.",
	FixExample: "# .gitignore\ndist/\n*.min.js",
	References: []string{"CWE-1104"},
}})
