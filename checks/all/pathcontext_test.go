package all_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/all"
	"github.com/ward-sec/ward/checks/secrets"
)

// The path-context policy, end to end over every check: a code-hygiene rule
// (unpinned hub download) drops two levels under tests/ and one under
// examples/ and docs/, and says so; in application code it keeps its severity; a secret keeps
// its severity wherever it is.
func TestPathContextPolicy(t *testing.T) {
	src, err := os.ReadFile("testdata/pathcontext/download.py")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want checks.Severity
	}{
		{"src/app/load.py", checks.SeverityMedium},
		{"tests/test_load.py", checks.SeverityInfo},
		{"examples/lora/load.py", checks.SeverityLow},
		{"docs/source/load.py", checks.SeverityLow},
	} {
		fs := checks.ScanFile(context.Background(), checks.NewBytesFile(c.path, src), all.Default())
		if len(fs) != 1 || fs[0].RuleID != "code-hub-download-unpinned" || fs[0].Severity != c.want {
			t.Fatalf("%s: want one %s code-hub-download-unpinned, got %+v", c.path, c.want, fs)
		}
		if lowered := strings.Contains(fs[0].Message, "path-context policy"); lowered != (c.want != checks.SeverityMedium) {
			t.Errorf("%s: message should say when the policy lowered it: %q", c.path, fs[0].Message)
		}
	}
	// Secrets never drop. The token is built at run time (no committed key).
	body := "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
	key := "gsk_"
	for i := range 52 {
		key += string(body[(i*7+3)%len(body)])
	}
	fs := checks.ScanFile(context.Background(), checks.NewBytesFile("tests/test_client.py",
		[]byte("client = Groq(api_key=\""+key+"\")\n")), all.Default())
	if len(fs) != 1 || fs[0].RuleID != secrets.RuleAIProviderKey || fs[0].Severity != checks.SeverityHigh {
		t.Fatalf("a key in tests/ must stay high: %+v", fs)
	}
}

// An agent that runs model-written code on the host is high in application
// code, low in a test suite (which runs code the test wrote) and medium in
// docs.
func TestPathContextAgentExecutor(t *testing.T) {
	src, err := os.ReadFile("testdata/pathcontext/executor_test_file.py")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]checks.Severity{
		"src/app/agent.py":                         checks.SeverityHigh,
		"packages/ext/tests/code_executors/t_x.py": checks.SeverityLow,
		"python/docs/src/user-guide/agent.py":      checks.SeverityMedium,
	} {
		fs := checks.ScanFile(context.Background(), checks.NewBytesFile(path, src), all.Default())
		if len(fs) != 1 || fs[0].RuleID != "code-agent-unsandboxed-exec" || fs[0].Severity != want {
			t.Errorf("%s: want one %s code-agent-unsandboxed-exec, got %+v", path, want, fs)
		}
	}
}

// A code rule that is not hygiene (remote code at model load) drops only in
// tests; in examples, which people copy, it keeps its severity.
func TestPathContextCodeRuleInTestsOnly(t *testing.T) {
	src, err := os.ReadFile("testdata/pathcontext/remote_code.py")
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]checks.Severity{
		"src/train.py":                checks.SeverityHigh,
		"examples/lora/train.py":      checks.SeverityHigh,
		"tests/test_models.py":        checks.SeverityLow,
		"agbench/benchmarks/x/run.py": checks.SeverityLow,
	} {
		fs := checks.ScanFile(context.Background(), checks.NewBytesFile(path, src), all.Default())
		if len(fs) != 1 || fs[0].RuleID != "code-trust-remote-code" || fs[0].Severity != want {
			t.Errorf("%s: want one %s code-trust-remote-code, got %+v", path, want, fs)
		}
	}
}
