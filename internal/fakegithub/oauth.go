package fakegithub

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
)

// The OAuth web flow of the App's own client ("Sign in with GitHub"), as
// GitHub runs it: the browser is sent to /login/oauth/authorize, GitHub signs
// the user in and redirects back with a one-time code, the server exchanges
// code + client secret for a user-to-server token (ghu_…), and that token
// reaches /user and the installations the user can access.

type oauthCode struct {
	login, redirect string
	expires         time.Time
}

// SetBrowserUser makes login the user signed in to GitHub in the browser that
// follows /login/oauth/authorize ("" signs out: authorize then answers 401).
func (s *Server) SetBrowserUser(login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.browserUser = login
	if login != "" {
		s.userLocked(login)
	}
}

// OAuthClient is the App's OAuth client id and secret, as the manifest
// conversion returns them.
func (s *Server) OAuthClient() (id, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.ClientID, s.opts.ClientSecret
}

// handleOAuthAuthorize is GET /login/oauth/authorize.
func (s *Server) handleOAuthAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	login, clientID := s.browserUser, s.opts.ClientID
	s.mu.Unlock()
	if q.Get("client_id") != clientID {
		http.Error(w, "The client_id is not valid.", http.StatusNotFound)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Host == "" {
		http.Error(w, "The redirect_uri MUST match the registered callback URL for this application.", http.StatusBadRequest)
		return
	}
	if login == "" {
		http.Error(w, "Sign in to GitHub to continue", http.StatusUnauthorized)
		return
	}
	code := randomHex(10)
	s.mu.Lock()
	s.oauthCodes[code] = oauthCode{login: login, redirect: redirect.String(), expires: time.Now().Add(10 * time.Minute)}
	s.mu.Unlock()
	v := redirect.Query()
	v.Set("code", code)
	if st := q.Get("state"); st != "" {
		v.Set("state", st)
	}
	redirect.RawQuery = v.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// handleOAuthToken is POST /login/oauth/access_token: the code is single use,
// expires after ten minutes and needs the client's secret.
func (s *Server) handleOAuthToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "invalid form")
		return
	}
	id, secret := r.Form.Get("client_id"), r.Form.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.oauthCodes[r.Form.Get("code")]
	delete(s.oauthCodes, r.Form.Get("code"))
	switch {
	case id != s.opts.ClientID || secret != s.opts.ClientSecret:
		writeJSON(w, http.StatusOK, map[string]any{"error": "incorrect_client_credentials", "error_description": "The client_id and/or client_secret passed are incorrect."})
		return
	case !ok || time.Now().After(c.expires):
		writeJSON(w, http.StatusOK, map[string]any{"error": "bad_verification_code", "error_description": "The code passed is incorrect or expired."})
		return
	case r.Form.Get("redirect_uri") != "" && r.Form.Get("redirect_uri") != strings.SplitN(c.redirect, "?", 2)[0]:
		writeJSON(w, http.StatusOK, map[string]any{"error": "redirect_uri_mismatch"})
		return
	}
	tok := "ghu_" + randomHex(18)
	s.userTokens[tok] = c.login
	writeJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "bearer", "scope": ""})
}

// userForLocked answers 401 unless the request carries a user-to-server token.
func (s *Server) userForLocked(w http.ResponseWriter, r *http.Request) (string, bool) {
	login, ok := s.userTokens[credential(r)]
	if !ok {
		writeError(w, http.StatusUnauthorized, "Bad credentials")
	}
	return login, ok
}

// handleGetUser is GET /user with a user-to-server token.
func (s *Server) handleGetUser(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	login, ok := s.userForLocked(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, s.userJSONLocked(login))
}

// userReposLocked lists the repositories of an installation that login can
// access: all of them for a member of the organisation, otherwise those on
// which login holds a permission.
func (s *Server) userReposLocked(in *installation, login string) []*repo {
	var out []*repo
	for _, rp := range s.sortedReposLocked() {
		if !strings.EqualFold(rp.owner, in.owner) {
			continue
		}
		if p := rp.perms[login]; s.members[strings.ToLower(in.owner)][login] || strings.EqualFold(in.owner, login) || p != "" && p != "none" {
			out = append(out, rp)
		}
	}
	return out
}

// handleUserInstallations is GET /user/installations: the App's
// installations on which the user can access at least one repository.
func (s *Server) handleUserInstallations(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	login, ok := s.userForLocked(w, r)
	if !ok {
		return
	}
	ids := make([]int64, 0, len(s.installations))
	for id := range s.installations {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []*github.Installation
	for _, id := range ids {
		in := s.installations[id]
		if s.members[strings.ToLower(in.owner)][login] || len(s.userReposLocked(in, login)) > 0 {
			out = append(out, s.installationJSON(in))
		}
	}
	page := paginate(w, r, out)
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(out), "installations": page})
}

// handleUserInstallationRepos is GET /user/installations/{id}/repositories.
func (s *Server) handleUserInstallationRepos(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	login, ok := s.userForLocked(w, r)
	if !ok {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	in := s.installations[id]
	if in == nil {
		notFound(w)
		return
	}
	var out []*github.Repository
	for _, rp := range s.userReposLocked(in, login) {
		out = append(out, s.repoJSONLocked(rp))
	}
	if len(out) == 0 && !s.members[strings.ToLower(in.owner)][login] {
		notFound(w)
		return
	}
	page := paginate(w, r, out)
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(out), "repositories": page})
}
