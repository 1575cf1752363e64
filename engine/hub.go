package engine

import (
	"context"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/hub"
	"github.com/ward-sec/ward/review"
)

// hubFindings looks up the models a source file loads by name (on the
// changed lines only, when the scan is of a diff).
func hubFindings(ctx context.Context, h *hub.Checker, f *checks.File, lines *review.Lines, existing []checks.Finding) []checks.Finding {
	if f.Size > f.Limits.Effective().MaxSourceBytes {
		return nil
	}
	data, err := f.ReadAll(0)
	if err != nil {
		return nil
	}
	var calls []hub.Call
	for _, c := range hub.Extract(f.Path, data) {
		if lines == nil || lines.Touches(c.Line, c.Line) {
			calls = append(calls, c)
		}
	}
	if len(calls) == 0 {
		return nil
	}
	return checks.Finish(review.DropCoveredUnpinned(h.Check(ctx, f.Path, calls), existing))
}
