package deps

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestNoEnvironmentAtInit: the package does not read WARD_OSV_DIR or
// WARD_OSV_URL (cmd owns the environment and calls SetOSV); checked in a
// child process, since init runs once.
func TestNoEnvironmentAtInit(t *testing.T) {
	if os.Getenv("WARD_DEPS_ENV_CHILD") == "1" {
		if s := Status(); !strings.Contains(s, "embedded list only") {
			t.Fatalf("Status() = %q: the package read the environment", s)
		}
		SetOSV("/osv/export", "http://127.0.0.1:9")
		if s := Status(); !strings.Contains(s, "OSV export /osv/export") || !strings.Contains(s, "OSV API http://127.0.0.1:9/v1/querybatch") {
			t.Fatalf("after SetOSV: %q", s)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestNoEnvironmentAtInit$")
	cmd.Env = append(os.Environ(), "WARD_DEPS_ENV_CHILD=1", "WARD_OSV_DIR=/osv/export", "WARD_OSV_URL=http://127.0.0.1:9")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
