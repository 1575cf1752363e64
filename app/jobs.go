package app

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// ReviewArgs queues one review of one PR at one head SHA. River keeps it
// unique by (repo, PR, head SHA, coalescing key): a duplicate push or a
// webhook redelivery does not review twice; a replayed "reopened" or re-run
// (the same signed body under fresh delivery ids) joins the identical review
// already queued or running, while a later one, after it finished, runs.
type ReviewArgs struct {
	InstallationID int64  `json:"installation_id"`
	Repo           string `json:"repo" river:"unique"`
	PR             int    `json:"pr" river:"unique"`
	HeadSHA        string `json:"head_sha" river:"unique"`
	Trigger        string `json:"trigger"`
	// Coalesce is set from Trigger when the job is encoded (see MarshalJSON).
	Coalesce   string `json:"coalesce" river:"unique"`
	DeliveryID string `json:"delivery_id"`
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
// fields tagged above. A push is reviewed once for good; other triggers are
// coalesced only with identical reviews still waiting or running.
func (a ReviewArgs) InsertOpts() river.InsertOpts {
	u := river.UniqueOpts{ByArgs: true}
	if k := coalesceKey(a.Trigger); k != "push" && k != "merge-group" {
		u.ByState = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable}
	}
	return river.InsertOpts{MaxAttempts: reviewMaxAttempts, UniqueOpts: u}
}

// coalesceKey is the kind of a trigger ("reopened", "rerun", …) without the
// delivery or comment that raised it. A maintainer's command that changed
// what is enforced keeps its own key: it must not join a review that loaded
// the ignores before it.
func coalesceKey(trigger string) string {
	kind, _, _ := strings.Cut(trigger, ":")
	if kind == "command" {
		return trigger
	}
	return kind
}

// MarshalJSON fills Coalesce, the unique field River reads from the encoded
// arguments, from Trigger.
func (a ReviewArgs) MarshalJSON() ([]byte, error) {
	type plain ReviewArgs
	a.Coalesce = coalesceKey(a.Trigger)
	return json.Marshal(plain(a))
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
