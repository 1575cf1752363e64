package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ward-sec/ward/review"
)

// SecondOpinionTrigger starts the trigger of a `/rescan --second-opinion`
// review: it asks the model again instead of using the cached answer.
const SecondOpinionTrigger = "rescan-second-opinion"

// RescanTrigger is the job trigger for a /rescan command.
func RescanTrigger(c Command, commentID int64, deliveryID string) string {
	name := "rescan"
	if slices.Contains(c.Flags, "second-opinion") {
		name = SecondOpinionTrigger
	}
	return fmt.Sprintf("%s:%d:%s", name, commentID, deliveryID)
}

// setupSecondOpinion builds the model client when WARD_LLM_* configure one.
func (s *Server) setupSecondOpinion() error {
	obs := newLLMMetrics(s.metrics.Registry)
	if !s.cfg.LLM.Enabled() {
		return nil
	}
	cfg := s.cfg.LLM
	cfg.Logger = s.log
	l, err := review.NewLLM(cfg, OpinionStore{s.store}, obs)
	if err != nil {
		return err
	}
	s.llm = l
	s.log.Info("second opinion available for repositories that turn it on", "model", l.Model())
	return nil
}

// secondOpinionFor binds the model to one review job; nil when no model is
// configured or the job reviews a merge group (the PRs had theirs).
func (s *Server) secondOpinionFor(a ReviewArgs) review.SecondOpinion {
	if s.llm == nil || a.MergeGroup != nil {
		return nil
	}
	return s.llm.ForJob(a.InstallationID, strings.HasPrefix(a.Trigger, SecondOpinionTrigger+":"))
}
