package review

import (
	"testing"
)

// FuzzSubmodulePin: any patch of an added path gives a pin finding or
// nothing, never a panic. (The patch parser's own target is
// changed.FuzzParsePatch.)
func FuzzSubmodulePin(f *testing.F) {
	f.Add("@@ -0,0 +1 @@\n+Subproject commit 0123456789012345678901234567890123456789\n")
	f.Add("@@ -1,2 +1,3 @@\n a\n+b\n c\n")
	f.Fuzz(func(t *testing.T, patch string) {
		if len(patch) > 1<<16 {
			return
		}
		_, _ = submodulePin(ChangedFile{Path: "lib", Status: "added", Patch: patch})
	})
}
