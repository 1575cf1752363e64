package app

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

const badKeyStatus = "bad private key: the GitHub App private key (WARD_PRIVATE_KEY or WARD_PRIVATE_KEY_FILE) " +
	"is not an RSA private key in PEM form; restart ward with the key GitHub generated"

// NewServerWaiting is NewServer that rides out a database that is not up
// yet: until it connects, ward answers /healthz (alive), /readyz (503 with
// the reason) and refuses webhooks with 503, so that an orchestrator keeps
// traffic away and GitHub records the deliveries as failed rather than lost.
//
// A private key ward cannot use is not waited for: ward stays up, not
// ready, saying so on /readyz and in the log, until it is restarted with a
// good key. What is wrong with the database (host, user, database name) is
// logged, never shown to whoever asks.
func NewServerWaiting(ctx context.Context, cfg Config) (*Server, error) {
	s, err := NewServer(ctx, cfg)
	if err == nil || errors.Is(err, ErrDatabaseURL) {
		return s, err
	}
	log := cfg.Logger
	var status atomic.Value
	status.Store("database unavailable")
	if errors.Is(err, ErrPrivateKey) {
		status.Store(badKeyStatus)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": status.Load().(string)})
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
	lastErr := err
	delay := time.Second
	for {
		if errors.Is(lastErr, ErrPrivateKey) {
			status.Store(badKeyStatus)
			log.Error("cannot start: bad private key", "err", lastErr)
			<-ctx.Done()
			return nil, errors.Join(ctx.Err(), lastErr)
		}
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
		lastErr = err
		delay = min(delay*2, 30*time.Second)
	}
}
