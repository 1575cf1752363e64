package pickle

import (
	_ "embed"
	"fmt"
	"strings"
)

// allowlistText is the reviewed allowlist: one global a line,
// "<use> <module.name>  # source", where use is "new" (referenced, or
// instantiated without running code: cls.__new__ plus the default
// __setstate__) or "call" (also called with arguments: a reconstructor or
// a constructor that only stores them).
//
//go:embed allowlist.txt
var allowlistText string

// AllowEntry is one line of the allowlist.
type AllowEntry struct {
	Name   string
	Use    Use
	Source string
	Line   int
}

// AllowlistEntries parses the embedded allowlist (for tests and tools).
func AllowlistEntries() ([]AllowEntry, error) { return parseAllowlistEntries(allowlistText) }

func parseAllowlistEntries(text string) ([]AllowEntry, error) {
	var out []AllowEntry
	for i, line := range strings.Split(text, "\n") {
		body, src, _ := strings.Cut(line, "#")
		f := strings.Fields(body)
		if len(f) == 0 {
			continue
		}
		if len(f) != 2 {
			return nil, fmt.Errorf("allowlist line %d: want \"<use> <name>  # source\", got %q", i+1, line)
		}
		e := AllowEntry{Name: f[1], Source: strings.TrimSpace(src), Line: i + 1}
		switch f[0] {
		case "new":
			e.Use = UseNew
		case "call":
			e.Use = UseCall
		default:
			return nil, fmt.Errorf("allowlist line %d: unknown use %q", i+1, f[0])
		}
		out = append(out, e)
	}
	return out, nil
}

func parseAllowlist(text string) map[string]Use {
	es, err := parseAllowlistEntries(text)
	if err != nil {
		panic(err) // the embedded file is checked by TestAllowlistFile
	}
	m := make(map[string]Use, len(es))
	for _, e := range es {
		if e.Use > m[e.Name] {
			m[e.Name] = e.Use
		}
	}
	return m
}
