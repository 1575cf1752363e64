package app

import (
	"time"

	"github.com/riverqueue/river"
)

// ReviewArgs queues one review of one PR at one head SHA. River keeps it
// unique by (repo, PR, head SHA, trigger): a duplicate push or a webhook
// redelivery does not review twice, while /rescan (its own trigger) does.
type ReviewArgs struct {
	InstallationID int64  `json:"installation_id"`
	Repo           string `json:"repo" river:"unique"`
	PR             int    `json:"pr" river:"unique"`
	HeadSHA        string `json:"head_sha" river:"unique"`
	Trigger        string `json:"trigger" river:"unique"`
	DeliveryID     string `json:"delivery_id"`
	// MergeGroup reviews a merge queue's group commit instead of a PR.
	MergeGroup *MergeGroupRef `json:"merge_group,omitempty"`
}

// MergeGroupRef identifies a merge queue group.
type MergeGroupRef struct {
	BaseSHA string `json:"base_sha"`
	HeadRef string `json:"head_ref"`
}

// Kind names the job in the queue.
func (ReviewArgs) Kind() string { return "review" }

// InsertOpts: retries with River's exponential backoff; unique by the
// fields tagged above.
func (ReviewArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: reviewMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

const reviewMaxAttempts = 6

// CommandArgs queues the handling of a command comment (/rescan …).
type CommandArgs struct {
	InstallationID int64  `json:"installation_id"`
	Repo           string `json:"repo"`
	PR             int    `json:"pr"`
	CommentID      int64  `json:"comment_id"`
	Author         string `json:"author"`
	Body           string `json:"body"`
	DeliveryID     string `json:"delivery_id"`
	// Action is a check run button ("explain") on CheckRunID instead of a comment.
	Action     string `json:"action,omitempty"`
	CheckRunID int64  `json:"check_run_id,omitempty"`
	HeadSHA    string `json:"head_sha,omitempty"` // Action "rerun": the commit whose PRs to review
}

// Kind names the job in the queue.
func (CommandArgs) Kind() string { return "command" }

// InsertOpts: commands are retried a few times only; a reply is not worth more.
func (CommandArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// reviewTimeout bounds one review attempt; River's rescuer requeues a job
// whose worker died after rescueAfter.
const (
	reviewTimeout = 10 * time.Minute
)
