package review

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
		_, _ = submodulePin(ChangedFile{Path: "lib", Status: "added", Patch: patch})
	})
}

// FuzzParseConfig: any ward.yml is a config or an error, never a panic; an
// accepted one has a threshold, a fail-closed severity and ignore entries
// with a rule, a reason and a well-formed sha256.
func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("fail_on: medium\nrules:\n  x:\n    severity: low\nignore:\n  - rule: x\n    path: a/**\n    reason: r\n    sha256: " +
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n    expires: 2027-01-31\n"))
	f.Add([]byte("enforce:\n  fail_on: high\n  rules: ['*']\n  ignore_critical: [admins, '@acme/security']\nfail_closed: medium\n"))
	f.Add([]byte("paths:\n  ignore: ['[']\n"))
	f.Add([]byte("&a [*a, *a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if c.FailOn == 0 || c.FailClosed == 0 {
			t.Fatalf("accepted config without a threshold: %+v", c)
		}
		for _, e := range c.Ignore {
			if e.Rule == "" || e.Reason == "" || e.SHA256 != "" && len(e.SHA256) != 64 {
				t.Fatalf("accepted ignore entry %+v", e)
			}
		}
		merged, _ := Merge(c, c, data)
		_ = merged.Warnings()
	})
}
