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

// maxBodyChars is GitHub's limit on comment and review bodies.
const maxBodyChars = 65536

// GitHub's messages when a review comment cannot be placed on the diff, as
// seen in its 422 answers. A review whose single-line comment misses the diff
// answers "Line could not be resolved"; the single-comment endpoint answers
// errLineNotInDiff.
const (
	errLineNotInDiff   = "Pull request review thread line must be part of the diff and Pull request review thread diff hunk can't be blank"
	errLineUnresolved  = "Line could not be resolved"
	errPathUnresolved  = "Path could not be resolved"
	errStartNotInHunk  = "Pull request review thread line must be part of the diff, Pull request review thread start line must be part of the same hunk as the line., and Pull request review thread diff hunk can't be blank"
	errStartAfterEnd   = "Pull request review thread start line must precede the end line."
	errPositionInvalid = "Pull request review thread position is invalid and Pull request review thread diff hunk can't be blank"
)

type review struct {
	id        int64
	repo      string
	number    int
	user      string
	state     string // COMMENTED, CHANGES_REQUESTED, APPROVED, PENDING
	body      string
	commitID  string
	submitted time.Time
}

type reviewComment struct {
	id, reviewID, inReplyTo int64
	repo                    string
	number                  int
	path                    string
	line, startLine         int
	originalLine            int
	position, originalPos   int
	side, startSide         string
	subjectType             string
	commitID, origCommitID  string
	body, user              string
	diffHunk                string
	created, updated        time.Time
	deleted, outdated       bool
	resolved                bool // on the thread's root comment
}

// Review is a submitted (or pending) pull request review, for assertions.
type Review struct {
	ID          int64
	User        string
	State       string // COMMENTED, CHANGES_REQUESTED, APPROVED, PENDING
	Body        string
	CommitID    string
	SubmittedAt time.Time
	CommentIDs  []int64
}

// ReviewComment is an inline review comment, for assertions.
type ReviewComment struct {
	ID, ReviewID, InReplyTo int64
	ThreadID                string // GraphQL id of the thread (root comment's)
	User, UserType          string
	Path                    string
	Line, StartLine         int // 0 when outdated or file-level
	OriginalLine            int
	Position                int
	Side, StartSide         string
	SubjectType             string // line or file
	Body                    string
	CommitID                string
	DiffHunk                string
	Outdated                bool // the line left the diff after a push
	Resolved                bool // the thread was resolved
	Deleted                 bool
	Created, Updated        time.Time
}

type commentInput struct {
	Path        *string `json:"path"`
	Position    *int    `json:"position"`
	Body        *string `json:"body"`
	Line        *int    `json:"line"`
	Side        *string `json:"side"`
	StartLine   *int    `json:"start_line"`
	StartSide   *string `json:"start_side"`
	SubjectType *string `json:"subject_type"`
	CommitID    *string `json:"commit_id"`
	InReplyTo   *int64  `json:"in_reply_to"`
}

// place checks that the comment sits on the diff of files and fills rc's
// position fields. It returns GitHub's error message or "".
func place(files []prFile, c commentInput, rc *reviewComment) string {
	if c.Body == nil || *c.Body == "" {
		return "Body can't be blank"
	}
	if runeLen(*c.Body) > maxBodyChars {
		return fmt.Sprintf("Body is too long (maximum is %d characters)", maxBodyChars)
	}
	var f *prFile
	for i := range files {
		if c.Path != nil && files[i].filename == *c.Path {
			f = &files[i]
		}
	}
	if f == nil {
		return errPathUnresolved
	}
	rc.path = f.filename
	if str(c.SubjectType) == "file" {
		rc.subjectType = "file"
		return ""
	}
	rc.subjectType = "line"
	var pl patchLine
	switch {
	case c.Line != nil:
		side := str(c.Side)
		if side == "" {
			side = "RIGHT"
		}
		if side != "RIGHT" && side != "LEFT" {
			return "Side must be LEFT or RIGHT"
		}
		var ok bool
		if pl, ok = f.lineInDiff(side, *c.Line); !ok {
			return errLineNotInDiff
		}
		rc.line, rc.side = *c.Line, side
		if c.StartLine != nil {
			startSide := str(c.StartSide)
			if startSide == "" {
				startSide = side
			}
			start, ok := f.lineInDiff(startSide, *c.StartLine)
			if !ok {
				return errStartNotInHunk
			}
			if start.hunk != pl.hunk {
				return errStartNotInHunk
			}
			if start.pos >= pl.pos {
				return errStartAfterEnd
			}
			rc.startLine, rc.startSide = *c.StartLine, startSide
		}
	case c.Position != nil:
		var ok bool
		if pl, ok = f.atPosition(*c.Position); !ok {
			return errPositionInvalid
		}
		if pl.kind == '-' {
			rc.line, rc.side = pl.oldLine, "LEFT"
		} else {
			rc.line, rc.side = pl.newLine, "RIGHT"
		}
	default:
		return errLineUnresolved
	}
	rc.position, rc.originalPos, rc.originalLine = pl.pos, pl.pos, rc.line
	rc.diffHunk = f.diffHunk(pl.pos)
	return ""
}

// actorLocked is who the request acts as: the App's bot for an installation
// token.
func (s *Server) actorLocked() string { return s.opts.AppSlug + "[bot]" }

// filesAt returns the PR's files as of commitID ("" = current head).
func (p *pull) filesAt(commitID string) ([]prFile, bool) {
	if commitID == "" || commitID == p.headSHA {
		return p.files, true
	}
	f, ok := p.versions[commitID]
	return f, ok
}

// handleCreateReview is POST /repos/{o}/{r}/pulls/{n}/reviews. If any comment
// cannot be placed on the diff, the whole review is rejected with 422 and
// nothing is stored, as on GitHub.
func (s *Server) handleCreateReview(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	var in struct {
		CommitID *string        `json:"commit_id"`
		Body     *string        `json:"body"`
		Event    *string        `json:"event"`
		Comments []commentInput `json:"comments"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	state := map[string]string{"": "PENDING", "COMMENT": "COMMENTED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "APPROVE": "APPROVED"}[str(in.Event)]
	if state == "" {
		writeInvalidRequest(w, fmt.Sprintf("For 'properties/event', %q is not a member of [\"APPROVE\", \"REQUEST_CHANGES\", \"COMMENT\"].", str(in.Event)))
		return
	}
	body := str(in.Body)
	if runeLen(body) > maxBodyChars {
		writeUnprocessable(w, fmt.Sprintf("Body is too long (maximum is %d characters)", maxBodyChars))
		return
	}
	if (state == "CHANGES_REQUESTED" && body == "") || (state == "COMMENTED" && body == "" && len(in.Comments) == 0) {
		writeUnprocessable(w, "Review Can not request changes or comment without a body or comments")
		return
	}
	if state == "APPROVED" || state == "CHANGES_REQUESTED" {
		if p.author == s.actorLocked() {
			writeUnprocessable(w, "Review Can not approve or request changes on your own pull request")
			return
		}
	}
	if state == "PENDING" {
		for _, rv := range s.reviewsLocked(rp, p.number) {
			if rv.state == "PENDING" && rv.user == s.actorLocked() {
				writeUnprocessable(w, "User can only have one pending review per pull request")
				return
			}
		}
	}
	files, ok := p.filesAt(str(in.CommitID))
	if !ok {
		writeUnprocessable(w, "Commit could not be resolved: it is not part of the pull request")
		return
	}
	commit := str(in.CommitID)
	if commit == "" {
		commit = p.headSHA
	}
	var placed []*reviewComment
	for _, c := range in.Comments {
		rc := &reviewComment{}
		if msg := place(files, c, rc); msg != "" {
			if msg == errLineNotInDiff {
				msg = errLineUnresolved
			}
			writeUnprocessable(w, msg)
			return
		}
		placed = append(placed, rc)
	}
	rv := s.addReviewLocked(rp, p, s.actorLocked(), state, body, commit)
	for i, rc := range placed { // every comment was placed, so indices align
		s.storeCommentLocked(rp, p, rv, rc, str(in.Comments[i].Body), commit)
	}
	writeJSON(w, http.StatusOK, s.reviewJSONLocked(rp, rv))
}

func (s *Server) addReviewLocked(rp *repo, p *pull, login, state, body, commit string) *review {
	rv := &review{id: s.newID(), repo: strings.ToLower(rp.fullName()), number: p.number, user: login,
		state: state, body: body, commitID: commit}
	if state != "PENDING" {
		rv.submitted = now()
	}
	s.reviews[rv.id] = rv
	return rv
}

func (s *Server) storeCommentLocked(rp *repo, p *pull, rv *review, rc *reviewComment, body, commit string) {
	rc.id, rc.reviewID, rc.repo, rc.number = s.newID(), rv.id, strings.ToLower(rp.fullName()), p.number
	rc.body, rc.user, rc.commitID, rc.origCommitID = body, rv.user, commit, commit
	rc.created, rc.updated = now(), now()
	s.reviewComms[rc.id] = rc
	s.userLocked(rv.user)
}

// replyLocked adds a reply by login to the thread of comment id; each reply
// is its own COMMENTED review, as on GitHub.
func (s *Server) replyLocked(rp *repo, p *pull, id int64, login, body string) (*reviewComment, string) {
	parent := s.reviewComms[id]
	if parent == nil || parent.deleted || parent.repo != strings.ToLower(rp.fullName()) || parent.number != p.number {
		return nil, "not found"
	}
	if body == "" {
		return nil, "Body can't be blank"
	}
	if runeLen(body) > maxBodyChars {
		return nil, fmt.Sprintf("Body is too long (maximum is %d characters)", maxBodyChars)
	}
	root := parent
	if root.inReplyTo != 0 {
		if r := s.reviewComms[root.inReplyTo]; r != nil {
			root = r
		}
	}
	rv := s.addReviewLocked(rp, p, login, "COMMENTED", "", p.headSHA)
	rc := &reviewComment{inReplyTo: root.id, path: root.path, line: root.line, startLine: root.startLine,
		originalLine: root.originalLine, position: root.position, originalPos: root.originalPos,
		side: root.side, startSide: root.startSide, subjectType: root.subjectType, diffHunk: root.diffHunk, outdated: root.outdated}
	s.storeCommentLocked(rp, p, rv, rc, body, root.commitID)
	return rc, ""
}

// ReplyToReviewComment posts a reply by a human (login) to the thread of
// comment id on PR number, as a test's stand-in for a person. Returns its id.
func (s *Server) ReplyToReviewComment(fullName string, number int, commentID int64, login, body string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	rc, msg := s.replyLocked(rp, s.mustPullLocked(fullName, number), commentID, login, body)
	if msg != "" {
		fail("ReplyToReviewComment %d: %s", commentID, msg)
	}
	return rc.id
}

// handleReply is POST /repos/{o}/{r}/pulls/{n}/comments/{id}/replies.
func (s *Server) handleReply(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	var in struct {
		Body string `json:"body"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	rc, msg := s.replyLocked(rp, p, id, s.actorLocked(), in.Body)
	switch {
	case msg == "not found":
		notFound(w)
	case msg != "":
		writeUnprocessable(w, msg)
	default:
		writeJSON(w, http.StatusCreated, s.commentJSONLocked(rp, rc))
	}
}

// handleCreateComment is POST /repos/{o}/{r}/pulls/{n}/comments (a single
// comment, or a reply with in_reply_to).
func (s *Server) handleCreateComment(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	var in commentInput
	if !decodeBody(w, r, &in) {
		return
	}
	if in.InReplyTo != nil {
		rc, msg := s.replyLocked(rp, p, *in.InReplyTo, s.actorLocked(), str(in.Body))
		switch {
		case msg == "not found":
			notFound(w)
		case msg != "":
			writeUnprocessable(w, msg)
		default:
			writeJSON(w, http.StatusCreated, s.commentJSONLocked(rp, rc))
		}
		return
	}
	if in.CommitID == nil || *in.CommitID == "" {
		writeInvalidRequest(w, "For 'properties/commit_id', nil is not a string.")
		return
	}
	files, ok := p.filesAt(*in.CommitID)
	if !ok {
		writeUnprocessable(w, "Commit could not be resolved: it is not part of the pull request")
		return
	}
	rc := &reviewComment{}
	if msg := place(files, in, rc); msg != "" {
		writeUnprocessable(w, msg)
		return
	}
	rv := s.addReviewLocked(rp, p, s.actorLocked(), "COMMENTED", "", *in.CommitID)
	s.storeCommentLocked(rp, p, rv, rc, *in.Body, *in.CommitID)
	writeJSON(w, http.StatusCreated, s.commentJSONLocked(rp, rc))
}

func (s *Server) commentFromPath(w http.ResponseWriter, r *http.Request, rp *repo) *reviewComment {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	rc := s.reviewComms[id]
	if rc == nil || rc.deleted || rc.repo != strings.ToLower(rp.fullName()) {
		notFound(w)
		return nil
	}
	return rc
}

func (s *Server) handleGetComment(w http.ResponseWriter, r *http.Request, rp *repo) {
	if rc := s.commentFromPath(w, r, rp); rc != nil {
		writeJSON(w, http.StatusOK, s.commentJSONLocked(rp, rc))
	}
}

// handleEditComment is PATCH /repos/{o}/{r}/pulls/comments/{id}.
func (s *Server) handleEditComment(w http.ResponseWriter, r *http.Request, rp *repo) {
	rc := s.commentFromPath(w, r, rp)
	if rc == nil {
		return
	}
	var in struct {
		Body *string `json:"body"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	if in.Body == nil || *in.Body == "" {
		writeInvalidRequest(w, "For 'properties/body', nil is not a string.")
		return
	}
	if runeLen(*in.Body) > maxBodyChars {
		writeUnprocessable(w, fmt.Sprintf("Body is too long (maximum is %d characters)", maxBodyChars))
		return
	}
	rc.body, rc.updated = *in.Body, now()
	writeJSON(w, http.StatusOK, s.commentJSONLocked(rp, rc))
}

// handleDeleteComment is DELETE /repos/{o}/{r}/pulls/comments/{id}.
func (s *Server) handleDeleteComment(w http.ResponseWriter, r *http.Request, rp *repo) {
	if rc := s.commentFromPath(w, r, rp); rc != nil {
		rc.deleted = true
		w.WriteHeader(http.StatusNoContent)
	}
}

// handleListComments is GET /repos/{o}/{r}/pulls/{n}/comments.
func (s *Server) handleListComments(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	var out []*github.PullRequestComment
	for _, rc := range s.commentsLocked(rp, p.number, 0) {
		if !rc.deleted {
			out = append(out, s.commentJSONLocked(rp, rc))
		}
	}
	writeJSON(w, http.StatusOK, paginate(w, r, out))
}

// commentsLocked lists comments of a PR (of one review when reviewID ≠ 0) by id.
func (s *Server) commentsLocked(rp *repo, number int, reviewID int64) []*reviewComment {
	var out []*reviewComment
	for _, rc := range s.reviewComms {
		if rc.repo == strings.ToLower(rp.fullName()) && rc.number == number && (reviewID == 0 || rc.reviewID == reviewID) {
			out = append(out, rc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (s *Server) reviewFromPath(w http.ResponseWriter, r *http.Request, rp *repo, p *pull) *review {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	rv := s.reviews[id]
	if rv == nil || rv.repo != strings.ToLower(rp.fullName()) || rv.number != p.number {
		notFound(w)
		return nil
	}
	return rv
}

func (s *Server) handleListReviews(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	var out []*github.PullRequestReview
	for _, rv := range s.reviewsLocked(rp, p.number) {
		out = append(out, s.reviewJSONLocked(rp, rv))
	}
	writeJSON(w, http.StatusOK, paginate(w, r, out))
}

func (s *Server) handleGetReview(w http.ResponseWriter, r *http.Request, rp *repo) {
	if p := s.pullFromPath(w, r, rp); p != nil {
		if rv := s.reviewFromPath(w, r, rp, p); rv != nil {
			writeJSON(w, http.StatusOK, s.reviewJSONLocked(rp, rv))
		}
	}
}

func (s *Server) handleReviewComments(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	rv := s.reviewFromPath(w, r, rp, p)
	if rv == nil {
		return
	}
	var out []*github.PullRequestComment
	for _, rc := range s.commentsLocked(rp, p.number, rv.id) {
		if !rc.deleted {
			out = append(out, s.commentJSONLocked(rp, rc))
		}
	}
	writeJSON(w, http.StatusOK, paginate(w, r, out))
}

// handleSubmitReview is POST /repos/{o}/{r}/pulls/{n}/reviews/{id}/events.
func (s *Server) handleSubmitReview(w http.ResponseWriter, r *http.Request, rp *repo) {
	p := s.pullFromPath(w, r, rp)
	if p == nil {
		return
	}
	rv := s.reviewFromPath(w, r, rp, p)
	if rv == nil {
		return
	}
	var in struct {
		Body  string `json:"body"`
		Event string `json:"event"`
	}
	if !decodeBody(w, r, &in) {
		return
	}
	state := map[string]string{"COMMENT": "COMMENTED", "REQUEST_CHANGES": "CHANGES_REQUESTED", "APPROVE": "APPROVED"}[in.Event]
	if state == "" || rv.state != "PENDING" {
		writeUnprocessable(w, "Review Can not submit: event is invalid or the review is not pending")
		return
	}
	rv.state, rv.submitted = state, now()
	if in.Body != "" {
		rv.body = in.Body
	}
	writeJSON(w, http.StatusOK, s.reviewJSONLocked(rp, rv))
}

func (s *Server) reviewsLocked(rp *repo, number int) []*review {
	var out []*review
	for _, rv := range s.reviews {
		if rv.repo == strings.ToLower(rp.fullName()) && rv.number == number {
			out = append(out, rv)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (s *Server) reviewJSONLocked(rp *repo, rv *review) *github.PullRequestReview {
	out := &github.PullRequestReview{
		ID: github.Int64(rv.id), NodeID: github.String(fmt.Sprintf("PRR_%d", rv.id)),
		User: s.userJSONLocked(rv.user), Body: github.String(rv.body), State: github.String(rv.state),
		CommitID:          github.String(rv.commitID),
		HTMLURL:           github.String(fmt.Sprintf("%s/%s/pull/%d#pullrequestreview-%d", s.ts.URL, rp.fullName(), rv.number, rv.id)),
		PullRequestURL:    github.String(fmt.Sprintf("%s/repos/%s/pulls/%d", s.ts.URL, rp.fullName(), rv.number)),
		AuthorAssociation: github.String("NONE"),
	}
	if !rv.submitted.IsZero() {
		out.SubmittedAt = &github.Timestamp{Time: rv.submitted}
	}
	return out
}

func (s *Server) commentJSONLocked(rp *repo, rc *reviewComment) *github.PullRequestComment {
	out := &github.PullRequestComment{
		ID: github.Int64(rc.id), NodeID: github.String(fmt.Sprintf("PRRC_%d", rc.id)),
		PullRequestReviewID: github.Int64(rc.reviewID), Body: github.String(rc.body), Path: github.String(rc.path),
		DiffHunk: github.String(rc.diffHunk), CommitID: github.String(rc.commitID), OriginalCommitID: github.String(rc.origCommitID),
		User:      s.userJSONLocked(rc.user),
		CreatedAt: &github.Timestamp{Time: rc.created}, UpdatedAt: &github.Timestamp{Time: rc.updated},
		SubjectType: github.String(rc.subjectType), AuthorAssociation: github.String("NONE"),
		URL:            github.String(fmt.Sprintf("%s/repos/%s/pulls/comments/%d", s.ts.URL, rp.fullName(), rc.id)),
		HTMLURL:        github.String(fmt.Sprintf("%s/%s/pull/%d#discussion_r%d", s.ts.URL, rp.fullName(), rc.number, rc.id)),
		PullRequestURL: github.String(fmt.Sprintf("%s/repos/%s/pulls/%d", s.ts.URL, rp.fullName(), rc.number)),
	}
	if rc.inReplyTo != 0 {
		out.InReplyTo = github.Int64(rc.inReplyTo)
	}
	if rc.originalLine != 0 {
		out.OriginalLine = github.Int(rc.originalLine)
		out.OriginalPosition = github.Int(rc.originalPos)
		out.Side = github.String(rc.side)
	}
	if rc.line != 0 && !rc.outdated {
		out.Line = github.Int(rc.line)
		out.Position = github.Int(rc.position)
	}
	if rc.startLine != 0 {
		out.StartLine = github.Int(rc.startLine)
		out.OriginalStartLine = github.Int(rc.startLine)
		out.StartSide = github.String(rc.startSide)
	}
	return out
}

// outdateCommentsLocked re-anchors comments after a push, as GitHub does: a
// RIGHT-side line moves with the lines inserted or removed above it between
// the comment's commit and the new head; a comment whose line was changed, or
// that is no longer inside the PR's diff, becomes outdated (line and position
// null). Call with s.mu held.
func (s *Server) outdateCommentsLocked(rp *repo, p *pull) {
	for _, rc := range s.commentsLocked(rp, p.number, 0) {
		if rc.subjectType != "line" || rc.outdated || rc.commitID == p.headSHA {
			continue
		}
		line, ok := rc.line, true
		if rc.side == "RIGHT" {
			line, ok = mapLine(rp.gitDir, rc.commitID, p.headSHA, rc.path, rc.line)
		}
		f := p.file(p.files, rc.path)
		if !ok || f == nil {
			rc.outdated = true
			continue
		}
		pl, ok := f.lineInDiff(rc.side, line)
		if !ok {
			rc.outdated = true
			continue
		}
		rc.line, rc.position, rc.commitID = line, pl.pos, p.headSHA
		if rc.startLine != 0 && rc.startSide == "RIGHT" {
			if start, ok := mapLine(rp.gitDir, rc.origCommitID, p.headSHA, rc.path, rc.startLine); ok {
				rc.startLine = start
			}
		}
	}
}

// mapLine follows line of path from commit from to commit to; ok is false
// when the line itself changed or the file is gone.
func mapLine(dir, from, to, path string, line int) (int, bool) {
	out, err := git(dir, "diff", "--no-color", "--no-ext-diff", "-U0", from, to, "--", path)
	if err != nil {
		return 0, false
	}
	if strings.Contains(string(out), "\n+++ /dev/null") {
		return 0, false
	}
	delta := 0
	for _, text := range strings.Split(string(out), "\n") {
		if !strings.HasPrefix(text, "@@ ") {
			continue
		}
		f := strings.Fields(text)
		if len(f) < 3 {
			continue
		}
		oldStart, oldLen := hunkRange(f[1])
		_, newLen := hunkRange(f[2])
		if oldLen == 0 { // pure insertion after oldStart
			if line <= oldStart {
				return line + delta, true
			}
		} else {
			if line < oldStart {
				return line + delta, true
			}
			if line < oldStart+oldLen {
				return 0, false
			}
		}
		delta += newLen - oldLen
	}
	return line + delta, true
}

// hunkRange reads "-a,b" or "+c" into start and length (length 1 when omitted).
func hunkRange(s string) (int, int) {
	s = strings.TrimLeft(s, "-+")
	start, length, found := strings.Cut(s, ",")
	a, _ := strconv.Atoi(start)
	if !found {
		return a, 1
	}
	b, _ := strconv.Atoi(length)
	return a, b
}

func (s *Server) threadRootLocked(rc *reviewComment) *reviewComment {
	if rc.inReplyTo != 0 {
		if root := s.reviewComms[rc.inReplyTo]; root != nil {
			return root
		}
	}
	return rc
}

// Reviews returns the reviews of PR number (every state), oldest first.
func (s *Server) Reviews(fullName string, number int) []Review {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	var out []Review
	for _, rv := range s.reviewsLocked(rp, number) {
		r := Review{ID: rv.id, User: rv.user, State: rv.state, Body: rv.body, CommitID: rv.commitID, SubmittedAt: rv.submitted}
		for _, rc := range s.commentsLocked(rp, number, rv.id) {
			r.CommentIDs = append(r.CommentIDs, rc.id)
		}
		out = append(out, r)
	}
	return out
}

// ReviewComments returns every review comment of PR number, deleted ones
// included (Deleted set), oldest first.
func (s *Server) ReviewComments(fullName string, number int) []ReviewComment {
	s.mu.Lock()
	defer s.mu.Unlock()
	rp := s.mustRepoLocked(fullName)
	var out []ReviewComment
	for _, rc := range s.commentsLocked(rp, number, 0) {
		root := s.threadRootLocked(rc)
		out = append(out, ReviewComment{
			ID: rc.id, ReviewID: rc.reviewID, InReplyTo: rc.inReplyTo, ThreadID: threadID(root.id),
			User: rc.user, UserType: s.userLocked(rc.user).typ, Path: rc.path,
			Line: map[bool]int{true: 0, false: rc.line}[rc.outdated], StartLine: rc.startLine, OriginalLine: rc.originalLine,
			Position: rc.position, Side: rc.side, StartSide: rc.startSide, SubjectType: rc.subjectType,
			Body: rc.body, CommitID: rc.commitID, DiffHunk: rc.diffHunk,
			Outdated: rc.outdated, Resolved: root.resolved, Deleted: rc.deleted, Created: rc.created, Updated: rc.updated,
		})
	}
	return out
}

func threadID(rootID int64) string { return fmt.Sprintf("PRRT_%d", rootID) }
