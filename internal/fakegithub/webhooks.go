package fakegithub

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
)

// Sign returns the X-Hub-Signature-256 value of body: "sha256=" + hex HMAC.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

func signSHA1(secret, body []byte) string {
	m := hmac.New(sha1.New, secret)
	m.Write(body)
	return "sha1=" + hex.EncodeToString(m.Sum(nil))
}

// Deliver POSTs a webhook to url with the headers GitHub sends
// (X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256 and the legacy
// X-Hub-Signature, X-GitHub-Hook-*). The caller closes the response body.
func Deliver(ctx context.Context, url, secret, event, deliveryID string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("deliver %s: %w", event, err)
	}
	h := req.Header
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "GitHub-Hookshot/fake")
	h.Set("X-GitHub-Event", event)
	h.Set("X-GitHub-Delivery", deliveryID)
	h.Set("X-GitHub-Hook-ID", "1")
	h.Set("X-GitHub-Hook-Installation-Target-Type", "integration")
	h.Set("X-GitHub-Hook-Installation-Target-ID", "1")
	if secret != "" {
		h.Set("X-Hub-Signature-256", Sign([]byte(secret), body))
		h.Set("X-Hub-Signature", signSHA1([]byte(secret), body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("deliver %s: %w", event, err)
	}
	return resp, nil
}

// DeliveryID returns a fresh GUID-shaped delivery id.
func DeliveryID() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		fail("marshal event: %v", err)
	}
	return b
}

// envelopeLocked fills the fields every App webhook carries.
func (s *Server) envelopeLocked(rp *repo) (*github.Repository, *github.Organization, *github.Installation) {
	var inst *github.Installation
	for _, in := range s.installations {
		if strings.EqualFold(in.owner, rp.owner) {
			inst = &github.Installation{ID: github.Int64(in.id), NodeID: github.String(fmt.Sprintf("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u%d", in.id))}
		}
	}
	org := &github.Organization{Login: github.String(rp.owner), ID: github.Int64(s.userLocked(rp.owner).id),
		NodeID: github.String(fmt.Sprintf("O_%d", s.userLocked(rp.owner).id))}
	return s.repoJSONLocked(rp), org, inst
}

// PullRequestEvent returns a pull_request webhook payload for the PR's
// current state, shaped as GitHub sends it. "synchronize" carries before and
// after; "edited" after SetPRBase carries changes.base.
func (s *Server) PullRequestEvent(action, fullName string, number int) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	p := s.mustPullLocked(fullName, number)
	repoJSON, org, inst := s.envelopeLocked(rp)
	ev := &github.PullRequestEvent{
		Action: github.String(action), Number: github.Int(number), PullRequest: s.pullJSONLocked(rp, p),
		Repo: repoJSON, Organization: org, Installation: inst, Sender: s.userJSONLocked(p.author),
	}
	if action == "synchronize" {
		ev.Before, ev.After = github.String(p.prevHead), github.String(p.headSHA)
	}
	if action == "edited" && p.prevBase != "" {
		ev.Changes = &github.EditChange{Base: &github.EditBase{Ref: &github.EditRef{From: github.String(p.prevBase)}, SHA: &github.EditSHA{From: github.String(p.prevBSHA)}}}
	}
	return mustJSON(ev)
}

func (s *Server) issueJSONLocked(rp *repo, p *pull) *github.Issue {
	return &github.Issue{
		ID: github.Int64(int64(rp.id)*100000 + int64(p.number)), Number: github.Int(p.number), State: github.String(p.state),
		Title: github.String(p.title), Body: github.String(p.body), User: s.userJSONLocked(p.author),
		URL:     github.String(fmt.Sprintf("%s/repos/%s/issues/%d", s.ts.URL, rp.fullName(), p.number)),
		HTMLURL: github.String(fmt.Sprintf("%s/%s/pull/%d", s.ts.URL, rp.fullName(), p.number)),
		PullRequestLinks: &github.PullRequestLinks{
			URL:     github.String(fmt.Sprintf("%s/repos/%s/pulls/%d", s.ts.URL, rp.fullName(), p.number)),
			HTMLURL: github.String(fmt.Sprintf("%s/%s/pull/%d", s.ts.URL, rp.fullName(), p.number)),
		},
	}
}

// IssueCommentEvent creates a conversation comment by login on PR number and
// returns the issue_comment "created" payload and the comment's id. For
// action "edited" or "deleted" use IssueCommentEditedEvent.
func (s *Server) IssueCommentEvent(action, fullName string, number int, login, body string) ([]byte, int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	p := s.mustPullLocked(fullName, number)
	ic := s.addIssueCommentLocked(rp, number, login, body)
	repoJSON, org, inst := s.envelopeLocked(rp)
	ev := &github.IssueCommentEvent{
		Action: github.String(action), Issue: s.issueJSONLocked(rp, p), Comment: s.issueCommentJSONLocked(rp, ic),
		Repo: repoJSON, Organization: org, Installation: inst, Sender: s.userJSONLocked(login),
	}
	return mustJSON(ev), ic.id
}

// IssueCommentEditedEvent changes comment commentID's body as editor and
// returns the issue_comment "edited" payload (changes.body.from holds the old
// body; sender is the editor, as on GitHub).
func (s *Server) IssueCommentEditedEvent(fullName string, number int, commentID int64, editor, newBody string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	p := s.mustPullLocked(fullName, number)
	ic := s.issueComms[commentID]
	if ic == nil || ic.repo != strings.ToLower(rp.fullName()) {
		fail("no issue comment %d on %s", commentID, fullName)
	}
	prev := ic.body
	ic.body, ic.updated = newBody, time.Now()
	repoJSON, org, inst := s.envelopeLocked(rp)
	ev := &github.IssueCommentEvent{
		Action: github.String("edited"), Issue: s.issueJSONLocked(rp, p), Comment: s.issueCommentJSONLocked(rp, ic),
		Changes: &github.EditChange{Body: &github.EditBody{From: github.String(prev)}},
		Repo:    repoJSON, Organization: org, Installation: inst, Sender: s.userJSONLocked(editor),
	}
	return mustJSON(ev)
}

// CheckRunEvent returns a check_run payload ("rerequested",
// "requested_action" with identifier, "created", "completed") for an existing
// run, sent by login.
func (s *Server) CheckRunEvent(action, fullName string, checkRunID int64, identifier, login string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	cr := s.checkRuns[checkRunID]
	if cr == nil || cr.repo != strings.ToLower(rp.fullName()) {
		fail("no check run %d on %s", checkRunID, fullName)
	}
	repoJSON, org, inst := s.envelopeLocked(rp)
	run := s.checkRunJSONLocked(rp, cr)
	run.CheckSuite = s.suiteJSONLocked(rp, cr.headSHA)
	ev := &github.CheckRunEvent{Action: github.String(action), CheckRun: run, Repo: repoJSON, Org: org, Installation: inst,
		Sender: s.userJSONLocked(login)}
	if action == "requested_action" {
		ev.RequestedAction = &github.RequestedAction{Identifier: identifier}
	}
	return mustJSON(ev)
}

func (s *Server) suiteJSONLocked(rp *repo, sha string) *github.CheckSuite {
	key := rp.fullName() + "|" + sha
	if s.suites[key] == 0 {
		s.suites[key] = s.newID()
	}
	cs := &github.CheckSuite{ID: github.Int64(s.suites[key]), HeadSHA: github.String(sha), Status: github.String("queued"),
		App:          &github.App{ID: github.Int64(s.opts.AppID), Slug: github.String(s.opts.AppSlug)},
		PullRequests: []*github.PullRequest{},
		HeadCommit:   &github.Commit{SHA: github.String(sha), Message: github.String(commitMessage(rp.gitDir, sha))},
	}
	for _, p := range sortedPulls(rp) {
		if p.headSHA == sha {
			cs.HeadBranch = github.String(p.headRef)
			if p.fork == "" { // GitHub leaves pull_requests empty for forks
				cs.PullRequests = append(cs.PullRequests, &github.PullRequest{
					ID: github.Int64(int64(rp.id)*100000 + int64(p.number)), Number: github.Int(p.number),
					URL:  github.String(fmt.Sprintf("%s/repos/%s/pulls/%d", s.ts.URL, rp.fullName(), p.number)),
					Head: &github.PullRequestBranch{Ref: github.String(p.headRef), SHA: github.String(p.headSHA)},
					Base: &github.PullRequestBranch{Ref: github.String(p.baseRef), SHA: github.String(p.baseSHA)},
				})
			}
		}
	}
	return cs
}

// CheckSuiteEvent returns a check_suite payload ("requested",
// "rerequested", "completed") for headSHA.
func (s *Server) CheckSuiteEvent(action, fullName, headSHA, login string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	repoJSON, org, inst := s.envelopeLocked(rp)
	ev := &github.CheckSuiteEvent{Action: github.String(action), CheckSuite: s.suiteJSONLocked(rp, headSHA),
		Repo: repoJSON, Org: org, Installation: inst, Sender: s.userJSONLocked(login)}
	return mustJSON(ev)
}

// MergeGroupEvent returns a merge_group "checks_requested" payload: the
// merge queue wants checks on headSHA (a commit of the repository's git
// directory, on headRef such as "refs/heads/gh-readonly-queue/main/pr-1-…")
// built on baseSHA of the default branch.
func (s *Server) MergeGroupEvent(fullName, headSHA, baseSHA, headRef string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	repoJSON, org, inst := s.envelopeLocked(rp)
	ev := &github.MergeGroupEvent{
		Action: github.String("checks_requested"),
		MergeGroup: &github.MergeGroup{
			HeadSHA: github.String(headSHA), HeadRef: github.String(headRef),
			BaseSHA: github.String(baseSHA), BaseRef: github.String("refs/heads/" + rp.defaultBranch),
			HeadCommit: &github.Commit{SHA: github.String(headSHA), Message: github.String(commitMessage(rp.gitDir, headSHA))},
		},
		Repo: repoJSON, Org: org, Installation: inst, Sender: s.userJSONLocked("web-flow"),
	}
	return mustJSON(ev)
}

// InstallationEvent returns an installation payload ("created", "deleted",
// "suspend") for installation id.
func (s *Server) InstallationEvent(action string, id int64) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.installations[id]
	if in == nil {
		fail("no installation %d", id)
	}
	var repos []*github.Repository
	for _, rp := range s.sortedReposLocked() {
		if strings.EqualFold(rp.owner, in.owner) {
			repos = append(repos, &github.Repository{ID: github.Int64(rp.id), Name: github.String(rp.name), FullName: github.String(rp.fullName()), Private: github.Bool(true)})
		}
	}
	return mustJSON(&github.InstallationEvent{Action: github.String(action), Installation: s.installationJSON(in),
		Repositories: repos, Sender: s.userJSONLocked("octocat")})
}

// PingEvent returns the ping payload GitHub sends when a hook is created.
func (s *Server) PingEvent() []byte {
	return mustJSON(map[string]any{
		"zen": "Keep it logically awesome.", "hook_id": 1,
		"hook": map[string]any{"type": "App", "id": 1, "app_id": s.opts.AppID, "active": true,
			"events": []string{"pull_request", "issue_comment", "check_run", "check_suite", "merge_group"}},
	})
}
