package changed

import (
	"testing"
)

// FuzzParsePatch: any patch text gives lines or an error, never a panic;
// added lines are always lines of the diff, and are positive.
func FuzzParsePatch(f *testing.F) {
	f.Add("@@ -1,2 +1,3 @@\n a\n+b\n c\n")
	f.Add("@@ -0,0 +1 @@\n+Subproject commit 0123456789012345678901234567890123456789\n")
	f.Add("@@ -5 +5 @@\n-x\n\\ No newline at end of file\n+y\n")
	f.Add("@@ -1,1 +1,99999999 @@\n+a\n")
	f.Fuzz(func(t *testing.T, patch string) {
		if len(patch) > 1<<16 {
			return
		}
		l, err := ParsePatch("f.py", patch)
		if err != nil {
			return
		}
		for n := range l.Added {
			if n <= 0 || !l.InDiff[n] {
				t.Fatalf("added line %d is not a positive line of the diff", n)
			}
		}
	})
}
