package checks

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
)

// RunOptions tunes Run.
type RunOptions struct {
	// Checks to run (cmd builds the set: checks/all.Default).
	Checks []Check
	// Concurrency is how many files are analysed at once; 0 means GOMAXPROCS.
	Concurrency int
	// OnFile, if set, is called after each file with its findings (for
	// progress output). It may be called from several goroutines.
	OnFile func(f *File, findings []Finding)
}

// Run analyses files with every check, bounded in concurrency and per-file
// time, and returns the findings sorted by path, line and rule, fingerprinted.
func Run(ctx context.Context, files []*File, opts RunOptions) []Finding {
	all := opts.Checks
	n := opts.Concurrency
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	results := make([][]Finding, len(files))
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = ScanFile(ctx, f, all)
			if opts.OnFile != nil {
				opts.OnFile(f, results[i])
			}
		}()
	}
	wg.Wait()
	var out []Finding
	for _, r := range results {
		out = append(out, r...)
	}
	Sort(out)
	return out
}

// ScanFile runs every check on one file within its time budget, and adds the
// framework's own findings: check failures, reads that failed, and binary
// files nobody analysed. It is the boundary findings leave the checks
// through: each is fingerprinted, raised to FailClosedSeverity when it says
// the content was not reviewed, and masked (MaskFinding).
func ScanFile(ctx context.Context, f *File, all []Check) []Finding {
	lim := f.Limits.withDefaults()
	ctx, cancel := context.WithTimeout(ctx, lim.Timeout)
	defer cancel()
	// A check that swallows a read error must not turn an unread file into
	// a clean one: every read goes through rec, which remembers the first
	// failure whatever the check made of it.
	rec := &readRecorder{r: f.Content}
	scanned := *f
	scanned.Content = rec
	var out []Finding
	analysed := false
	for _, c := range all {
		res, err := scanOne(ctx, c, &scanned)
		out = append(out, res.Findings...)
		analysed = analysed || res.Analysed
		if err != nil {
			msg := fmt.Sprintf("The %s check could not finish on this file: %v.", c.Name(), err)
			if errors.Is(err, context.DeadlineExceeded) {
				msg = fmt.Sprintf("The %s check ran out of its time budget (%s) on this file; it was not fully analysed.", c.Name(), lim.Timeout)
			}
			out = append(out, Finding{RuleID: RuleCheckFailed, Severity: FailClosedSeverity, Path: f.Path,
				Message: msg, Evidence: c.Name(), Transient: true})
		}
	}
	if err := rec.failure(); err != nil && ctx.Err() == nil {
		out = append(out, NotReadFinding(f.Path, err))
	}
	if f.Binary && !analysed {
		out = append(out, Finding{RuleID: RuleNotAnalysed, Severity: SeverityMedium, Path: f.Path,
			Message:  fmt.Sprintf("Binary file (%d bytes) in a format no ward check understands: its content was not reviewed.", f.Size),
			Evidence: "opaque"})
	}
	for i := range out {
		if out[i].Path == "" {
			out[i].Path = f.Path
		}
	}
	if len(out) > 0 {
		rules := rulesOf(all)
		applyPathContext(f.Path, out, rules)
		out = dropSuperseded(out, rules)
	}
	Sort(out) // file order first: the occurrence index in fingerprints follows it
	return Finish(out)
}

// Finish is what every finding goes through before it leaves the checks,
// whoever built it (ScanFile, or the review for a file it could not fetch):
// fingerprints for those without one, the fail-closed severity floor, and
// MaskFinding.
func Finish(fs []Finding) []Finding {
	Fingerprint(fs)
	for i := range fs {
		if IsFailClosed(fs[i].RuleID) && fs[i].Severity < FailClosedSeverity {
			fs[i].Severity = FailClosedSeverity
		}
		fs[i] = MaskFinding(fs[i])
	}
	return fs
}

// NotReadFinding reports a file whose bytes could not be read.
func NotReadFinding(path string, err error) Finding {
	return Finding{RuleID: RuleNotRead, Severity: FailClosedSeverity, Path: path,
		Message:  fmt.Sprintf("ward could not read this file completely (%v), so its content was not reviewed.", err),
		Evidence: "not read"}
}

// readRecorder passes reads through and keeps the first error other than
// io.EOF.
type readRecorder struct {
	r   io.ReaderAt
	mu  sync.Mutex
	err error
}

func (r *readRecorder) ReadAt(p []byte, off int64) (int, error) {
	n, err := r.r.ReadAt(p, off)
	if err != nil && !errors.Is(err, io.EOF) {
		r.mu.Lock()
		if r.err == nil {
			r.err = err
		}
		r.mu.Unlock()
	}
	return n, err
}

func (r *readRecorder) failure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// scanOne runs one check and turns a panic into an error, so that a bug in
// one check never takes the review down.
func scanOne(ctx context.Context, c Check, f *File) (res Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v\n%s", r, debug.Stack())
		}
	}()
	return c.Scan(ctx, f)
}

// Sort orders findings by path, line, severity (most serious first) and rule.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.StartLine != b.StartLine {
			return a.StartLine < b.StartLine
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		return a.Offset < b.Offset
	})
}

// rulesOf indexes the rules of the checks a file went through: the
// policies below read the rules of the set that ran, not a global one.
func rulesOf(all []Check) map[string]Rule {
	m := make(map[string]Rule)
	for _, c := range all {
		for _, r := range c.Rules() {
			m[r.ID] = r
		}
	}
	return m
}

// dropSuperseded removes a finding when another finding of the same file,
// on overlapping lines, comes from a rule that declares it supersedes the
// first one's rule (Rule.Supersedes). Whole-file findings overlap nothing.
func dropSuperseded(fs []Finding, rules map[string]Rule) []Finding {
	type span struct{ start, end int }
	var by map[string][]span // superseded rule id -> lines of the findings replacing it
	for _, f := range fs {
		if f.WholeFile() {
			continue
		}
		for _, id := range rules[f.RuleID].Supersedes {
			if by == nil {
				by = map[string][]span{}
			}
			end := f.EndLine
			if end < f.StartLine {
				end = f.StartLine
			}
			by[id] = append(by[id], span{f.StartLine, end})
		}
	}
	if by == nil {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		end := f.EndLine
		if end < f.StartLine {
			end = f.StartLine
		}
		dropped := false
		for _, s := range by[f.RuleID] {
			if !f.WholeFile() && f.StartLine <= s.end && s.start <= end {
				dropped = true
				break
			}
		}
		if !dropped {
			out = append(out, f)
		}
	}
	return out
}
