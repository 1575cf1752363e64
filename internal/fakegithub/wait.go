package fakegithub

import (
	"context"
	"fmt"
	"time"
)

// WaitFor polls cond every 10 ms until it holds or ctx ends, so end-to-end
// tests wait for the App's asynchronous work without fixed sleeps.
func (s *Server) WaitFor(ctx context.Context, cond func() bool) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("fakegithub: condition not met: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

// WaitForCheckRun waits until the newest run named name on sha satisfies
// done (e.g. it is completed) and returns it.
func (s *Server) WaitForCheckRun(ctx context.Context, fullName, sha, name string, done func(CheckRun) bool) (CheckRun, error) {
	var run CheckRun
	err := s.WaitFor(ctx, func() bool {
		r, ok := s.LatestCheckRun(fullName, sha, name)
		run = r
		return ok && done(r)
	})
	return run, err
}

// Completed is a WaitForCheckRun condition: the run has concluded.
func Completed(r CheckRun) bool { return r.Status == "completed" }
