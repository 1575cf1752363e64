package checks

import (
	"fmt"
	"path"
	"strings"
)

// PathContextPolicy is ward's one rule for where a file sits, applied in
// ScanFile to every finding and printed in docs/rules.md.
const PathContextPolicy = "Findings of **code rules** (family `code`) in a test file are reported two severity " +
	"levels lower (critical becomes medium, high becomes low, medium becomes info): tests and benchmarks do not " +
	"ship, and a rule that fires on every test fixture teaches people to ignore it. **Code-hygiene** rules (marked " +
	"*hygiene* below) are also reported one level lower in example and documentation files (high becomes medium, " +
	"medium becomes low); other code rules keep their severity there, because people copy examples. Each lowered " +
	"finding says so in its message. A file is a test when a directory on its path is `test`, `tests`, " +
	"`__tests__`, `testing`, `spec`, `e2e`, `benchmark` or `benchmarks`, or its name is a test's (`test_*.py`, " +
	"`*_test.py`, `conftest.py`, `*.test.ts`, `*.spec.js`, …); an example or doc when a directory is `example`, " +
	"`examples`, `sample`, `samples`, `demo`, `demos`, `cookbook`, `doc` or `docs`. Secrets, model files, " +
	"workflows, dependencies and agent configuration never drop: a key in a test is as leaked as anywhere else, " +
	"and a test's model file is loaded like any other. Per-rule `severity` in `.github/ward.yml` still applies on top."

var (
	testDirs = map[string]bool{"test": true, "tests": true, "__tests__": true, "testing": true, "spec": true, "e2e": true,
		"benchmark": true, "benchmarks": true}
	exampleDirs = map[string]bool{"example": true, "examples": true, "sample": true, "samples": true, "demo": true,
		"demos": true, "cookbook": true}
	docDirs = map[string]bool{"doc": true, "docs": true}
)

// PathContext says whether a slash-separated path is a test, an example or
// documentation ("tests", "examples", "docs"), or "" for anything else.
func PathContext(p string) string {
	p = strings.ToLower(p)
	dirs := strings.Split(path.Dir(p), "/")
	for _, d := range dirs {
		switch {
		case testDirs[d]:
			return "tests"
		case exampleDirs[d]:
			return "examples"
		case docDirs[d]:
			return "docs"
		}
	}
	base := path.Base(p)
	stem := strings.TrimSuffix(base, path.Ext(base))
	switch {
	case base == "conftest.py", strings.HasPrefix(base, "test_") && strings.HasSuffix(base, ".py"),
		strings.HasSuffix(stem, "_test"), strings.HasSuffix(stem, ".test"), strings.HasSuffix(stem, ".spec"):
		return "tests"
	}
	return ""
}

// applyPathContext lowers findings in place: code rules two levels in
// tests, hygiene rules also one level in examples and docs, never below info.
func applyPathContext(p string, fs []Finding, rules map[string]Rule) {
	where := PathContext(p)
	if where == "" {
		return
	}
	for i := range fs {
		r, ok := rules[fs[i].RuleID]
		if !ok || fs[i].Severity <= SeverityInfo || !(r.Hygiene || r.Family == "code" && where == "tests") {
			continue
		}
		from := fs[i].Severity
		fs[i].Severity = lowered(from, where)
		fs[i].Message += fmt.Sprintf(" (Reported %s rather than %s: this file is in %s, see ward's path-context policy.)",
			fs[i].Severity, from, where)
	}
}

// lowered is a hygiene rule's severity in a path context.
func lowered(s Severity, where string) Severity {
	drop := Severity(1)
	if where == "tests" {
		drop = 2
	}
	return max(s-drop, SeverityInfo)
}

// LoweredIn is the severity a hygiene rule's finding of severity s gets in
// a path context ("tests", "examples", "docs"), for documentation.
func LoweredIn(s Severity, where string) Severity { return lowered(s, where) }
