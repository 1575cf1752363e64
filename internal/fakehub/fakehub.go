// Package fakehub is a stateful fake of the Hugging Face Hub for tests: the
// model-info and tree endpoints (with Link pagination), resolve with a
// redirect to a content store that honours Range requests, gated and
// private repositories, and a rate limit. It enforces what the Hub does,
// so a client that works here works there.
package fakehub

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Server is a fake Hub. Its fields may be changed between requests under
// the tests' control (use the setters while a test runs requests).
type Server struct {
	*httptest.Server

	mu    sync.Mutex
	repos map[string]*repo
	blobs map[string][]byte // sha256 → LFS content
	key   []byte            // signs content-store URLs

	pageSize   int
	limit      int           // requests per window before 429 (0: none)
	window     time.Duration // rate-limit window
	retryAfter int           // seconds
	down       bool          // every API call answers 503
	winStart   time.Time
	count      int

	// Counters for assertions.
	Requests      int
	RangeRequests int
	BytesServed   int64
	FullDownloads int // GETs of a whole LFS file without a Range header
}

type repo struct {
	name     string
	branches map[string]string // name → commit
	commits  map[string]map[string]file
	gated    bool
	tokens   map[string]bool // tokens with access (gated or private)
	private  bool
}

type file struct {
	data []byte
	lfs  bool
}

// New starts a fake Hub; Close it when done.
func New() *Server {
	s := &Server{repos: map[string]*repo{}, blobs: map[string][]byte{}, key: []byte("fakehub"), pageSize: 50}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Option configures a repository.
type Option func(*repo)

// Gated makes the repository answer 401/403 to requests without one of
// tokens, as a gated model does to users who did not accept its terms.
func Gated(tokens ...string) Option {
	return func(r *repo) {
		r.gated = true
		for _, t := range tokens {
			r.tokens[t] = true
		}
	}
}

// Private hides the repository from requests without one of tokens (the
// Hub answers as if it did not exist).
func Private(tokens ...string) Option {
	return func(r *repo) {
		r.private = true
		for _, t := range tokens {
			r.tokens[t] = true
		}
	}
}

// AddCommit adds a commit holding files to the repository (created when
// new) and points branch at it. Files over 1 KiB, and model files, are
// stored in LFS as the Hub stores them. It returns the commit hash.
func (s *Server) AddCommit(name, branch string, files map[string][]byte, opts ...Option) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.repos[name]
	if r == nil {
		r = &repo{name: name, branches: map[string]string{}, commits: map[string]map[string]file{}, tokens: map[string]bool{}}
		s.repos[name] = r
	}
	for _, o := range opts {
		o(r)
	}
	h := sha1.New()
	fmt.Fprintf(h, "%s\n%d\n", name, len(r.commits))
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	c := map[string]file{}
	for _, p := range paths {
		data := files[p]
		fmt.Fprintf(h, "%s %x\n", p, sha256.Sum256(data))
		f := file{data: data, lfs: len(data) > 1024 || isModel(p)}
		if f.lfs {
			sum := sha256.Sum256(data)
			s.blobs[hex.EncodeToString(sum[:])] = data
		}
		c[p] = f
	}
	sha := hex.EncodeToString(h.Sum(nil))
	r.commits[sha] = c
	r.branches[branch] = sha
	return sha
}

func isModel(p string) bool {
	for _, ext := range []string{".bin", ".pt", ".pth", ".ckpt", ".safetensors", ".gguf", ".onnx", ".h5", ".keras", ".pkl", ".joblib"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

// SetPageSize sets how many tree entries one page holds.
func (s *Server) SetPageSize(n int) { s.mu.Lock(); s.pageSize = n; s.mu.Unlock() }

// SetRateLimit allows n requests per window, then answers 429 with
// Retry-After: retryAfter seconds. n = 0 removes the limit.
func (s *Server) SetRateLimit(n int, window time.Duration, retryAfter int) {
	s.mu.Lock()
	s.limit, s.window, s.retryAfter, s.count, s.winStart = n, window, retryAfter, 0, time.Now()
	s.mu.Unlock()
}

// SetDown makes every request answer 503 (an outage).
func (s *Server) SetDown(down bool) { s.mu.Lock(); s.down = down; s.mu.Unlock() }

// Stats returns the counters.
func (s *Server) Stats() (requests, ranges int, bytes int64, full int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Requests, s.RangeRequests, s.BytesServed, s.FullDownloads
}

func (s *Server) serve(w http.ResponseWriter, req *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Requests++
	if s.down {
		http.Error(w, "service unavailable", http.StatusServiceUnavailable)
		return
	}
	if s.limit > 0 {
		if time.Since(s.winStart) > s.window {
			s.winStart, s.count = time.Now(), 0
		}
		s.count++
		if s.count > s.limit {
			w.Header().Set("Retry-After", strconv.Itoa(s.retryAfter))
			w.Header().Set("X-Error-Code", "RateLimited")
			http.Error(w, "rate limit exceeded", http.StatusTooManyRequests)
			return
		}
	}
	p := req.URL.Path
	switch {
	case strings.HasPrefix(p, "/cdn/"):
		s.serveBlob(w, req, strings.TrimPrefix(p, "/cdn/"))
	case strings.HasPrefix(p, "/api/models/"):
		s.serveAPI(w, req, strings.Split(strings.TrimPrefix(p, "/api/models/"), "/"))
	default:
		parts := strings.SplitN(strings.TrimPrefix(p, "/"), "/", 5)
		if len(parts) == 5 && parts[2] == "resolve" {
			s.serveResolve(w, req, parts[0]+"/"+parts[1], parts[3], parts[4])
			return
		}
		http.NotFound(w, req)
	}
}

// access applies the Hub's answers for private and gated repositories.
func (s *Server) access(w http.ResponseWriter, req *http.Request, name string) *repo {
	token := strings.TrimPrefix(req.Header.Get("Authorization"), "Bearer ")
	r := s.repos[name]
	switch {
	case r == nil || (r.private && !r.tokens[token]):
		// without a token the Hub cannot tell "private" from "missing"
		code := http.StatusNotFound
		if token == "" {
			code = http.StatusUnauthorized
		}
		hubError(w, code, "RepoNotFound", "Repository Not Found for url: "+req.URL.String())
		return nil
	case r.gated && token == "":
		hubError(w, http.StatusUnauthorized, "GatedRepo", "Access to model "+name+" is restricted. You must be authenticated to access it.")
		return nil
	case r.gated && !r.tokens[token]:
		hubError(w, http.StatusForbidden, "GatedRepo", "Access to model "+name+" is restricted and you are not in the authorized list.")
		return nil
	}
	return r
}

func hubError(w http.ResponseWriter, code int, errCode, msg string) {
	w.Header().Set("X-Error-Code", errCode)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// commit resolves a branch name or a full commit hash.
func (r *repo) commit(rev string) (string, bool) {
	if rev == "" {
		rev = "main"
	}
	if sha, ok := r.branches[rev]; ok {
		return sha, true
	}
	if _, ok := r.commits[rev]; ok {
		return rev, true
	}
	return "", false
}

func (s *Server) serveAPI(w http.ResponseWriter, req *http.Request, seg []string) {
	if req.Method != http.MethodGet || len(seg) < 2 {
		http.NotFound(w, req)
		return
	}
	name := seg[0] + "/" + seg[1]
	r := s.access(w, req, name)
	if r == nil {
		return
	}
	rev := ""
	op := "info"
	if len(seg) >= 4 {
		op, rev = seg[2], seg[3]
	}
	sha, ok := r.commit(rev)
	if !ok || (op != "info" && op != "revision" && op != "tree") {
		hubError(w, http.StatusNotFound, "RevisionNotFound", "Invalid rev id: "+rev)
		return
	}
	files := r.commits[sha]
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	w.Header().Set("Content-Type", "application/json")
	if op != "tree" {
		sib := []map[string]string{}
		for _, p := range paths {
			sib = append(sib, map[string]string{"rfilename": p})
		}
		gated := any(false)
		if r.gated {
			gated = "manual"
		}
		json.NewEncoder(w).Encode(map[string]any{"id": name, "modelId": name, "sha": sha, "private": r.private,
			"gated": gated, "siblings": sib})
		return
	}
	if req.URL.Query().Get("recursive") == "" && len(seg) == 4 {
		// without recursive the Hub lists the top folder only
		var top []string
		for _, p := range paths {
			if !strings.Contains(p, "/") {
				top = append(top, p)
			}
		}
		paths = top
	}
	start := 0
	if c := req.URL.Query().Get("cursor"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 || n > len(paths) {
			http.Error(w, "bad cursor", http.StatusBadRequest)
			return
		}
		start = n
	}
	end := min(start+s.pageSize, len(paths))
	var out []map[string]any
	for _, p := range paths[start:end] {
		f := files[p]
		e := map[string]any{"type": "file", "path": p, "size": len(f.data), "oid": gitOID(f.data)}
		if f.lfs {
			sum := sha256.Sum256(f.data)
			e["lfs"] = map[string]any{"oid": hex.EncodeToString(sum[:]), "size": len(f.data), "pointerSize": 134}
		}
		out = append(out, e)
	}
	if out == nil {
		out = []map[string]any{}
	}
	if end < len(paths) {
		q := req.URL.Query()
		q.Set("cursor", strconv.Itoa(end))
		w.Header().Set("Link", fmt.Sprintf(`<%s%s?%s>; rel="next"`, s.URL, req.URL.Path, q.Encode()))
	}
	json.NewEncoder(w).Encode(out)
}

func gitOID(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func (s *Server) serveResolve(w http.ResponseWriter, req *http.Request, name, rev, path string) {
	if req.Method != http.MethodGet && req.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r := s.access(w, req, name)
	if r == nil {
		return
	}
	sha, ok := r.commit(rev)
	if !ok {
		hubError(w, http.StatusNotFound, "RevisionNotFound", "Invalid rev id: "+rev)
		return
	}
	f, ok := r.commits[sha][path]
	if !ok {
		hubError(w, http.StatusNotFound, "EntryNotFound", path+" does not exist at "+rev)
		return
	}
	w.Header().Set("X-Repo-Commit", sha)
	if !f.lfs {
		w.Header().Set("ETag", `"`+gitOID(f.data)+`"`)
		s.serveBytes(w, req, f.data)
		return
	}
	sum := sha256.Sum256(f.data)
	oid := hex.EncodeToString(sum[:])
	w.Header().Set("X-Linked-Etag", `"`+oid+`"`)
	w.Header().Set("X-Linked-Size", strconv.Itoa(len(f.data)))
	// the content store's URL is signed: it needs no token, and the
	// client must not send the Hub token there
	http.Redirect(w, req, s.URL+"/cdn/"+oid+"?sig="+s.sign(oid), http.StatusFound)
}

func (s *Server) sign(oid string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(oid))
	return hex.EncodeToString(m.Sum(nil))[:16]
}

func (s *Server) serveBlob(w http.ResponseWriter, req *http.Request, oid string) {
	if req.URL.Query().Get("sig") != s.sign(oid) {
		http.Error(w, "AccessDenied: bad signature", http.StatusForbidden)
		return
	}
	if req.Header.Get("Authorization") != "" {
		// a real content store rejects requests carrying a foreign bearer token
		http.Error(w, "InvalidArgument: Only one auth mechanism allowed", http.StatusBadRequest)
		return
	}
	data, ok := s.blobs[oid]
	if !ok {
		http.NotFound(w, req)
		return
	}
	if req.Method == http.MethodGet && req.Header.Get("Range") == "" {
		s.FullDownloads++
	}
	s.serveBytes(w, req, data)
}

// serveBytes answers with Range support (http.ServeContent) and counts.
func (s *Server) serveBytes(w http.ResponseWriter, req *http.Request, data []byte) {
	if req.Header.Get("Range") != "" {
		s.RangeRequests++
	}
	cw := &countWriter{ResponseWriter: w}
	http.ServeContent(cw, req, "", time.Time{}, bytes.NewReader(data))
	s.BytesServed += cw.n
}

type countWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}
