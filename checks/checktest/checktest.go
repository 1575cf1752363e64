// Package checktest holds the test scaffolding the check families share:
// scanning a fixture with one check, and running a check over the external
// labelled corpus in ../shared/corpus/models. Tests only.
package checktest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// Scan runs c on content as a new file named name. It returns the result and
// its findings as sorted "rule/severity" strings, and fails the test on an
// error or a finding without a message.
func Scan(t testing.TB, c checks.Check, name string, content []byte) (checks.Result, []string) {
	t.Helper()
	res, err := c.Scan(context.Background(), checks.NewBytesFile(name, content))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var got []string
	for _, f := range res.Findings {
		if f.Message == "" {
			t.Errorf("%s: finding %s without message", name, f.RuleID)
		}
		t.Logf("%s: %s %s: %s", name, f.RuleID, f.Severity, f.Message)
		got = append(got, f.RuleID+"/"+f.Severity.String())
	}
	sort.Strings(got)
	return res, got
}

// ScanFixture reads dir/name and scans it with c.
func ScanFixture(t testing.TB, c checks.Check, dir, name string) (checks.Result, []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return Scan(t, c, name, b)
}

// CorpusDir is the external labelled corpus, next to the repository as
// ../shared (the developers' and CI's layout).
func CorpusDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "corpus", "models")
}

// CorpusLabels reads labels.json, or skips the test when the corpus is absent.
func CorpusLabels(t testing.TB) (dir string, labels map[string]string) {
	t.Helper()
	dir = CorpusDir()
	raw, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		t.Skipf("external model corpus not found at %s (it lives next to the repository as ../shared): %v", dir, err)
	}
	var l map[string]struct{ Label string }
	if err := json.Unmarshal(raw, &l); err != nil {
		t.Fatal(err)
	}
	labels = map[string]string{}
	for name, v := range l {
		labels[name] = v.Label
	}
	return dir, labels
}

// Corpus runs c over every corpus file it analyses: each one labelled
// malicious must be flagged high or critical, none labelled benign (or named
// "safe") may be. format names the files in messages; at least one must be
// recognised.
func Corpus(t *testing.T, c checks.Check, format string) {
	dir, labels := CorpusLabels(t)
	counts := map[string]int{}
	for name, label := range labels {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		res, got := Scan(t, c, name, b)
		if !res.Analysed {
			continue
		}
		worst := checks.Severity(0)
		for _, f := range res.Findings {
			worst = max(worst, f.Severity)
		}
		flagged := worst >= checks.SeverityHigh
		counts[label+map[bool]string{true: " flagged", false: " clean"}[flagged]]++
		t.Logf("%s (%s): %v", name, label, got)
		if label == "malicious" && !flagged {
			t.Errorf("%s: malicious but not flagged", name)
		}
		if (label == "benign" || strings.Contains(name, "safe")) && flagged {
			t.Errorf("%s: benign but flagged", name)
		}
	}
	if len(counts) == 0 {
		t.Errorf("no %s file of the corpus was recognised", format)
	}
	t.Logf("%s corpus: %v", format, counts)
}
