package deps

import (
	"context"
	"fmt"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// TestConcurrentScans runs one check over many manifests at once, as
// checks.Run does, with the OSV export loading lazily underneath (run with
// -race to check the shared state).
func TestConcurrentScans(t *testing.T) {
	c := New(osvFixtureDir(t), "")
	var files []*checks.File
	for i := 0; i < 24; i++ {
		files = append(files, file(fmt.Sprintf("svc%d/requirements.txt", i), []byte("torch==2.5.1\nreqeusts==1.0\n"), nil))
		files = append(files, file(fmt.Sprintf("web%d/package.json", i), []byte(`{"dependencies": {"left-padd": "1.0.0"}}`), nil))
	}
	out := checks.Run(context.Background(), files, checks.RunOptions{Checks: []checks.Check{c}, Concurrency: 8})
	count := map[string]int{}
	for _, f := range out {
		count[f.RuleID]++
	}
	if count[RuleVulnerable] != 24 || count[RuleTyposquat] != 24 || count[RuleMalicious] != 24 || count[RuleOSVUnavailable] != 0 {
		t.Errorf("counts = %v", count)
	}
}
