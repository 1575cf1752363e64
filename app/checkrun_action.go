package app

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"
	"sort"
	"strings"

	"github.com/google/go-github/v66/github"

	"github.com/ward-sec/ward/checks"
)

// maxCommentBody is GitHub's limit for a comment body, in characters.
const maxCommentBody = 65536

// ruleInTitle reads the rule ID ward puts at the end of an annotation title:
// "Unsafe torch.load (code-torch-load)".
var ruleInTitle = regexp.MustCompile(`\(([a-z0-9][a-z0-9-]*)\)$`)

// checkRunAction handles a button of ward's check run. "explain" posts the
// explanation of every rule the run found, as one PR comment.
func (w *commandWorker) checkRunAction(ctx context.Context, gh *github.Client, owner, repo string, a CommandArgs, log *slog.Logger) error {
	if a.Action == "rerun" {
		return w.rerunByCommit(ctx, gh, owner, repo, a, log)
	}
	if a.Action != "explain" {
		log.Info("unknown check run action", "action", a.Action)
		return nil
	}
	var ids []string
	seen := map[string]bool{}
	opt := &github.ListOptions{PerPage: 100}
	for {
		anns, resp, err := gh.Checks.ListCheckRunAnnotations(ctx, owner, repo, a.CheckRunID, opt)
		if err != nil {
			return fmt.Errorf("list annotations of check run %d: %w", a.CheckRunID, err)
		}
		for _, an := range anns {
			m := ruleInTitle.FindStringSubmatch(an.GetTitle())
			id := an.GetTitle()
			if m != nil {
				id = m[1]
			}
			if _, ok := checks.LookupRule(id); ok && !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	sort.Strings(ids)
	var b strings.Builder
	if len(ids) == 0 {
		b.WriteString("The `ward` check run has no findings to explain.")
	} else {
		fmt.Fprintf(&b, "**How to fix what ward found** (%d rule(s) in the `ward` check run):\n", len(ids))
		for _, id := range ids {
			part := "\n---\n\n" + explainRule(id) + "\n"
			if b.Len()+len(part) > maxCommentBody-200 {
				b.WriteString("\n… more rules than fit in one comment: `/explain RULE` explains one.\n")
				break
			}
			b.WriteString(part)
		}
	}
	if a.Author != "" {
		b.WriteString(fmt.Sprintf("\n<sub>Requested by @%s with the check run's “Explain findings” button.</sub>\n", a.Author))
	}
	prs := []int{a.PR}
	if a.PR == 0 { // forks: GitHub leaves the run's pull_requests empty
		run, _, err := gh.Checks.GetCheckRun(ctx, owner, repo, a.CheckRunID)
		if err != nil {
			return fmt.Errorf("get check run %d: %w", a.CheckRunID, err)
		}
		if prs, err = openPRsWithHead(ctx, gh, owner, repo, run.GetHeadSHA()); err != nil {
			return err
		}
	}
	for _, n := range prs {
		if _, _, err := gh.Issues.CreateComment(ctx, owner, repo, n, &github.IssueComment{Body: github.String(b.String())}); err != nil {
			return fmt.Errorf("post explanations: %w", err)
		}
		log.Info("findings explained", "pr", n, "rules", len(ids))
	}
	return nil
}

// rerunByCommit is the job for a re-run GitHub sent without pull requests
// (it leaves them out for forks): the worker finds them by head SHA.
func rerunByCommit(inst int64, repo, sha, delivery string) CommandArgs {
	return CommandArgs{InstallationID: inst, Repo: repo, HeadSHA: sha, Action: "rerun", DeliveryID: delivery}
}

func (w *commandWorker) rerunByCommit(ctx context.Context, gh *github.Client, owner, repo string, a CommandArgs, log *slog.Logger) error {
	prs, err := openPRsWithHead(ctx, gh, owner, repo, a.HeadSHA)
	if err != nil {
		return err
	}
	for _, n := range prs {
		if err := w.s.store.Insert(ctx, ReviewArgs{InstallationID: a.InstallationID, Repo: a.Repo, PR: n, HeadSHA: a.HeadSHA,
			Trigger: "rerun:" + a.DeliveryID, DeliveryID: a.DeliveryID}); err != nil {
			return err
		}
	}
	log.Info("re-run requested without pull requests", "head_sha", a.HeadSHA, "prs", prs)
	return nil
}

// openPRsWithHead lists the open PRs whose head is sha.
func openPRsWithHead(ctx context.Context, gh *github.Client, owner, repo, sha string) ([]int, error) {
	list, _, err := gh.PullRequests.ListPullRequestsWithCommit(ctx, owner, repo, sha, &github.ListOptions{PerPage: 100})
	if err != nil {
		return nil, fmt.Errorf("pull requests of %s: %w", short(sha), err)
	}
	var out []int
	for _, p := range list {
		if p.GetState() == "open" && p.GetHead().GetSHA() == sha {
			out = append(out, p.GetNumber())
		}
	}
	return out, nil
}
