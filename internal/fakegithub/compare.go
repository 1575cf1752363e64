package fakegithub

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/go-github/v66/github"
)

// maxCompareFiles is how many files the compare API lists at most.
const maxCompareFiles = 300

// handleCompare is GET /repos/{o}/{r}/compare/{base}...{head}: the diff from
// the merge base to head (what a merge group adds to its base).
func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request, rp *repo) {
	baseRef, headRef, ok := strings.Cut(r.PathValue("basehead"), "...")
	if !ok {
		notFound(w)
		return
	}
	base, head := commitSHA(rp.gitDir, baseRef), commitSHA(rp.gitDir, headRef)
	if base == "" || head == "" {
		writeError(w, http.StatusNotFound, "Not Found")
		return
	}
	files, err := diffFiles(rp.gitDir, base, head, s.opts.MaxPatchBytes, s.opts.MaxPatchLines)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	mb, _ := git(rp.gitDir, "merge-base", base, head)
	count := func(rng string) int {
		out, _ := git(rp.gitDir, "rev-list", "--count", rng)
		n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
		return n
	}
	ahead, behind := count(base+".."+head), count(head+".."+base)
	status := "diverged"
	switch {
	case ahead == 0 && behind == 0:
		status = "identical"
	case behind == 0:
		status = "ahead"
	case ahead == 0:
		status = "behind"
	}
	var commits []*github.RepositoryCommit
	if out, err := git(rp.gitDir, "rev-list", "--reverse", base+".."+head); err == nil {
		for _, sha := range strings.Fields(string(out)) {
			commits = append(commits, &github.RepositoryCommit{SHA: github.String(sha),
				Commit: &github.Commit{Message: github.String(commitMessage(rp.gitDir, sha))}})
		}
	}
	if len(files) > maxCompareFiles {
		files = files[:maxCompareFiles]
	}
	out := &github.CommitsComparison{
		Status: github.String(status), AheadBy: github.Int(ahead), BehindBy: github.Int(behind), TotalCommits: github.Int(len(commits)),
		BaseCommit:      &github.RepositoryCommit{SHA: github.String(base)},
		MergeBaseCommit: &github.RepositoryCommit{SHA: github.String(strings.TrimSpace(string(mb)))},
		Commits:         paginate(w, r, commits),
		URL:             github.String(fmt.Sprintf("%s/repos/%s/compare/%s...%s", s.ts.URL, rp.fullName(), baseRef, headRef)),
	}
	for _, f := range files {
		out.Files = append(out.Files, s.fileJSON(rp, f, head))
	}
	writeJSON(w, http.StatusOK, out)
}

// handleGetCommit is GET /repos/{o}/{r}/commits/{ref}: the commit a ref or
// SHA names, with its parents (files are not listed).
func (s *Server) handleGetCommit(w http.ResponseWriter, r *http.Request, rp *repo) {
	sha := commitSHA(rp.gitDir, r.PathValue("ref"))
	if sha == "" {
		writeValidation(w, validationError{Resource: "Commit", Code: "invalid", Message: "No commit found for SHA: " + r.PathValue("ref")})
		return
	}
	out := &github.RepositoryCommit{SHA: github.String(sha), NodeID: github.String("C_" + sha),
		Commit: &github.Commit{SHA: github.String(sha), Message: github.String(commitMessage(rp.gitDir, sha))},
		URL:    github.String(fmt.Sprintf("%s/repos/%s/commits/%s", s.ts.URL, rp.fullName(), sha))}
	if parents, err := git(rp.gitDir, "rev-list", "--parents", "-n", "1", sha); err == nil {
		for _, p := range strings.Fields(string(parents))[1:] {
			out.Parents = append(out.Parents, &github.Commit{SHA: github.String(p)})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleRateLimit is GET /rate_limit (which GitHub does not count).
func (s *Server) handleRateLimit(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	core := map[string]any{"limit": s.opts.RateLimit, "remaining": s.rateRemaining, "reset": s.rateReset.Unix(), "used": s.opts.RateLimit - s.rateRemaining}
	writeJSON(w, http.StatusOK, map[string]any{"resources": map[string]any{"core": core, "graphql": core}, "rate": core})
}
