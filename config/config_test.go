package config

import (
	"strings"
	"testing"
	"time"

	"github.com/ward-sec/ward/checks"
)

func TestMatchGlob(t *testing.T) {
	for _, tc := range []struct {
		glob, path string
		want       bool
	}{
		{"*.pt", "models/a.pt", true},
		{"models/**", "models/x/y.bin", true},
		{"models/**/*.bin", "models/y.bin", true},
		{"models/*.bin", "models/x/y.bin", false},
		{"docs/**", "src/docs/a.md", false},
	} {
		if got := MatchGlob(tc.glob, tc.path); got != tc.want {
			t.Errorf("MatchGlob(%q, %q) = %v", tc.glob, tc.path, got)
		}
	}
}

func TestParseConfig(t *testing.T) {
	c, err := Parse([]byte("fail_on: medium\nsecond_opinion: on\nrules:\n  binary-executable:\n    severity: low\nignore:\n  - rule: x\n    path: a/**\n    reason: vendored\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn.String() != "medium" || !bool(c.SecondOpinion) || c.Rules["binary-executable"].Severity.String() != "low" || c.Ignore[0].Reason != "vendored" {
		t.Fatalf("parsed %+v", c)
	}
	for _, bad := range []string{"fail_on: severe\n", "failon: high\n", "ignore:\n  - rule: x\n", "second_opinion: maybe\n"} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) accepted invalid config", bad)
		}
	}
}

// An ignore entry past its last day stops applying; on the day it still does.
func TestExpires(t *testing.T) {
	e := IgnoreEntry{Expires: "2026-03-01"}
	for at, want := range map[string]bool{"2026-03-01T23:59:00Z": false, "2026-03-02T00:00:01Z": true} {
		now, _ := time.Parse(time.RFC3339, at)
		if got := e.Expired(now); got != want {
			t.Errorf("at %s: expired %v, want %v", at, got, want)
		}
	}
}

// TestFloorKeepsRepositoryIgnoresOffEnforcedRules: a repository cannot
// accept what its organisation enforces through its own `ignore:` entries,
// neither by naming the rule nor with "*"; the organisation's entries stay.
// A repository's paths.ignore cannot switch off what the organisation
// enforces: the files are still read, and only the enforced rules' findings
// stay. The organisation's own globs, and repositories without a floor,
// skip files as before.
func TestFloorKeepsRepositoryPathsIgnoreOffEnforcedRules(t *testing.T) {
	bin := func(p string) checks.Finding {
		return checks.Finding{RuleID: "binary-executable", Path: p, Severity: checks.SeverityHigh}
	}
	torch := func(p string) checks.Finding {
		return checks.Finding{RuleID: "code-torch-load-unsafe", Path: p, StartLine: 2, Severity: checks.SeverityHigh}
	}
	raw := []byte("paths:\n  ignore: [\"**\", \"vendor/**\"]\n")
	repo, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		org     string
		skipped []string // paths PathIgnored skips
		read    []string // paths it does not
		kept    int      // findings ApplyRules keeps of bin+torch on each read path
		note    bool
	}{
		{"no floor", "fail_on: high\n", []string{"src/a.py", "vendor/x"}, nil, 0, false},
		{"floor without rules", "enforce:\n  fail_on: high\n", []string{"src/a.py"}, nil, 0, false},
		{"floor with a rule", "enforce:\n  rules: [binary-executable]\n", nil, []string{"src/a.py", "vendor/x"}, 1, true},
		{"floor with every rule", "enforce:\n  rules: [\"*\"]\n", nil, []string{"src/a.py"}, 2, true},
		{"the organisation's own glob", "paths:\n  ignore: [\"vendor/**\"]\nenforce:\n  rules: [\"*\"]\n", []string{"vendor/x"}, []string{"src/a.py"}, 2, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			org, err := Parse([]byte(c.org))
			if err != nil {
				t.Fatal(err)
			}
			cfg, notes := Merge(org, repo, raw)
			for _, p := range c.skipped {
				if !cfg.PathIgnored(p) {
					t.Errorf("%s is read; paths.ignore should skip it", p)
				}
			}
			for _, p := range c.read {
				if cfg.PathIgnored(p) {
					t.Errorf("%s is skipped; the floor's rules must still see it", p)
				}
				if got := cfg.ApplyRules([]checks.Finding{bin(p), torch(p)}); len(got) != c.kept {
					t.Errorf("%s: %d findings kept, want %d: %v", p, len(got), c.kept, got)
				}
			}
			said := strings.Contains(strings.Join(notes, " "), "paths.ignore")
			if said != c.note {
				t.Errorf("notes %q: mention paths.ignore = %v, want %v", notes, said, c.note)
			}
		})
	}
}

func TestFloorKeepsRepositoryIgnoresOffEnforcedRules(t *testing.T) {
	org, err := Parse([]byte("enforce:\n  rules: [binary-executable]\nignore:\n  - rule: binary-executable\n    path: vendor/tool\n    reason: org-approved\n    sha256: " + strings.Repeat("a", 64) + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	raw := []byte("ignore:\n  - rule: binary-executable\n    reason: mine\n  - rule: \"*\"\n    path: tools/**\n    reason: all tools\n  - rule: code-torch-load-unsafe\n    reason: ok\n")
	repo, err := Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	c, notes := Merge(org, repo, raw)
	if len(notes) != 2 {
		t.Errorf("notes = %q, want one for the named rule and one for *", notes)
	}
	bin := checks.Finding{RuleID: "binary-executable", Path: "tools/helper", StartLine: 3}
	torch := checks.Finding{RuleID: "code-torch-load-unsafe", Path: "tools/x.py", StartLine: 2}
	out, _ := c.ApplyIgnores([]checks.Finding{bin, torch}, time.Now(), nil)
	if out[0].Suppressed {
		t.Errorf("the enforced rule was accepted by %q", out[0].SuppressedBy)
	}
	if !out[1].Suppressed {
		t.Error("a rule the organisation does not enforce should still be accepted")
	}
	var orgKept bool
	for _, e := range c.Ignore {
		orgKept = orgKept || e.Reason == "org-approved"
	}
	if !orgKept {
		t.Error("the organisation's own entry was dropped")
	}
}
