package deps

import "testing"

// TestFloorEntries checks the embedded floor against the records it was
// written from (GHSA-cxm3-wv7p-598c for nx, MAL-2025-5094..5096 for the
// fake Alibaba SDKs): listed versions match, neighbours do not.
func TestFloorEntries(t *testing.T) {
	for _, c := range []struct {
		eco           Ecosystem
		name, version string
		want          bool
	}{
		{Npm, "nx", "21.5.0", true},
		{Npm, "nx", "20.12.0", true},
		{Npm, "nx", "21.4.1", false},
		{Npm, "@nx/devkit", "20.9.0", true},
		{Npm, "@nx/js", "21.5.0", true},
		{Npm, "@nx/workspace", "21.5.0", true},
		{Npm, "@nx/node", "20.9.0", true},
		{Npm, "@nx/eslint", "21.5.0", true},
		{Npm, "@nx/eslint", "20.9.0", false},
		{Npm, "@nx/key", "3.2.0", true},
		{Npm, "@nx/key", "5.0.7", false}, // an OSV record later withdrawn as a false positive
		{Npm, "@nx/enterprise-cloud", "3.2.0", true},
		{Npm, "@nx/devkit", "21.6.0", false},
		{PyPI, "aliyun-ai-labs-sdk", "0.0.1", true},
		{PyPI, "ai-labs-snippets-sdk", "0.1.0", true},
		{PyPI, "aliyun-ai-labs-snippets-sdk", "0.1.0", true},
		{PyPI, "aliyun-ai-labs-snippet-sdk", "0.1.0", false}, // no such package in the reports
	} {
		if got := len(floorIndex.lookup(c.eco, c.name, c.version)) > 0; got != c.want {
			t.Errorf("%s %s@%s in the floor: %v, want %v", c.eco, c.name, c.version, got, c.want)
		}
	}
}
