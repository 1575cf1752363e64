package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"github.com/ward-sec/ward/review"
)

// reviewWorker runs review jobs.
type reviewWorker struct {
	river.WorkerDefaults[ReviewArgs]
	s     *Server
	once  sync.Once
	limit *installationLimiter
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
	w.once.Do(func() { w.limit = newInstallationLimiter(w.s.cfg.Workers) })
	if !w.limit.acquire(a.InstallationID) {
		return river.JobSnooze(2 * time.Second)
	}
	defer w.limit.release(a.InstallationID)
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
	pc.lfs = clients.lfsFor(a.InstallationID)
	if died := diedAttempts(ctx); died >= poisonAfter {
		// Whatever in this PR kills ward would kill it again: conclude, with
		// the reason, instead of crash-looping every replica that takes it.
		log.Error("review abandoned: ward's process died during earlier attempts", "died", died)
		w.s.metrics.reviewDone("abandoned", time.Since(start))
		summary := fmt.Sprintf("ward's process stopped (killed, or out of memory) during %d attempts to review this commit, "+
			"so it was not tried again: something in this pull request may be built to exhaust the reviewer.\n\n"+
			"Nothing was concluded about the changes. Ask a maintainer to look at the ward logs for delivery `%s`; "+
			"`/rescan` tries once more.", died, a.DeliveryID)
		w.conclude(ctx, pc, a, nil, "failure", "Review could not finish: the reviewer crashed", summary, log)
		return river.JobCancel(fmt.Errorf("process died during %d attempts", died))
	}
	target, ignores, err := w.reviewTarget(ctx, pc, a)
	if errors.Is(err, errPRClosed) {
		log.Info("review skipped: the pull request is closed")
		return nil
	}
	var res *review.Result
	if err == nil {
		res, err = review.Run(ctx, target, review.Options{
			HeadSHA: a.HeadSHA, Cache: ResultCache{w.s.store}, Ignores: ignores, Limits: w.s.cfg.Limits,
			Logger: log, SecondOpinion: w.s.secondOpinionFor(a), Hub: w.s.cfg.Hub, Checks: w.s.cfg.Checks,
		})
	}
	// An error before the review started (the PR could not be read) ends
	// like one during it: no check run stays missing or pending for good.
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
		w.s.recordReview(ctx, a, res, time.Since(start), log)
		return nil
	}
	// Retries are bounded in time as well as in number: the check run must
	// conclude within the review timeout of the first attempt, not after
	// River's backoff has run through every attempt.
	final := job.Attempt >= job.MaxAttempts || isPermanent(err) || ctx.Err() != nil && errors.Is(context.Cause(ctx), context.Canceled) ||
		time.Since(job.CreatedAt) > w.Timeout(job)
	log.Warn("review attempt failed", "err", err, "final", final)
	if final {
		w.s.metrics.reviewDone("error", time.Since(start))
		w.concludeUnfinished(ctx, pc, a, res, err, job.Attempt, log)
		if isPermanent(err) {
			return river.JobCancel(err)
		}
	}
	return err
}

// concludeUnfinished ends the check run of a review that cannot finish, so
// no run is ever left in progress: failure, with the reason and a Re-run
// button. Never neutral: GitHub counts neutral as passing a required check,
// and whoever can make a review fail must not win the merge by it.
func (w *reviewWorker) concludeUnfinished(ctx context.Context, pc *prClient, a ReviewArgs, res *review.Result, cause error, attempts int, log *slog.Logger) {
	summary := fmt.Sprintf("## ward could not finish this review\n\nAfter %d attempt(s): %v.\n\n"+
		"The changes were not reviewed, so this check fails closed: it does not pass a review that did not happen. "+
		"Press **Re-run ward** or comment `/rescan` to try again; if it keeps failing, "+
		"the ward logs for delivery `%s` say more.", attempts, cause, a.DeliveryID)
	w.conclude(ctx, pc, a, res, "failure", "Review could not finish", summary, log)
}

// conclude completes the job's check run (creating it if the review never
// started one) with a conclusion, the reason and, on a failure, the Re-run
// button.
func (w *reviewWorker) conclude(ctx context.Context, pc *prClient, a ReviewArgs, res *review.Result, conclusion, title, summary string, log *slog.Logger) {
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
	var actions []review.CheckRunAction
	if conclusion == "failure" {
		actions = []review.CheckRunAction{{Label: "Re-run ward", Description: "Review the head commit again", Identifier: "rerun"}}
	}
	err := pc.CompleteCheckRun(ctx, id, conclusion, review.CheckRunOutput{Title: title, Summary: summary}, actions)
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
