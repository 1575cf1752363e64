package actions

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// FuzzWorkflowRules feeds arbitrary bytes through parsing and every rule,
// as a workflow and as action metadata: findings or nothing, never a panic.
func FuzzWorkflowRules(f *testing.F) {
	ents, _ := os.ReadDir("testdata/workflows")
	for _, e := range ents {
		if b, err := os.ReadFile(filepath.Join("testdata/workflows", e.Name())); err == nil {
			f.Add(b)
		}
	}
	if b, err := os.ReadFile("testdata/actions/composite/action.yml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range []string{".github/workflows/f.yml", "action.yml"} {
			res, err := Check{}.Scan(context.Background(), checks.NewBytesFile(p, b))
			if err != nil {
				t.Fatalf("%s: %v", p, err)
			}
			for _, x := range res.Findings {
				if x.StartLine < 0 || x.RuleID == "" {
					t.Fatalf("bad finding %+v", x)
				}
			}
		}
	})
}

// FuzzExpressions checks the ${{ }} scanner on arbitrary scripts.
func FuzzExpressions(f *testing.F) {
	for _, s := range []string{"echo ${{ github.event.issue.title }}", "${{", "${{ a }}${{ b", "${{ '}}' }}", "${{ toJSON(secrets) }}"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, e := range expressions(s) {
			if e.Offset < 0 || e.Offset >= len(s) {
				t.Fatalf("offset %d out of range", e.Offset)
			}
			_ = untrustedPaths(e)
			_ = readsSecretsAsJSON(e)
		}
	})
}
