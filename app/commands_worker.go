package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
	"github.com/riverqueue/river"

	"github.com/ward-sec/ward/checks"
)

// Limits on commands: a flood of comments on one PR (a script, a loop of
// bots) must not turn into a flood of reviews and replies. Each user has a
// budget per PR; users without write access also share one, so that they
// can never spend what maintainers' commands need.
const (
	commandsPerWriter     = 20 // a maintainer's comments per window and PR
	commandsPerReader     = 5  // a user without write access
	commandsAllReaders    = 10 // all users without write access together
	commandWindow         = time.Minute
	maxCommandsPerComment = 10
	// secondOpinionsPerUser bounds the forced second opinions
	// (`/rescan --second-opinion`) one maintainer may ask for a day.
	secondOpinionsPerUser = 5
)

// commandWorker handles slash commands in PR comments and the buttons of
// ward's check runs.
type commandWorker struct {
	river.WorkerDefaults[CommandArgs]
	s *Server
}

// commandRun is the state of one command comment being handled.
type commandRun struct {
	w           *commandWorker
	gh          *github.Client
	owner, repo string
	a           CommandArgs
	log         *slog.Logger
	perm        string // the author's permission, looked up once when needed
	headSHA     string
	review      bool // an ignore changed: re-evaluate the check run
}

func (w *commandWorker) Work(ctx context.Context, job *river.Job[CommandArgs]) error {
	a := job.Args
	log := w.s.log.With("delivery", a.DeliveryID, "repo", a.Repo, "pr", a.PR, "comment", a.CommentID, "author", a.Author)
	clients, err := w.s.githubClients()
	if err != nil {
		return err
	}
	gh, err := clients.Installation(a.InstallationID)
	if err != nil {
		return river.JobCancel(err)
	}
	owner, repo, _ := strings.Cut(a.Repo, "/")
	if a.Action != "" {
		return w.checkRunAction(ctx, gh, owner, repo, a, log)
	}
	cmds := ParseCommands(a.Body)
	if len(cmds) == 0 { // an edit removed the command
		return nil
	}
	run := &commandRun{w: w, gh: gh, owner: owner, repo: repo, a: a, log: log}
	if job.Attempt == 1 {
		perm, err := run.permission(ctx)
		if err != nil {
			return err
		}
		buckets := map[string]int{"user:" + strings.ToLower(a.Author): commandsPerWriter}
		if !writeRoles[perm] {
			buckets = map[string]int{"user:" + strings.ToLower(a.Author): commandsPerReader, "readers": commandsAllReaders}
		}
		ok, err := w.s.store.AllowCommand(ctx, a.Repo, a.PR, buckets, commandWindow, now())
		if err != nil {
			return err
		}
		if !ok {
			w.s.rejected.log(log, "command rate limit reached: comment not handled", "permission", perm, "window", commandWindow)
			if _, _, err := gh.Reactions.CreateIssueCommentReaction(ctx, owner, repo, a.CommentID, "confused"); err != nil {
				log.Warn("could not react to the command", "err", err)
			}
			return nil
		}
	}
	if _, _, err := gh.Reactions.CreateIssueCommentReaction(ctx, owner, repo, a.CommentID, "eyes"); err != nil {
		log.Warn("could not react to the command", "err", err)
	}
	var replies []string
	if len(cmds) > maxCommandsPerComment {
		replies = append(replies, fmt.Sprintf("Only the first %d commands of a comment are handled.", maxCommandsPerComment))
		cmds = cmds[:maxCommandsPerComment]
	}
	for _, c := range cmds {
		if err := c.Validate(); err != nil {
			replies = append(replies, err.Error())
			continue
		}
		reply, err := run.do(ctx, c)
		if err != nil {
			return fmt.Errorf("/%s: %w", c.Name, err)
		}
		if reply != "" {
			replies = append(replies, reply)
		}
		log.Info("command handled", "command", c.Name)
	}
	if run.review {
		if err := run.reevaluate(ctx); err != nil {
			return err
		}
	}
	if len(replies) > 0 {
		body := fmt.Sprintf("@%s %s", a.Author, strings.Join(replies, "\n\n"))
		if _, _, err := gh.Issues.CreateComment(ctx, owner, repo, a.PR, &github.IssueComment{Body: github.String(body)}); err != nil {
			return fmt.Errorf("reply: %w", err)
		}
	}
	return nil
}

func (r *commandRun) do(ctx context.Context, c Command) (string, error) {
	switch c.Name {
	case "rescan":
		sha, err := r.head(ctx)
		if err != nil {
			return "", err
		}
		reply := ""
		if slices.Contains(c.Flags, "second-opinion") {
			if reply, err = r.allowSecondOpinion(ctx); err != nil {
				return "", err
			}
			if reply != "" { // refused: a plain rescan still runs
				c.Flags = slices.DeleteFunc(slices.Clone(c.Flags), func(f string) bool { return f == "second-opinion" })
			}
		}
		return reply, r.w.s.store.Insert(ctx, ReviewArgs{InstallationID: r.a.InstallationID, Repo: r.a.Repo, PR: r.a.PR,
			HeadSHA: sha, Trigger: RescanTrigger(c, r.a.CommentID, r.a.DeliveryID), DeliveryID: r.a.DeliveryID})
	case "help":
		return HelpText, nil
	case "explain":
		return explainRule(c.Args[0]), nil
	case "ignore", "unignore":
		return r.ignore(ctx, c)
	case "unknown":
		return fmt.Sprintf("ward does not know %s.\n\n%s", inertCode("/ward "+strings.Join(c.Args, " ")), HelpText), nil
	}
	return fmt.Sprintf("`/%s` is not available yet.", c.Name), nil
}

// explainRule answers /explain from the metadata `ward rules` prints.
func explainRule(id string) string {
	r, ok := checks.LookupRule(id)
	if !ok {
		return fmt.Sprintf("ward has no rule %s. `ward rules` lists them all.", inertCode(id))
	}
	return fmt.Sprintf("### `%s`\n\n%s\n\n[Rule documentation](%s#%s)", r.ID, checks.RuleMarkdownHelp(r), checks.RulesDocURL, r.ID)
}

// writeRoles are the repository roles that may change what ward enforces.
var writeRoles = map[string]bool{"admin": true, "maintain": true, "write": true}

// permission asks GitHub for the author's permission now: a payload's
// author_association is not a permission and may be stale.
func (r *commandRun) permission(ctx context.Context) (string, error) {
	if r.perm != "" {
		return r.perm, nil
	}
	p, resp, err := r.gh.Repositories.GetPermissionLevel(ctx, r.owner, r.repo, r.a.Author)
	if err != nil {
		if resp != nil && resp.StatusCode == http.StatusNotFound {
			r.perm = "none"
			return r.perm, nil
		}
		return "", fmt.Errorf("permission of %s: %w", r.a.Author, err)
	}
	r.perm = p.GetPermission()
	if writeRoles[p.GetRoleName()] {
		r.perm = p.GetRoleName()
	}
	return r.perm, nil
}

func (r *commandRun) head(ctx context.Context) (string, error) {
	if r.headSHA != "" {
		return r.headSHA, nil
	}
	pr, _, err := r.gh.PullRequests.Get(ctx, r.owner, r.repo, r.a.PR)
	if err != nil {
		return "", fmt.Errorf("get pull request: %w", err)
	}
	r.headSHA = pr.GetHead().GetSHA()
	return r.headSHA, nil
}

// ignore handles /ignore and /unignore: write permission or above, a known
// rule, and for /ignore a reason.
func (r *commandRun) ignore(ctx context.Context, c Command) (string, error) {
	perm, err := r.permission(ctx)
	if err != nil {
		return "", err
	}
	if !writeRoles[perm] {
		r.log.Info("command refused: no write permission", "command", c.Name, "permission", perm)
		return fmt.Sprintf("sorry, `/%s` needs write access to %s/%s and you have %s access, so nothing was changed. "+
			"Anyone with the write, maintain or admin role on the repository (a maintainer) can run it.",
			c.Name, r.owner, r.repo, perm), nil
	}
	rule := c.Args[0]
	path := ""
	if len(c.Args) > 1 {
		path = strings.TrimPrefix(c.Args[1], "./")
	}
	if _, ok := checks.LookupRule(rule); !ok && rule != "*" {
		return fmt.Sprintf("ward has no rule %s; nothing was changed. The check run and `ward rules` name the rules.", inertCode(rule)), nil
	}
	where := "anywhere in this pull request"
	if path != "" {
		where = "on " + inertCode(path)
	}
	if c.Name == "unignore" {
		removed, err := r.w.s.store.RemoveIgnore(ctx, r.a.Repo, r.a.PR, rule, path)
		if err != nil {
			return "", err
		}
		if !removed {
			return fmt.Sprintf("there is no %s on this pull request; nothing was changed.", inertCode("/ignore "+rule+prefixed(" ", path))), nil
		}
		r.review = true
		return fmt.Sprintf("`%s` is enforced again %s. The check run is being re-evaluated.", rule, where), nil
	}
	sha, err := r.head(ctx)
	if err != nil {
		return "", err
	}
	rec := IgnoreRecord{Repo: r.a.Repo, PR: r.a.PR, Rule: rule, Path: path, Reason: c.Reason, Author: r.a.Author, HeadSHA: sha, At: now()}
	if err := r.w.s.store.AddIgnore(ctx, rec); err != nil {
		return "", err
	}
	r.review = true
	return fmt.Sprintf("`%s` is ignored %s for the content at %s, because: %s\n\n"+
		"The check run is being re-evaluated and lists this under \"Ignored, with reasons\". A push that changes what "+
		"you accepted (another file blob, another offending line) needs a new `/ignore`. %s takes it back.",
		rule, where, short(sha), inertCode(c.Reason), inertCode("/unignore "+rule+prefixed(" ", path))), nil
}

// allowSecondOpinion decides a `/rescan --second-opinion`: it spends the
// installation's model budget, so it needs write access, and each user may
// force a few a day. A refusal is the reply; "" allows it.
func (r *commandRun) allowSecondOpinion(ctx context.Context) (string, error) {
	perm, err := r.permission(ctx)
	if err != nil {
		return "", err
	}
	if !writeRoles[perm] {
		r.log.Info("second opinion refused: no write permission", "permission", perm)
		return fmt.Sprintf("`--second-opinion` asks the model again, which spends this installation's model budget, so it "+
			"needs write access to %s/%s (you have %s access). The commit is being reviewed again without it.", r.owner, r.repo, perm), nil
	}
	ok, err := r.w.s.store.ReserveUserLLM(ctx, r.a.InstallationID, strings.ToLower(r.a.Author), now().UTC().Format(time.DateOnly), secondOpinionsPerUser)
	if err != nil {
		return "", err
	}
	if !ok {
		return fmt.Sprintf("you have asked for %d forced second opinions today, the most one user may; "+
			"the commit is being reviewed again without asking the model.", secondOpinionsPerUser), nil
	}
	return "", nil
}

// reevaluate queues a review of the head with a trigger of its own, so it
// runs even though the head was reviewed already.
func (r *commandRun) reevaluate(ctx context.Context) error {
	sha, err := r.head(ctx)
	if err != nil {
		return err
	}
	return r.w.s.store.Insert(ctx, ReviewArgs{InstallationID: r.a.InstallationID, Repo: r.a.Repo, PR: r.a.PR,
		HeadSHA: sha, Trigger: fmt.Sprintf("command:%d:%s", r.a.CommentID, r.a.DeliveryID), DeliveryID: r.a.DeliveryID})
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}
