package config

import (
	"testing"
)

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
		c, err := Parse(data)
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
