package app

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/google/go-github/v66/github"
	"github.com/riverqueue/river"
)

// MaxWebhookBody is GitHub's cap on a delivery's payload.
const MaxWebhookBody = 25 << 20

// VerifySignature checks X-Hub-Signature-256 against any of the secrets (two
// during a rotation), in constant time.
func VerifySignature(header string, body []byte, secrets [][]byte) bool {
	sig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(sig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	match := false
	for _, s := range secrets {
		if len(s) == 0 {
			continue
		}
		m := hmac.New(sha256.New, s)
		m.Write(body)
		if hmac.Equal(got, m.Sum(nil)) {
			match = true
		}
	}
	return match
}

// handleWebhook verifies, parses and durably enqueues a delivery before it
// answers: 202 means the event will be handled even if ward dies now.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	event := r.Header.Get("X-GitHub-Event")
	delivery := r.Header.Get("X-GitHub-Delivery")
	log := s.log.With("delivery", delivery, "event", event)
	secrets := s.webhookSecrets()
	if len(secrets) == 0 {
		http.Error(w, "ward is not configured yet: open / to register the GitHub App", http.StatusServiceUnavailable)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.metrics.delivery(event, "rejected")
			http.Error(w, "payload over 25 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	if !VerifySignature(r.Header.Get("X-Hub-Signature-256"), body, secrets) {
		s.metrics.delivery(event, "rejected")
		log.Warn("webhook signature mismatch")
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	if event == "" || delivery == "" {
		http.Error(w, "missing X-GitHub-Event or X-GitHub-Delivery", http.StatusBadRequest)
		return
	}
	if event == "ping" {
		s.metrics.delivery(event, "ignored")
		writeJSON(w, http.StatusOK, map[string]string{"msg": "pong"})
		return
	}
	payload, err := github.ParseWebHook(event, body)
	if err != nil {
		s.metrics.delivery(event, "ignored")
		log.Info("webhook event not handled", "err", err)
		writeJSON(w, http.StatusOK, map[string]string{"msg": "event not handled"})
		return
	}
	jobs, cancel, why := routeEvent(payload, delivery, log)
	if len(jobs) == 0 && cancel == nil {
		s.metrics.delivery(event, "ignored")
		log.Info("webhook ignored", "why", why)
		writeJSON(w, http.StatusOK, map[string]string{"msg": "ignored: " + why})
		return
	}
	dup, err := s.store.Enqueue(r.Context(), delivery, event, jobs)
	if err != nil {
		s.metrics.delivery(event, "error")
		log.Error("enqueue failed", "err", err)
		http.Error(w, "could not queue the event; GitHub may redeliver it", http.StatusServiceUnavailable)
		return
	}
	s.metrics.acked(time.Since(start))
	if dup {
		s.metrics.delivery(event, "duplicate")
		log.Info("duplicate delivery acknowledged")
		writeJSON(w, http.StatusOK, map[string]string{"msg": "duplicate delivery"})
		return
	}
	s.metrics.delivery(event, "queued")
	log.Info("delivery queued", "jobs", len(jobs))
	writeJSON(w, http.StatusAccepted, map[string]any{"queued": len(jobs)})
	if cancel != nil {
		// After the ack: cancelling older reviews is an optimisation only.
		go func() {
			n, err := s.store.queue.cancelOlderReviews(s.baseCtx, cancel.Repo, cancel.PR, cancel.HeadSHA)
			if err != nil || n > 0 {
				log.Info("cancelled older reviews", "n", n, "err", err)
			}
		}()
	}
}

// routeEvent turns an event into jobs. cancel names a push whose older
// reviews should be cancelled.
func routeEvent(payload any, delivery string, log *slog.Logger) (jobs []river.JobArgs, cancel *ReviewArgs, why string) {
	switch e := payload.(type) {
	case *github.PullRequestEvent:
		pr := e.GetPullRequest()
		a := ReviewArgs{InstallationID: e.GetInstallation().GetID(), Repo: e.GetRepo().GetFullName(),
			PR: e.GetNumber(), HeadSHA: pr.GetHead().GetSHA(), DeliveryID: delivery}
		switch e.GetAction() {
		case "opened", "synchronize":
			a.Trigger = "push"
		case "reopened", "ready_for_review":
			a.Trigger = e.GetAction() + ":" + delivery
		case "closed":
			// Closed or merged: nothing left to gate, cancel what is queued.
			return nil, &ReviewArgs{Repo: a.Repo, PR: a.PR}, "pull request closed"
		case "edited":
			if e.GetChanges().GetBase() == nil {
				return nil, nil, "pull request edited without a base change"
			}
			a.Trigger = "base-changed:" + delivery
		default:
			return nil, nil, "pull_request action " + e.GetAction()
		}
		if a.InstallationID == 0 || a.HeadSHA == "" {
			return nil, nil, "payload without installation or head SHA"
		}
		if e.GetAction() == "opened" {
			return []river.JobArgs{a}, nil, "" // nothing older to cancel
		}
		return []river.JobArgs{a}, &a, ""
	case *github.IssueCommentEvent:
		if !e.GetIssue().IsPullRequest() {
			return nil, nil, "comment on an issue, not a pull request"
		}
		if e.GetAction() != "created" && e.GetAction() != "edited" {
			return nil, nil, "comment " + e.GetAction()
		}
		if e.GetSender().GetType() == "Bot" || e.GetComment().GetUser().GetType() == "Bot" {
			return nil, nil, "comment by a bot"
		}
		if len(ParseCommands(e.GetComment().GetBody())) == 0 {
			return nil, nil, "no command in the comment"
		}
		return []river.JobArgs{CommandArgs{InstallationID: e.GetInstallation().GetID(), Repo: e.GetRepo().GetFullName(),
			PR: e.GetIssue().GetNumber(), CommentID: e.GetComment().GetID(), Author: e.GetSender().GetLogin(),
			Body: e.GetComment().GetBody(), DeliveryID: delivery}}, nil, ""
	case *github.CheckRunEvent:
		if e.GetCheckRun().GetName() != CheckRunName {
			return nil, nil, "check run of another app"
		}
		if e.GetAction() == "requested_action" && e.GetRequestedAction().Identifier == "explain" {
			pr := 0
			if prs := e.GetCheckRun().PullRequests; len(prs) > 0 {
				pr = prs[0].GetNumber()
			}
			return []river.JobArgs{CommandArgs{InstallationID: e.GetInstallation().GetID(), Repo: e.GetRepo().GetFullName(),
				PR: pr, Author: e.GetSender().GetLogin(), DeliveryID: delivery, Action: "explain",
				CheckRunID: e.GetCheckRun().GetID()}}, nil, ""
		}
		if e.GetAction() != "rerequested" && !(e.GetAction() == "requested_action" && e.GetRequestedAction().Identifier == "rerun") {
			return nil, nil, "check_run action " + e.GetAction()
		}
		for _, pr := range e.GetCheckRun().PullRequests {
			jobs = append(jobs, ReviewArgs{InstallationID: e.GetInstallation().GetID(), Repo: e.GetRepo().GetFullName(),
				PR: pr.GetNumber(), HeadSHA: e.GetCheckRun().GetHeadSHA(), Trigger: "rerun:" + delivery, DeliveryID: delivery})
		}
		if len(jobs) == 0 { // GitHub leaves pull_requests empty for forks: find them by commit
			jobs = append(jobs, rerunByCommit(e.GetInstallation().GetID(), e.GetRepo().GetFullName(), e.GetCheckRun().GetHeadSHA(), delivery))
		}
		return jobs, nil, ""
	case *github.CheckSuiteEvent:
		if e.GetAction() != "requested" && e.GetAction() != "rerequested" {
			return nil, nil, "check_suite action " + e.GetAction()
		}
		trigger := "push"
		if e.GetAction() == "rerequested" {
			trigger = "rerun:" + delivery
		}
		for _, pr := range e.GetCheckSuite().PullRequests {
			jobs = append(jobs, ReviewArgs{InstallationID: e.GetInstallation().GetID(), Repo: e.GetRepo().GetFullName(),
				PR: pr.GetNumber(), HeadSHA: e.GetCheckSuite().GetHeadSHA(), Trigger: trigger, DeliveryID: delivery})
		}
		if len(jobs) == 0 && e.GetAction() == "rerequested" {
			jobs = append(jobs, rerunByCommit(e.GetInstallation().GetID(), e.GetRepo().GetFullName(), e.GetCheckSuite().GetHeadSHA(), delivery))
		}
		return jobs, nil, "check suite without pull requests"
	case *github.MergeGroupEvent:
		if e.GetAction() != "checks_requested" {
			return nil, nil, "merge_group action " + e.GetAction()
		}
		mg := e.GetMergeGroup()
		if e.GetInstallation().GetID() == 0 || mg.GetHeadSHA() == "" || mg.GetBaseSHA() == "" {
			return nil, nil, "merge group without installation, head or base SHA"
		}
		return []river.JobArgs{ReviewArgs{InstallationID: e.GetInstallation().GetID(), Repo: e.GetRepo().GetFullName(),
			HeadSHA: mg.GetHeadSHA(), Trigger: "merge-group", DeliveryID: delivery,
			MergeGroup: &MergeGroupRef{BaseSHA: mg.GetBaseSHA(), HeadRef: mg.GetHeadRef()}}}, nil, ""
	case *github.InstallationEvent, *github.InstallationRepositoriesEvent:
		log.Info("installation changed", "payload_type", fmt.Sprintf("%T", payload))
		return nil, nil, "installation event"
	}
	return nil, nil, fmt.Sprintf("event type %T", payload)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
