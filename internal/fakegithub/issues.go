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

type issueComment struct {
	id               int64
	repo             string
	number           int
	user, body       string
	created, updated time.Time
	deleted          bool
}

type reaction struct {
	id      int64
	user    string
	content string
	created time.Time
}

// IssueComment is a PR conversation comment, for assertions.
type IssueComment struct {
	ID               int64
	User, UserType   string
	Body             string
	Deleted          bool
	Created, Updated time.Time
}

// Reaction is a reaction on a comment, for assertions.
type Reaction struct {
	ID      int64
	User    string
	Content string // +1, -1, laugh, confused, heart, hooray, rocket, eyes
}

var validReactions = map[string]bool{"+1": true, "-1": true, "laugh": true, "confused": true, "heart": true, "hooray": true, "rocket": true, "eyes": true}

// AddIssueComment posts a PR conversation comment as login (a human or a
// bot) and returns its id.
func (s *Server) AddIssueComment(fullName string, number int, login, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	s.mustPullLocked(fullName, number)
	return s.addIssueCommentLocked(rp, number, login, body).id
}

func (s *Server) addIssueCommentLocked(rp *repo, number int, login, body string) *issueComment {
	ic := &issueComment{id: s.newID(), repo: strings.ToLower(rp.fullName()), number: number, user: login, body: body,
		created: now(), updated: now()}
	s.issueComms[ic.id] = ic
	s.userLocked(login)
	return ic
}

func (s *Server) issueCommentJSONLocked(rp *repo, ic *issueComment) *github.IssueComment {
	return &github.IssueComment{
		ID: github.Int64(ic.id), NodeID: github.String(fmt.Sprintf("IC_%d", ic.id)), Body: github.String(ic.body),
		User: s.userJSONLocked(ic.user), CreatedAt: &github.Timestamp{Time: ic.created}, UpdatedAt: &github.Timestamp{Time: ic.updated},
		AuthorAssociation: github.String(s.associationLocked(rp, ic.user)),
		URL:               github.String(fmt.Sprintf("%s/repos/%s/issues/comments/%d", s.ts.URL, rp.fullName(), ic.id)),
		HTMLURL:           github.String(fmt.Sprintf("%s/%s/pull/%d#issuecomment-%d", s.ts.URL, rp.fullName(), ic.number, ic.id)),
		IssueURL:          github.String(fmt.Sprintf("%s/repos/%s/issues/%d", s.ts.URL, rp.fullName(), ic.number)),
		Reactions:         s.reactionSummaryLocked(ic.id),
	}
}

// associationLocked derives author_association from the repo permission.
func (s *Server) associationLocked(rp *repo, login string) string {
	switch rp.perms[login] {
	case "admin", "maintain":
		return "OWNER"
	case "write", "triage":
		return "COLLABORATOR"
	case "read":
		return "CONTRIBUTOR"
	}
	return "NONE"
}

func (s *Server) reactionSummaryLocked(id int64) *github.Reactions {
	counts := map[string]int{}
	for _, r := range s.reactions[id] {
		counts[r.content]++
	}
	return &github.Reactions{
		TotalCount: github.Int(len(s.reactions[id])), PlusOne: github.Int(counts["+1"]), MinusOne: github.Int(counts["-1"]),
		Laugh: github.Int(counts["laugh"]), Confused: github.Int(counts["confused"]), Heart: github.Int(counts["heart"]),
		Hooray: github.Int(counts["hooray"]), Rocket: github.Int(counts["rocket"]), Eyes: github.Int(counts["eyes"]),
	}
}

func (s *Server) handleListIssueComments(w http.ResponseWriter, r *http.Request, rp *repo) {
	n, _ := strconv.Atoi(r.PathValue("number"))
	if rp.prs[n] == nil {
		notFound(w)
		return
	}
	var out []*github.IssueComment
	for _, ic := range s.issueCommentsLocked(rp, n) {
		if !ic.deleted {
			out = append(out, s.issueCommentJSONLocked(rp, ic))
		}
	}
	writeJSON(w, http.StatusOK, paginate(w, r, out))
}

func (s *Server) issueCommentsLocked(rp *repo, number int) []*issueComment {
	var out []*issueComment
	for _, ic := range s.issueComms {
		if ic.repo == strings.ToLower(rp.fullName()) && ic.number == number {
			out = append(out, ic)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func bodyError(body *string) string {
	switch {
	case body == nil || *body == "":
		return "Body can't be blank"
	case runeLen(*body) > maxBodyChars:
		return fmt.Sprintf("Body is too long (maximum is %d characters)", maxBodyChars)
	}
	return ""
}

func (s *Server) handleCreateIssueComment(w http.ResponseWriter, r *http.Request, rp *repo) {
	n, _ := strconv.Atoi(r.PathValue("number"))
	if rp.prs[n] == nil {
		notFound(w)
		return
	}
	var in struct {
		Body *string `json:"body"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if msg := bodyError(in.Body); msg != "" {
		writeValidation(w, validationError{Resource: "IssueComment", Field: "body", Code: "custom", Message: msg})
		return
	}
	ic := s.addIssueCommentLocked(rp, n, s.actorLocked(), *in.Body)
	writeJSON(w, http.StatusCreated, s.issueCommentJSONLocked(rp, ic))
}

func (s *Server) issueCommentFromPath(w http.ResponseWriter, r *http.Request, rp *repo) *issueComment {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	ic := s.issueComms[id]
	if ic == nil || ic.deleted || ic.repo != strings.ToLower(rp.fullName()) {
		notFound(w)
		return nil
	}
	return ic
}

func (s *Server) handleGetIssueComment(w http.ResponseWriter, r *http.Request, rp *repo) {
	if ic := s.issueCommentFromPath(w, r, rp); ic != nil {
		writeJSON(w, http.StatusOK, s.issueCommentJSONLocked(rp, ic))
	}
}

func (s *Server) handleEditIssueComment(w http.ResponseWriter, r *http.Request, rp *repo) {
	ic := s.issueCommentFromPath(w, r, rp)
	if ic == nil {
		return
	}
	var in struct {
		Body *string `json:"body"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if msg := bodyError(in.Body); msg != "" {
		writeValidation(w, validationError{Resource: "IssueComment", Field: "body", Code: "custom", Message: msg})
		return
	}
	ic.body, ic.updated = *in.Body, now()
	writeJSON(w, http.StatusOK, s.issueCommentJSONLocked(rp, ic))
}

func (s *Server) handleDeleteIssueComment(w http.ResponseWriter, r *http.Request, rp *repo) {
	if ic := s.issueCommentFromPath(w, r, rp); ic != nil {
		ic.deleted = true
		w.WriteHeader(http.StatusNoContent)
	}
}

// reactionTarget checks that the comment of the path exists in rp.
func (s *Server) reactionTarget(w http.ResponseWriter, r *http.Request, rp *repo, review bool) (int64, bool) {
	if review {
		rc := s.commentFromPath(w, r, rp)
		return r2id(rc), rc != nil
	}
	ic := s.issueCommentFromPath(w, r, rp)
	if ic == nil {
		return 0, false
	}
	return ic.id, true
}

func r2id(rc *reviewComment) int64 {
	if rc == nil {
		return 0
	}
	return rc.id
}

// handleCreateReaction answers 201 for a new reaction and 200 when the same
// user already reacted with the same content, as GitHub does.
func (s *Server) handleCreateReaction(review bool) func(w http.ResponseWriter, r *http.Request, rp *repo) {
	return func(w http.ResponseWriter, r *http.Request, rp *repo) {
		id, ok := s.reactionTarget(w, r, rp, review)
		if !ok {
			return
		}
		var in struct {
			Content string `json:"content"`
		}
		if !decodeBody(w, r, &in) {
			return
		}
		if !validReactions[in.Content] {
			writeInvalidRequest(w, fmt.Sprintf("For 'properties/content', %q is not a member of [\"+1\", \"-1\", \"laugh\", \"confused\", \"heart\", \"hooray\", \"rocket\", \"eyes\"].", in.Content))
			return
		}
		actor := s.actorLocked()
		for _, re := range s.reactions[id] {
			if re.user == actor && re.content == in.Content {
				writeJSON(w, http.StatusOK, s.reactionJSONLocked(re))
				return
			}
		}
		re := &reaction{id: s.newID(), user: actor, content: in.Content, created: now()}
		s.reactions[id] = append(s.reactions[id], re)
		writeJSON(w, http.StatusCreated, s.reactionJSONLocked(re))
	}
}

func (s *Server) handleListReactions(review bool) func(w http.ResponseWriter, r *http.Request, rp *repo) {
	return func(w http.ResponseWriter, r *http.Request, rp *repo) {
		id, ok := s.reactionTarget(w, r, rp, review)
		if !ok {
			return
		}
		var out []*github.Reaction
		for _, re := range s.reactions[id] {
			if c := r.URL.Query().Get("content"); c == "" || c == re.content {
				out = append(out, s.reactionJSONLocked(re))
			}
		}
		writeJSON(w, http.StatusOK, paginate(w, r, out))
	}
}

func (s *Server) handleDeleteReaction(w http.ResponseWriter, r *http.Request, rp *repo) {
	id, ok := s.reactionTarget(w, r, rp, false)
	if !ok {
		return
	}
	rid, _ := strconv.ParseInt(r.PathValue("rid"), 10, 64)
	list := s.reactions[id]
	for i, re := range list {
		if re.id == rid {
			s.reactions[id] = append(list[:i:i], list[i+1:]...)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	notFound(w)
}

func (s *Server) reactionJSONLocked(re *reaction) *github.Reaction {
	return &github.Reaction{ID: github.Int64(re.id), NodeID: github.String(fmt.Sprintf("REA_%d", re.id)),
		User: s.userJSONLocked(re.user), Content: github.String(re.content)}
}

// IssueComments returns the conversation comments of PR number, oldest first
// (deleted ones included, with Deleted set).
func (s *Server) IssueComments(fullName string, number int) []IssueComment {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	var out []IssueComment
	for _, ic := range s.issueCommentsLocked(rp, number) {
		out = append(out, IssueComment{ID: ic.id, User: ic.user, UserType: s.userLocked(ic.user).typ, Body: ic.body,
			Deleted: ic.deleted, Created: ic.created, Updated: ic.updated})
	}
	return out
}

// Reactions returns the reactions on a comment (issue or review comment).
func (s *Server) Reactions(commentID int64) []Reaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Reaction
	for _, re := range s.reactions[commentID] {
		out = append(out, Reaction{ID: re.id, User: re.user, Content: re.content})
	}
	return out
}

// handleGetIssue is GET /repos/{o}/{r}/issues/{n} for a pull request number.
func (s *Server) handleGetIssue(w http.ResponseWriter, r *http.Request, rp *repo) {
	if p := s.pullFromPath(w, r, rp); p != nil {
		writeJSON(w, http.StatusOK, s.issueJSONLocked(rp, p))
	}
}
