package app

import (
	"log/slog"
	"sync"
	"time"
)

// logLimiter writes at most one line per message per interval and counts
// the rest, so that a stranger repeating a rejected request cannot turn
// ward's log into a disk-filling amplifier.
type logLimiter struct {
	every   time.Duration
	mu      sync.Mutex
	last    map[string]time.Time
	dropped map[string]int
}

func newLogLimiter(every time.Duration) *logLimiter {
	return &logLimiter{every: every, last: map[string]time.Time{}, dropped: map[string]int{}}
}

// log writes msg at warning level unless the same msg was written less than
// every ago; the next line written says how many were suppressed. msg must
// be a constant: it keys the limiter.
func (l *logLimiter) log(log *slog.Logger, msg string, args ...any) {
	l.mu.Lock()
	t := now()
	if last, ok := l.last[msg]; ok && t.Sub(last) < l.every {
		l.dropped[msg]++
		l.mu.Unlock()
		return
	}
	l.last[msg] = t
	n := l.dropped[msg]
	delete(l.dropped, msg)
	l.mu.Unlock()
	if n > 0 {
		args = append(args, "suppressed_since_last", n)
	}
	log.Warn(msg, args...)
}
