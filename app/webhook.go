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
	"unicode/utf8"

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

// webhookBodyTimeout bounds reading a delivery's body: GitHub itself gives
// up on a delivery after 10 seconds, so a body still trickling in after
// that is a client holding a connection, not GitHub.
const webhookBodyTimeout = 10 * time.Second

// maxWebhookReads bounds the webhook bodies read at once. GitHub sends
// deliveries one connection each and fast; far more than this at once are
// not GitHub.
const maxWebhookReads = 64

// maxHeaderLog bounds a header value in ward's logs: one request must not
// write kilobytes of log.
const maxHeaderLog = 80

// validHeader reports whether a GitHub header value is what GitHub sends:
// short printable ASCII (event names, GUIDs).
func validHeader(v string) bool {
	if v == "" || len(v) > 100 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x21 || v[i] > 0x7e {
			return false
		}
	}
	return true
}

// logValue makes a header value safe and short for a log line.
func logValue(v string) string {
	v = strings.ToValidUTF8(v, "?")
	if len(v) > maxHeaderLog {
		cut := maxHeaderLog
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		return v[:cut] + fmt.Sprintf("…(%d bytes)", len(v))
	}
	return v
}

// handleWebhook verifies, parses and durably enqueues a delivery before it
// answers: 202 means the event will be handled even if ward dies now.
func (s *Server) handleWebhook(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	event := r.Header.Get("X-GitHub-Event")
	delivery := r.Header.Get("X-GitHub-Delivery")
	// Until the signature is verified nothing in the request is trusted: the
	// metric label is "unverified" and logged values are cut short.
	secrets := s.webhookSecrets()
	if len(secrets) == 0 {
		http.Error(w, "ward is not configured yet: open / to register the GitHub App", http.StatusServiceUnavailable)
		return
	}
	if r.ContentLength > MaxWebhookBody {
		// Refused before reading: holding 25 MiB of a stranger's body helps no one.
		s.metrics.delivery("unverified", "rejected")
		s.rejected.log(s.log, "webhook body over the limit", "content_length", r.ContentLength)
		w.Header().Set("Connection", "close")
		http.Error(w, "payload over 25 MiB", http.StatusRequestEntityTooLarge)
		return
	}
	if !validHeader(event) || !validHeader(delivery) {
		s.metrics.delivery("unverified", "rejected")
		s.rejected.log(s.log, "webhook without valid X-GitHub-Event or X-GitHub-Delivery",
			"event", logValue(event), "delivery", logValue(delivery))
		http.Error(w, "missing or invalid X-GitHub-Event or X-GitHub-Delivery", http.StatusBadRequest)
		return
	}
	select {
	case s.bodies <- struct{}{}:
		defer func() { <-s.bodies }()
	default:
		s.metrics.delivery("unverified", "rejected")
		s.rejected.log(s.log, "webhook refused: too many bodies being read", "limit", maxWebhookReads)
		w.Header().Set("Retry-After", "1")
		w.Header().Set("Connection", "close")
		http.Error(w, "busy: retry", http.StatusServiceUnavailable)
		return
	}
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(s.bodyTimeout))
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
	if err != nil {
		s.metrics.delivery("unverified", "rejected")
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			http.Error(w, "payload over 25 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		s.rejected.log(s.log, "webhook body not read", "err", err)
		http.Error(w, "read body", http.StatusBadRequest)
		return
	}
	if !VerifySignature(r.Header.Get("X-Hub-Signature-256"), body, secrets) {
		s.metrics.delivery("unverified", "rejected")
		s.rejected.log(s.log, "webhook signature mismatch", "delivery", logValue(delivery), "event", logValue(event))
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	label := eventLabel(event)
	log := s.log.With("delivery", delivery, "event", logValue(event))
	if event == "ping" {
		s.metrics.delivery(label, "ignored")
		writeJSON(w, http.StatusOK, map[string]string{"msg": "pong"})
		return
	}
	payload, err := parseHook(event, body)
	if errors.Is(err, errUnknownEvent) {
		s.metrics.delivery(label, "ignored")
		log.Info("webhook event not handled")
		writeJSON(w, http.StatusOK, map[string]string{"msg": "event not handled"})
		return
	}
	if err != nil {
		s.metrics.delivery(label, "rejected")
		log.Warn("signed webhook with a malformed body", "err", logValue(err.Error()))
		http.Error(w, "malformed JSON payload", http.StatusBadRequest)
		return
	}
	jobs, cancel, why := routeEvent(payload, delivery, log)
	if len(jobs) == 0 && cancel == nil {
		s.metrics.delivery(label, "ignored")
		log.Info("webhook ignored", "why", why)
		writeJSON(w, http.StatusOK, map[string]string{"msg": "ignored: " + why})
		return
	}
	dup, err := s.store.Enqueue(r.Context(), delivery, event, jobs)
	if err != nil {
		s.metrics.delivery(label, "error")
		log.Error("enqueue failed", "err", err)
		http.Error(w, "could not queue the event; GitHub may redeliver it", http.StatusServiceUnavailable)
		return
	}
	s.metrics.acked(time.Since(start))
	if dup {
		s.metrics.delivery(label, "duplicate")
		log.Info("duplicate delivery acknowledged")
		writeJSON(w, http.StatusOK, map[string]string{"msg": "duplicate delivery"})
		return
	}
	s.metrics.delivery(label, "queued")
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
	case *pullRequestHook:
		a := ReviewArgs{InstallationID: e.Installation.ID, Repo: e.Repo.FullName,
			PR: e.Number, HeadSHA: e.PullRequest.Head.SHA, DeliveryID: delivery}
		switch e.Action {
		case "opened", "synchronize":
			a.Trigger = "push"
		case "reopened", "ready_for_review":
			a.Trigger = e.Action + ":" + delivery
		case "closed":
			// Closed or merged: nothing left to gate, cancel what is queued.
			return nil, &ReviewArgs{Repo: a.Repo, PR: a.PR}, "pull request closed"
		case "edited":
			if !present(e.Changes.Base) {
				return nil, nil, "pull request edited without a base change"
			}
			a.Trigger = "base-changed:" + delivery
		default:
			return nil, nil, "pull_request action " + e.Action
		}
		if a.InstallationID == 0 || a.HeadSHA == "" {
			return nil, nil, "payload without installation or head SHA"
		}
		if e.Action == "opened" {
			return []river.JobArgs{a}, nil, "" // nothing older to cancel
		}
		return []river.JobArgs{a}, &a, ""
	case *issueCommentHook:
		if !present(e.Issue.PullRequest) {
			return nil, nil, "comment on an issue, not a pull request"
		}
		if e.Action != "created" && e.Action != "edited" {
			return nil, nil, "comment " + e.Action
		}
		if e.Sender.Type == "Bot" || e.Comment.User.Type == "Bot" {
			return nil, nil, "comment by a bot"
		}
		if len(ParseCommands(e.Comment.Body)) == 0 {
			return nil, nil, "no command in the comment"
		}
		return []river.JobArgs{CommandArgs{InstallationID: e.Installation.ID, Repo: e.Repo.FullName,
			PR: e.Issue.Number, CommentID: e.Comment.ID, Author: e.Sender.Login,
			Body: e.Comment.Body, DeliveryID: delivery}}, nil, ""
	case *checkRunHook:
		run := e.CheckRun
		if run.Name != CheckRunName {
			return nil, nil, "check run of another app"
		}
		if e.Action == "requested_action" && e.RequestedAction.Identifier == "explain" {
			pr := 0
			if len(run.PullRequests) > 0 {
				pr = run.PullRequests[0].Number
			}
			return []river.JobArgs{CommandArgs{InstallationID: e.Installation.ID, Repo: e.Repo.FullName,
				PR: pr, Author: e.Sender.Login, DeliveryID: delivery, Action: "explain",
				CheckRunID: run.ID}}, nil, ""
		}
		if e.Action != "rerequested" && !(e.Action == "requested_action" && e.RequestedAction.Identifier == "rerun") {
			return nil, nil, "check_run action " + e.Action
		}
		// Each button is its own kind of request: pressing "Re-run" and then
		// "Re-run ward" asks twice; replaying one of them does not.
		trigger := "rerun:" + delivery
		if e.Action == "requested_action" {
			trigger = "rerun-button:" + delivery
		}
		for _, pr := range run.PullRequests {
			jobs = append(jobs, ReviewArgs{InstallationID: e.Installation.ID, Repo: e.Repo.FullName,
				PR: pr.Number, HeadSHA: run.HeadSHA, Trigger: trigger, DeliveryID: delivery})
		}
		if len(jobs) == 0 { // GitHub leaves pull_requests empty for forks: find them by commit
			jobs = append(jobs, rerunByCommit(e.Installation.ID, e.Repo.FullName, run.HeadSHA, delivery))
		}
		return jobs, nil, ""
	case *checkSuiteHook:
		if e.Action != "requested" && e.Action != "rerequested" {
			return nil, nil, "check_suite action " + e.Action
		}
		trigger := "push"
		if e.Action == "rerequested" {
			trigger = "rerun-suite:" + delivery
		}
		for _, pr := range e.CheckSuite.PullRequests {
			jobs = append(jobs, ReviewArgs{InstallationID: e.Installation.ID, Repo: e.Repo.FullName,
				PR: pr.Number, HeadSHA: e.CheckSuite.HeadSHA, Trigger: trigger, DeliveryID: delivery})
		}
		if len(jobs) == 0 && e.Action == "rerequested" {
			jobs = append(jobs, rerunByCommit(e.Installation.ID, e.Repo.FullName, e.CheckSuite.HeadSHA, delivery))
		}
		return jobs, nil, "check suite without pull requests"
	case *mergeGroupHook:
		if e.Action != "checks_requested" {
			return nil, nil, "merge_group action " + e.Action
		}
		mg := e.MergeGroup
		if e.Installation.ID == 0 || mg.HeadSHA == "" || mg.BaseSHA == "" {
			return nil, nil, "merge group without installation, head or base SHA"
		}
		return []river.JobArgs{ReviewArgs{InstallationID: e.Installation.ID, Repo: e.Repo.FullName,
			HeadSHA: mg.HeadSHA, Trigger: "merge-group", DeliveryID: delivery,
			MergeGroup: &MergeGroupRef{BaseSHA: mg.BaseSHA, HeadRef: mg.HeadRef}}}, nil, ""
	case *hookCommon:
		log.Info("installation changed", "action", e.Action)
		return nil, nil, "installation event"
	}
	return nil, nil, fmt.Sprintf("event type %T", payload)
}

// present reports whether an optional JSON member was sent and is not null.
func present(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
