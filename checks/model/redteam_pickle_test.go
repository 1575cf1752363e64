package model_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// redTeamPickle is testdata/redteam-pickle: pickle, PyTorch, joblib and
// NumPy files built by gen_redteam_pickle.py from the 2025–26 public record
// (written, never loaded). manifest.json says what each must be reported as.
const redTeamPickle = "testdata/redteam-pickle"

// TestRedTeamPickle: every file fails the gate (high or critical) with a
// finding of the expected rule that names the payload.
func TestRedTeamPickle(t *testing.T) { checkRedTeam(t, redTeamPickle, 45) }

// redTeam2 is testdata/redteam2: the second round (gen_redteam2.py),
// techniques that differ from both sets above.
const redTeam2 = "testdata/redteam2"

// TestRedTeam2: every file of the second round fails the gate with a
// finding of the expected rule that names the payload.
func TestRedTeam2(t *testing.T) { checkRedTeam(t, redTeam2, 30) }

// checkRedTeam holds every file listed in dir/manifest.json (there must be
// at least least of them) to its expected finding: the rule, at high or
// above, naming the evidence.
func checkRedTeam(t *testing.T, dir string, least int) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Malicious []redTeamEntry }
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Malicious) < least {
		t.Fatalf("only %d red-team files", len(m.Malicious))
	}
	failed := 0
	for _, e := range m.Malicious {
		t.Run(e.File, func(t *testing.T) {
			fs := scanRedTeam(t, filepath.Join(dir, "malicious"), e.File)
			for _, f := range fs {
				if f.RuleID == e.Rule && f.Severity >= checks.SeverityHigh &&
					(strings.Contains(f.Evidence, e.Evidence) || strings.Contains(f.Message, e.Evidence)) {
					return
				}
			}
			failed++
			t.Errorf("%s (%s) not reported as %s ≥ high naming %q: %s", e.File, e.Technique, e.Rule, e.Evidence, summary(fs))
		})
	}
	t.Logf("%d/%d red-team files fail the gate with the expected finding", len(m.Malicious)-failed, len(m.Malicious))
}

// TestRedTeam2Benign: files the real libraries wrote, of the kinds the
// second round attacks (pandas HDF5 stores with their own pickled
// attributes), give no finding at all.
func TestRedTeam2Benign(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(redTeam2, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct{ Benign []string }
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Benign) == 0 {
		t.Fatal("no benign files listed")
	}
	for _, rel := range m.Benign {
		if fs := scanRedTeam(t, filepath.Join(redTeam2, "benign"), rel); len(fs) != 0 {
			t.Errorf("benign %s: %s", rel, summary(fs))
		}
	}
}
