package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"github.com/google/go-github/v66/github"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
	"github.com/ward-sec/ward/review"
)

// CheckRunName is the name of ward's check run; make it a required check.
const CheckRunName = "ward"

// inMemoryBlobMax: blobs up to this size are downloaded whole; larger ones
// are read in ranges, only where a check looks.
const inMemoryBlobMax = 16 << 20

// prClient implements review.GitHub for one PR with go-github.
type prClient struct {
	gh      *github.Client
	owner   string
	repo    string
	number  int
	botName string // "<slug>[bot]", empty if unknown
	// runKey identifies the job in the check run's external_id, so a retried
	// or rescued job finishes its own run and a job whose run is already
	// completed publishes nothing twice.
	runKey string
	// lfs reads Git LFS objects; nil when not available.
	lfs *lfsAccess
	// headOverride reviews a commit that is not a PR's head (merge groups).
	pr *review.PullRequest
	// closed: the PR was closed or merged when it was read.
	closed bool
}

var _ review.GitHub = (*prClient)(nil)

func newPRClient(gh *github.Client, fullName string, number int, botName string) (*prClient, error) {
	owner, repo, ok := strings.Cut(fullName, "/")
	if !ok {
		return nil, fmt.Errorf("repository %q is not owner/name", fullName)
	}
	return &prClient{gh: gh, owner: owner, repo: repo, number: number, botName: botName}, nil
}

func (c *prClient) PullRequest(ctx context.Context) (*review.PullRequest, error) {
	if c.pr != nil {
		return c.pr, nil
	}
	p, _, err := c.gh.PullRequests.Get(ctx, c.owner, c.repo, c.number)
	if err != nil {
		return nil, err
	}
	c.pr = &review.PullRequest{
		Repo: c.owner + "/" + c.repo, Number: c.number, Title: p.GetTitle(), Body: p.GetBody(),
		HeadSHA: p.GetHead().GetSHA(), BaseSHA: p.GetBase().GetSHA(), BaseRef: p.GetBase().GetRef(),
		Draft: p.GetDraft(), Author: p.GetUser().GetLogin(),
		Fork:         p.GetHead().GetRepo().GetFullName() != p.GetBase().GetRepo().GetFullName(),
		ChangedFiles: p.GetChangedFiles(),
	}
	c.closed = p.GetState() == "closed"
	return c.pr, nil
}

// listPagesAtOnce bounds the pages of /pulls/N/files requested together.
const listPagesAtOnce = 4

// ChangedFiles pages through /pulls/N/files (GitHub stops at 3,000). The
// first page's Link header names the last one; the others are then asked
// for a few at a time instead of one after another (a 3,000-file PR has
// 30 pages).
func (c *prClient) ChangedFiles(ctx context.Context) ([]review.ChangedFile, error) {
	out, resp, err := c.filesPage(ctx, 1)
	if err != nil {
		return nil, err
	}
	next := resp.NextPage
	if last := resp.LastPage; next == 2 && last > 2 {
		pages := make([][]review.ChangedFile, last+1)
		resps := make([]*github.Response, last+1)
		errs := make([]error, last+1)
		sem := make(chan struct{}, listPagesAtOnce)
		var wg sync.WaitGroup
		for p := 2; p <= last; p++ {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				pages[p], resps[p], errs[p] = c.filesPage(ctx, p)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, err
		}
		for _, page := range pages[2:] {
			out = append(out, page...)
		}
		next = resps[last].NextPage // the list grew meanwhile: read on
	}
	for next != 0 {
		var page []review.ChangedFile
		if page, resp, err = c.filesPage(ctx, next); err != nil {
			return nil, err
		}
		out = append(out, page...)
		next = resp.NextPage
	}
	return out, nil
}

// filesPage reads one page of /pulls/N/files.
func (c *prClient) filesPage(ctx context.Context, page int) ([]review.ChangedFile, *github.Response, error) {
	files, resp, err := c.gh.PullRequests.ListFiles(ctx, c.owner, c.repo, c.number, &github.ListOptions{PerPage: 100, Page: page})
	if err != nil {
		return nil, nil, fmt.Errorf("list files page %d: %w", page, err)
	}
	out := make([]review.ChangedFile, 0, len(files))
	for _, f := range files {
		out = append(out, review.ChangedFile{
			Path: f.GetFilename(), PreviousPath: f.GetPreviousFilename(), Status: f.GetStatus(),
			BlobSHA: f.GetSHA(), Patch: f.GetPatch(), Size: -1,
		})
	}
	return out, resp, nil
}

// Blob fetches a blob: whole when small, as a range-reading ReaderAt when
// large (a 10 GB checkpoint costs the bytes the checks read). One request
// for small blobs: the answer's length decides which.
func (c *prClient) Blob(ctx context.Context, sha string, size int64) (*checks.Blob, error) {
	if size > inMemoryBlobMax {
		return &checks.Blob{Size: size, Content: newRangedReader(ctx, size, blobSpoolMax, c.blobRange(sha))}, nil
	}
	req, err := c.gh.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/git/blobs/%s", c.owner, c.repo, sha), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/vnd.github.raw")
	resp, err := c.gh.BareDo(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w", sha, err)
	}
	defer resp.Body.Close()
	if resp.ContentLength > inMemoryBlobMax {
		n := resp.ContentLength
		return &checks.Blob{Size: n, Content: newRangedReader(ctx, n, blobSpoolMax, c.blobRange(sha))}, nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, inMemoryBlobMax+1))
	if err != nil {
		return nil, fmt.Errorf("get blob %s: %w", sha, err)
	}
	if len(data) > inMemoryBlobMax {
		return nil, fmt.Errorf("get blob %s: over %d bytes without a Content-Length", sha, inMemoryBlobMax)
	}
	return &checks.Blob{Size: int64(len(data)), Content: bytes.NewReader(data)}, nil
}

// rangeBlock is the unit of ranged reads of large blobs and LFS objects:
// small enough that reading a central directory and a pickle costs little.
const rangeBlock = 128 << 10

// blobSpoolMax: GitHub's blob API serves blobs up to 100 MB, so a whole
// blob answered to a ranged read is at most that.
const blobSpoolMax = 100 << 20

// blobRange asks for bytes start..end of a blob with an HTTP Range request;
// rangedReader copes with a server that answers with the whole blob.
func (c *prClient) blobRange(sha string) func(ctx context.Context, start, end int64) (*http.Response, error) {
	return func(ctx context.Context, start, end int64) (*http.Response, error) {
		req, err := c.gh.NewRequest(http.MethodGet, fmt.Sprintf("repos/%s/%s/git/blobs/%s", c.owner, c.repo, sha), nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/vnd.github.raw")
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, end))
		resp, err := c.gh.BareDo(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("read blob %s bytes %d-%d: %w", sha, start, end, err)
		}
		return resp.Response, nil
	}
}

// FileAt reads a file at a commit through the contents API.
func (c *prClient) FileAt(ctx context.Context, path, ref string) ([]byte, error) {
	rc, resp, err := c.gh.Repositories.DownloadContents(ctx, c.owner, c.repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound || strings.Contains(err.Error(), "no file named") {
			return nil, fmt.Errorf("%s at %s: %w", path, ref, fs.ErrNotExist)
		}
		return nil, fmt.Errorf("get %s at %s: %w", path, ref, err)
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, 1<<20))
}

// OrgConfig reads .github/ward.yml from the owner's ".github" repository.
func (c *prClient) OrgConfig(ctx context.Context) ([]byte, error) {
	fc, _, resp, err := c.gh.Repositories.GetContents(ctx, c.owner, ".github", config.Path, nil)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return nil, nil
		}
		return nil, err
	}
	if fc == nil {
		return nil, nil
	}
	s, err := fc.GetContent()
	return []byte(s), err
}

// StartCheckRun reuses this job's unfinished run on the head SHA (a retried
// or rescued job) or creates one, so each job ends in exactly one run. If the
// job's run is already completed (a replica died after publishing, before
// the queue recorded it), it returns review.ErrAlreadyPublished.
func (c *prClient) StartCheckRun(ctx context.Context, headSHA string) (int64, error) {
	if c.runKey != "" {
		opt := &github.ListCheckRunsOptions{CheckName: github.String(CheckRunName), ListOptions: github.ListOptions{PerPage: 100}}
		for {
			runs, resp, err := c.gh.Checks.ListCheckRunsForRef(ctx, c.owner, c.repo, headSHA, opt)
			if err != nil {
				return 0, err
			}
			for _, r := range runs.CheckRuns {
				if r.GetExternalID() != c.runKey {
					continue
				}
				if r.GetStatus() == "completed" {
					return r.GetID(), review.ErrAlreadyPublished
				}
				return r.GetID(), nil
			}
			if resp.NextPage == 0 {
				break
			}
			opt.Page = resp.NextPage
		}
	}
	run, _, err := c.gh.Checks.CreateCheckRun(ctx, c.owner, c.repo, github.CreateCheckRunOptions{
		Name: CheckRunName, HeadSHA: headSHA, Status: github.String("in_progress"),
		ExternalID: github.String(c.runKey),
		StartedAt:  &github.Timestamp{Time: now()},
		Output: &github.CheckRunOutput{Title: github.String("Reviewing…"),
			Summary: github.String("ward is reviewing the changed files of this pull request.")},
	})
	if err != nil {
		return 0, err
	}
	return run.GetID(), nil
}

func (c *prClient) AddAnnotations(ctx context.Context, id int64, title, summary string, anns []review.Annotation) error {
	_, _, err := c.gh.Checks.UpdateCheckRun(ctx, c.owner, c.repo, id, github.UpdateCheckRunOptions{
		Name:   CheckRunName,
		Output: &github.CheckRunOutput{Title: github.String(title), Summary: github.String(summary), Annotations: toAnnotations(anns)},
	})
	return err
}

func (c *prClient) CompleteCheckRun(ctx context.Context, id int64, conclusion string, out review.CheckRunOutput, actions []review.CheckRunAction) error {
	opt := github.UpdateCheckRunOptions{
		Name: CheckRunName, Status: github.String("completed"), Conclusion: github.String(conclusion),
		CompletedAt: &github.Timestamp{Time: now()},
		Output: &github.CheckRunOutput{Title: github.String(out.Title), Summary: github.String(out.Summary),
			Annotations: toAnnotations(out.Annotations)},
	}
	if out.Text != "" {
		opt.Output.Text = github.String(out.Text)
	}
	for _, a := range actions {
		opt.Actions = append(opt.Actions, &github.CheckRunAction{Label: a.Label, Description: a.Description, Identifier: a.Identifier})
	}
	_, _, err := c.gh.Checks.UpdateCheckRun(ctx, c.owner, c.repo, id, opt)
	return err
}

func toAnnotations(anns []review.Annotation) []*github.CheckRunAnnotation {
	out := make([]*github.CheckRunAnnotation, 0, len(anns))
	for _, a := range anns {
		out = append(out, &github.CheckRunAnnotation{
			Path: github.String(a.Path), StartLine: github.Int(a.StartLine), EndLine: github.Int(a.EndLine),
			AnnotationLevel: github.String(a.Level), Title: github.String(a.Title), Message: github.String(a.Message),
		})
	}
	return out
}

func (c *prClient) Comments(ctx context.Context) ([]review.Comment, error) {
	var out []review.Comment
	opt := &github.PullRequestListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := c.gh.PullRequests.ListComments(ctx, c.owner, c.repo, c.number, opt)
		if err != nil {
			return nil, err
		}
		for _, cm := range cs {
			login := cm.GetUser().GetLogin()
			bot := cm.GetUser().GetType() == "Bot" && (c.botName == "" || login == c.botName)
			out = append(out, review.Comment{ID: cm.GetID(), Path: cm.GetPath(), Line: cm.GetLine(), Body: cm.GetBody(),
				Author: login, Bot: bot, InReplyTo: cm.GetInReplyTo()})
		}
		if resp.NextPage == 0 {
			return out, nil
		}
		opt.Page = resp.NextPage
	}
}

func (c *prClient) CreateReview(ctx context.Context, headSHA, body string, comments []review.NewComment) error {
	req := &github.PullRequestReviewRequest{CommitID: github.String(headSHA), Body: github.String(body), Event: github.String("COMMENT")}
	for _, nc := range comments {
		dc := &github.DraftReviewComment{Path: github.String(nc.Path), Body: github.String(nc.Body),
			Line: github.Int(nc.Line), Side: github.String("RIGHT")}
		if nc.StartLine > 0 {
			dc.StartLine, dc.StartSide = github.Int(nc.StartLine), github.String("RIGHT")
		}
		req.Comments = append(req.Comments, dc)
	}
	_, resp, err := c.gh.PullRequests.CreateReview(ctx, c.owner, c.repo, c.number, req)
	if err != nil && resp != nil && resp.StatusCode == http.StatusUnprocessableEntity {
		return fmt.Errorf("%w: %v", review.ErrOutsideDiff, err)
	}
	return err
}

func (c *prClient) DeleteComment(ctx context.Context, id int64) error {
	resp, err := c.gh.PullRequests.DeleteComment(ctx, c.owner, c.repo, id)
	if resp != nil && resp.StatusCode == http.StatusNotFound {
		return nil // already gone
	}
	return err
}

// isPermanent reports whether a GitHub error will not go away by retrying.
func isPermanent(err error) bool {
	var ge *github.ErrorResponse
	if errors.As(err, &ge) && ge.Response != nil {
		switch s := ge.Response.StatusCode; {
		case s == http.StatusNotFound, s == http.StatusUnprocessableEntity, s == http.StatusGone:
			return true
		}
	}
	return false
}

// TreeFiles lists the files of a commit, with their modes, through the git
// trees API (GitHub truncates very large trees; the listed part is used).
func (c *prClient) TreeFiles(ctx context.Context, sha string) ([]review.TreeFile, error) {
	tree, _, err := c.gh.Git.GetTree(ctx, c.owner, c.repo, sha, true)
	if err != nil {
		return nil, fmt.Errorf("tree of %s: %w", sha, err)
	}
	out := make([]review.TreeFile, 0, len(tree.Entries))
	for _, e := range tree.Entries {
		if e.GetType() == "blob" {
			out = append(out, review.TreeFile{Path: e.GetPath(), Mode: e.GetMode(), SHA: e.GetSHA(), Size: int64(e.GetSize())})
		}
	}
	return out, nil
}

// UploadSARIF implements review.SARIFUploader with the code scanning API.
func (c *prClient) UploadSARIF(ctx context.Context, commitSHA, ref, sarif string) error {
	_, _, err := c.gh.CodeScanning.UploadSarif(ctx, c.owner, c.repo, &github.SarifAnalysis{
		CommitSHA: github.String(commitSHA), Ref: github.String(ref), Sarif: github.String(sarif),
		ToolName: github.String("ward"),
	})
	if err != nil { // go-github turns GitHub's 202 "processing" into success
		return fmt.Errorf("upload SARIF for %s: %w", ref, err)
	}
	return nil
}

// BlobSHAAt names the blob path had at ref through the contents API,
// without its content when the file is large; an error wrapping
// fs.ErrNotExist when it did not exist there.
func (c *prClient) BlobSHAAt(ctx context.Context, path, ref string) (string, int64, error) {
	fc, _, resp, err := c.gh.Repositories.GetContents(ctx, c.owner, c.repo, path, &github.RepositoryContentGetOptions{Ref: ref})
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return "", -1, fmt.Errorf("%s at %s: %w", path, ref, fs.ErrNotExist)
		}
		return "", -1, fmt.Errorf("get %s at %s: %w", path, ref, err)
	}
	if fc == nil { // a directory
		return "", -1, fmt.Errorf("%s at %s is a directory: %w", path, ref, fs.ErrNotExist)
	}
	return fc.GetSHA(), int64(fc.GetSize()), nil
}

// IsAdmin reports whether login has the admin role on the repository.
func (c *prClient) IsAdmin(ctx context.Context, login string) (bool, error) {
	p, _, err := c.gh.Repositories.GetPermissionLevel(ctx, c.owner, c.repo, login)
	if err != nil {
		return false, fmt.Errorf("permission of %s: %w", login, err)
	}
	return p.GetPermission() == "admin", nil
}

// InTeam reports whether login is an active member of org's team slug.
func (c *prClient) InTeam(ctx context.Context, org, slug, login string) (bool, error) {
	m, resp, err := c.gh.Teams.GetTeamMembershipBySlug(ctx, org, slug, login)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			return false, nil
		}
		return false, fmt.Errorf("membership of %s in %s/%s: %w", login, org, slug, err)
	}
	return m.GetState() == "active", nil
}

var (
	_ review.BlobLocator = (*prClient)(nil)
	_ review.Authorizer  = (*prClient)(nil)
)
