package app

import (
	"context"
	"fmt"

	"github.com/google/go-github/v66/github"

	"github.com/ward-sec/ward/review"
)

var _ review.FileCommenter = (*prClient)(nil)

// CreateFileComment posts a review comment on a whole file of the PR.
func (c *prClient) CreateFileComment(ctx context.Context, headSHA, path, body string) error {
	_, _, err := c.gh.PullRequests.CreateComment(ctx, c.owner, c.repo, c.number, &github.PullRequestComment{
		CommitID: github.String(headSHA), Path: github.String(path), Body: github.String(body),
		SubjectType: github.String("file"),
	})
	if err != nil {
		return fmt.Errorf("file comment on %s: %w", path, err)
	}
	return nil
}
