package app

import "sync"

// installationLimiter caps the reviews one installation runs at once on a
// replica, so that one busy organisation cannot take every worker from the
// others. A job over the cap is snoozed briefly, not failed.
type installationLimiter struct {
	mu      sync.Mutex
	running map[int64]int
	max     int
}

func newInstallationLimiter(workers int) *installationLimiter {
	if workers <= 0 {
		workers = 4
	}
	return &installationLimiter{running: map[int64]int{}, max: max(1, workers-1)}
}

func (l *installationLimiter) acquire(id int64) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running[id] >= l.max {
		return false
	}
	l.running[id]++
	return true
}

func (l *installationLimiter) release(id int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running[id]--; l.running[id] <= 0 {
		delete(l.running, id)
	}
}
