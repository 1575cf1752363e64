package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// NewServerWaiting is NewServer that rides out a database that is not up
// yet: until it connects, ward answers /healthz (alive), /readyz (503 with
// the reason) and refuses webhooks with 503, so that an orchestrator keeps
// traffic away and GitHub records the deliveries as failed rather than lost.
func NewServerWaiting(ctx context.Context, cfg Config) (*Server, error) {
	s, err := NewServer(ctx, cfg)
	if err == nil || errors.Is(err, ErrDatabaseURL) {
		return s, err
	}
	log := cfg.Logger
	var mu sync.Mutex
	lastErr := err
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "waiting for the database", "error": lastErr.Error()})
	})
	ln, lerr := net.Listen("tcp", cfg.Addr)
	if lerr != nil {
		return nil, errors.Join(err, lerr)
	}
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	delay := time.Second
	for {
		log.Warn("database unavailable; retrying", "err", lastErr, "retry_in", delay)
		select {
		case <-ctx.Done():
			return nil, errors.Join(ctx.Err(), lastErr)
		case <-time.After(delay):
		}
		s, err := NewServer(ctx, cfg)
		if err == nil {
			log.Info("database connected")
			return s, nil
		}
		mu.Lock()
		lastErr = err
		mu.Unlock()
		delay = min(delay*2, 30*time.Second)
	}
}
