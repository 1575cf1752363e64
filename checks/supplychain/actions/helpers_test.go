package actions

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// scanFixture scans testdata/<rel> as if it were at repoPath and renders
// findings as sorted "LINE RULE SEVERITY EVIDENCE" lines.
func scanFixture(t *testing.T, rel, repoPath string) ([]string, []checks.Finding) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Check{}.Scan(context.Background(), checks.NewBytesFile(repoPath, b))
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if !res.Analysed {
		t.Fatalf("%s not analysed", repoPath)
	}
	var out []string
	for _, f := range res.Findings {
		if f.Message == "" {
			t.Errorf("%s: %s without message", rel, f.RuleID)
		}
		out = append(out, fmt.Sprintf("%d %s %s %s", f.StartLine, f.RuleID, f.Severity, f.Evidence))
	}
	sort.Strings(out)
	return out, res.Findings
}

func diffLines(t *testing.T, name string, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s findings:\n got:\n  %s\n want:\n  %s", name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}
