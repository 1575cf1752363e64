package fakegithub

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
)

// maxPRFiles is how many files GitHub's list-files endpoint returns at most.
const maxPRFiles = 3000

type pull struct {
	number                       int
	state                        string // open, closed
	draft, merged                bool
	title, body, author          string
	baseRef, headRef             string
	baseSHA, headSHA, mergeBase  string
	fork                         string // head repository when the PR comes from a fork
	files                        []prFile
	versions                     map[string][]prFile // by head SHA, for reviews on older commits
	prevHead, prevBase, prevBSHA string
	created, updated             time.Time
	mergedAt                     time.Time
}

// PROption customises OpenPR.
type PROption func(*pull)

// Draft opens the PR as a draft.
func Draft() PROption { return func(p *pull) { p.draft = true } }

// Title sets the PR title (default "PR #n").
func Title(t string) PROption { return func(p *pull) { p.title = t } }

// Body sets the PR body.
func Body(b string) PROption { return func(p *pull) { p.body = b } }

// Author sets the PR author's login (default "octocat").
func Author(login string) PROption { return func(p *pull) { p.author = login } }

// FromFork marks the PR as coming from the fork forkFullName ("someone/repo"):
// head.repo is the fork, while the head commit is still read from the base
// repository's git directory (where GitHub keeps refs/pull/N/head).
func FromFork(forkFullName string) PROption { return func(p *pull) { p.fork = forkFullName } }

// OpenPR opens pull request number on fullName from headRef into baseRef (refs
// or SHAs of the repository's git directory).
func (s *Server) OpenPR(fullName string, number int, baseRef, headRef string, opts ...PROption) {
	p := &pull{number: number, state: "open", baseRef: baseRef, headRef: headRef,
		title: fmt.Sprintf("PR #%d", number), author: "octocat", versions: map[string][]prFile{},
		created: now(), updated: now()}
	for _, o := range opts {
		o(p)
	}
	s.mu.Lock()
	rp := s.mustRepoLocked(fullName)
	if rp.prs[number] != nil {
		s.mu.Unlock()
		fail("OpenPR: %s#%d already exists", fullName, number)
	}
	s.mu.Unlock()
	snap := s.snapshot(rp, baseRef, headRef)
	s.mu.Lock()
	defer s.mu.Unlock()
	p.apply(snap)
	rp.prs[number] = p
}

// SyncPR re-reads the PR's base and head refs after the test pushed a commit
// (GitHub's "synchronize"): new SHAs, new files. Returns the new head SHA.
func (s *Server) SyncPR(fullName string, number int) string {
	s.mu.Lock()
	rp := s.mustRepoLocked(fullName)
	p := rp.prs[number]
	if p == nil {
		s.mu.Unlock()
		fail("SyncPR: no PR %s#%d", fullName, number)
	}
	baseRef, headRef := p.baseRef, p.headRef
	s.mu.Unlock()
	snap := s.snapshot(rp, baseRef, headRef)
	s.mu.Lock()
	defer s.mu.Unlock()
	p.prevHead = p.headSHA
	p.apply(snap)
	p.updated = now()
	s.outdateCommentsLocked(rp, p)
	return p.headSHA
}

// SetPRBase changes the PR's base branch (an "edited" event with
// changes.base) and re-reads it.
func (s *Server) SetPRBase(fullName string, number int, baseRef string) {
	s.mu.Lock()
	p := s.mustPullLocked(fullName, number)
	p.prevBase, p.prevBSHA = p.baseRef, p.baseSHA
	p.baseRef = baseRef
	s.mu.Unlock()
	s.SyncPR(fullName, number)
}

// SetDraft marks the PR as draft or ready for review.
func (s *Server) SetDraft(fullName string, number int, draft bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustPullLocked(fullName, number).draft = draft
}

// ClosePR closes the PR without merging.
func (s *Server) ClosePR(fullName string, number int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mustPullLocked(fullName, number).state = "closed"
}

// HeadSHA is the PR's current head commit.
func (s *Server) HeadSHA(fullName string, number int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mustPullLocked(fullName, number).headSHA
}

// IsMerged reports whether the PR was merged through the API.
func (s *Server) IsMerged(fullName string, number int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mustPullLocked(fullName, number).merged
}

func (s *Server) mustPullLocked(fullName string, number int) *pull {
	p := s.mustRepoLocked(fullName).prs[number]
	if p == nil {
		fail("no PR %s#%d", fullName, number)
	}
	return p
}

type prSnapshot struct {
	baseSHA, headSHA, mergeBase string
	files                       []prFile
}

func (s *Server) snapshot(rp *repo, baseRef, headRef string) prSnapshot {
	base, head := commitSHA(rp.gitDir, baseRef), commitSHA(rp.gitDir, headRef)
	if base == "" || head == "" {
		fail("%s: cannot resolve %q or %q", rp.fullName(), baseRef, headRef)
	}
	mb, err := git(rp.gitDir, "merge-base", base, head)
	if err != nil {
		fail("%s: merge-base %s %s: %v", rp.fullName(), base, head, err)
	}
	files, err := diffFiles(rp.gitDir, base, head, s.opts.MaxPatchBytes, s.opts.MaxPatchLines)
	if err != nil {
		fail("%s: %v", rp.fullName(), err)
	}
	s.prefetch(rp.gitDir, files)
	return prSnapshot{baseSHA: base, headSHA: head, mergeBase: strings.TrimSpace(string(mb)), files: files}
}

func (p *pull) apply(snap prSnapshot) {
	p.baseSHA, p.headSHA, p.mergeBase, p.files = snap.baseSHA, snap.headSHA, snap.mergeBase, snap.files
	p.versions[snap.headSHA] = snap.files
}

func (p *pull) file(files []prFile, path string) *prFile {
	for i := range files {
		if files[i].filename == path {
			return &files[i]
		}
	}
	return nil
}

func (s *Server) pullJSONLocked(rp *repo, p *pull) *github.PullRequest {
	api := fmt.Sprintf("%s/repos/%s/pulls/%d", s.ts.URL, rp.fullName(), p.number)
	html := fmt.Sprintf("%s/%s/pull/%d", s.ts.URL, rp.fullName(), p.number)
	adds, dels := 0, 0
	for _, f := range p.files {
		adds += f.additions
		dels += f.deletions
	}
	headRepo := s.repoJSONLocked(rp)
	headOwner := rp.owner
	if p.fork != "" {
		headRepo = s.forkRepoJSONLocked(rp, p.fork)
		headOwner, _, _ = strings.Cut(p.fork, "/")
	}
	pr := &github.PullRequest{
		ID: github.Int64(int64(rp.id)*100000 + int64(p.number)), NodeID: github.String(fmt.Sprintf("PR_%d_%d", rp.id, p.number)),
		Number: github.Int(p.number), State: github.String(p.state), Locked: github.Bool(false),
		Title: github.String(p.title), Body: github.String(p.body),
		User: s.userJSONLocked(p.author), Draft: github.Bool(p.draft), Merged: github.Bool(p.merged),
		CreatedAt: &github.Timestamp{Time: p.created}, UpdatedAt: &github.Timestamp{Time: p.updated},
		Additions: github.Int(adds), Deletions: github.Int(dels), ChangedFiles: github.Int(len(p.files)),
		Commits: github.Int(1), URL: github.String(api), HTMLURL: github.String(html),
		DiffURL: github.String(html + ".diff"), PatchURL: github.String(html + ".patch"),
		IssueURL:          github.String(fmt.Sprintf("%s/repos/%s/issues/%d", s.ts.URL, rp.fullName(), p.number)),
		AuthorAssociation: github.String("CONTRIBUTOR"),
		Head: &github.PullRequestBranch{
			Label: github.String(headOwner + ":" + p.headRef), Ref: github.String(p.headRef), SHA: github.String(p.headSHA),
			Repo: headRepo, User: s.userJSONLocked(headOwner),
		},
		Base: &github.PullRequestBranch{
			Label: github.String(rp.owner + ":" + p.baseRef), Ref: github.String(p.baseRef), SHA: github.String(p.baseSHA),
			Repo: s.repoJSONLocked(rp), User: s.userJSONLocked(rp.owner),
		},
	}
	if p.merged {
		pr.MergedAt = &github.Timestamp{Time: p.mergedAt}
		pr.ClosedAt = &github.Timestamp{Time: p.mergedAt}
		pr.MergeCommitSHA = github.String(p.headSHA)
	}
	return pr
}

func (s *Server) pullFromPath(w http.ResponseWriter, r *http.Request, rp *repo) *pull {
	n, _ := strconv.Atoi(r.PathValue("number"))
	p := rp.prs[n]
	if p == nil {
		notFound(w)
	}
	return p
}

func (s *Server) handleGetPull(w http.ResponseWriter, r *http.Request, rp *repo) {
	if p := s.pullFromPath(w, r, rp); p != nil {
		writeJSON(w, http.StatusOK, s.pullJSONLocked(rp, p))
	}
}

// handleListPulls is GET /repos/{o}/{r}/pulls (state, head, base filters).
func (s *Server) handleListPulls(w http.ResponseWriter, r *http.Request, rp *repo) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var out []*github.PullRequest
	for _, p := range sortedPulls(rp) {
		if state != "all" && p.state != state {
			continue
		}
		if b := q.Get("base"); b != "" && b != p.baseRef {
			continue
		}
		if h := q.Get("head"); h != "" && !strings.HasSuffix(h, ":"+p.headRef) && h != p.headRef {
			continue
		}
		out = append(out, s.pullJSONLocked(rp, p))
	}
	writeJSON(w, http.StatusOK, paginate(w, r, out))
}

// handleCommitPulls is GET /repos/{o}/{r}/commits/{sha}/pulls.
func (s *Server) handleCommitPulls(w http.ResponseWriter, r *http.Request, rp *repo) {
	sha := r.PathValue("ref")
	out := []*github.PullRequest{}
	for _, p := range sortedPulls(rp) {
		if p.headSHA == sha {
			out = append(out, s.pullJSONLocked(rp, p))
		}
	}
	writeJSON(w, http.StatusOK, paginate(w, r, out))
}

func sortedPulls(rp *repo) []*pull {
	var ps []*pull
	for _, p := range rp.prs {
		ps = append(ps, p)
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].number < ps[j].number })
	return ps
}

func (s *Server) fileJSON(rp *repo, f prFile, headSHA string) *github.CommitFile {
	cf := &github.CommitFile{
		SHA: github.String(f.sha), Filename: github.String(f.filename), Status: github.String(f.status),
		Additions: github.Int(f.additions), Deletions: github.Int(f.deletions), Changes: github.Int(f.additions + f.deletions),
		BlobURL:     github.String(fmt.Sprintf("%s/%s/blob/%s/%s", s.ts.URL, rp.fullName(), headSHA, f.filename)),
		RawURL:      github.String(fmt.Sprintf("%s/%s/raw/%s/%s", s.ts.URL, rp.fullName(), headSHA, f.filename)),
		ContentsURL: github.String(fmt.Sprintf("%s/repos/%s/contents/%s?ref=%s", s.ts.URL, rp.fullName(), f.filename, headSHA)),
	}
	if f.hasPatch {
		cf.Patch = github.String(f.patch)
	}
	if f.previous != "" {
		cf.PreviousFilename = github.String(f.previous)
	}
	return cf
}

// handleListFiles is GET /repos/{o}/{r}/pulls/{n}/files: paginated, at most
// 3,000 files, as on GitHub.
func (s *Server) handleListFiles(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	files := p.files
	if len(files) > maxPRFiles {
		files = files[:maxPRFiles]
	}
	out := make([]*github.CommitFile, len(files))
	for i, f := range files {
		out[i] = s.fileJSON(rp, f, p.headSHA)
	}
	writeJSON(w, http.StatusOK, paginate(w, r, out))
}

// handleMerge is PUT /repos/{o}/{r}/pulls/{n}/merge. It refuses while a
// required check lacks a successful (or neutral/skipped) completed run on
// the head SHA, like branch protection.
func (s *Server) handleMerge(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	var body struct {
		SHA         string `json:"sha"`
		MergeMethod string `json:"merge_method"`
	}
	if !decodeBody(w, r, &body) {
		return
	}
	switch body.MergeMethod {
	case "", "merge", "squash", "rebase":
	default:
		writeValidation(w, validationError{Resource: "PullRequest", Field: "merge_method", Code: "invalid"})
		return
	}
	status, msg := s.mergeLocked(rp, p, body.SHA)
	if status != http.StatusOK {
		writeError(w, status, msg)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"sha": p.headSHA, "merged": true, "message": msg})
}

// MergePR merges PR number as a maintainer would (no App permission needed),
// under the same rules as the API. It returns GitHub's answer status and
// message: 200, or 405 while a required check has not passed.
func (s *Server) MergePR(fullName string, number int) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mergeLocked(s.mustRepoLocked(fullName), s.mustPullLocked(fullName, number), "")
}

func (s *Server) mergeLocked(rp *repo, p *pull, sha string) (int, string) {
	switch {
	case p.merged, p.state != "open":
		return http.StatusMethodNotAllowed, "Pull Request is not mergeable"
	case p.draft:
		return http.StatusMethodNotAllowed, "Pull Request is still a draft"
	case sha != "" && sha != p.headSHA:
		return http.StatusConflict, "Head branch was modified. Review and try the merge again."
	}
	if msg := s.requiredChecksLocked(rp, p.headSHA); msg != "" {
		return http.StatusMethodNotAllowed, msg
	}
	p.merged, p.state, p.mergedAt = true, "closed", now()
	return http.StatusOK, "Pull Request successfully merged"
}

// requiredChecksLocked returns GitHub's refusal message, or "" when every
// required check passed on sha.
func (s *Server) requiredChecksLocked(rp *repo, sha string) string {
	for _, name := range rp.required {
		latest := s.latestRunLocked(rp, sha, name)
		if latest == nil {
			return fmt.Sprintf("Required status check %q is expected.", name)
		}
		if latest.status != "completed" { // GitHub words pending like missing
			return fmt.Sprintf("Required status check %q is expected.", name)
		}
		switch latest.conclusion {
		case "success", "neutral", "skipped":
		default:
			return fmt.Sprintf("Required status check %q is failing.", name)
		}
	}
	return ""
}

// knownCommit reports whether sha is a head or base a PR of rp had, so it
// is a commit without asking git. Call with s.mu held.
func (rp *repo) knownCommit(sha string) bool {
	for _, p := range rp.prs {
		if p.baseSHA == sha {
			return true
		}
		if _, ok := p.versions[sha]; ok {
			return true
		}
	}
	return false
}
