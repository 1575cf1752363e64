package deps

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestEnvConfiguration: the registered check reads WARD_OSV_DIR and
// WARD_OSV_URL when the package initialises (checked in a child process,
// since init runs once), and SetOSV replaces them.
func TestEnvConfiguration(t *testing.T) {
	if os.Getenv("WARD_DEPS_ENV_CHILD") == "1" {
		s := Status()
		if !strings.Contains(s, "OSV export /osv/export") || !strings.Contains(s, "OSV API http://127.0.0.1:9/v1/querybatch") {
			t.Fatalf("Status() = %q", s)
		}
		SetOSV("", "")
		if !strings.Contains(Status(), "embedded list only") {
			t.Fatalf("after SetOSV: %q", Status())
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestEnvConfiguration$")
	cmd.Env = append(os.Environ(), "WARD_DEPS_ENV_CHILD=1", "WARD_OSV_DIR=/osv/export", "WARD_OSV_URL=http://127.0.0.1:9")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
