package review

import (
	"context"
	"errors"
	"fmt"

	"github.com/ward-sec/ward/checks"
)

// maxSameRulePerFile: beyond this many findings of one rule in one file,
// the rest are listed in the summary rather than commented one by one.
const maxSameRulePerFile = 3

// publishComments posts one review with the inline comments that are new,
// keeps those that still apply, and removes stale ones nobody replied to.
func publishComments(ctx context.Context, gh GitHub, pr *PullRequest, cfg Config, files map[string]*reviewedFile, res *Result, opts Options) error {
	existing, err := gh.Comments(ctx)
	if err != nil {
		return fmt.Errorf("list review comments: %w", err)
	}
	ours := map[string]Comment{}
	replied := map[int64]bool{}
	for _, c := range existing {
		if c.InReplyTo != 0 && !c.Bot {
			replied[c.InReplyTo] = true
		}
		if fp, ok := CommentFingerprint(c.Body); ok && c.Bot && c.InReplyTo == 0 {
			ours[fp] = c
		}
	}
	current := map[string]bool{}
	for _, f := range res.Findings {
		if !f.Suppressed {
			current[f.Fingerprint] = true
		}
	}
	for fp, c := range ours {
		if current[fp] || replied[c.ID] {
			continue
		}
		if err := gh.DeleteComment(ctx, c.ID); err != nil {
			return fmt.Errorf("remove stale comment %d: %w", c.ID, err)
		}
		res.Removed++
	}

	hold := pr.Draft && cfg.Drafts != "comment"
	var fresh []NewComment
	perRule := map[string]int{}
	for _, f := range res.Findings {
		if f.Suppressed || f.WholeFile() {
			continue
		}
		rf := files[f.Path]
		if rf == nil || !rf.lines.Commentable(f.StartLine, f.EndLine) {
			continue
		}
		if _, ok := ours[f.Fingerprint]; ok {
			res.Kept++
			continue
		}
		k := f.Path + "\x00" + f.RuleID
		perRule[k]++
		if hold || perRule[k] > maxSameRulePerFile || len(fresh) >= opts.MaxInlineComments {
			continue
		}
		fresh = append(fresh, newComment(f))
	}
	if len(fresh) == 0 {
		return nil
	}
	body := fmt.Sprintf("ward found %d issue(s) on lines this pull request changes. "+
		"The `ward` check run lists every finding; each comment says how to fix it.", len(fresh))
	err = gh.CreateReview(ctx, pr.HeadSHA, body, fresh)
	if errors.Is(err, ErrOutsideDiff) {
		// The diff moved under us; keep the findings in the summary only.
		opts.Logger.WarnContext(ctx, "review rejected: comment outside the diff", "comments", len(fresh))
		return nil
	}
	if err != nil {
		return fmt.Errorf("create review: %w", err)
	}
	res.Posted = len(fresh)
	return nil
}

func newComment(f checks.Finding) NewComment {
	end := f.EndLine
	if end < f.StartLine {
		end = f.StartLine
	}
	s := f.Suggestion
	exact := s != nil && s.StartLine == f.StartLine && max(s.EndLine, s.StartLine) == end
	c := NewComment{Path: f.Path, Line: end, Body: CommentBody(f, exact)}
	if end > f.StartLine {
		c.StartLine = f.StartLine
	}
	return c
}
