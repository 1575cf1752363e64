package checks

import "fmt"

// RegisterRules adds rules that no per-file Check reports: findings made
// by a step of the review that is not a file scan (for example the models
// that code downloads from a hub). They are listed, documented and
// explained like every other rule.
func RegisterRules(rs ...Rule) {
	registryMu.Lock()
	defer registryMu.Unlock()
	for _, r := range rs {
		if _, dup := rulesByID[r.ID]; dup {
			panic(fmt.Sprintf("checks: rule %s registered twice", r.ID))
		}
		rulesByID[r.ID] = r
	}
}
