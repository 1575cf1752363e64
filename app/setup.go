package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v66/github"
	"go.yaml.in/yaml/v4"

	webpage "github.com/ward-sec/ward/app/web"
)

// setupState remembers the CSRF states of manifest flows in progress, and
// the one-time setup token: while ward has no App, whoever reaches its page
// could register their own App and receive this org's webhooks, so the
// setup page asks for a token only ward's log shows.
type setupState struct {
	mu     sync.Mutex
	states map[string]time.Time
	token  string
}

func newSetupState() *setupState {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return &setupState{states: map[string]time.Time{}, token: hex.EncodeToString(b)}
}

// tokenOK compares a presented setup token in constant time.
func (s *setupState) tokenOK(t string) bool {
	return subtle.ConstantTimeCompare([]byte(t), []byte(s.token)) == 1
}

// SetupToken is the token the setup page asks for (logged at start).
func (s *Server) SetupToken() string { return s.setup.token }

func (s *setupState) issue() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	st := hex.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, t := range s.states {
		if time.Since(t) > time.Hour {
			delete(s.states, k)
		}
	}
	s.states[st] = time.Now()
	return st
}

func (s *setupState) take(st string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.states[st]
	delete(s.states, st)
	return ok
}

// BuildManifest fills app.yml's URLs for a public base URL and returns the
// JSON GitHub's manifest flow expects.
func BuildManifest(appYML []byte, publicURL string) ([]byte, error) {
	var m map[string]any
	if err := yaml.Unmarshal(appYML, &m); err != nil {
		return nil, fmt.Errorf("parse app.yml: %w", err)
	}
	base := strings.TrimRight(publicURL, "/")
	hook, _ := m["hook_attributes"].(map[string]any)
	if hook == nil {
		hook = map[string]any{"active": true}
	}
	hook["url"] = base + "/webhook"
	m["hook_attributes"] = hook
	m["redirect_url"] = base + "/setup/callback"
	m["callback_urls"] = []string{base + "/oauth/callback"} // "Sign in with GitHub" to ward's pages
	return json.Marshal(m)
}

// webURL derives GitHub's web address from the API URL: api.github.com →
// github.com; GHES's https://host/api/v3 → https://host.
func webURL(apiURL string) string {
	u := strings.TrimRight(apiURL, "/")
	if u == DefaultAPIURL {
		return "https://github.com"
	}
	return strings.TrimSuffix(u, "/api/v3")
}

type setupData struct {
	webpage.Page
	Action, Manifest, Org, Web, Public, EnvFile string
	Token                                       string // carried through the organisation form
	Unreachable                                 string
	Permissions, Events                         []manifestEntry
}

type registeredData struct {
	webpage.Page
	Slug, EnvFile, Install string
	ID                     int64
}

// handleHome serves the setup page when ward has no credentials, and a short
// status otherwise.
func (s *Server) handleHome(w http.ResponseWriter, r *http.Request) {
	if _, err := s.githubClients(); err == nil {
		s.handleOverview(w, r)
		return
	}
	if token := r.URL.Query().Get("token"); !s.setup.tokenOK(token) {
		status := http.StatusOK
		if token != "" {
			status = http.StatusForbidden
			s.rejected.log(s.log, "setup page: wrong setup token")
		}
		webpage.Render(w, status, "setuptoken", setupData{Page: webpage.Page{Title: "Set up"},
			Org: r.URL.Query().Get("org"), Token: token, EnvFile: s.cfg.EnvFile})
		return
	}
	public := s.publicURL(r)
	manifest, err := BuildManifest(s.cfg.Manifest, public)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	web := webURL(s.cfg.APIURL)
	org := r.URL.Query().Get("org")
	action := web + "/settings/apps/new"
	if org != "" {
		action = web + "/organizations/" + url.PathEscape(org) + "/settings/apps/new"
	}
	action += "?state=" + s.setup.issue()
	perms, events, err := manifestInfo(s.cfg.Manifest)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	public = strings.TrimRight(public, "/")
	webpage.Render(w, http.StatusOK, "setup", setupData{Page: webpage.Page{Title: "Set up", FormTarget: web}, Action: action,
		Manifest: string(manifest), Org: org, Web: web, Public: public, EnvFile: s.cfg.EnvFile,
		Token: r.URL.Query().Get("token"), Unreachable: unreachable(public), Permissions: perms, Events: events})
}

// handleSetupCallback finishes the manifest flow: exchange the code for the
// App's credentials, save them, and start serving the App.
func (s *Server) handleSetupCallback(w http.ResponseWriter, r *http.Request) {
	if _, err := s.githubClients(); err == nil {
		http.Error(w, "ward is already configured", http.StatusConflict)
		return
	}
	code, state := r.URL.Query().Get("code"), r.URL.Query().Get("state")
	if code == "" || !s.setup.take(state) {
		http.Error(w, "unknown or expired setup request: start again from /", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	gh := github.NewClient(nil)
	if strings.TrimRight(s.cfg.APIURL, "/") != DefaultAPIURL {
		var err error
		if gh, err = gh.WithEnterpriseURLs(s.cfg.APIURL, s.cfg.APIURL); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
	}
	conv, _, err := gh.Apps.CompleteAppManifest(ctx, code)
	if err != nil {
		s.log.Error("app manifest conversion failed", "err", err)
		http.Error(w, "GitHub did not accept the setup code: "+err.Error(), http.StatusBadGateway)
		return
	}
	vars := map[string]string{
		"WARD_APP_ID":         fmt.Sprint(conv.GetID()),
		"WARD_PRIVATE_KEY":    conv.GetPEM(),
		"WARD_WEBHOOK_SECRET": conv.GetWebhookSecret(),
	}
	if conv.GetClientID() != "" && conv.GetClientSecret() != "" {
		vars["WARD_GITHUB_CLIENT_ID"], vars["WARD_GITHUB_CLIENT_SECRET"] = conv.GetClientID(), conv.GetClientSecret()
		s.mu.Lock()
		s.oauthID, s.oauthSecret = conv.GetClientID(), conv.GetClientSecret()
		s.mu.Unlock()
	}
	if s.cfg.APIURL != DefaultAPIURL {
		vars["WARD_GITHUB_API_URL"] = s.cfg.APIURL
	}
	if err := WriteEnvFile(s.cfg.EnvFile, vars); err != nil {
		s.log.Error("could not save the App's credentials", "err", err)
		http.Error(w, "could not save the credentials: "+err.Error(), http.StatusInternalServerError)
		return
	}
	if err := s.configure(s.baseCtx, conv.GetID(), []byte(conv.GetPEM()), [][]byte{[]byte(conv.GetWebhookSecret())}); err != nil {
		http.Error(w, "saved, but could not start the App: "+err.Error()+"; restart ward", http.StatusInternalServerError)
		return
	}
	s.log.Info("GitHub App registered", "app_id", conv.GetID(), "slug", conv.GetSlug())
	install := conv.GetHTMLURL() + "/installations/new"
	webpage.Render(w, http.StatusOK, "registered", registeredData{Page: webpage.Page{Title: "Registered"},
		Slug: conv.GetSlug(), ID: conv.GetID(), EnvFile: s.cfg.EnvFile, Install: install})
}
