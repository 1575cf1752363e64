package config

import (
	"testing"
	"time"
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
