package fakegithub

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
)

type repo struct {
	id            int64
	owner, name   string
	gitDir        string
	defaultBranch string
	perms         map[string]string // login -> admin|maintain|write|triage|read|none
	required      []string          // required check names
	prs           map[int]*pull
	created       time.Time
}

func (rp *repo) fullName() string { return rp.owner + "/" + rp.name }

type user struct {
	id    int64
	login string
	typ   string // User or Bot or Organization
}

// userLocked returns the user with login, creating it. Logins ending in
// "[bot]" are Bots, as on GitHub.
func (s *Server) userLocked(login string) *user {
	if u := s.users[login]; u != nil {
		return u
	}
	u := &user{id: s.newID(), login: login, typ: "User"}
	if strings.HasSuffix(login, "[bot]") {
		u.typ = "Bot"
	}
	s.users[login] = u
	return u
}

func (s *Server) userJSONLocked(login string) *github.User {
	u := s.userLocked(login)
	return &github.User{
		Login: github.String(u.login), ID: github.Int64(u.id), Type: github.String(u.typ),
		NodeID:  github.String(fmt.Sprintf("U_%d", u.id)),
		HTMLURL: github.String(s.ts.URL + "/" + u.login), URL: github.String(s.ts.URL + "/users/" + u.login),
	}
}

// fail reports a test-setup error: helpers are called from tests, and a fake
// that silently ignores a broken fixture would make tests pass for nothing.
func fail(format string, args ...any) {
	panic(fmt.Sprintf("fakegithub: "+format, args...))
}

// AddRepo registers fullName ("owner/name") backed by the git repository at
// gitDir (a work tree or a bare repository). Its default branch is the branch
// HEAD points at.
func (s *Server) AddRepo(fullName, gitDir string) {
	owner, name, ok := strings.Cut(fullName, "/")
	if !ok || owner == "" || name == "" {
		fail("AddRepo: %q is not owner/name", fullName)
	}
	branch := "main"
	if out, err := git(gitDir, "symbolic-ref", "--short", "HEAD"); err == nil {
		branch = strings.TrimSpace(string(out))
	} else if _, err := git(gitDir, "rev-parse", "--git-dir"); err != nil {
		fail("AddRepo %s: %v", fullName, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.userLocked(owner).typ = "Organization"
	s.repos[strings.ToLower(fullName)] = &repo{
		id: s.newID(), owner: owner, name: name, gitDir: gitDir, defaultBranch: branch,
		perms: map[string]string{}, prs: map[int]*pull{}, created: now(),
	}
}

// SetPermission sets user's permission on repo: admin, maintain, write,
// triage, read or none.
func (s *Server) SetPermission(fullName, login, permission string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	rp.perms[login] = permission
}

// RequireCheck makes the check named name required for merging PRs of repo
// (branch protection / rulesets).
func (s *Server) RequireCheck(fullName, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	rp.required = append(rp.required, name)
}

func (s *Server) repoLocked(fullName string) *repo { return s.repos[strings.ToLower(fullName)] }

func (s *Server) mustRepoLocked(fullName string) *repo {
	rp := s.repoLocked(fullName)
	if rp == nil {
		fail("unknown repository %q (call AddRepo first)", fullName)
	}
	return rp
}

func (s *Server) sortedReposLocked() []*repo {
	var out []*repo
	for _, rp := range s.repos {
		out = append(out, rp)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (s *Server) repoJSONLocked(rp *repo) *github.Repository {
	api := s.ts.URL + "/repos/" + rp.fullName()
	return &github.Repository{
		ID: github.Int64(rp.id), NodeID: github.String(fmt.Sprintf("R_%d", rp.id)),
		Name: github.String(rp.name), FullName: github.String(rp.fullName()),
		Owner:         s.userJSONLocked(rp.owner),
		Private:       github.Bool(true),
		Fork:          github.Bool(false),
		DefaultBranch: github.String(rp.defaultBranch),
		HTMLURL:       github.String(s.ts.URL + "/" + rp.fullName()),
		URL:           github.String(api),
		CloneURL:      github.String(s.ts.URL + "/" + rp.fullName() + ".git"),
		Visibility:    github.String("private"),
		CreatedAt:     &github.Timestamp{Time: rp.created},
		UpdatedAt:     &github.Timestamp{Time: rp.created},
	}
}

// forkRepoJSON describes the head repository of a PR from a fork.
func (s *Server) forkRepoJSONLocked(base *repo, fork string) *github.Repository {
	owner, name, _ := strings.Cut(fork, "/")
	id := s.userLocked("repo:" + fork).id
	return &github.Repository{
		ID: github.Int64(id), NodeID: github.String(fmt.Sprintf("R_%d", id)),
		Name: github.String(name), FullName: github.String(fork),
		Owner: s.userJSONLocked(owner), Private: github.Bool(false), Fork: github.Bool(true),
		DefaultBranch: github.String(base.defaultBranch),
		HTMLURL:       github.String(s.ts.URL + "/" + fork),
		URL:           github.String(s.ts.URL + "/repos/" + fork),
		CloneURL:      github.String(s.ts.URL + "/" + fork + ".git"),
	}
}

// repoHandler wraps a repository route: it looks the repository up and checks
// the installation token (401 for a bad or expired token, 404 for a repo the
// installation cannot see). fn runs with s.mu held.
func (s *Server) repoHandler(fn func(w http.ResponseWriter, r *http.Request, rp *repo)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		rp := s.repoLocked(r.PathValue("owner") + "/" + r.PathValue("repo"))
		if _, ok := s.installationForLocked(w, r, rp); !ok {
			return
		}
		if rp == nil {
			notFound(w)
			return
		}
		if !s.permittedLocked(w, r) {
			return
		}
		fn(w, r, rp)
	}
}

// repoReader is repoHandler for routes that read git: fn runs without s.mu so
// that blob reads do not serialise the whole server. rp's fields read by fn
// (gitDir, owner, name, defaultBranch) never change after AddRepo.
func (s *Server) repoReader(fn func(w http.ResponseWriter, r *http.Request, rp *repo)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		rp := s.repoLocked(r.PathValue("owner") + "/" + r.PathValue("repo"))
		_, ok := s.installationForLocked(w, r, rp)
		if ok && rp == nil {
			notFound(w)
			ok = false
		}
		ok = ok && s.permittedLocked(w, r)
		s.mu.Unlock()
		if !ok {
			return
		}
		fn(w, r, rp)
	}
}

func (s *Server) handleGetRepo(w http.ResponseWriter, r *http.Request, rp *repo) {
	writeJSON(w, http.StatusOK, s.repoJSONLocked(rp))
}

// handlePermission is GET /repos/{o}/{r}/collaborators/{user}/permission.
func (s *Server) handlePermission(w http.ResponseWriter, r *http.Request, rp *repo) {
	login := r.PathValue("user")
	perm := rp.perms[login]
	if perm == "" {
		perm = "none"
	}
	legacy := perm // GitHub folds maintain into write and triage into read here
	switch perm {
	case "maintain":
		legacy = "write"
	case "triage":
		legacy = "read"
	}
	writeJSON(w, http.StatusOK, map[string]any{"permission": legacy, "role_name": perm, "user": s.userJSONLocked(login)})
}
