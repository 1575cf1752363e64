package review

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
)

// maxSameRulePerFile: beyond this many findings of one rule in one file,
// the rest are grouped into one comment that lists their lines.
const maxSameRulePerFile = 3

// plannedComment is an inline comment the review wants on the PR, with the
// fingerprint that recognises it on the next push.
type plannedComment struct {
	fp       string
	comment  NewComment
	findings int
}

// publishComments posts one review with the inline comments that are new,
// keeps those that still apply, and resolves (or removes) stale ones nobody
// replied to.
func publishComments(ctx context.Context, gh GitHub, pr *PullRequest, cfg config.Config, files map[string]*reviewedFile, res *Result, opts Options) error {
	if pr.MergeGroup {
		return nil // no PR to comment on; the check run carries everything
	}
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
	plan := planComments(res.Findings, files)
	current := map[string]bool{}
	for _, f := range res.Findings {
		if !f.Suppressed {
			current[f.Fingerprint] = true
		}
	}
	for _, p := range plan {
		current[p.fp] = true
	}
	mplan := modelComments(res.ModelChanges, res.Findings)
	for _, p := range mplan {
		current[p.fp] = true
	}
	if err := retireStale(ctx, gh, ours, current, replied, res, opts); err != nil {
		return err
	}

	hold := pr.Draft && cfg.Drafts != "comment"
	publishModelComments(ctx, gh, pr, hold, ours, mplan, res, opts)
	var fresh []NewComment
	for _, p := range plan {
		switch _, kept := ours[p.fp]; {
		case kept:
			res.Kept++
		case hold:
			res.Held++
		case len(fresh) >= opts.MaxInlineComments:
			res.Overflow += p.findings
		default:
			fresh = append(fresh, p.comment)
		}
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

// retireStale resolves the threads of ward's comments whose finding is gone
// (after a fixing push), or deletes the comment where threads cannot be
// resolved. A comment a human replied to stays as it is: it is a conversation.
func retireStale(ctx context.Context, gh GitHub, ours map[string]Comment, current map[string]bool, replied map[int64]bool, res *Result, opts Options) error {
	var threads map[int64]Thread
	resolver, canResolve := gh.(ThreadResolver)
	fps := make([]string, 0, len(ours))
	for fp := range ours {
		fps = append(fps, fp)
	}
	sort.Slice(fps, func(i, j int) bool { return ours[fps[i]].ID < ours[fps[j]].ID })
	for _, fp := range fps {
		c := ours[fp]
		if current[fp] || replied[c.ID] {
			continue
		}
		if canResolve && threads == nil {
			var err error
			if threads, err = resolver.ReviewThreads(ctx); err != nil {
				opts.Logger.WarnContext(ctx, "review threads unavailable: stale comments are deleted instead", "err", err)
				canResolve = false
			}
		}
		if t, ok := threads[c.ID]; ok && canResolve {
			if t.Resolved {
				continue // resolved by an earlier review
			}
			err := resolver.ResolveThread(ctx, t.ID)
			if err == nil {
				res.Removed++
				continue
			}
			opts.Logger.WarnContext(ctx, "could not resolve a stale thread: deleting its comment", "thread", t.ID, "err", err)
		}
		if err := gh.DeleteComment(ctx, c.ID); err != nil {
			return fmt.Errorf("remove stale comment %d: %w", c.ID, err)
		}
		res.Removed++
	}
	return nil
}

// planComments picks the inline comments for the findings on commentable
// lines: one per finding, except that beyond maxSameRulePerFile findings of
// one rule in one file, the rest share one comment listing their lines.
func planComments(findings []checks.Finding, files map[string]*reviewedFile) []plannedComment {
	type key struct{ path, rule string }
	groups := map[key][]checks.Finding{}
	var order []key
	for _, f := range findings {
		if f.Suppressed || f.WholeFile() {
			continue
		}
		rf := files[f.Path]
		if rf == nil || !rf.lines.Commentable(f.StartLine, f.EndLine) {
			continue
		}
		k := key{f.Path, f.RuleID}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	var out []plannedComment
	for _, k := range order {
		fs := groups[k]
		for i, f := range fs {
			if i == maxSameRulePerFile {
				out = append(out, groupComment(fs[i:]))
				break
			}
			out = append(out, plannedComment{fp: f.Fingerprint, comment: newComment(f, nil), findings: 1})
		}
	}
	return out
}

// groupComment is one comment, on the first of fs, for all of fs. Its
// fingerprint covers the whole group, so a change to the group replaces it.
func groupComment(fs []checks.Finding) plannedComment {
	fps := make([]string, len(fs))
	for i, f := range fs {
		fps[i] = f.Fingerprint
	}
	fp := hashBytes([]byte(strings.Join(fps, ",")))
	c := newComment(fs[0], fs[1:])
	c.Body = fingerprintMarker.ReplaceAllString(c.Body, "<!-- ward:fingerprint:"+fp+" -->")
	return plannedComment{fp: fp, comment: c, findings: len(fs)}
}

// newComment renders one finding's inline comment; also are further findings
// of the same rule in the same file that the comment stands for.
func newComment(f checks.Finding, also []checks.Finding) NewComment {
	end := f.EndLine
	if end < f.StartLine {
		end = f.StartLine
	}
	s := f.Suggestion
	// A suggestion replaces exactly the commented lines: only offer it when
	// it was computed for those lines, and never on a grouped comment.
	exact := s != nil && len(also) == 0 && s.StartLine == f.StartLine && max(s.EndLine, s.StartLine) == end
	c := NewComment{Path: f.Path, Line: end, Body: commentBody(f, exact, also)}
	if end > f.StartLine {
		c.StartLine = f.StartLine
	}
	return c
}
