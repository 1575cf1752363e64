package fakegithub

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
)

type installation struct {
	id    int64
	owner string
}

type accessToken struct {
	installationID int64
	expiresAt      time.Time
	repos          map[string]bool // lower-case repo names; nil means every repo of the owner
}

// AddInstallation installs the App on owner (an organisation) with the given
// installation id. Its tokens reach every repository of owner.
func (s *Server) AddInstallation(id int64, owner string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.installations[id] = &installation{id: id, owner: owner}
}

// SetTokenTTL changes the lifetime of installation tokens minted from now on.
func (s *Server) SetTokenTTL(ttl time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.TokenTTL = ttl
}

// ExpireTokens makes every installation token issued so far expire now, as if
// an hour had passed mid-review.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.expiresAt = time.Now().Add(-time.Second)
	}
}

// TokensIssued counts the installation tokens minted so far.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tokens)
}

// IssueToken mints an installation token directly (for tests that do not go
// through the JWT exchange).
func (s *Server) IssueToken(installationID int64) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	tok, _ := s.mintTokenLocked(installationID, nil)
	return tok
}

func (s *Server) mintTokenLocked(installationID int64, repos map[string]bool) (string, time.Time) {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	tok := "ghs_" + hex.EncodeToString(b)
	exp := time.Now().Add(s.opts.TokenTTL)
	s.tokens[tok] = &accessToken{installationID: installationID, expiresAt: exp, repos: repos}
	return tok, exp
}

// credential returns the token or JWT of the Authorization header
// ("token X", "Bearer X", or Basic with the token as password).
func credential(r *http.Request) string {
	h := r.Header.Get("Authorization")
	switch {
	case strings.HasPrefix(strings.ToLower(h), "token "):
		return strings.TrimSpace(h[len("token "):])
	case strings.HasPrefix(strings.ToLower(h), "bearer "):
		return strings.TrimSpace(h[len("bearer "):])
	}
	if _, pass, ok := r.BasicAuth(); ok {
		return pass
	}
	return ""
}

// requireJWT verifies the App's JWT like GitHub: RS256 signed by the App key,
// iss = the app id, integer iat and exp, exp in the future and at most ten
// minutes after iat and after now. It answers 401 and returns false otherwise.
func (s *Server) requireJWT(w http.ResponseWriter, r *http.Request) bool {
	if msg := s.verifyJWT(credential(r), time.Now()); msg != "" {
		writeError(w, http.StatusUnauthorized, msg)
		return false
	}
	return true
}

func (s *Server) verifyJWT(tok string, now time.Time) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return "A JSON web token could not be decoded"
	}
	var header struct {
		Alg string `json:"alg"`
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &header) != nil {
		return "A JSON web token could not be decoded"
	}
	if header.Alg != "RS256" {
		return "A JSON web token could not be decoded"
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(&s.key.PublicKey, crypto.SHA256, digest[:], sig) != nil {
		return "A JSON web token could not be decoded"
	}
	var claims map[string]any
	if json.Unmarshal(cb, &claims) != nil {
		return "A JSON web token could not be decoded"
	}
	var iss string
	switch v := claims["iss"].(type) {
	case string:
		iss = v
	case float64:
		iss = strconv.FormatInt(int64(v), 10)
	}
	if iss != strconv.FormatInt(s.opts.AppID, 10) {
		return "Integration not found"
	}
	iat, ok := claims["iat"].(float64)
	if !ok || iat != float64(int64(iat)) {
		return "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued."
	}
	exp, ok := claims["exp"].(float64)
	if !ok || exp != float64(int64(exp)) {
		return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires."
	}
	if time.Unix(int64(iat), 0).After(now.Add(60 * time.Second)) {
		return "'Issued at' claim ('iat') must be an Integer representing a time in the past."
	}
	if !time.Unix(int64(exp), 0).After(now) {
		return "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires."
	}
	if exp-iat > 600 || time.Unix(int64(exp), 0).Sub(now) > 10*time.Minute {
		return "'Expiration time' claim ('exp') is too far in the future."
	}
	return ""
}

// installationFor checks the request's installation token against repo rp and
// answers 401 (missing, unknown or expired token) or 404 (token of another
// installation) as GitHub does. Call with s.mu held.
func (s *Server) installationForLocked(w http.ResponseWriter, r *http.Request, rp *repo) (*accessToken, bool) {
	tok := credential(r)
	at := s.tokens[tok]
	if at == nil || !time.Now().Before(at.expiresAt) {
		writeError(w, http.StatusUnauthorized, "Bad credentials")
		return nil, false
	}
	inst := s.installations[at.installationID]
	if inst == nil {
		writeError(w, http.StatusUnauthorized, "Bad credentials")
		return nil, false
	}
	if rp != nil {
		if !strings.EqualFold(inst.owner, rp.owner) || (at.repos != nil && !at.repos[strings.ToLower(rp.name)]) {
			notFound(w)
			return nil, false
		}
	}
	return at, true
}

func (s *Server) appJSON() map[string]any {
	return map[string]any{
		"id": s.opts.AppID, "slug": s.opts.AppSlug, "name": s.opts.AppSlug, "node_id": fmt.Sprintf("A_%d", s.opts.AppID),
		"owner":       map[string]any{"login": "ward-sec", "type": "Organization"},
		"html_url":    s.ts.URL + "/apps/" + s.opts.AppSlug,
		"permissions": maps.Clone(s.perms),
		"events":      []string{"pull_request", "issue_comment", "check_run", "check_suite", "merge_group"},
	}
}

func (s *Server) installationJSON(in *installation) *github.Installation {
	return &github.Installation{
		ID:                  github.Int64(in.id),
		AppID:               github.Int64(s.opts.AppID),
		AppSlug:             github.String(s.opts.AppSlug),
		TargetType:          github.String("Organization"),
		Account:             &github.User{Login: github.String(in.owner), Type: github.String("Organization"), ID: github.Int64(s.userLocked(in.owner).id)},
		RepositorySelection: github.String("all"),
		AccessTokensURL:     github.String(fmt.Sprintf("%s/app/installations/%d/access_tokens", s.ts.URL, in.id)),
	}
}

func (s *Server) handleGetApp(w http.ResponseWriter, r *http.Request) {
	if !s.requireJWT(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.appJSON())
}

func (s *Server) handleListInstallations(w http.ResponseWriter, r *http.Request) {
	if !s.requireJWT(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*github.Installation
	for _, in := range s.installations {
		out = append(out, s.installationJSON(in))
	}
	writeJSON(w, http.StatusOK, paginate(w, r, out))
}

func (s *Server) handleGetInstallation(w http.ResponseWriter, r *http.Request) {
	if !s.requireJWT(w, r) {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.installations[id]
	if in == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, s.installationJSON(in))
}

func (s *Server) handleRepoInstallation(w http.ResponseWriter, r *http.Request) {
	if !s.requireJWT(w, r) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.repoLocked(r.PathValue("owner") + "/" + r.PathValue("repo"))
	if rp == nil {
		notFound(w)
		return
	}
	for _, in := range s.installations {
		if strings.EqualFold(in.owner, rp.owner) {
			writeJSON(w, http.StatusOK, s.installationJSON(in))
			return
		}
	}
	notFound(w)
}

// handleAccessToken is POST /app/installations/{id}/access_tokens.
func (s *Server) handleAccessToken(w http.ResponseWriter, r *http.Request) {
	if !s.requireJWT(w, r) {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	var body struct {
		Repositories []string `json:"repositories"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.installations[id]
	if in == nil {
		notFound(w)
		return
	}
	var repos map[string]bool
	if len(body.Repositories) > 0 {
		repos = map[string]bool{}
		for _, n := range body.Repositories {
			if s.repoLocked(in.owner+"/"+n) == nil {
				writeValidation(w, validationError{Resource: "Repository", Field: "repositories", Code: "invalid", Message: "There is at least one repository that does not exist or is not accessible to the parent installation."})
				return
			}
			repos[strings.ToLower(n)] = true
		}
	}
	tok, exp := s.mintTokenLocked(id, repos)
	writeJSON(w, http.StatusCreated, map[string]any{
		"token":                tok,
		"expires_at":           exp.UTC().Format(time.RFC3339),
		"permissions":          s.appJSON()["permissions"],
		"repository_selection": "all",
	})
}

// handleInstallationRepos is GET /installation/repositories.
func (s *Server) handleInstallationRepos(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	at, ok := s.installationForLocked(w, r, nil)
	if !ok {
		return
	}
	in := s.installations[at.installationID]
	var out []*github.Repository
	for _, rp := range s.sortedReposLocked() {
		if strings.EqualFold(rp.owner, in.owner) && (at.repos == nil || at.repos[strings.ToLower(rp.name)]) {
			out = append(out, s.repoJSONLocked(rp))
		}
	}
	page := paginate(w, r, out)
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(out), "repositories": page})
}
