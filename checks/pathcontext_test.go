package checks

import "testing"

func TestPathContext(t *testing.T) {
	for p, want := range map[string]string{
		"tests/test_model.py":                 "tests",
		"src/pkg/tests/helpers.py":            "tests",
		"packages/ai/src/__tests__/a.ts":      "tests",
		"pkg/model_test.py":                   "tests",
		"test_train.py":                       "tests",
		"conftest.py":                         "tests",
		"packages/core/src/agent.test.ts":     "tests",
		"lib/client.spec.js":                  "tests",
		"examples/lora/train.py":              "examples",
		"Examples/Demo.py":                    "examples",
		"cookbook/rag.ipynb":                  "examples",
		"docs/source/quicktour.md":            "docs",
		"src/peft/tuners/lora/model.py":       "",
		"src/testing_utils.py":                "",
		"latest/model.py":                     "",
		"src/contest/solver.py":               "",
		"src/attest.py":                       "",
		"scripts/docstring_check.py":          "",
		"packages/ai/src/generate-text.ts":    "",
		"checks/code/testdata/fixture/app.py": "",
	} {
		if got := PathContext(p); got != want {
			t.Errorf("PathContext(%q) = %q, want %q", p, got, want)
		}
	}
}

func TestLoweredIn(t *testing.T) {
	for _, c := range []struct {
		s, want Severity
		where   string
	}{
		{SeverityCritical, SeverityMedium, "tests"}, {SeverityHigh, SeverityLow, "tests"},
		{SeverityMedium, SeverityInfo, "tests"}, {SeverityLow, SeverityInfo, "tests"},
		{SeverityHigh, SeverityMedium, "examples"}, {SeverityMedium, SeverityLow, "docs"},
	} {
		if got := LoweredIn(c.s, c.where); got != c.want {
			t.Errorf("%s in %s: %s, want %s", c.s, c.where, got, c.want)
		}
	}
	if PathContext("python/packages/agbench/benchmarks/GAIA/scenario.py") != "tests" {
		t.Error("benchmarks are not tests")
	}
}
