package app

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v66/github"
	"golang.org/x/oauth2"
)

// Sign in with GitHub: the App's own OAuth client (the manifest flow returns
// its id and secret). A signed-in user sees only the installations and
// repositories GitHub says their user-to-server token can access.

const (
	sessionCookie = "ward_session"
	stateCookie   = "ward_oauth_state"
	sessionTTL    = 8 * time.Hour
	// accessTTL is how long GitHub's answer about what a user can access is
	// trusted before it is asked again.
	accessTTL = 2 * time.Minute
)

// session is what the encrypted session cookie holds.
type session struct {
	Login string `json:"l"`
	Token string `json:"t"` // user-to-server token, never shown to the page
	CSRF  string `json:"c"`
	Exp   int64  `json:"e"`
}

// sessionKey derives the cookie key from the App's private key, so every
// replica shares it without another secret to manage, and rotating the key
// signs everyone out.
func (s *Server) sessionKey() []byte {
	s.mu.RLock()
	pem := s.keyPEM
	s.mu.RUnlock()
	if len(pem) == 0 {
		return nil
	}
	m := hmac.New(sha256.New, pem)
	m.Write([]byte("ward session cookie v1"))
	return m.Sum(nil)
}

// sealSession encrypts and authenticates a session (AES-256-GCM): the
// browser can neither read the token nor change the login.
func sealSession(key []byte, ss session) (string, error) {
	plain, err := json.Marshal(ss)
	if err != nil {
		return "", err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return "", err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(gcm.Seal(nonce, nonce, plain, []byte(sessionCookie))), nil
}

var errNoSession = errors.New("not signed in")

func openSession(key []byte, v string, now time.Time) (session, error) {
	var ss session
	raw, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil || len(key) == 0 {
		return ss, errNoSession
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return ss, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return ss, err
	}
	if len(raw) < gcm.NonceSize() {
		return ss, errNoSession
	}
	plain, err := gcm.Open(nil, raw[:gcm.NonceSize()], raw[gcm.NonceSize():], []byte(sessionCookie))
	if err != nil || json.Unmarshal(plain, &ss) != nil || ss.Login == "" || now.Unix() > ss.Exp {
		return session{}, errNoSession
	}
	return ss, nil
}

func randomToken() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// secureCookies says whether cookies get the Secure flag: whenever ward is
// reached over https (directly or behind a proxy that says so).
func (s *Server) secureCookies(r *http.Request) bool {
	return viaHTTPS(r) || strings.HasPrefix(s.cfg.PublicURL, "https://")
}

// viaHTTPS reports whether the browser reached ward over https, directly or
// through a proxy that says so.
func viaHTTPS(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: s.secureCookies(r), SameSite: http.SameSiteLaxMode})
}

// currentSession returns the request's session, if it has a valid one.
func (s *Server) currentSession(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	ss, err := openSession(s.sessionKey(), c.Value, time.Now())
	return ss, err == nil
}

// oauthClient is the App's OAuth client id and secret ("" when unknown).
func (s *Server) oauthClient() (id, secret string) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.oauthID != "" {
		return s.oauthID, s.oauthSecret
	}
	return s.cfg.OAuthClientID, s.cfg.OAuthClientSecret
}

func (s *Server) oauthConfig(r *http.Request) *oauth2.Config {
	web := webURL(s.cfg.APIURL)
	id, secret := s.oauthClient()
	return &oauth2.Config{
		ClientID: id, ClientSecret: secret,
		Endpoint: oauth2.Endpoint{AuthURL: web + "/login/oauth/authorize", TokenURL: web + "/login/oauth/access_token",
			AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: s.publicURL(r) + "/oauth/callback",
	}
}

// publicURL is ward's address as GitHub and browsers reach it: the setup
// page's manifest and the OAuth callback both use it.
func (s *Server) publicURL(r *http.Request) string {
	if s.cfg.PublicURL != "" {
		return strings.TrimRight(s.cfg.PublicURL, "/")
	}
	if viaHTTPS(r) {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// handleLogin starts the OAuth web flow; the state is bound to the browser
// by a cookie, so a forged callback cannot sign someone in.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if id, secret := s.oauthClient(); id == "" || secret == "" {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	state := randomToken()
	s.setCookie(w, r, stateCookie, state, 600)
	http.Redirect(w, r, s.oauthConfig(r).AuthCodeURL(state), http.StatusFound)
}

// handleOAuthCallback exchanges the code for a user-to-server token and
// starts a session.
func (s *Server) handleOAuthCallback(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(stateCookie)
	state := r.URL.Query().Get("state")
	if err != nil || state == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(state)) != 1 {
		s.renderSignin(w, r, http.StatusBadRequest, "That sign-in link expired or was not started here. Try again.")
		return
	}
	s.setCookie(w, r, stateCookie, "", -1)
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	tok, err := s.oauthConfig(r).Exchange(context.WithValue(ctx, oauth2.HTTPClient, s.userHTTPClient()), r.URL.Query().Get("code"))
	if err != nil {
		s.log.WarnContext(ctx, "oauth code exchange failed", "err", err)
		s.renderSignin(w, r, http.StatusBadGateway, "GitHub did not accept the sign-in. Try again.")
		return
	}
	gh, err := s.userClient(tok.AccessToken)
	if err != nil {
		http.Error(w, "sign-in failed", http.StatusInternalServerError)
		return
	}
	u, _, err := gh.Users.Get(ctx, "")
	if err != nil {
		s.log.WarnContext(ctx, "oauth /user failed", "err", err)
		s.renderSignin(w, r, http.StatusBadGateway, "GitHub did not say who you are. Try again.")
		return
	}
	v, err := sealSession(s.sessionKey(), session{Login: u.GetLogin(), Token: tok.AccessToken, CSRF: randomToken(),
		Exp: time.Now().Add(sessionTTL).Unix()})
	if err != nil {
		http.Error(w, "sign-in failed", http.StatusInternalServerError)
		return
	}
	s.setCookie(w, r, sessionCookie, v, int(sessionTTL/time.Second))
	s.log.InfoContext(ctx, "signed in", "login", u.GetLogin())
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// handleLogout ends the session; it is a POST with the session's CSRF token.
func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if ss, ok := s.currentSession(r); ok && !validCSRF(r, ss) {
		http.Error(w, "the form is stale: reload the page", http.StatusForbidden)
		return
	}
	s.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func validCSRF(r *http.Request, ss session) bool {
	got := r.PostFormValue("csrf")
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(ss.CSRF)) == 1
}

func (s *Server) userHTTPClient() *http.Client { return &http.Client{Timeout: 20 * time.Second} }

// userClient is a go-github client acting as the signed-in user.
func (s *Server) userClient(token string) (*github.Client, error) {
	gh := github.NewClient(s.userHTTPClient()).WithAuthToken(token)
	if strings.TrimRight(s.cfg.APIURL, "/") != DefaultAPIURL {
		return gh.WithEnterpriseURLs(s.cfg.APIURL, s.cfg.APIURL)
	}
	return gh, nil
}

// access is what a user can see: installations (by account) and repositories.
type access struct {
	Orgs  []string
	Repos []string // full names
	at    time.Time
}

type accessCache struct {
	mu sync.Mutex
	m  map[string]access // by sha256 of the token
}

// userAccess asks GitHub which of the App's installations and repositories
// the user's token reaches, and caches the answer briefly.
func (s *Server) userAccess(ctx context.Context, ss session) (access, error) {
	sum := sha256.Sum256([]byte(ss.Token))
	k := hex.EncodeToString(sum[:])
	s.access.mu.Lock()
	if a, ok := s.access.m[k]; ok && time.Since(a.at) < accessTTL {
		s.access.mu.Unlock()
		return a, nil
	}
	s.access.mu.Unlock()
	gh, err := s.userClient(ss.Token)
	if err != nil {
		return access{}, err
	}
	var a access
	opt := &github.ListOptions{PerPage: 100}
	for {
		ins, resp, err := gh.Apps.ListUserInstallations(ctx, opt)
		if err != nil {
			return access{}, fmt.Errorf("list installations of %s: %w", ss.Login, err)
		}
		for _, in := range ins {
			a.Orgs = append(a.Orgs, in.GetAccount().GetLogin())
			ropt := &github.ListOptions{PerPage: 100}
			for {
				repos, rresp, err := gh.Apps.ListUserRepos(ctx, in.GetID(), ropt)
				if err != nil {
					return access{}, fmt.Errorf("list repositories of installation %d for %s: %w", in.GetID(), ss.Login, err)
				}
				for _, rp := range repos.Repositories {
					a.Repos = append(a.Repos, rp.GetFullName())
				}
				if rresp.NextPage == 0 || len(a.Repos) >= 5000 {
					break
				}
				ropt.Page = rresp.NextPage
			}
		}
		if resp.NextPage == 0 || len(a.Orgs) >= 100 {
			break
		}
		opt.Page = resp.NextPage
	}
	sort.Strings(a.Orgs)
	sort.Strings(a.Repos)
	a.at = time.Now()
	s.access.mu.Lock()
	if s.access.m == nil || len(s.access.m) > 10000 {
		s.access.m = map[string]access{}
	}
	s.access.m[k] = a
	s.access.mu.Unlock()
	return a, nil
}
