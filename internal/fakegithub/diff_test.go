package fakegithub

import (
	"strings"
	"testing"
)

func TestParsePatchNumbersBothSides(t *testing.T) {
	patch := "@@ -1,3 +1,4 @@ func\n a\n-b\n+B\n+C\n c\n@@ -10,2 +11,2 @@\n x\n-y\n\\ No newline at end of file\n+y"
	pf := prFile{patch: patch, lines: parsePatch(patch)}
	tests := []struct {
		side string
		line int
		pos  int
		ok   bool
	}{
		{"RIGHT", 1, 1, true}, {"LEFT", 2, 2, true}, {"RIGHT", 2, 3, true}, {"RIGHT", 3, 4, true},
		{"RIGHT", 4, 5, true}, {"LEFT", 3, 5, true}, {"RIGHT", 5, 0, false}, {"RIGHT", 11, 7, true},
		{"LEFT", 11, 8, true}, {"RIGHT", 12, 10, true}, {"LEFT", 4, 0, false}, {"RIGHT", 0, 0, false},
	}
	for _, tc := range tests {
		l, ok := pf.lineInDiff(tc.side, tc.line)
		if ok != tc.ok || (ok && l.pos != tc.pos) {
			t.Errorf("%s %d: pos %d ok %v, want %d %v", tc.side, tc.line, l.pos, ok, tc.pos, tc.ok)
		}
	}
	if _, ok := pf.atPosition(6); ok {
		t.Error("position of a hunk header accepted")
	}
	if _, ok := pf.atPosition(9); ok {
		t.Error("position of a no-newline marker accepted")
	}
	if got := pf.diffHunk(4); got != "@@ -1,3 +1,4 @@ func\n a\n-b\n+B\n+C" {
		t.Errorf("diff hunk %q", got)
	}
}

func TestSplitSections(t *testing.T) {
	out := "diff --git a/x b/x\nindex 1..2\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-diff --git a/y b/y\n+z\ndiff --git a/y b/y\nnew file mode 100644\n"
	got := splitSections(out)
	if len(got) != 2 || !strings.HasSuffix(got[0], "+z\n") || !strings.HasPrefix(got[1], "diff --git a/y") {
		t.Errorf("sections %q", got)
	}
}

func FuzzParsePatch(f *testing.F) {
	f.Add("@@ -1,3 +1,4 @@\n a\n-b\n+B\n c", 2, 1)
	f.Add("@@ -0,0 +1 @@\n+x\n\\ No newline at end of file", 1, 1)
	f.Add("@@ garbage\n+\n-\n \n@@", 0, 3)
	f.Fuzz(func(t *testing.T, patch string, line, pos int) {
		lines := parsePatch(patch)
		pf := prFile{patch: patch, lines: lines}
		for i, l := range lines {
			if l.pos != i {
				t.Fatalf("line %d has position %d", i, l.pos)
			}
		}
		for _, side := range []string{"LEFT", "RIGHT"} {
			if l, ok := pf.lineInDiff(side, line); ok {
				_ = pf.diffHunk(l.pos)
			}
		}
		if l, ok := pf.atPosition(pos); ok && l.kind == '@' {
			t.Fatal("position on a header")
		}
		_ = pf.diffHunk(pos)
	})
}
