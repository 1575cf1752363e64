package fakegithub

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/google/go-github/v66/github"
)

// GitHub's caps on these listings.
const (
	maxTreeEntries = 100000
	maxPRCommits   = 250
)

// handleTree is GET /repos/{o}/{r}/git/trees/{sha}[?recursive=1], truncated
// at 100,000 entries as on GitHub.
func (s *Server) handleTree(w http.ResponseWriter, r *http.Request, rp *repo) {
	ref := r.PathValue("sha")
	args := []string{"ls-tree", "-l", "-z"}
	if v := r.URL.Query().Get("recursive"); v != "" && v != "0" && v != "false" {
		args = append(args, "-r", "-t")
	}
	sha, typ, _, ok := objectInfo(rp.gitDir, ref+"^{tree}")
	if !ok || typ != "tree" {
		notFound(w)
		return
	}
	out, err := git(rp.gitDir, append(args, sha)...)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	var entries []*github.TreeEntry
	truncated := false
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, name, ok := strings.Cut(rec, "\t")
		if !ok {
			continue
		}
		f := strings.Fields(meta)
		if len(f) != 4 {
			continue
		}
		if len(entries) == maxTreeEntries {
			truncated = true
			break
		}
		e := &github.TreeEntry{Path: github.String(name), Mode: github.String(f[0]), Type: github.String(f[1]), SHA: github.String(f[2])}
		if f[1] == "blob" {
			var size int
			fmt.Sscan(f[3], &size)
			e.Size = github.Int(size)
		}
		entries = append(entries, e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"sha": sha, "tree": entries, "truncated": truncated,
		"url": fmt.Sprintf("%s/repos/%s/git/trees/%s", s.ts.URL, rp.fullName(), sha)})
}

// handlePullCommits is GET /repos/{o}/{r}/pulls/{n}/commits: at most 250.
func (s *Server) handlePullCommits(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	out, err := git(rp.gitDir, "rev-list", "--reverse", p.mergeBase+".."+p.headSHA)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	var commits []*github.RepositoryCommit
	for _, sha := range strings.Fields(string(out)) {
		if len(commits) == maxPRCommits {
			break
		}
		commits = append(commits, &github.RepositoryCommit{SHA: github.String(sha), Commit: &github.Commit{Message: github.String(commitMessage(rp.gitDir, sha))}})
	}
	writeJSON(w, http.StatusOK, paginate(w, r, commits))
}

// AddOrgMember makes login a member of org (GET /orgs/{org}/members/{user}).
func (s *Server) AddOrgMember(org, login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.members[strings.ToLower(org)] == nil {
		s.members[strings.ToLower(org)] = map[string]bool{}
	}
	s.members[strings.ToLower(org)][login] = true
}

// handleOrgMember answers 204 for a member and 404 otherwise; it needs an
// installation on the org and the members permission.
func (s *Server) handleOrgMember(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, ok := s.orgMembersReadableLocked(w, r)
	if !ok {
		return
	}
	if s.members[strings.ToLower(org)][r.PathValue("user")] {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	notFound(w)
}

// AddTeamMember makes login an active member of org's team slug
// (GET /orgs/{org}/teams/{slug}/memberships/{user}).
func (s *Server) AddTeamMember(org, slug, login string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.teams == nil {
		s.teams = map[string]map[string]bool{}
	}
	k := strings.ToLower(org + "/" + slug)
	if s.teams[k] == nil {
		s.teams[k] = map[string]bool{}
	}
	s.teams[k][login] = true
}

// handleTeamMembership answers a member's membership (state active) and 404
// otherwise; like GitHub it needs an installation on the org and the
// members permission.
func (s *Server) handleTeamMembership(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	org, ok := s.orgMembersReadableLocked(w, r)
	if !ok {
		return
	}
	if !s.teams[strings.ToLower(org+"/"+r.PathValue("slug"))][r.PathValue("user")] {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": "active", "role": "member",
		"url": fmt.Sprintf("%s/orgs/%s/teams/%s/memberships/%s", s.ts.URL, org, r.PathValue("slug"), r.PathValue("user"))})
}

// orgMembersReadableLocked checks what GitHub checks before answering about
// an org's members: an installation on the org with the members permission.
// It answers the error itself and returns ok=false.
func (s *Server) orgMembersReadableLocked(w http.ResponseWriter, r *http.Request) (string, bool) {
	at, ok := s.installationForLocked(w, r, nil)
	if !ok {
		return "", false
	}
	org := r.PathValue("org")
	if !strings.EqualFold(s.installations[at.installationID].owner, org) {
		notFound(w)
		return "", false
	}
	if levels[s.perms["members"]] < levels["read"] {
		writeError(w, http.StatusForbidden, "Resource not accessible by integration")
		return "", false
	}
	return org, true
}
