package engine

import (
	"context"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/code"
	"github.com/ward-sec/ward/checks/hub"
)

// CheckHub looks up the models that text loads by name, on the lines keep
// accepts: a whole source file in `ward scan`, or the head side of a PR's
// patch rebuilt at its line numbers in the review. Findings the source rule
// already reports are left out (DropCoveredUnpinned), the inline
// `ward:ignore` comments of text mark the rest (reasonless ones are
// reported by AnalyseFile, once), and all cross checks.Finish.
func CheckHub(ctx context.Context, h *hub.Checker, path string, text []byte, keep func(line int) bool, existing []checks.Finding) []checks.Finding {
	var calls []hub.Call
	for _, c := range hub.Extract(path, text) {
		if keep(c.Line) {
			calls = append(calls, c)
		}
	}
	if len(calls) == 0 {
		return nil
	}
	fs := DropCoveredUnpinned(h.Check(ctx, path, calls), existing)
	checks.MarkSuppressed(checks.InlineSuppressions(text), fs)
	return checks.Finish(fs)
}

// DropCoveredUnpinned leaves out hub-model-unpinned where the source rule
// code-hub-download-unpinned already reports the same line: one finding
// per problem.
func DropCoveredUnpinned(hubFs, existing []checks.Finding) []checks.Finding {
	covered := map[int]bool{}
	for _, f := range existing {
		if f.RuleID == code.RuleHubUnpinned {
			for l := f.StartLine; l <= max(f.EndLine, f.StartLine); l++ {
				covered[l] = true
			}
		}
	}
	out := hubFs[:0]
	for _, f := range hubFs {
		if f.RuleID == hub.RuleUnpinned && covered[f.StartLine] {
			continue
		}
		out = append(out, f)
	}
	return out
}
