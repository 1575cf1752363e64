package review

import "testing"

func TestParsePatch(t *testing.T) {
	patch := "@@ -1,3 +1,4 @@\n a\n-b\n+B\n+C\n c\n@@ -10,2 +11,2 @@\n x\n-y\n+Y"
	l, err := ParsePatch("f.py", patch)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		line          int
		added, inDiff bool
	}{{1, false, true}, {2, true, true}, {3, true, true}, {4, false, true}, {5, false, false}, {11, false, true}, {12, true, true}, {13, false, false}} {
		if l.Added[tc.line] != tc.added || l.InDiff[tc.line] != tc.inDiff {
			t.Errorf("line %d: added=%v inDiff=%v, want %v %v", tc.line, l.Added[tc.line], l.InDiff[tc.line], tc.added, tc.inDiff)
		}
	}
	if !l.Touches(1, 2) || l.Touches(4, 5) || !l.Commentable(1, 4) || l.Commentable(4, 5) {
		t.Error("Touches/Commentable disagree with the hunks")
	}
	none, _ := ParsePatch("bin", "")
	if none.Known || !none.Touches(7, 7) || none.Commentable(7, 7) {
		t.Error("a file without a patch: every line counts, none is commentable")
	}
}

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
	c, err := ParseConfig([]byte("fail_on: medium\nsecond_opinion: on\nrules:\n  binary-executable:\n    severity: low\nignore:\n  - rule: x\n    path: a/**\n    reason: vendored\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.FailOn.String() != "medium" || !bool(c.SecondOpinion) || c.Rules["binary-executable"].Severity.String() != "low" || c.Ignore[0].Reason != "vendored" {
		t.Fatalf("parsed %+v", c)
	}
	for _, bad := range []string{"fail_on: severe\n", "failon: high\n", "ignore:\n  - rule: x\n", "second_opinion: maybe\n"} {
		if _, err := ParseConfig([]byte(bad)); err == nil {
			t.Errorf("ParseConfig(%q) accepted invalid config", bad)
		}
	}
}
