package deps

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// file builds a checks.File for path with head content and optional base.
func file(path string, head, base []byte) *checks.File {
	f := checks.NewBytesFile(path, head)
	if base != nil {
		f.Status = checks.StatusModified
		f.Base = &checks.Blob{Size: int64(len(base)), Content: bytes.NewReader(base)}
	}
	return f
}

func readTestdata(t *testing.T, rel string) []byte {
	t.Helper()
	if rel == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// scan runs a check on one file and renders its findings one per line as
// "LINE RULE SEVERITY EVIDENCE", skipping the rules in skip.
func scan(t *testing.T, c *Check, f *checks.File, skip ...string) []string {
	t.Helper()
	res, err := c.Scan(context.Background(), f)
	if err != nil {
		t.Fatalf("Scan(%s): %v", f.Path, err)
	}
	if !res.Analysed {
		t.Fatalf("Scan(%s): not analysed", f.Path)
	}
	var out []string
outer:
	for _, x := range res.Findings {
		for _, s := range skip {
			if x.RuleID == s {
				continue outer
			}
		}
		if x.Message == "" {
			t.Errorf("%s: finding %s without a message", f.Path, x.RuleID)
		}
		if _, ok := ruleByID(x.RuleID); !ok {
			t.Errorf("%s: finding with unregistered rule %s", f.Path, x.RuleID)
		}
		out = append(out, fmt.Sprintf("%d %s %s %s", x.StartLine, x.RuleID, x.Severity, x.Evidence))
	}
	sort.Strings(out)
	return out
}

func ruleByID(id string) (checks.Rule, bool) {
	for _, r := range rules {
		if r.ID == id {
			return r, true
		}
	}
	return checks.Rule{}, false
}

func diffLines(t *testing.T, name string, got, want []string) {
	t.Helper()
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s findings:\n got:\n  %s\n want:\n  %s", name, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func readFileOK(rel string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", rel)) }
