package deps

import (
	"strings"
	"testing"
)

// TestNoEnvironment: the package does not read WARD_OSV_DIR or WARD_OSV_URL
// (cmd owns the environment and passes them to New).
func TestNoEnvironment(t *testing.T) {
	t.Setenv("WARD_OSV_DIR", "/osv/export")
	t.Setenv("WARD_OSV_URL", "http://127.0.0.1:9")
	c := New("", "")
	if s := c.Status(); !strings.Contains(s, "embedded list only") {
		t.Fatalf("Status() = %q: the package read the environment", s)
	}
	c.SetOSV("/osv/export", "http://127.0.0.1:9")
	if s := c.Status(); !strings.Contains(s, "OSV export /osv/export") || !strings.Contains(s, "OSV API http://127.0.0.1:9/v1/querybatch") {
		t.Fatalf("after SetOSV: %q", s)
	}
}
