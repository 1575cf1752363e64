package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ward-sec/ward/checks"
)

// lfsAccess reads Git LFS objects of one installation: the batch API on the
// GitHub host, then ranged downloads from the hosts it names.
type lfsAccess struct {
	web    string // https://github.com or the GHES host
	token  func(ctx context.Context) (string, error)
	client *http.Client
}

// LFSObject asks the LFS batch API for a download action and returns the
// object as a range-reading blob: a 10 GB checkpoint costs the bytes the
// checks read.
func (c *prClient) LFSObject(ctx context.Context, oid string, size int64) (*checks.Blob, error) {
	if c.lfs == nil {
		return nil, errors.New("LFS access is not configured")
	}
	href, header, err := c.lfs.download(ctx, c.owner, c.repo, oid, size)
	if err != nil {
		return nil, err
	}
	fetch := func(ctx context.Context, start, end int64) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, href, nil)
		if err != nil {
			return nil, err
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, end))
		resp, err := c.lfs.client.Do(req)
		if err != nil {
			return nil, fmt.Errorf("LFS download: %w", err)
		}
		return resp, nil
	}
	return &checks.Blob{Size: size, Content: newRangedReader(ctx, size, lfsSpoolMax, fetch)}, nil
}

// lfsSpoolMax bounds the temporary copy of an LFS object whose server
// ignores Range: ward's per-file byte budget.
var lfsSpoolMax = checks.DefaultLimits.MaxFileBytes

type lfsBatchResponse struct {
	Objects []struct {
		OID     string `json:"oid"`
		Actions struct {
			Download *struct {
				Href   string            `json:"href"`
				Header map[string]string `json:"header"`
			} `json:"download"`
		} `json:"actions"`
		Error *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"objects"`
}

func (l *lfsAccess) download(ctx context.Context, owner, repo, oid string, size int64) (string, map[string]string, error) {
	token, err := l.token(ctx)
	if err != nil {
		return "", nil, fmt.Errorf("LFS token: %w", err)
	}
	body, _ := json.Marshal(map[string]any{
		"operation": "download", "transfers": []string{"basic"},
		"objects": []map[string]any{{"oid": oid, "size": size}},
	})
	u := fmt.Sprintf("%s/%s/%s.git/info/lfs/objects/batch", strings.TrimRight(l.web, "/"), owner, repo)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return "", nil, err
	}
	req.Header.Set("Accept", "application/vnd.git-lfs+json")
	req.Header.Set("Content-Type", "application/vnd.git-lfs+json")
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("x-access-token:"+token)))
	resp, err := l.client.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("LFS batch: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("LFS batch: HTTP %d", resp.StatusCode)
	}
	var br lfsBatchResponse
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&br); err != nil {
		return "", nil, fmt.Errorf("LFS batch: %w", err)
	}
	for _, o := range br.Objects {
		if o.OID != oid {
			continue
		}
		if o.Error != nil {
			return "", nil, fmt.Errorf("LFS batch: object %s: %d %s", oid, o.Error.Code, o.Error.Message)
		}
		if o.Actions.Download == nil || o.Actions.Download.Href == "" {
			return "", nil, fmt.Errorf("LFS batch: no download action for %s", oid)
		}
		if err := checkOutboundURL(o.Actions.Download.Href, l.web); err != nil {
			return "", nil, err
		}
		return o.Actions.Download.Href, o.Actions.Download.Header, nil
	}
	return "", nil, fmt.Errorf("LFS batch: object %s not in the answer", oid)
}

// checkOutboundURL allows HTTPS, and plain HTTP only to loopback when the
// GitHub host itself is on loopback (tests).
func checkOutboundURL(raw, githubWeb string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("LFS download URL: %w", err)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopbackHost(u.Hostname()) && isLoopbackURL(githubWeb) {
			return nil
		}
	}
	return fmt.Errorf("LFS download URL %s://%s refused: only HTTPS is followed", u.Scheme, u.Host)
}

func isLoopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && isLoopbackHost(u.Hostname())
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// newOutboundClient is the HTTP client for URLs that GitHub's answers name:
// it refuses connections to private, link-local and unspecified addresses
// (SSRF through a redirect or a crafted answer), except the GitHub host's
// own addresses and loopback when GitHub is on loopback.
func newOutboundClient(githubWeb string) *http.Client {
	ghHost := ""
	if u, err := url.Parse(githubWeb); err == nil {
		ghHost = u.Hostname()
	}
	allowLoopback := isLoopbackHost(ghHost)
	var mu sync.Mutex
	ghAddrs := map[string]bool{}
	if ips, err := net.LookupIP(ghHost); err == nil {
		for _, ip := range ips {
			ghAddrs[ip.String()] = true
		}
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		ip := net.ParseIP(host)
		mu.Lock()
		trusted := ghAddrs[host]
		mu.Unlock()
		switch {
		case ip == nil, trusted:
			return nil
		case ip.IsLoopback() && allowLoopback:
			return nil
		case ip.IsLoopback(), ip.IsPrivate(), ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip.IsUnspecified():
			return fmt.Errorf("refusing to connect to %s: a private or local address", ip)
		}
		return nil
	}}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = dialer.DialContext
	tr.Proxy = nil
	return &http.Client{Transport: tr, Timeout: 5 * time.Minute,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			return checkOutboundURL(req.URL.String(), githubWeb)
		}}
}
