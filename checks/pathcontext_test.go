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
