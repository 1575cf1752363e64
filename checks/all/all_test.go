package all_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/all"
)

// A torch.package module is analysed with the source rules too: the model
// check reaches the registered code check without importing it.
func TestModelArchiveModulesGetCodeRules(t *testing.T) {
	b, err := os.ReadFile("../model/testdata/redteam/malicious/code/torch_package.pt")
	if err != nil {
		t.Fatal(err)
	}
	fs := checks.ScanFile(context.Background(), checks.NewBytesFile("models/torch_package.pt", b), all.Default())
	rules := map[string]bool{}
	for _, f := range fs {
		rules[f.RuleID] = true
		if f.RuleID == "code-eval-injection" && (!strings.Contains(f.Message, "model/net/model.py (line 3)") || f.StartLine != 0) {
			t.Errorf("finding not placed on the member: %+v", f)
		}
	}
	for _, want := range []string{"model-archive-code", "code-eval-injection"} {
		if !rules[want] {
			t.Errorf("no %s finding: %v", want, rules)
		}
	}
}
