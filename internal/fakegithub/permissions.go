package fakegithub

import (
	"encoding/json"
	"maps"
	"net/http"
	"strings"
)

// defaultAppPermissions are the permissions ward's app.yml asks for.
var defaultAppPermissions = map[string]string{
	"checks": "write", "pull_requests": "write", "contents": "read", "issues": "write",
	"metadata": "read", "members": "read", "merge_queues": "read", "security_events": "write",
}

// need is one acceptable permission for a route: any of a route's needs is
// enough, as GitHub documents ("at least one of the following").
type need struct{ permission, level string }

// routeNeeds maps a route pattern (after the pulls/issues comment rewrite) to
// the App permissions GitHub requires for it.
var routeNeeds = map[string][]need{
	"GET /repos/{owner}/{repo}":                                         {{"metadata", "read"}},
	"GET /repos/{owner}/{repo}/collaborators/{user}/permission":         {{"metadata", "read"}},
	"GET /repos/{owner}/{repo}/pulls":                                   {{"pull_requests", "read"}},
	"GET /repos/{owner}/{repo}/pulls/{number}":                          {{"pull_requests", "read"}},
	"GET /repos/{owner}/{repo}/pulls/{number}/files":                    {{"pull_requests", "read"}},
	"GET /repos/{owner}/{repo}/commits/{ref}/pulls":                     {{"pull_requests", "read"}},
	"PUT /repos/{owner}/{repo}/pulls/{number}/merge":                    {{"contents", "write"}},
	"GET /repos/{owner}/{repo}/git/trees/{sha}":                         {{"contents", "read"}},
	"GET /repos/{owner}/{repo}/pulls/{number}/commits":                  {{"pull_requests", "read"}},
	"GET /repos/{owner}/{repo}/git/blobs/{sha}":                         {{"contents", "read"}},
	"GET /repos/{owner}/{repo}/contents/{path...}":                      {{"contents", "read"}},
	"GET /repos/{owner}/{repo}/compare/{basehead}":                      {{"contents", "read"}},
	"GET /repos/{owner}/{repo}/commits/{ref}":                           {{"contents", "read"}},
	"GET /_raw/{owner}/{repo}/{ref}/{path...}":                          {{"contents", "read"}},
	"POST /repos/{owner}/{repo}/check-runs":                             {{"checks", "write"}},
	"POST /repos/{owner}/{repo}/code-scanning/sarifs":                   {{"security_events", "write"}},
	"PATCH /repos/{owner}/{repo}/check-runs/{id}":                       {{"checks", "write"}},
	"GET /repos/{owner}/{repo}/check-runs/{id}":                         {{"checks", "read"}},
	"GET /repos/{owner}/{repo}/check-runs/{id}/annotations":             {{"checks", "read"}},
	"GET /repos/{owner}/{repo}/commits/{ref}/check-runs":                {{"checks", "read"}},
	"POST /repos/{owner}/{repo}/pulls/{number}/reviews":                 {{"pull_requests", "write"}},
	"GET /repos/{owner}/{repo}/pulls/{number}/reviews":                  {{"pull_requests", "read"}},
	"GET /repos/{owner}/{repo}/pulls/{number}/reviews/{id}":             {{"pull_requests", "read"}},
	"GET /repos/{owner}/{repo}/pulls/{number}/reviews/{id}/comments":    {{"pull_requests", "read"}},
	"POST /repos/{owner}/{repo}/pulls/{number}/reviews/{id}/events":     {{"pull_requests", "write"}},
	"GET /repos/{owner}/{repo}/pulls/{number}/comments":                 {{"pull_requests", "read"}},
	"POST /repos/{owner}/{repo}/pulls/{number}/comments":                {{"pull_requests", "write"}},
	"POST /repos/{owner}/{repo}/pulls/{number}/comments/{id}/replies":   {{"pull_requests", "write"}},
	"GET /repos/{owner}/{repo}/pulls-comments/{id}":                     {{"pull_requests", "read"}},
	"PATCH /repos/{owner}/{repo}/pulls-comments/{id}":                   {{"pull_requests", "write"}},
	"DELETE /repos/{owner}/{repo}/pulls-comments/{id}":                  {{"pull_requests", "write"}},
	"POST /repos/{owner}/{repo}/pulls-comments/{id}/reactions":          {{"pull_requests", "write"}},
	"GET /repos/{owner}/{repo}/pulls-comments/{id}/reactions":           {{"pull_requests", "read"}},
	"GET /repos/{owner}/{repo}/issues/{number}":                         {{"issues", "read"}, {"pull_requests", "read"}},
	"GET /repos/{owner}/{repo}/issues/{number}/comments":                {{"issues", "read"}, {"pull_requests", "read"}},
	"POST /repos/{owner}/{repo}/issues/{number}/comments":               {{"issues", "write"}, {"pull_requests", "write"}},
	"GET /repos/{owner}/{repo}/issues-comments/{id}":                    {{"issues", "read"}, {"pull_requests", "read"}},
	"PATCH /repos/{owner}/{repo}/issues-comments/{id}":                  {{"issues", "write"}, {"pull_requests", "write"}},
	"DELETE /repos/{owner}/{repo}/issues-comments/{id}":                 {{"issues", "write"}, {"pull_requests", "write"}},
	"POST /repos/{owner}/{repo}/issues-comments/{id}/reactions":         {{"issues", "write"}, {"pull_requests", "write"}},
	"GET /repos/{owner}/{repo}/issues-comments/{id}/reactions":          {{"issues", "read"}, {"pull_requests", "read"}},
	"DELETE /repos/{owner}/{repo}/issues-comments/{id}/reactions/{rid}": {{"issues", "write"}, {"pull_requests", "write"}},
}

var levels = map[string]int{"none": 0, "read": 1, "write": 2, "admin": 3}

// SetAppPermissions replaces the App's permissions (e.g. {"checks":
// "write"}); routes the App may not use answer 403 "Resource not accessible
// by integration". The default is ward's app.yml set.
func (s *Server) SetAppPermissions(perms map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perms = maps.Clone(perms)
}

// permittedLocked checks the route's needs against the App's permissions
// and answers 403 when none is met.
func (s *Server) permittedLocked(w http.ResponseWriter, r *http.Request) bool {
	needs, ok := routeNeeds[r.Pattern]
	if !ok {
		return true
	}
	for _, n := range needs {
		if levels[s.perms[n.permission]] >= levels[n.level] {
			return true
		}
	}
	writeError(w, http.StatusForbidden, "Resource not accessible by integration")
	return false
}

// permissionsFromManifest reads default_permissions of a posted manifest.
func permissionsFromManifest(raw []byte) map[string]string {
	var m struct {
		DefaultPermissions map[string]string `json:"default_permissions"`
	}
	if json.Unmarshal(raw, &m) != nil || m.DefaultPermissions == nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range m.DefaultPermissions {
		out[strings.ToLower(k)] = strings.ToLower(v)
	}
	return out
}

// AppPermissions returns the App's current permissions.
func (s *Server) AppPermissions() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.perms)
}
