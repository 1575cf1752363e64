package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"github.com/google/go-github/v66/github"

	"github.com/ward-sec/ward/config"
	"github.com/ward-sec/ward/review"
)

// mergeGroupClient reviews a merge queue's group commit: the combined change
// of the queued PRs, from the group's base to its head. It has no PR to
// comment on; the check run on the head SHA is what the queue waits for.
type mergeGroupClient struct {
	*prClient
	pr    review.PullRequest
	files []review.ChangedFile
	prs   []int // the queued PRs, whose /ignore records apply
}

// queueRef reads the PR number from a merge queue branch:
// "refs/heads/gh-readonly-queue/main/pr-123-<sha>".
var queueRef = regexp.MustCompile(`gh-readonly-queue/.+/pr-(\d+)-[0-9a-f]+$`)

// queuedPRMessage finds PR numbers in the commits of a group: "Merge pull
// request #12 from …" (merge) and "Title (#12)" (squash).
var queuedPRMessage = regexp.MustCompile(`(?:^Merge pull request #(\d+) )|(?:\(#(\d+)\)\s*(?:\n|$))`)

// queuedPRs lists the PRs of a merge group from its head ref and the
// messages of its commits, without duplicates.
func queuedPRs(headRef string, messages []string) []int {
	seen := map[int]bool{}
	var out []int
	add := func(s string) {
		if n, err := strconv.Atoi(s); err == nil && n > 0 && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if m := queueRef.FindStringSubmatch(headRef); m != nil {
		add(m[1])
	}
	for _, msg := range messages {
		for _, m := range queuedPRMessage.FindAllStringSubmatch(msg, -1) {
			add(m[1])
			add(m[2])
		}
	}
	sort.Ints(out)
	return out
}

// newMergeGroupClient compares the group's base with its head.
func newMergeGroupClient(ctx context.Context, pc *prClient, a ReviewArgs) (*mergeGroupClient, error) {
	cmp, _, err := pc.gh.Repositories.CompareCommits(ctx, pc.owner, pc.repo, a.MergeGroup.BaseSHA, a.HeadSHA, &github.ListOptions{PerPage: 100})
	if err != nil {
		return nil, fmt.Errorf("compare merge group %s...%s: %w", short(a.MergeGroup.BaseSHA), short(a.HeadSHA), err)
	}
	c := &mergeGroupClient{prClient: pc, pr: review.PullRequest{
		Repo: pc.owner + "/" + pc.repo, Title: "merge group " + a.MergeGroup.HeadRef,
		HeadSHA: a.HeadSHA, BaseSHA: a.MergeGroup.BaseSHA, MergeGroup: true,
	}}
	var msgs []string
	for _, rc := range cmp.Commits {
		msgs = append(msgs, rc.GetCommit().GetMessage())
	}
	c.prs = queuedPRs(a.MergeGroup.HeadRef, msgs)
	for _, f := range cmp.Files {
		c.files = append(c.files, review.ChangedFile{Path: f.GetFilename(), PreviousPath: f.GetPreviousFilename(),
			Status: f.GetStatus(), BlobSHA: f.GetSHA(), Patch: f.GetPatch(), Size: -1})
	}
	return c, nil
}

func (c *mergeGroupClient) PullRequest(context.Context) (*review.PullRequest, error) {
	pr := c.pr
	return &pr, nil
}

func (c *mergeGroupClient) ChangedFiles(context.Context) ([]review.ChangedFile, error) {
	return c.files, nil
}

func (c *mergeGroupClient) Comments(context.Context) ([]review.Comment, error) { return nil, nil }

func (c *mergeGroupClient) CreateReview(context.Context, string, string, []review.NewComment) error {
	return nil
}

func (c *mergeGroupClient) DeleteComment(context.Context, int64) error { return nil }

// errPRClosed: a review dequeued after its PR was closed or merged does nothing.
var errPRClosed = errors.New("pull request is closed")

// reviewTarget picks what a review job reviews: a PR, or a merge group with
// the /ignore records of every queued PR.
func (w *reviewWorker) reviewTarget(ctx context.Context, pc *prClient, a ReviewArgs) (review.GitHub, []config.IgnoreEntry, error) {
	if a.MergeGroup == nil {
		if _, err := pc.PullRequest(ctx); err != nil {
			return nil, nil, fmt.Errorf("get pull request: %w", err)
		}
		if pc.closed {
			return nil, nil, errPRClosed
		}
		ignores, err := w.s.store.Ignores(ctx, a.Repo, a.PR)
		return pc, ignores, err
	}
	mg, err := newMergeGroupClient(ctx, pc, a)
	if err != nil {
		return nil, nil, err
	}
	var ignores []config.IgnoreEntry
	for _, n := range mg.prs {
		ig, err := w.s.store.Ignores(ctx, a.Repo, n)
		if err != nil {
			return nil, nil, err
		}
		for i := range ig {
			ig[i].Reason = fmt.Sprintf("#%d %s", n, ig[i].Reason)
		}
		ignores = append(ignores, ig...)
	}
	return mg, ignores, nil
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
