package fakegithub

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bradleyfalzon/ghinstallation/v2"
	"github.com/google/go-github/v66/github"
)

// signJWT makes an RS256 JWT with the given claims.
func signJWT(t *testing.T, key *rsa.PrivateKey, claims map[string]any) string {
	t.Helper()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": "RS256", "typ": "JWT"}) + "." + enc(claims)
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func getApp(t *testing.T, s *Server, auth string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.URL()+"/api/v3/app", nil)
	req.Header.Set("Authorization", auth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestAppJWTRules(t *testing.T) {
	s := New(t)
	other, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Unix()
	id := s.AppID()
	tests := []struct {
		name   string
		key    *rsa.PrivateKey
		claims map[string]any
		want   int
	}{
		{"valid, iss as string", s.key, map[string]any{"iss": fmt.Sprint(id), "iat": now - 30, "exp": now + 540}, 200},
		{"valid, iss as number, exactly 10 minutes", s.key, map[string]any{"iss": id, "iat": now, "exp": now + 600}, 200},
		{"exp more than 10 minutes after iat", s.key, map[string]any{"iss": id, "iat": now - 10, "exp": now + 595}, 401},
		{"exp more than 10 minutes from now", s.key, map[string]any{"iss": id, "iat": now + 30, "exp": now + 620}, 401},
		{"expired", s.key, map[string]any{"iss": id, "iat": now - 700, "exp": now - 100}, 401},
		{"fractional iat", s.key, map[string]any{"iss": id, "iat": float64(now) + 0.5, "exp": now + 60}, 401},
		{"iat in the future", s.key, map[string]any{"iss": id, "iat": now + 120, "exp": now + 300}, 401},
		{"wrong issuer", s.key, map[string]any{"iss": id + 1, "iat": now, "exp": now + 60}, 401},
		{"signed by another key", other, map[string]any{"iss": id, "iat": now, "exp": now + 60}, 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := getApp(t, s, "Bearer "+signJWT(t, tc.key, tc.claims)); got != tc.want {
				t.Errorf("status %d, want %d", got, tc.want)
			}
		})
	}
	if got := getApp(t, s, "Bearer not.a.jwt"); got != 401 {
		t.Errorf("garbage JWT: %d", got)
	}
	if got := getApp(t, s, ""); got != 401 {
		t.Errorf("no credentials: %d", got)
	}
	if got := getApp(t, s, "token "+s.IssueToken(1)); got != 401 {
		t.Errorf("installation token on /app: %d", got)
	}
}

func TestGhinstallationAppsTransport(t *testing.T) {
	s := New(t)
	s.AddInstallation(testInst, testOwner)
	for _, base := range []string{s.URL(), s.URL() + "/api/v3"} {
		atr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, s.AppID(), s.PrivateKeyPEM())
		if err != nil {
			t.Fatal(err)
		}
		atr.BaseURL = base
		c, err := github.NewClient(&http.Client{Transport: atr}).WithEnterpriseURLs(s.URL(), s.URL())
		if err != nil {
			t.Fatal(err)
		}
		app, _, err := c.Apps.Get(ctx, "")
		if err != nil || app.GetID() != s.AppID() {
			t.Fatalf("Apps.Get: %v %v", app, err)
		}
		inst, _, err := c.Apps.GetInstallation(ctx, testInst)
		if err != nil || inst.GetAccount().GetLogin() != testOwner {
			t.Fatalf("GetInstallation: %v %v", inst, err)
		}
		tok, _, err := c.Apps.CreateInstallationToken(ctx, testInst, nil)
		if err != nil || !strings.HasPrefix(tok.GetToken(), "ghs_") || time.Until(tok.GetExpiresAt().Time) < 59*time.Minute {
			t.Fatalf("CreateInstallationToken: %v %v", tok, err)
		}
		if _, _, err := c.Apps.CreateInstallationToken(ctx, 999, nil); statusOf(err) != 404 {
			t.Errorf("unknown installation: %v", err)
		}
	}
}

func TestInstallationTransportBothBaseURLs(t *testing.T) {
	f := newFixture(t)
	// ghinstallation appends /app/installations/{id}/access_tokens to BaseURL:
	// the fake serves it with and without /api/v3.
	for _, base := range []string{f.s.URL(), f.s.URL() + "/api/v3", f.s.URL() + "/api/v3/"} {
		c := installationClient(t, f.s, base)
		r, _, err := c.Repositories.Get(ctx, "acme", "widgets")
		if err != nil || r.GetFullName() != testRepo || r.GetDefaultBranch() != "main" {
			t.Fatalf("base %s: %v %v", base, r, err)
		}
	}
	if n := f.s.RequestCount("POST", "/app/installations/77/access_tokens"); n != 3 {
		t.Errorf("token requests = %d, want 3", n)
	}
}

func TestInstallationTokenRules(t *testing.T) {
	f := newFixture(t)
	f.s.AddInstallation(88, "other-org")
	good := tokenClient(t, f.s, f.s.IssueToken(testInst))
	if _, _, err := good.PullRequests.Get(ctx, "acme", "widgets", 1); err != nil {
		t.Fatalf("valid token: %v", err)
	}
	if _, _, err := tokenClient(t, f.s, f.s.IssueToken(88)).PullRequests.Get(ctx, "acme", "widgets", 1); statusOf(err) != 404 {
		t.Errorf("token of another installation: %v, want 404", err)
	}
	if _, _, err := tokenClient(t, f.s, "ghs_bogus").PullRequests.Get(ctx, "acme", "widgets", 1); statusOf(err) != 401 {
		t.Errorf("unknown token: %v, want 401", err)
	}
	anon, _ := github.NewClient(nil).WithEnterpriseURLs(f.s.URL(), f.s.URL())
	if _, _, err := anon.Repositories.Get(ctx, "acme", "widgets"); statusOf(err) != 401 {
		t.Errorf("no token: %v, want 401", err)
	}
	f.s.ExpireTokens()
	if _, _, err := good.PullRequests.Get(ctx, "acme", "widgets", 1); statusOf(err) != 401 {
		t.Errorf("expired token: %v, want 401", err)
	}
}

func TestShortTokenTTLRefreshes(t *testing.T) {
	f := newFixture(t)
	f.s.SetTokenTTL(2 * time.Second)
	c := f.client(t)
	for i := 0; i < 3; i++ {
		if _, _, err := c.PullRequests.Get(ctx, "acme", "widgets", 1); err != nil {
			t.Fatal(err)
		}
	}
	// ghinstallation refreshes a token one minute before it expires, so a TTL
	// under a minute forces a new token on every request.
	if n := f.s.TokensIssued(); n != 3 {
		t.Errorf("tokens issued = %d, want 3", n)
	}
}

func TestTokenRestrictedToRepositories(t *testing.T) {
	f := newFixture(t)
	g := newGitRepo(t)
	g.write("README", "x\n")
	g.commit("init")
	f.s.AddRepo("acme/gadgets", g.dir)
	atr, err := ghinstallation.NewAppsTransport(http.DefaultTransport, f.s.AppID(), f.s.PrivateKeyPEM())
	if err != nil {
		t.Fatal(err)
	}
	app, _ := github.NewClient(&http.Client{Transport: atr}).WithEnterpriseURLs(f.s.URL(), f.s.URL())
	tok, _, err := app.Apps.CreateInstallationToken(ctx, testInst, &github.InstallationTokenOptions{Repositories: []string{"gadgets"}})
	if err != nil {
		t.Fatal(err)
	}
	c := tokenClient(t, f.s, tok.GetToken())
	if _, _, err := c.Repositories.Get(ctx, "acme", "gadgets"); err != nil {
		t.Errorf("allowed repo: %v", err)
	}
	if _, _, err := c.Repositories.Get(ctx, "acme", "widgets"); statusOf(err) != 404 {
		t.Errorf("repo outside the token: %v, want 404", err)
	}
}
