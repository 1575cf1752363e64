package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
	"github.com/riverqueue/river"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/review"
)

// reviewWorker runs review jobs.
type reviewWorker struct {
	river.WorkerDefaults[ReviewArgs]
	s *Server
}

func (w *reviewWorker) Timeout(*river.Job[ReviewArgs]) time.Duration {
	if w.s.cfg.ReviewTimeout > 0 {
		return w.s.cfg.ReviewTimeout
	}
	return reviewTimeout
}

func (w *reviewWorker) Work(ctx context.Context, job *river.Job[ReviewArgs]) error {
	a := job.Args
	log := w.s.log.With("delivery", a.DeliveryID, "repo", a.Repo, "pr", a.PR, "head_sha", a.HeadSHA,
		"trigger", a.Trigger, "attempt", job.Attempt)
	start := time.Now()
	clients, err := w.s.githubClients()
	if err != nil {
		return err
	}
	gh, err := clients.Installation(a.InstallationID)
	if err != nil {
		return river.JobCancel(err)
	}
	pc, err := newPRClient(gh, a.Repo, a.PR, botLogin(clients))
	if err != nil {
		return river.JobCancel(err)
	}
	pc.runKey = fmt.Sprintf("ward-job-%d", job.ID)
	ignores, err := w.s.store.Ignores(ctx, a.Repo, a.PR)
	if err != nil {
		return err
	}
	res, err := review.Run(ctx, pc, review.Options{
		HeadSHA: a.HeadSHA, Cache: ResultCache{w.s.store}, Ignores: ignores, Limits: w.s.cfg.Limits,
		Logger: log, SecondOpinion: w.s.secondOpinionFor(a),
	})
	switch {
	case errors.Is(err, review.ErrAlreadyPublished):
		log.Info("review already published by an earlier attempt")
		return nil
	case errors.Is(err, review.ErrSuperseded):
		log.Info("review skipped: a newer commit was pushed")
		w.s.metrics.reviewDone("superseded", time.Since(start))
		return nil
	case err == nil:
		log.Info("review published", "conclusion", res.Conclusion, "findings", len(res.Findings),
			"comments_posted", res.Posted, "elapsed_ms", time.Since(start).Milliseconds())
		w.s.metrics.reviewDone(res.Conclusion, time.Since(start))
		return nil
	}
	final := job.Attempt >= job.MaxAttempts || isPermanent(err) || ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled)
	log.Warn("review attempt failed", "err", err, "final", final)
	if final {
		w.s.metrics.reviewDone("error", time.Since(start))
		w.concludeNeutral(ctx, pc, a, res, err, job.Attempt, log)
		if isPermanent(err) {
			return river.JobCancel(err)
		}
	}
	return err
}

// concludeNeutral ends the check run of a review that cannot finish, so no
// run is ever left in progress: neutral, with the reason.
func (w *reviewWorker) concludeNeutral(ctx context.Context, pc *prClient, a ReviewArgs, res *review.Result, cause error, attempts int, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	id := int64(0)
	if res != nil {
		id = res.CheckRunID
	}
	if id == 0 {
		var err error
		if id, err = pc.StartCheckRun(ctx, a.HeadSHA); err != nil {
			log.Error("could not report the failed review", "err", err)
			return
		}
	}
	summary := fmt.Sprintf("ward could not finish this review after %d attempt(s): %v.\n\n"+
		"Nothing was concluded about the changes. Comment `/rescan` to try again; if it keeps failing, "+
		"the ward logs for delivery `%s` say more.", attempts, cause, a.DeliveryID)
	err := pc.CompleteCheckRun(ctx, id, "neutral", review.CheckRunOutput{Title: "Review could not finish", Summary: summary}, nil)
	if err != nil {
		log.Error("could not report the failed review", "err", err)
	}
}

func botLogin(c *Clients) string {
	if c.AppSlug == "" {
		return ""
	}
	return c.AppSlug + "[bot]"
}

// commandWorker handles slash commands in PR comments.
type commandWorker struct {
	river.WorkerDefaults[CommandArgs]
	s *Server
}

func (w *commandWorker) Work(ctx context.Context, job *river.Job[CommandArgs]) error {
	a := job.Args
	log := w.s.log.With("delivery", a.DeliveryID, "repo", a.Repo, "pr", a.PR, "comment", a.CommentID)
	clients, err := w.s.githubClients()
	if err != nil {
		return err
	}
	gh, err := clients.Installation(a.InstallationID)
	if err != nil {
		return river.JobCancel(err)
	}
	owner, repo, _ := strings.Cut(a.Repo, "/")
	if _, _, err := gh.Reactions.CreateIssueCommentReaction(ctx, owner, repo, a.CommentID, "eyes"); err != nil {
		log.Warn("could not react to the command", "err", err)
	}
	var replies []string
	for _, c := range ParseCommands(a.Body) {
		if err := c.Validate(); err != nil {
			replies = append(replies, err.Error())
			continue
		}
		reply, err := w.run(ctx, gh, owner, repo, a, c)
		if err != nil {
			return fmt.Errorf("/%s: %w", c.Name, err)
		}
		if reply != "" {
			replies = append(replies, reply)
		}
		log.Info("command handled", "command", c.Name)
	}
	if len(replies) > 0 {
		body := fmt.Sprintf("@%s %s", a.Author, strings.Join(replies, "\n\n"))
		if _, _, err := gh.Issues.CreateComment(ctx, owner, repo, a.PR, &github.IssueComment{Body: github.String(body)}); err != nil {
			return fmt.Errorf("reply: %w", err)
		}
	}
	return nil
}

func (w *commandWorker) run(ctx context.Context, gh *github.Client, owner, repo string, a CommandArgs, c Command) (string, error) {
	switch c.Name {
	case "rescan":
		pr, _, err := gh.PullRequests.Get(ctx, owner, repo, a.PR)
		if err != nil {
			return "", err
		}
		return "", w.s.store.Insert(ctx, ReviewArgs{InstallationID: a.InstallationID, Repo: a.Repo, PR: a.PR,
			HeadSHA: pr.GetHead().GetSHA(), Trigger: fmt.Sprintf("rescan:%d:%s", a.CommentID, a.DeliveryID), DeliveryID: a.DeliveryID})
	case "help":
		return HelpText, nil
	case "explain":
		r, ok := checks.LookupRule(c.Args[0])
		if !ok {
			return fmt.Sprintf("ward has no rule `%s`. `ward rules` lists them all.", c.Args[0]), nil
		}
		return fmt.Sprintf("### `%s`\n\n%s\n\n[Rule documentation](%s#%s)", r.ID, checks.RuleMarkdownHelp(r), checks.RulesDocURL, r.ID), nil
	case "unknown":
		return "ward does not know that command.\n\n" + HelpText, nil
	}
	return fmt.Sprintf("`/%s` is not available yet.", c.Name), nil
}
