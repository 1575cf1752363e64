package config

import "testing"

// TestParseErrorMessages pins the messages a maintainer sees for a broken
// ward.yml: ward's own words for a bad severity or toggle (alone, even after
// a type error), yaml's list for unknown keys, duplicates and wrong kinds.
func TestParseErrorMessages(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"unknown key", "fail_on: high\nfial_closed: low\n",
			"parse .github/ward.yml: yaml: unmarshal errors:\n  line 2: field fial_closed not found in type config.Config"},
		{"unknown nested key", "rules:\n  x:\n    severity: low\n    disable: true\n",
			"parse .github/ward.yml: yaml: unmarshal errors:\n  line 4: field disable not found in type config.RuleConfig"},
		{"duplicate key", "fail_on: high\nfail_on: low\n",
			"parse .github/ward.yml: yaml: unmarshal errors:\n  line 2: mapping key \"fail_on\" already defined at line 1"},
		{"wrong kind", "paths:\n  ignore: {a: b}\ndrafts: [x]\n",
			"parse .github/ward.yml: yaml: unmarshal errors:\n  line 2: cannot unmarshal !!map into []string\n  line 3: cannot unmarshal !!seq into string"},
		{"unknown severity", "fail_on: severe\n",
			`parse .github/ward.yml: unknown severity "severe" (want info, low, medium, high, critical or none)`},
		{"bad toggle", "second_opinion: maybe\n",
			`parse .github/ward.yml: line 1: must be on or off, not "maybe"`},
		{"own error after a type error", "drafts: [x]\nrules:\n  x:\n    severity: loud\n",
			`parse .github/ward.yml: unknown severity "loud" (want info, low, medium, high, critical or none)`},
		{"syntax", "fail_on: [high\n",
			"parse .github/ward.yml: yaml: line 1: did not find expected ',' or ']'"},
		{"not a mapping", "- fail_on: high\n",
			"parse .github/ward.yml: yaml: unmarshal errors:\n  line 1: cannot unmarshal !!seq into config.Config"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if err == nil || err.Error() != tc.want {
				t.Errorf("Parse(%q) error\n got: %v\nwant: %s", tc.in, err, tc.want)
			}
		})
	}
}
