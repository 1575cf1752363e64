// Package hub checks the models that source code downloads by name from the
// Hugging Face Hub: it finds the loading calls (Extract), looks the
// repository up through the Hub API, reads the files the call would load
// with range requests, and runs ward's model checks on them. It knows
// nothing of GitHub.
package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultEndpoint is the public Hub.
const DefaultEndpoint = "https://huggingface.co"

// Client talks to a Hub's API. The zero value is not usable: use NewClient.
type Client struct {
	endpoint string
	token    string
	http     *http.Client
	// BytesRead counts response bytes of file reads (range requests).
	BytesRead atomic.Int64
	// Requests counts HTTP requests made.
	Requests atomic.Int64
}

// NewClient makes a client for endpoint ("" for the public Hub); token may
// be empty (public models only).
func NewClient(endpoint, token string, hc *http.Client) *Client {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	c := &Client{endpoint: strings.TrimRight(endpoint, "/"), token: token}
	own := *hc
	own.CheckRedirect = c.redirect
	c.http = &own
	return c
}

// redirect keeps the token only on redirects within the Hub's API and
// resolve routes (a renamed repository); the content store's signed URLs
// get no token, wherever they live.
func (c *Client) redirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("hub: too many redirects")
	}
	u := req.URL.String()
	if !strings.HasPrefix(u, c.endpoint+"/") || !(strings.Contains(req.URL.Path, "/resolve/") || strings.HasPrefix(req.URL.Path, "/api/")) {
		req.Header.Del("Authorization")
	}
	return nil
}

// Error is a Hub answer that stops a lookup, with what it means.
type Error struct {
	Status     int
	Code       string // the Hub's X-Error-Code (GatedRepo, RepoNotFound, …)
	Message    string
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	switch {
	case e.Status == http.StatusTooManyRequests:
		return fmt.Sprintf("the Hub rate-limited ward (429, retry after %s)", e.RetryAfter)
	case e.Code == "GatedRepo" || (e.Status == http.StatusForbidden):
		return fmt.Sprintf("the repository is gated or private and WARD_HF_TOKEN has no access (%d)", e.Status)
	case e.Code == "RepoNotFound" || e.Status == http.StatusNotFound || e.Status == http.StatusUnauthorized:
		return fmt.Sprintf("the repository or revision was not found, or is private (%d)", e.Status)
	case e.Code == "RevisionNotFound":
		return fmt.Sprintf("the revision was not found (%d)", e.Status)
	}
	msg := e.Message
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return fmt.Sprintf("the Hub answered %d %s", e.Status, msg)
}

// ErrNotFound matches errors for a repository, revision or file that does
// not exist (or is hidden from the token).
var ErrNotFound = errors.New("not found")

func (e *Error) Is(target error) bool {
	return target == ErrNotFound && (e.Status == http.StatusNotFound || e.Code == "RepoNotFound" ||
		e.Code == "RevisionNotFound" || e.Code == "EntryNotFound")
}

// maxRetryWait is the longest Retry-After the client waits out; a longer
// one ends the lookup (the review must not stall on the Hub).
const maxRetryWait = 5 * time.Second

func (c *Client) do(ctx context.Context, method, u string, hdr map[string]string) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, u, nil)
		if err != nil {
			return nil, err
		}
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		req.Header.Set("User-Agent", "ward-hub-check")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		c.Requests.Add(1)
		resp, err := c.http.Do(req)
		if err != nil {
			return nil, fmt.Errorf("hub request: %w", err)
		}
		if resp.StatusCode < 300 {
			return resp, nil
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		he := &Error{Status: resp.StatusCode, Code: resp.Header.Get("X-Error-Code"), Message: strings.TrimSpace(string(body))}
		if ra := resp.Header.Get("Retry-After"); ra != "" {
			if s, err := strconv.Atoi(ra); err == nil {
				he.RetryAfter = time.Duration(s) * time.Second
			}
		}
		retryable := resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500
		if !retryable || attempt >= 2 || he.RetryAfter > maxRetryWait {
			return nil, he
		}
		wait := he.RetryAfter
		if wait == 0 {
			wait = time.Duration(200*(attempt+1)) * time.Millisecond
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

func (c *Client) getJSON(ctx context.Context, u string, v any) (http.Header, error) {
	resp, err := c.do(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 32<<20)).Decode(v); err != nil {
		return nil, fmt.Errorf("hub answer: %w", err)
	}
	return resp.Header, nil
}

// RepoInfo is a model repository at one commit.
type RepoInfo struct {
	ID    string `json:"id"`
	SHA   string `json:"sha"`
	Gated any    `json:"gated"` // false, "auto" or "manual"
}

// escapeRepo keeps the "/" of "org/name" and escapes the rest.
func escapeRepo(repo string) string {
	parts := strings.Split(repo, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// Info resolves a revision ("" for the default branch) to its commit.
func (c *Client) Info(ctx context.Context, repo, revision string) (*RepoInfo, error) {
	u := c.endpoint + "/api/models/" + escapeRepo(repo)
	if revision != "" {
		u += "/revision/" + url.PathEscape(revision)
	}
	var info RepoInfo
	if _, err := c.getJSON(ctx, u, &info); err != nil {
		return nil, fmt.Errorf("model info %s@%s: %w", repo, orDefault(revision), err)
	}
	if info.SHA == "" {
		return nil, fmt.Errorf("model info %s: no commit in the answer", repo)
	}
	return &info, nil
}

func orDefault(rev string) string {
	if rev == "" {
		return "default branch"
	}
	return rev
}

// Entry is one file of a repository tree.
type Entry struct {
	Type string `json:"type"` // file or directory
	OID  string `json:"oid"`  // git blob id
	Size int64  `json:"size"`
	Path string `json:"path"`
	LFS  *struct {
		OID  string `json:"oid"` // sha256
		Size int64  `json:"size"`
	} `json:"lfs,omitempty"`
}

// ContentID is the file's content address: the LFS sha256, or the git oid.
func (e Entry) ContentID() string {
	if e.LFS != nil && e.LFS.OID != "" {
		return "sha256:" + e.LFS.OID
	}
	return "git:" + e.OID
}

// maxTreePages bounds the listing of one repository.
const maxTreePages = 20

// Tree lists every file at a commit, following the Link pagination.
func (c *Client) Tree(ctx context.Context, repo, sha string) ([]Entry, error) {
	u := c.endpoint + "/api/models/" + escapeRepo(repo) + "/tree/" + url.PathEscape(sha) + "?recursive=true"
	var all []Entry
	for page := 0; u != ""; page++ {
		if page == maxTreePages {
			return all, fmt.Errorf("tree of %s: more than %d pages", repo, maxTreePages)
		}
		var es []Entry
		hdr, err := c.getJSON(ctx, u, &es)
		if err != nil {
			return nil, fmt.Errorf("tree of %s@%s: %w", repo, short(sha), err)
		}
		for _, e := range es {
			if e.Type == "file" {
				all = append(all, e)
			}
		}
		u = nextLink(hdr.Get("Link"), c.endpoint)
	}
	return all, nil
}

// nextLink reads rel="next" from a Link header; only links to the same
// endpoint are followed.
func nextLink(h, endpoint string) string {
	for _, part := range strings.Split(h, ",") {
		seg := strings.Split(part, ";")
		if len(seg) < 2 || !strings.Contains(seg[1], `rel="next"`) {
			continue
		}
		u := strings.Trim(strings.TrimSpace(seg[0]), "<>")
		if strings.HasPrefix(u, "/") {
			u = endpoint + u
		}
		if strings.HasPrefix(u, endpoint+"/") {
			return u
		}
	}
	return ""
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}

// Open returns a reader of one file at a commit that fetches 64 KiB blocks
// with range requests as they are read (the resolve endpoint redirects to
// the content store; the client follows).
func (c *Client) Open(ctx context.Context, repo, sha, file string, size int64) *RangeReader {
	parts := strings.Split(file, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	u := c.endpoint + "/" + escapeRepo(repo) + "/resolve/" + url.PathEscape(sha) + "/" + strings.Join(parts, "/")
	return &RangeReader{ctx: ctx, c: c, url: u, size: size, blocks: map[int64][]byte{}}
}

// RangeReader is an io.ReaderAt over a remote file.
type RangeReader struct {
	ctx    context.Context
	c      *Client
	url    string
	size   int64
	mu     sync.Mutex
	blocks map[int64][]byte
}

const (
	blockSize = 64 << 10
	maxBlocks = 1024 // 64 MiB kept per file
)

// ReadAt reads p at off, fetching missing blocks.
func (r *RangeReader) ReadAt(p []byte, off int64) (int, error) {
	if off >= r.size {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && off+int64(n) < r.size {
		o := off + int64(n)
		b, err := r.block(o / blockSize)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], b[o%blockSize:])
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (r *RangeReader) block(i int64) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if b, ok := r.blocks[i]; ok {
		return b, nil
	}
	start := i * blockSize
	end := min(start+blockSize, r.size) - 1
	resp, err := r.c.do(r.ctx, http.MethodGet, r.url, map[string]string{"Range": fmt.Sprintf("bytes=%d-%d", start, end)})
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent {
		// a server that ignores Range would send the whole file: refuse
		return nil, fmt.Errorf("hub file read: range request answered %d, not 206", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, end-start+2))
	if err != nil {
		return nil, fmt.Errorf("hub file read: %w", err)
	}
	if int64(len(b)) != end-start+1 {
		return nil, fmt.Errorf("hub file read: %d bytes for a %d-byte range", len(b), end-start+1)
	}
	r.c.BytesRead.Add(int64(len(b)))
	if len(r.blocks) >= maxBlocks {
		for k := range r.blocks {
			delete(r.blocks, k)
			break
		}
	}
	r.blocks[i] = b
	return b, nil
}
