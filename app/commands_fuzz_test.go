package app

import (
	"strings"
	"testing"
)

// FuzzParseCommands: any comment body gives commands or none, never a
// panic; every command is a known one, and /ignore always has a rule and
// a reason.
func FuzzParseCommands(f *testing.F) {
	f.Add("/ignore code-pickle-load src/a.py -- our own cache\n/rescan")
	f.Add("```\n/ignore x -- in a fence\n```\n/help")
	f.Add("/ignore -- \n/unignore\n/explain")
	f.Add("~~~\n/rescan\n~~~\n/ward frobnicate")
	f.Fuzz(func(t *testing.T, body string) {
		if len(body) > 1<<14 {
			return
		}
		for _, c := range ParseCommands(body) {
			if !knownCommands[c.Name] && c.Name != "unknown" { // "/ward frobnicate" is answered as unknown
				t.Fatalf("unknown command %q parsed from %q", c.Name, body)
			}
			if c.Validate() != nil {
				continue
			}
			if c.Name == "ignore" && (len(c.Args) == 0 || strings.TrimSpace(c.Reason) == "") {
				t.Fatalf("/ignore without a rule or reason accepted: %+v", c)
			}
		}
	})
}
