package engine

import (
	"context"
	"testing"
)

// The check set is cmd's to build (checks/all): a run without one is a
// wiring error, not a scan that silently checks nothing.
func TestRunNeedsACheckSet(t *testing.T) {
	if _, err := Run(context.Background(), nil, Options{}); err == nil {
		t.Fatal("Run without Checks succeeded")
	}
}
