// Package app is the GitHub App: routes, webhook verification and routing,
// installation clients, the durable job queue and its workers, comment
// commands, and the setup page that registers the App.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/hub"
	"github.com/ward-sec/ward/review"
)

// Config is the App's configuration (WARD_* environment variables).
type Config struct {
	AppID          int64
	PrivateKeyPEM  []byte
	WebhookSecrets [][]byte // the second one is accepted during a rotation
	APIURL         string
	Addr           string
	DatabaseURL    string
	PublicURL      string // for the setup page's manifest; default: the request's host
	EnvFile        string // where the setup page writes credentials
	Manifest       []byte // app.yml
	Workers        int
	Limits         checks.Limits
	// Checks is the check set every review runs (cmd builds it with
	// checks/all); required.
	Checks []checks.Check
	// LLM configures the optional second opinion (WARD_LLM_*).
	LLM review.LLMConfig
	// Hub checks the models that added code loads by name, for
	// repositories whose base-branch ward.yml says `hub_check: on`.
	Hub *hub.Checker
	// PollInterval is how often idle workers look for jobs (SQLite polls).
	PollInterval time.Duration
	// OAuthClientID and OAuthClientSecret are the App's OAuth client, for
	// "Sign in with GitHub" to ward's pages (WARD_GITHUB_CLIENT_ID/_SECRET).
	OAuthClientID, OAuthClientSecret string
	// ReviewTimeout bounds one review attempt.
	ReviewTimeout time.Duration
	// JobLease is how long a running job's heartbeat holds it (default 30 s):
	// a replica that dies mid-review has its job taken over by another within
	// about 1.3 times this, whatever ReviewTimeout is.
	JobLease time.Duration
	// MaxConns caps the connections ward holds (default: under the file
	// descriptor limit; see connLimiter).
	MaxConns int
	Logger   *slog.Logger
}

// Configured reports whether the App's credentials are present.
func (c Config) Configured() bool {
	return c.AppID != 0 && len(c.PrivateKeyPEM) > 0 && len(c.WebhookSecrets) > 0
}

// Server is a running ward App.
type Server struct {
	cfg     Config
	log     *slog.Logger
	store   *Store
	metrics *Metrics
	baseCtx context.Context
	llm     *review.LLM // nil: no second opinion
	// rejected rate-limits the log lines of rejected webhook requests.
	rejected *logLimiter
	lease    leaseTiming
	// bodies holds a slot per webhook body being read: a stranger's slow
	// bodies cannot hold more than maxWebhookReads connections busy.
	bodies chan struct{}
	// bodyTimeout bounds reading one webhook body (webhookBodyTimeout).
	bodyTimeout time.Duration

	mu      sync.RWMutex
	clients *Clients
	secrets [][]byte
	keyPEM  []byte // the App's key: sessions are sealed with a key derived from it
	// oauthID and oauthSecret are the OAuth client registered by the setup
	// page while running; cfg holds the one ward started with.
	oauthID, oauthSecret string
	setup                *setupState
	access               accessCache
}

// NewServer opens the database and prepares the queue and routes.
func NewServer(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Checks == nil {
		return nil, errors.New("app: no checks (build the set with checks/all)")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.APIURL == "" {
		cfg.APIURL = DefaultAPIURL
	}
	s := &Server{cfg: cfg, log: cfg.Logger, baseCtx: ctx, setup: newSetupState(), rejected: newLogLimiter(time.Second),
		bodyTimeout: webhookBodyTimeout, bodies: make(chan struct{}, maxWebhookReads)}
	workers := river.NewWorkers()
	river.AddWorker(workers, &reviewWorker{s: s})
	river.AddWorker(workers, &commandWorker{s: s})
	lease := &leaseMiddleware{timing: defaultLeaseTiming}
	if cfg.JobLease > 0 {
		lease.timing = leaseTiming{lease: cfg.JobLease, heartbeat: cfg.JobLease / 6, sweep: cfg.JobLease / 3}
	}
	s.lease = lease.timing
	store, err := OpenStore(ctx, cfg.DatabaseURL, QueueConfig{Workers: workers, MaxWorkers: cfg.Workers,
		PollInterval: cfg.PollInterval, JobTimeout: cfg.ReviewTimeout, Logger: cfg.Logger,
		Middleware: []rivertype.Middleware{lease}})
	if err != nil {
		return nil, err
	}
	s.store = store
	lease.store = store
	s.metrics = NewMetrics(store.QueueDepth)
	if err := s.setupSecondOpinion(); err != nil {
		store.Close()
		return nil, err
	}
	if cfg.Configured() {
		if err := s.configure(ctx, cfg.AppID, cfg.PrivateKeyPEM, cfg.WebhookSecrets); err != nil {
			store.Close()
			return nil, err
		}
	}
	return s, nil
}

// configure switches the server into App mode with credentials.
func (s *Server) configure(ctx context.Context, appID int64, key []byte, secrets [][]byte) error {
	clients, err := NewClients(s.cfg.APIURL, appID, key, s.metrics)
	if err != nil {
		return err
	}
	if err := clients.LoadSlug(ctx); err != nil {
		s.log.Warn("could not read the App's slug; ward's comments are recognised by their marker only", "err", err)
	}
	s.mu.Lock()
	s.clients, s.secrets, s.keyPEM = clients, secrets, key
	s.mu.Unlock()
	return nil
}

func (s *Server) webhookSecrets() [][]byte {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.secrets
}

func (s *Server) githubClients() (*Clients, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.clients == nil {
		return nil, errors.New("the GitHub App is not configured")
	}
	return s.clients, nil
}

// Handler returns the HTTP routes.
func (s *Server) Handler() http.Handler {
	r := mux.NewRouter()
	r.HandleFunc("/webhook", s.handleWebhook).Methods(http.MethodPost)
	r.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}).Methods(http.MethodGet)
	r.HandleFunc("/readyz", s.handleReady).Methods(http.MethodGet)
	r.Handle("/metrics", promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{})).Methods(http.MethodGet)
	r.HandleFunc("/", s.handleHome).Methods(http.MethodGet)
	r.HandleFunc("/setup/callback", s.handleSetupCallback).Methods(http.MethodGet)
	r.HandleFunc("/login", s.requireApp(s.handleLogin)).Methods(http.MethodGet)
	r.HandleFunc("/oauth/callback", s.requireApp(s.handleOAuthCallback)).Methods(http.MethodGet)
	r.HandleFunc("/logout", s.requireApp(s.handleLogout)).Methods(http.MethodPost)
	r.HandleFunc("/exceptions", s.requireApp(s.handleExceptions)).Methods(http.MethodGet)
	return r
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		s.rejected.log(s.log, "readiness: database unreachable", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "database unavailable"})
		return
	}
	if err := s.store.ProbeWrite(ctx); err != nil {
		s.rejected.log(s.log, "readiness: deliveries cannot be stored", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "cannot store deliveries (disk full or database read-only)"})
		return
	}
	if _, err := s.githubClients(); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "not configured: open / to register the GitHub App"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready", "database": s.store.Kind})
}

// Run serves HTTP and works the queue until ctx ends, then shuts down
// gracefully: stop accepting, let in-flight reviews finish up to drain, and
// leave the rest queued for the next start.
func (s *Server) Run(ctx context.Context, drain time.Duration) error {
	if err := s.recoverOrphans(ctx); err != nil {
		return err
	}
	if err := s.store.queue.start(ctx); err != nil {
		return fmt.Errorf("start queue: %w", err)
	}
	go s.sweepLeases(ctx, s.lease.sweep)
	srv := &http.Server{
		Addr:              s.cfg.Addr,
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", srv.Addr)
	if err != nil {
		_ = s.store.queue.stop(context.Background())
		return fmt.Errorf("http server: %w", err)
	}
	maxConns := s.cfg.MaxConns
	if maxConns <= 0 {
		maxConns = defaultMaxConns()
	}
	limited := newConnLimiter(ln, maxConns)
	srv.ConnState = limited.track
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(limited) }()
	s.log.Info("ward is listening", "addr", s.cfg.Addr, "database", s.store.Kind, "configured", s.cfg.Configured())
	select {
	case err := <-errc:
		_ = s.store.queue.stop(context.Background())
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down: draining in-flight reviews", "deadline", drain)
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	_ = srv.Shutdown(sctx)
	if err := s.store.queue.stop(sctx); err != nil {
		s.log.Warn("reviews still running at the deadline stay queued for the next start", "err", err)
	}
	return s.store.Close()
}

// recoverOrphans makes jobs left "running" by a killed process runnable
// again. Only for SQLite: one file has one ward process, so nothing else can
// be running them. PostgreSQL replicas rely on River's rescuer instead.
func (s *Server) recoverOrphans(ctx context.Context) error {
	if s.store.Kind != "sqlite" {
		return nil
	}
	res, err := s.store.db.ExecContext(ctx,
		`UPDATE river_job SET state = 'available', scheduled_at = $1 WHERE state = 'running'`, time.Now().UTC())
	if err != nil {
		return fmt.Errorf("recover interrupted jobs: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		s.log.Info("requeued reviews interrupted by the last stop", "jobs", n)
	}
	return nil
}

// Store exposes the database (tests, benchmarks).
func (s *Server) Store() *Store { return s.store }
