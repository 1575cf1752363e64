package checks

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Check analyses files for one family of problems. Implementations must be
// safe for concurrent use: Run calls Scan on many files at once.
type Check interface {
	// Name identifies the check in logs and in "not analysed" messages.
	Name() string
	// Rules lists every rule the check can report.
	Rules() []Rule
	// Scan analyses one file. It must honour ctx and f.Limits, read the file
	// as bytes only, and turn malformed input into findings, not errors.
	// An error means the check itself could not run (for example an I/O
	// error reading the file); Run reports it as a finding.
	Scan(ctx context.Context, f *File) (Result, error)
}

// Result is what one check found in one file.
type Result struct {
	Findings []Finding
	// Analysed is true when the check understood the file's format. A binary
	// file that no check analysed is reported as not analysed.
	Analysed bool
}

var (
	registryMu sync.RWMutex
	rulesByID  = map[string]Rule{}
)

// UseRules makes the rules of set (and extra rules that no per-file check
// reports, such as the Hub's) the catalogue that LookupRule and Rules read.
// cmd builds the check set and calls it once (checks/all does); nothing
// fills the catalogue at init. Two rules with one ID are a programming
// error and panic.
func UseRules(set []Check, extra ...Rule) {
	idx := map[string]Rule{}
	add := func(r Rule) {
		if _, dup := idx[r.ID]; dup {
			panic(fmt.Sprintf("checks: rule %s registered twice", r.ID))
		}
		idx[r.ID] = r
	}
	for _, c := range set {
		for _, r := range c.Rules() {
			add(r)
		}
	}
	for _, r := range extra {
		add(r)
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	rulesByID = idx
}

// Rules returns every known rule (core and those UseRules gave), sorted by ID.
func Rules() []Rule {
	registryMu.RLock()
	defer registryMu.RUnlock()
	out := make([]Rule, 0, len(rulesByID)+len(coreRules))
	out = append(out, coreRules...)
	for _, r := range rulesByID {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LookupRule finds a rule by ID.
func LookupRule(id string) (Rule, bool) {
	for _, r := range coreRules {
		if r.ID == id {
			return r, true
		}
	}
	registryMu.RLock()
	defer registryMu.RUnlock()
	r, ok := rulesByID[id]
	return r, ok
}

// BaseReader is implemented by checks that compare a file with its base
// version (for example dependency manifests). The review fetches the base
// version only of the files some check asks for, to spare API calls.
type BaseReader interface {
	WantsBase(path string) bool
}

// WantsBase reports whether any check needs the base version of path.
func WantsBase(all []Check, path string) bool {
	for _, c := range all {
		if b, ok := c.(BaseReader); ok && b.WantsBase(path) {
			return true
		}
	}
	return false
}
