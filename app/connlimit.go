package app

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// connLimiter caps the connections ward holds, below the process's file
// descriptor limit. At the cap a new connection evicts the oldest one that
// is not serving a request (still sending its headers, or idle between
// requests): clients that hold connections open without using them cannot
// starve the ones that do, so /healthz stays answerable. When every held
// connection is busy the new one is closed at once instead of waiting in
// the kernel's queue.
type connLimiter struct {
	net.Listener
	max   int
	mu    sync.Mutex
	conns map[net.Conn]*connEntry
}

type connEntry struct {
	state http.ConnState
	since time.Time
}

func newConnLimiter(ln net.Listener, max int) *connLimiter {
	return &connLimiter{Listener: ln, max: max, conns: map[net.Conn]*connEntry{}}
}

func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		l.mu.Lock()
		if len(l.conns) >= l.max {
			victim := l.oldestUnusedLocked()
			if victim == nil {
				l.mu.Unlock()
				c.Close()
				continue
			}
			delete(l.conns, victim)
			victim.Close()
		}
		l.conns[c] = &connEntry{state: http.StateNew, since: time.Now()}
		l.mu.Unlock()
		return c, nil
	}
}

func (l *connLimiter) oldestUnusedLocked() net.Conn {
	var victim net.Conn
	var since time.Time
	for c, e := range l.conns {
		if e.state != http.StateNew && e.state != http.StateIdle {
			continue
		}
		if victim == nil || e.since.Before(since) {
			victim, since = c, e.since
		}
	}
	return victim
}

// track is the http.Server's ConnState hook.
func (l *connLimiter) track(c net.Conn, st http.ConnState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(l.conns, c)
	default:
		if e := l.conns[c]; e != nil {
			e.state, e.since = st, time.Now()
		}
	}
}

// defaultMaxConns leaves room under the descriptor limit for the database,
// GitHub connections and files being analysed.
func defaultMaxConns() int {
	limit := openFileLimit()
	if limit <= 0 {
		return 1024
	}
	return min(8192, max(16, limit-max(64, limit/8)))
}
