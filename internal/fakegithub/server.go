package fakegithub

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configures a Server. The zero value is usable.
type Options struct {
	// AppID is the GitHub App's id (default 4242).
	AppID int64
	// AppSlug is the App's slug; its bot user is AppSlug+"[bot]" (default "ward-test").
	AppSlug string
	// TokenTTL is the lifetime of installation access tokens (default 1 hour,
	// as on GitHub). A short TTL lets a test make a token expire mid-review.
	TokenTTL time.Duration
	// MaxPatchBytes: a file whose diff is larger has no "patch" in the files
	// API, as on GitHub (default 1 MiB). MaxPatchLines likewise (default 20,000).
	MaxPatchBytes int
	MaxPatchLines int
	// RateLimit is the primary rate limit per hour (default 12,500, an
	// installation on an organisation with many repositories).
	RateLimit int
	// ContentPerMinute and ContentPerHour are GitHub's secondary limits on
	// content-creating requests (reviews, review and issue comments, replies,
	// reactions): 80 a minute and 500 an hour by default; negative disables.
	// Going over answers 403 "secondary rate limit" with retry-after.
	ContentPerMinute int
	ContentPerHour   int
	// PointsPerMinute enforces GitHub's REST secondary limit of 900 points a
	// minute (GET 1 point, writes 5). 0 (default) leaves it off: a test that
	// fetches thousands of blobs would otherwise wait minutes.
	PointsPerMinute int
	// WebhookSecret is returned by the manifest conversion (default "fake-webhook-secret").
	WebhookSecret string
	// ClientID and ClientSecret are the App's OAuth client, returned by the
	// manifest conversion and required by the OAuth web flow (defaults:
	// "Iv1.fakeclient" and a random secret).
	ClientID, ClientSecret string
}

// Server is a fake GitHub. All methods are safe for concurrent use.
type Server struct {
	ts   *httptest.Server
	mux  *http.ServeMux
	opts Options
	key  *rsa.PrivateKey

	mu            sync.Mutex
	nextID        int64
	installations map[int64]*installation
	tokens        map[string]*accessToken
	repos         map[string]*repo // by lower-case full name
	users         map[string]*user // by login
	checkRuns     map[int64]*checkRun
	suites        map[string]int64 // repo|sha -> check suite id
	reviews       map[int64]*review
	reviewComms   map[int64]*reviewComment
	issueComms    map[int64]*issueComment
	reactions     map[int64][]*reaction // by comment id
	manifestCodes map[string]bool
	manifests     []Manifest
	lfsObjects    map[string][]byte
	lfsAuth       map[string]bool
	lfsBytes      int64
	faults        []*Fault
	gates         []*Gate
	cache         blobCache
	perms         map[string]string          // the App's permissions
	members       map[string]map[string]bool // org -> login
	teams         map[string]map[string]bool // org/slug (lower case) -> login
	ignoreRange   bool                       // answer ranged reads with the whole object (200)
	writes        []writeRecord
	requests      []requestRecord
	rateRemaining int
	rateReset     time.Time
	browserUser   string                   // who is signed in to the fake's web UI
	oauthCodes    map[string]oauthCode     // OAuth web-flow codes
	userTokens    map[string]string        // user-to-server token -> login
	sarifs        map[string][]SARIFUpload // code scanning uploads by repository
}

type requestRecord struct{ method, path string }

var (
	keyOnce sync.Once
	appKey  *rsa.PrivateKey
	keyErr  error
)

// sharedKey generates one RSA key per test binary: generation costs ~100 ms.
func sharedKey() (*rsa.PrivateKey, error) {
	keyOnce.Do(func() { appKey, keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	return appKey, keyErr
}

// New starts a fake GitHub with default options and closes it when t ends.
func New(t testing.TB) *Server {
	t.Helper()
	return NewWithOptions(t, Options{})
}

// NewWithOptions starts a fake GitHub with opts and closes it when t ends.
func NewWithOptions(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Start(opts)
	if err != nil {
		t.Fatalf("fakegithub: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake GitHub outside a test (call Close when done).
func Start(opts Options) (*Server, error) {
	if opts.AppID == 0 {
		opts.AppID = 4242
	}
	if opts.AppSlug == "" {
		opts.AppSlug = "ward-test"
	}
	if opts.TokenTTL == 0 {
		opts.TokenTTL = time.Hour
	}
	if opts.MaxPatchBytes == 0 {
		opts.MaxPatchBytes = 1 << 20
	}
	if opts.MaxPatchLines == 0 {
		opts.MaxPatchLines = 20000
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 12500
	}
	if opts.ContentPerMinute == 0 {
		opts.ContentPerMinute = 80
	}
	if opts.ContentPerHour == 0 {
		opts.ContentPerHour = 500
	}
	if opts.WebhookSecret == "" {
		opts.WebhookSecret = "fake-webhook-secret"
	}
	if opts.ClientID == "" {
		opts.ClientID = "Iv1.fakeclient"
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = randomHex(20)
	}
	key, err := sharedKey()
	if err != nil {
		return nil, fmt.Errorf("generate app key: %w", err)
	}
	s := &Server{
		opts:          opts,
		key:           key,
		nextID:        1000,
		installations: map[int64]*installation{},
		tokens:        map[string]*accessToken{},
		repos:         map[string]*repo{},
		users:         map[string]*user{},
		checkRuns:     map[int64]*checkRun{},
		suites:        map[string]int64{},
		reviews:       map[int64]*review{},
		reviewComms:   map[int64]*reviewComment{},
		issueComms:    map[int64]*issueComment{},
		reactions:     map[int64][]*reaction{},
		manifestCodes: map[string]bool{},
		lfsObjects:    map[string][]byte{},
		lfsAuth:       map[string]bool{},
		perms:         maps.Clone(defaultAppPermissions),
		members:       map[string]map[string]bool{},
		rateRemaining: opts.RateLimit,
		oauthCodes:    map[string]oauthCode{},
		userTokens:    map[string]string{},
		rateReset:     time.Now().Add(time.Hour).Truncate(time.Second),
	}
	s.mux = http.NewServeMux()
	s.routes()
	s.ts = httptest.NewServer(s)
	return s, nil
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// URL is the server's base URL, e.g. http://127.0.0.1:41234 (no trailing slash).
// Give it to go-github's WithEnterpriseURLs and to ghinstallation's BaseURL.
func (s *Server) URL() string { return s.ts.URL }

// AppID is the GitHub App's id (the JWT issuer).
func (s *Server) AppID() int64 { return s.opts.AppID }

// AppSlug is the App's slug.
func (s *Server) AppSlug() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.AppSlug
}

// BotLogin is the login of the App's bot user, which authors everything
// created with an installation token.
func (s *Server) BotLogin() string { return s.AppSlug() + "[bot]" }

// PrivateKeyPEM is the App's private key (PKCS#1 PEM, as GitHub hands it out).
func (s *Server) PrivateKeyPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(s.key)})
}

// WebhookSecret is the secret the manifest conversion hands out.
func (s *Server) WebhookSecret() string { return s.opts.WebhookSecret }

func (s *Server) newID() int64 {
	s.nextID++
	return s.nextID
}

// ServeHTTP strips the GHES prefixes, counts the request, sets rate-limit
// headers, applies injected faults, then routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/api/graphql":
		path = "/graphql"
	case strings.HasPrefix(path, "/api/v3/"):
		path = strings.TrimPrefix(path, "/api/v3")
	case path == "/api/v3":
		path = "/"
	}
	r.URL.Path = path
	r.URL.RawPath = ""

	s.mu.Lock()
	s.requests = append(s.requests, requestRecord{r.Method, path})
	fault := s.takeFault(r.Method, path)
	gate := s.gateForLocked(r.Method, path)
	if fault == nil {
		fault = s.secondaryLimitLocked(r.Method, path, time.Now())
	}
	s.mu.Unlock()

	if gate != nil {
		select {
		case gate.arrived <- r.Method + " " + path:
		default:
		}
		select {
		case <-gate.open:
		case <-r.Context().Done():
			return
		}
	}

	if fault != nil {
		if fault.Delay > 0 {
			select {
			case <-time.After(fault.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if fault.Status != 0 && !fault.Applied {
			s.writeFault(w, fault)
			return
		}
		if fault.Status != 0 {
			s.serve(httptest.NewRecorder(), r, path)
			s.writeFault(w, fault)
			return
		}
	}
	s.serve(w, r, path)
}

// serve answers a request that passed the faults and gates.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, path string) {
	if !s.rateLimitHeaders(w, path) {
		return
	}
	w.Header().Set("X-GitHub-Media-Type", "github.v3; format=json")
	w.Header().Set("X-GitHub-Request-Id", fmt.Sprintf("FAKE:%d", time.Now().UnixNano()))
	if owner, name, ok := lfsBatchPath(path); ok && r.Method == http.MethodPost {
		s.handleLFSBatch(w, r, owner, name)
		return
	}
	r.URL.Path = routePath(path)
	s.mux.ServeHTTP(w, r)
}

// routePath turns /repos/o/r/pulls/comments/… into /repos/o/r/pulls-comments/…
// (and likewise for issues), the only overlap in GitHub's URL scheme that
// http.ServeMux cannot disambiguate.
func routePath(path string) string {
	parts := strings.SplitN(path, "/", 7)
	if len(parts) >= 6 && parts[1] == "repos" && (parts[4] == "pulls" || parts[4] == "issues") && parts[5] == "comments" && len(parts) == 7 {
		return strings.Join(parts[:4], "/") + "/" + parts[4] + "-comments/" + parts[6]
	}
	return path
}

// RequestCount counts the requests received whose method equals method (any
// when empty) and whose path, without the /api/v3 prefix, starts with pathPrefix.
func (s *Server) RequestCount(method, pathPrefix string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, rr := range s.requests {
		if (method == "" || strings.EqualFold(method, rr.method)) && strings.HasPrefix(rr.path, pathPrefix) {
			n++
		}
	}
	return n
}

// Requests lists every request received as "METHOD /path", in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.requests))
	for i, rr := range s.requests {
		out[i] = rr.method + " " + rr.path
	}
	return out
}

// now is the time stamped on objects: UTC, whole seconds, as GitHub shows.
func now() time.Time { return time.Now().UTC().Truncate(time.Second) }
