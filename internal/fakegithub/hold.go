package fakegithub

import (
	"strings"
	"sync"
)

// Gate holds matching requests until it is released, so that a test can act
// (kill the App, push a commit) while a request is in flight.
type Gate struct {
	method, prefix string
	arrived        chan string
	open           chan struct{}
	once           sync.Once
}

// Hold makes every request matching method (any when empty) and pathPrefix
// (without /api/v3) wait until the gate is released or the client gives up.
func (s *Server) Hold(method, pathPrefix string) *Gate {
	g := &Gate{method: method, prefix: pathPrefix, arrived: make(chan string, 1024), open: make(chan struct{})}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gates = append(s.gates, g)
	return g
}

// Arrived receives "METHOD /path" for each request the gate holds.
func (g *Gate) Arrived() <-chan string { return g.arrived }

// Release lets held and future requests through; the gate stays open.
func (g *Gate) Release() { g.once.Do(func() { close(g.open) }) }

// gateFor returns the first closed gate matching the request, or nil.
func (s *Server) gateForLocked(method, path string) *Gate {
	for _, g := range s.gates {
		select {
		case <-g.open:
			continue
		default:
		}
		if (g.method == "" || strings.EqualFold(g.method, method)) && strings.HasPrefix(path, g.prefix) {
			return g
		}
	}
	return nil
}
