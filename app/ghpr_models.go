package app

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/google/go-github/v66/github"

	"github.com/ward-sec/ward/review"
)

var (
	_ review.BlobLocator   = (*prClient)(nil)
	_ review.FileCommenter = (*prClient)(nil)
)

// BlobAt names the blob of a file at a commit (the contents API's metadata;
// the content is then range-read by blob SHA like the head's).
func (c *prClient) BlobAt(ctx context.Context, path, ref string) (string, int64, error) {
	fc, _, resp, err := c.gh.Repositories.GetContents(ctx, c.owner, c.repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return "", 0, fmt.Errorf("%s at %s: %w", path, ref, fs.ErrNotExist)
		}
		return "", 0, fmt.Errorf("get %s at %s: %w", path, ref, err)
	}
	if fc == nil || fc.GetType() != "file" {
		return "", 0, fmt.Errorf("%s at %s is not a file: %w", path, ref, fs.ErrNotExist)
	}
	return fc.GetSHA(), int64(fc.GetSize()), nil
}

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
