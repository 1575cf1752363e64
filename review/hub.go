package review

import (
	"context"
	"strings"
	"time"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/code"
	"github.com/ward-sec/ward/checks/hub"
)

// hubBudget bounds the Hub lookups of one review.
const hubBudget = 2 * time.Minute

// hubFindings checks the models that the PR's added lines load by name
// (`hub_check: on` in the base branch's ward.yml, and a Hub client). The
// calls are read from the patch alone (hunks rebuilt at their line
// numbers), so no file is fetched for this; only calls on added lines
// count. Each finding goes to its file's findings, before suppressions.
func hubFindings(ctx context.Context, files []*reviewedFile, cfg Config, opts Options) {
	if !bool(cfg.HubCheck) || opts.Hub == nil {
		return
	}
	hc := *opts.Hub
	if hc.Cache == nil && opts.Cache != nil {
		hc.Cache = hubCache{opts.Cache}
	}
	if hc.Version == "" {
		all := hc.Checks
		if all == nil {
			all = checks.Registered()
		}
		hc.Version = checks.AnalyserVersion(all)
	}
	// the Hub never holds a review up for long: what is not checked by
	// then is reported as such
	ctx, cancel := context.WithTimeout(ctx, hubBudget)
	defer cancel()
	for _, f := range files {
		if f.Patch == "" {
			continue
		}
		text := patchText(f.Patch)
		var calls []hub.Call
		for _, c := range hub.Extract(f.Path, text) {
			if f.lines.Added[c.Line] {
				calls = append(calls, c)
			}
		}
		if len(calls) == 0 {
			continue
		}
		// Finish: fingerprints and the masking boundary, as for file findings
		fs := checks.Finish(DropCoveredUnpinned(hc.Check(ctx, f.Path, calls), f.findings))
		// `# ward:ignore hub-model-unpinned reason` on the call's line works
		// as for any finding: the rebuilt text has the added lines in place
		f.findings = append(f.findings, ApplyInline(f.Path, text, fs)...)
	}
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

// patchText rebuilds the head side of a patch's hunks at their line
// numbers (lines outside the hunks are blank), so that a lexer sees the
// added code with its real line numbers.
func patchText(patch string) []byte {
	var b strings.Builder
	line := 0 // head-side lines written so far
	next := 0 // head-side number of the next patch line
	for _, l := range strings.Split(patch, "\n") {
		if strings.HasPrefix(l, "@@") {
			// @@ -a,b +c,d @@
			if i := strings.Index(l, "+"); i >= 0 {
				n := 0
				for _, ch := range l[i+1:] {
					if ch < '0' || ch > '9' {
						break
					}
					n = n*10 + int(ch-'0')
				}
				next = n
			}
			continue
		}
		if l == "" || l[0] == '-' || l[0] == '\\' || next == 0 {
			continue
		}
		for line+1 < next {
			b.WriteByte('\n')
			line++
		}
		b.WriteString(l[1:])
		b.WriteByte('\n')
		line++
		next++
	}
	return []byte(b.String())
}

// hubCache keeps hub results in the review's result cache.
type hubCache struct{ c Cache }

func (h hubCache) Get(ctx context.Context, key string) ([]checks.Finding, bool) {
	fs, ok := h.c.GetMany(ctx, []string{key})[key]
	return fs, ok
}

func (h hubCache) Put(ctx context.Context, key string, fs []checks.Finding) {
	h.c.PutMany(ctx, []CacheEntry{{Key: key, Findings: fs}})
}
