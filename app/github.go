package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v66/github"
)

// ErrPrivateKey marks a GitHub App private key ward cannot use: waiting
// will not mend it, and it must not be reported as anything else.
var ErrPrivateKey = errors.New("bad private key")

// DefaultAPIURL is github.com's REST API.
const DefaultAPIURL = "https://api.github.com"

// Clients makes GitHub clients: one for the App (JWT), one per installation
// (installation tokens, refreshed by ghinstallation), all over one shared
// http.Transport behind the rate-limit transport.
type Clients struct {
	apiURL  string
	apps    *ghinstallation.AppsTransport
	base    http.RoundTripper
	mu      sync.Mutex
	byInst  map[int64]*github.Client
	trs     map[int64]*reauthTransport
	AppSlug string // "<slug>[bot]" writes ward's comments
	// outbound follows URLs GitHub names (LFS downloads), SSRF-guarded.
	outbound *http.Client
}

// NewClients builds the App's clients for an API URL (github.com or GHES).
func NewClients(apiURL string, appID int64, privateKeyPEM []byte, m *Metrics) (*Clients, error) {
	if apiURL == "" {
		apiURL = DefaultAPIURL
	}
	shared := http.DefaultTransport.(*http.Transport).Clone()
	shared.MaxIdleConnsPerHost = 32
	base := newRateLimitTransport(shared, m)
	apps, err := ghinstallation.NewAppsTransport(base, appID, privateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("%w: WARD_PRIVATE_KEY or WARD_PRIVATE_KEY_FILE is not an RSA private key in PEM form (%v)", ErrPrivateKey, err)
	}
	apps.BaseURL = strings.TrimRight(apiURL, "/")
	return &Clients{apiURL: apiURL, apps: apps, base: base, byInst: map[int64]*github.Client{},
		trs: map[int64]*reauthTransport{}, outbound: newOutboundClient(webURL(apiURL))}, nil
}

func (c *Clients) wrap(hc *http.Client) (*github.Client, error) {
	gh := github.NewClient(hc)
	if strings.TrimRight(c.apiURL, "/") == DefaultAPIURL {
		return gh, nil
	}
	return gh.WithEnterpriseURLs(c.apiURL, c.apiURL)
}

// App returns a client authenticated as the App itself (JWT).
func (c *Clients) App() (*github.Client, error) {
	return c.wrap(&http.Client{Transport: c.apps, Timeout: 60 * time.Second})
}

// Installation returns the cached client of one installation.
func (c *Clients) Installation(id int64) (*github.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gh, ok := c.byInst[id]; ok {
		return gh, nil
	}
	tr := &reauthTransport{newTr: func() *ghinstallation.Transport {
		t := ghinstallation.NewFromAppsTransport(c.apps, id)
		t.BaseURL = c.apps.BaseURL
		return t
	}}
	gh, err := c.wrap(&http.Client{Transport: tr, Timeout: 5 * time.Minute})
	if err != nil {
		return nil, err
	}
	c.byInst[id] = gh
	c.trs[id] = tr
	return gh, nil
}

// lfsFor gives a PR client of installation id access to Git LFS objects.
func (c *Clients) lfsFor(id int64) *lfsAccess {
	if _, err := c.Installation(id); err != nil {
		return nil
	}
	c.mu.Lock()
	tr := c.trs[id]
	c.mu.Unlock()
	return &lfsAccess{web: webURL(c.apiURL), client: c.outbound,
		token: func(ctx context.Context) (string, error) { return tr.current(false).Token(ctx) }}
}

// LoadSlug asks GitHub for the App's slug, so ward recognises its own comments.
func (c *Clients) LoadSlug(ctx context.Context) error {
	gh, err := c.App()
	if err != nil {
		return err
	}
	app, _, err := gh.Apps.Get(ctx, "")
	if err != nil {
		return fmt.Errorf("get app: %w", err)
	}
	c.AppSlug = app.GetSlug()
	return nil
}

// reauthTransport mints a new installation token when GitHub answers 401
// with one ghinstallation still believes valid (revoked, or expired early),
// and retries the request once: a review should not fail for that.
type reauthTransport struct {
	newTr func() *ghinstallation.Transport
	mu    sync.Mutex
	cur   *ghinstallation.Transport
}

func (t *reauthTransport) current(fresh bool) *ghinstallation.Transport {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur == nil || fresh {
		t.cur = t.newTr()
	}
	return t.cur
}

func (t *reauthTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.current(false).RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized || (req.Body != nil && req.GetBody == nil) {
		return resp, err
	}
	drain(resp)
	retry := req.Clone(req.Context())
	if req.GetBody != nil {
		if retry.Body, err = req.GetBody(); err != nil {
			return nil, err
		}
	}
	retry.Header.Del("Authorization")
	return t.current(true).RoundTrip(retry)
}
