package engine

import (
	"context"
	"fmt"

	"github.com/ward-sec/ward/changed"
	"github.com/ward-sec/ward/checks"
)

// AnalyseFile is the per-file pipeline `ward scan` and the PR review share:
// the checks (checks.ScanFile, the masking boundary), a file-not-read
// finding when part of the input could not be fetched (notRead), and the
// file's inline `ward:ignore` comments — applied to every text file, so a
// bare or reasonless one is reported whether or not the file has other
// findings. The result depends only on the file's content (and base), which
// is what the review caches; the changed-line filter (OnChangedLines) comes
// after.
func AnalyseFile(ctx context.Context, f *checks.File, all []checks.Check, notRead error) []checks.Finding {
	f.Binary = checks.LooksBinary(f.Head(8000))
	findings := checks.ScanFile(ctx, f, all)
	if notRead != nil {
		findings = append(findings, checks.Finish([]checks.Finding{checks.NotReadFinding(f.Path, notRead)})...)
	}
	if f.Binary || f.Size > f.Limits.Effective().MaxSourceBytes {
		return findings
	}
	data, err := f.ReadAll(0)
	if err != nil {
		return findings // ScanFile already reported the failed read
	}
	return checks.Finish(checks.ApplyInlineSuppressions(f.Path, data, findings))
}

// OnChangedLines keeps the findings on lines the change touched; whole-file
// findings always count, and so does everything when lines is nil or the
// change's lines are unknown (no patch).
func OnChangedLines(fs []checks.Finding, lines *changed.Lines) []checks.Finding {
	if lines == nil {
		return fs
	}
	kept := fs[:0:0]
	for _, f := range fs {
		if lines.Touches(f.StartLine, f.EndLine) {
			kept = append(kept, f)
		}
	}
	return kept
}

// notReadable is the fail-closed finding for a file or folder that could
// not be read: what it holds was not reviewed. It crosses the same boundary
// (checks.Finish) as every other finding.
func notReadable(path string, err error, dir bool) []checks.Finding {
	f := checks.NotReadFinding(path, err)
	if dir {
		f.Message = fmt.Sprintf("ward could not read this folder (%v), so the files in it were not reviewed.", err)
	}
	return checks.Finish([]checks.Finding{f})
}
