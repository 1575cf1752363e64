package fakegithub

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// Manifest is an App manifest the fake received through the manifest flow.
type Manifest struct {
	Org   string          // organisation of /organizations/{org}/settings/apps/new, or ""
	State string          // the form's state parameter
	JSON  json.RawMessage // the manifest as posted
	Code  string          // the code minted for it
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ManifestCode mints a one-time code for POST /app-manifests/{code}/conversions,
// as if a user had confirmed the App on GitHub.
func (s *Server) ManifestCode() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	code := randomHex(10)
	s.manifestCodes[code] = true
	return code
}

// Manifests returns the manifests posted to the App creation form.
func (s *Server) Manifests() []Manifest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Manifest(nil), s.manifests...)
}

// handleManifestForm is the browser side of the manifest flow:
// POST /settings/apps/new (or /organizations/{org}/settings/apps/new) with a
// form field "manifest". The fake confirms at once and redirects to the
// manifest's redirect_url with ?code=…&state=…, as GitHub does after the
// user clicks "Create GitHub App".
func (s *Server) handleManifestForm(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, "invalid form")
		return
	}
	raw := r.Form.Get("manifest")
	var m struct {
		Name        string `json:"name"`
		URL         string `json:"url"`
		RedirectURL string `json:"redirect_url"`
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Invalid GitHub App configuration: manifest is not valid JSON")
		return
	}
	if m.URL == "" {
		writeError(w, http.StatusUnprocessableEntity, "Invalid GitHub App configuration: url is required")
		return
	}
	target := m.RedirectURL
	if target == "" {
		writeError(w, http.StatusUnprocessableEntity, "Invalid GitHub App configuration: redirect_url is required")
		return
	}
	code := s.ManifestCode()
	s.mu.Lock()
	s.manifests = append(s.manifests, Manifest{Org: r.PathValue("org"), State: r.Form.Get("state"), JSON: json.RawMessage(raw), Code: code})
	s.mu.Unlock()
	u, err := url.Parse(target)
	if err != nil {
		writeError(w, http.StatusUnprocessableEntity, "Invalid GitHub App configuration: redirect_url")
		return
	}
	q := u.Query()
	q.Set("code", code)
	if st := r.Form.Get("state"); st != "" {
		q.Set("state", st)
	}
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// handleManifestConversion is POST /app-manifests/{code}/conversions: no
// authentication, a code is good once.
func (s *Server) handleManifestConversion(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.manifestCodes[code] {
		notFound(w)
		return
	}
	delete(s.manifestCodes, code)
	name := s.opts.AppSlug
	for _, m := range s.manifests {
		if m.Code == code {
			if p := permissionsFromManifest(m.JSON); p != nil {
				s.perms = p
			}
			var parsed struct {
				Name string `json:"name"`
			}
			if json.Unmarshal(m.JSON, &parsed) == nil && parsed.Name != "" {
				name = parsed.Name
			}
		}
	}
	slug := strings.ToLower(strings.ReplaceAll(name, " ", "-"))
	s.opts.AppSlug = slug
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": s.opts.AppID, "slug": slug, "name": name, "node_id": fmt.Sprintf("A_%d", s.opts.AppID),
		"owner":          map[string]any{"login": "ward-sec", "type": "Organization"},
		"html_url":       s.ts.URL + "/apps/" + slug,
		"client_id":      s.opts.ClientID,
		"client_secret":  s.opts.ClientSecret,
		"webhook_secret": s.opts.WebhookSecret,
		"pem":            string(s.PrivateKeyPEM()),
		"permissions":    s.perms,
		"events":         s.appJSON()["events"],
	})
}
