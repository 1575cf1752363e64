// Package review runs one review of one pull request: it snapshots the PR
// through the narrow GitHub interface, runs the checks, applies the base
// branch's configuration and suppressions, decides the verdict and publishes
// the check run and one PR review.
package review

import (
	"context"
	"errors"

	"github.com/ward-sec/ward/checks"
)

// PullRequest is what a review needs to know about the PR.
type PullRequest struct {
	Repo    string // owner/name of the base repository
	Number  int
	Title   string
	Body    string
	HeadSHA string
	BaseSHA string
	BaseRef string
	Draft   bool
	Fork    bool
	Author  string
	// ChangedFiles is the PR's real count of changed files; the files
	// endpoint lists at most 3,000. 0 when unknown.
	ChangedFiles int
	// MergeGroup: a merge queue's group commit, not a PR. No inline comments.
	MergeGroup bool
}

// ChangedFile is one entry of GET /pulls/N/files.
type ChangedFile struct {
	Path         string
	PreviousPath string
	Status       string // added, modified, removed, renamed, copied, changed
	BlobSHA      string
	Patch        string // may be empty: binary or too large for GitHub to show
	Size         int64  // when known (-1 otherwise)
}

// Comment is an existing review comment on the PR.
type Comment struct {
	ID        int64
	Path      string
	Line      int
	Body      string
	Author    string
	Bot       bool
	InReplyTo int64
}

// NewComment is an inline review comment to post.
type NewComment struct {
	Path      string
	StartLine int // 0 for single-line comments
	Line      int
	Body      string
}

// CheckRunOutput is the visible part of a check run.
type CheckRunOutput struct {
	Title       string
	Summary     string
	Text        string
	Annotations []Annotation
}

// Annotation is one check run annotation.
type Annotation struct {
	Path      string
	StartLine int
	EndLine   int
	Level     string // notice, warning, failure
	Title     string
	Message   string
	Raw       string
}

// CheckRunAction is a button on a completed check run.
type CheckRunAction struct {
	Label       string
	Description string
	Identifier  string
}

// ErrOutsideDiff is returned by CreateReview when GitHub rejects the review
// because a comment is not on a line of the diff.
var ErrOutsideDiff = errors.New("review comment is not on a line of the diff")

// GitHub is everything a review does on GitHub. The app package implements
// it with go-github; tests use a struct fake or the fake GitHub server.
type GitHub interface {
	PullRequest(ctx context.Context) (*PullRequest, error)
	ChangedFiles(ctx context.Context) ([]ChangedFile, error)
	// Blob returns a file's content by blob SHA; the reader may fetch byte
	// ranges lazily, so that large model files are read only where needed.
	Blob(ctx context.Context, sha string, size int64) (*checks.Blob, error)
	// FileAt returns a file's content at a commit, or an error wrapping
	// fs.ErrNotExist.
	FileAt(ctx context.Context, path, ref string) ([]byte, error)
	// OrgConfig returns the organisation's default ward.yml, nil if none.
	OrgConfig(ctx context.Context) ([]byte, error)

	// StartCheckRun creates (or reuses, for the same head SHA and run key)
	// the in-progress check run and returns its ID.
	StartCheckRun(ctx context.Context, headSHA string) (int64, error)
	// AddAnnotations appends annotations to a running check run (≤50 a call).
	AddAnnotations(ctx context.Context, id int64, title, summary string, anns []Annotation) error
	// CompleteCheckRun concludes a check run.
	CompleteCheckRun(ctx context.Context, id int64, conclusion string, out CheckRunOutput, actions []CheckRunAction) error

	Comments(ctx context.Context) ([]Comment, error)
	CreateReview(ctx context.Context, headSHA, body string, comments []NewComment) error
	DeleteComment(ctx context.Context, id int64) error
}
