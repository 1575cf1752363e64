package model_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model"
	"github.com/ward-sec/ward/checks/model/family"
)

// corpusDir is the shared labelled corpus (picklescan's and ModelAudit's
// test files), outside the repository: ../shared/corpus/models from the
// repository root.
func corpusDir(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "corpus", "models")
	if _, err := os.Stat(filepath.Join(dir, "labels.json")); err != nil {
		t.Skipf("external model corpus not found at %s (it lives next to the repository as ../shared): %v", dir, err)
	}
	return dir
}

type label struct {
	Label  string `json:"label"`
	Source string `json:"source"`
	Why    string `json:"why"`
}

// TestCorpus runs the model family's checks over the labelled corpus: every
// malicious file must fail the gate (a high or critical finding), no
// benign file may, and nothing may crash or hang.
func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	raw, err := os.ReadFile(filepath.Join(dir, "labels.json"))
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]label{}
	if err := json.Unmarshal(raw, &labels); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	all := family.New(nil)
	var checkNames []string
	for _, c := range all {
		checkNames = append(checkNames, c.Name())
	}
	t.Logf("checks: %s", strings.Join(checkNames, ", "))
	counts := map[string][2]int{}
	var missed []string
	for _, n := range names {
		lb := labels[n]
		content, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(n)))
		if err != nil {
			t.Errorf("%s: %v", n, err)
			continue
		}
		f := checks.NewBytesFile(n, content)
		start := time.Now()
		fs := checks.ScanFile(context.Background(), f, all)
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("%s: took %s", n, d)
		}
		worst := checks.Severity(0)
		for _, x := range fs {
			if x.Severity > worst {
				worst = x.Severity
			}
			if x.RuleID == checks.RuleCheckFailed {
				t.Errorf("%s: check failed: %s", n, x.Message)
			}
		}
		failing := worst >= checks.SeverityHigh
		c := counts[lb.Label]
		c[0]++
		if failing {
			c[1]++
		}
		counts[lb.Label] = c
		switch lb.Label {
		case "malicious":
			if !failing {
				if _, ours := model.Analyse(context.Background(), n, f.Content, f.Size, f.Limits); !ours {
					// a format of a sibling package (Keras, TensorFlow…)
					// that is not registered in this build
					t.Logf("malicious %s missed: no model check understands its format (checks: %s)",
						n, strings.Join(checkNames, ", "))
					continue
				}
				missed = append(missed, n)
			}
		case "benign":
			if failing && !onlyFailClosed(fs) {
				t.Errorf("benign %s flagged %s: %s", n, worst, summary(fs))
			} else if failing {
				// ward could not read all of it (an encrypted member):
				// that fails closed whatever the file holds.
				t.Logf("benign %s fails closed: %s", n, summary(fs))
			}
		default:
			t.Logf("%s %s → %s", lb.Label, n, summary(fs))
		}
	}
	for _, l := range []string{"malicious", "benign", "suspicious", "unknown"} {
		t.Logf("%s: %d/%d at or above high", l, counts[l][1], counts[l][0])
	}
	for _, n := range missed {
		// the non-pickle formats belong to sibling packages; report which
		// ones this build could not cover
		t.Errorf("malicious %s not flagged high or critical (%s) with checks [%s]", n, labels[n].Why,
			strings.Join(checkNames, ", "))
	}
}

func summary(fs []checks.Finding) string {
	if len(fs) == 0 {
		return "no findings"
	}
	var parts []string
	for i, f := range fs {
		if i == 4 {
			parts = append(parts, "…")
			break
		}
		m := f.Message
		if len(m) > 160 {
			m = m[:160] + "…"
		}
		parts = append(parts, f.Severity.String()+" "+f.RuleID+": "+m)
	}
	return strings.Join(parts, " | ")
}

// onlyFailClosed reports whether every high or critical finding says ward
// could not finish reviewing the content (checks.IsFailClosed).
func onlyFailClosed(fs []checks.Finding) bool {
	for _, f := range fs {
		if f.Severity >= checks.SeverityHigh && !checks.IsFailClosed(f.RuleID) {
			return false
		}
	}
	return true
}
