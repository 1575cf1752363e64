package review

import (
	"context"
	"strings"
	"time"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
	"github.com/ward-sec/ward/engine"
)

// hubBudget bounds the Hub lookups of one review.
const hubBudget = 2 * time.Minute

// hubFindings checks the models that the PR's added lines load by name
// (`hub_check: on` in the base branch's ward.yml, and a Hub client). The
// calls are read from the patch alone (hunks rebuilt at their line
// numbers), so no file is fetched for this; only calls on added lines
// count. Each finding goes to its file's findings, before suppressions.
func hubFindings(ctx context.Context, files []*reviewedFile, cfg config.Config, all []checks.Check, opts Options) {
	if !bool(cfg.HubCheck) || opts.Hub == nil {
		return
	}
	hc := *opts.Hub
	if hc.Cache == nil && opts.Cache != nil {
		hc.Cache = hubCache{opts.Cache}
	}
	if hc.Checks == nil {
		hc.Checks = all
	}
	if hc.Version == "" {
		hc.Version = checks.AnalyserVersion(hc.Checks)
	}
	// the Hub never holds a review up for long: what is not checked by
	// then is reported as such
	ctx, cancel := context.WithTimeout(ctx, hubBudget)
	defer cancel()
	for _, f := range files {
		if f.Patch == "" {
			continue
		}
		// `# ward:ignore hub-model-unpinned reason` on the call's line works
		// as for any finding: the rebuilt text has the added lines in place
		added := func(line int) bool { return f.lines.Added[line] }
		f.findings = append(f.findings, engine.CheckHub(ctx, &hc, f.Path, patchText(f.Patch), added, f.findings)...)
	}
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
