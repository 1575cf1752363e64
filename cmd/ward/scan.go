package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ward-sec/ward/aibom"
	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/secrets"
	"github.com/ward-sec/ward/config"
	"github.com/ward-sec/ward/engine"
)

const scanUsage = `Usage: ward scan [flags] PATH...

Scans files and directories ("-" reads standard input) and prints findings.
Flags may come before or after the paths. Paths in every output are relative
to the working directory, or to --root.

Exit status: 0 nothing at or above the threshold, 1 findings at or above it,
2 usage error, 130 interrupted.

Flags:
`

// scanFlags are ward scan's options.
type scanFlags struct {
	format    string
	failOn    checks.Severity
	failOnSet bool
	config    string
	root      string
	jobs      int
	stdinName string
	diff      string
	staged    bool
	baseline  string
	writeBase string
	rootAbs   string
	output    string
	summary   string
	hub       bool
	paths     []string
}

func parseScanFlags(args []string, stdout, stderr io.Writer) (*scanFlags, int, bool) {
	sf := &scanFlags{failOn: checks.SeverityHigh}
	fl := flag.NewFlagSet("scan", flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.StringVar(&sf.format, "format", "text", "output format: text, json, sarif or cyclonedx (an AI bill of materials, CycloneDX 1.6 JSON)")
	fl.Var(&sf.failOn, "fail-on", "exit 1 when a finding is at or above this severity (info, low, medium, high, critical, none)")
	fl.StringVar(&sf.config, "config", "", "a ward.yml to apply (default: the repository's .github/ward.yml when scanning inside one; \"none\" for none)")
	fl.StringVar(&sf.root, "root", "", "report paths relative to this directory (default: the working directory)")
	fl.IntVar(&sf.jobs, "jobs", runtime.GOMAXPROCS(0), "files analysed at once")
	fl.StringVar(&sf.stdinName, "stdin-filename", "stdin", "the path reported for \"-\" (its extension picks the language)")
	fl.StringVar(&sf.diff, "diff", "", "scan only what changed since the merge base of `BASE` and HEAD (uncommitted changes included): changed lines, whole files for artifacts, as in a PR review")
	fl.BoolVar(&sf.staged, "staged", false, "scan only what is staged for commit (the index), as --diff does (for pre-commit)")
	fl.StringVar(&sf.baseline, "baseline", "", "report only findings not in this baseline `FILE` (matched by fingerprint)")
	fl.StringVar(&sf.writeBase, "write-baseline", "", "write the findings to this baseline `FILE` and exit 0 (to adopt ward on an existing repository)")
	fl.StringVar(&sf.output, "output", "", "write the report to `FILE` instead of standard output")
	fl.StringVar(&sf.summary, "summary", "", "also append a markdown summary to `FILE` (for $GITHUB_STEP_SUMMARY)")
	fl.BoolVar(&sf.hub, "hub", false, "look up the models the code loads by name on the Hub (WARD_HF_ENDPOINT, WARD_HF_TOKEN)")
	fl.Usage = func() {
		fmt.Fprint(fl.Output(), scanUsage)
		fl.PrintDefaults()
	}
	paths, help, err := parseArgs(fl, args)
	if help {
		fl.SetOutput(stdout)
		fl.Usage()
		return nil, 0, false
	}
	if err != nil {
		return nil, usageError(fl, stderr, err), false
	}
	fl.Visit(func(f *flag.Flag) { sf.failOnSet = sf.failOnSet || f.Name == "fail-on" })
	gitMode := sf.diff != "" || sf.staged
	switch {
	case sf.diff != "" && sf.staged:
		return nil, usageError(fl, stderr, errors.New("--diff and --staged exclude each other")), false
	case len(paths) == 0 && gitMode:
		paths = []string{"."}
	case len(paths) == 0:
		return nil, usageError(fl, stderr, errors.New("no PATH given")), false
	case gitMode && slices.Contains(paths, "-"):
		return nil, usageError(fl, stderr, errors.New("standard input (-) has no diff: drop --diff/--staged")), false
	}
	switch sf.format {
	case "text", "json", "sarif", "cyclonedx":
	default:
		return nil, usageError(fl, stderr, fmt.Errorf("unknown format %q (want text, json, sarif or cyclonedx)", sf.format)), false
	}
	sf.paths = paths
	return sf, 0, true
}

func scanCmd(ctx context.Context, args []string, stdout, stderr io.Writer, set []checks.Check) int {
	sf, code, ok := parseScanFlags(args, stdout, stderr)
	if !ok {
		return code
	}
	root := sf.root
	if root == "" {
		root = "."
	}
	root, err := filepath.Abs(root)
	if err != nil {
		fmt.Fprintf(stderr, "ward scan: %v\n", err)
		return 2
	}
	sf.rootAbs = root
	cfg, err := loadScanConfig(ctx, sf, root)
	if err != nil {
		fmt.Fprintf(stderr, "ward scan: %v\n", err)
		return 2
	}
	targets, err := scanTargets(ctx, sf, root, cfg, set)
	if err != nil {
		fmt.Fprintf(stderr, "ward scan: %v\n", err)
		return 2
	}

	// The scan runs apart so that an interrupt is answered at once: the
	// checks in flight are abandoned, and nothing that looks like a report
	// is printed.
	prog := newProgress(stderr, len(targets))
	type outcome struct {
		res engine.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		opts := engine.Options{Jobs: sf.jobs, Config: cfg, OnFile: prog.add, Checks: set}
		if sf.hub {
			opts.Hub = hubFromEnv(opts.Limits)
		}
		res, err := engine.Run(ctx, targets, opts)
		done <- outcome{res, err}
	}()
	var out outcome
	select {
	case out = <-done:
	case <-ctx.Done():
	}
	prog.done()
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "ward scan: interrupted; no report")
		return interruptedCode(ctx)
	}
	if out.err != nil {
		fmt.Fprintf(stderr, "ward scan: %v\n", out.err)
		return 2
	}
	findings := out.res.Findings
	for _, n := range out.res.Notes {
		fmt.Fprintf(stderr, "ward scan: note: %s\n", n)
	}
	if sf.writeBase != "" {
		b := engine.NewBaseline(findings)
		if err := engine.WriteBaseline(sf.writeBase, b); err != nil {
			fmt.Fprintf(stderr, "ward scan: %v\n", err)
			return 2
		}
		fmt.Fprintf(stderr, "ward scan: wrote %d finding(s) to the baseline %s; scans with --baseline %s report only new ones\n",
			len(b.Findings), sf.writeBase, sf.writeBase)
	}
	if sf.baseline != "" {
		b, err := engine.ReadBaseline(sf.baseline)
		if err != nil {
			fmt.Fprintf(stderr, "ward scan: %v\n", err)
			return 2
		}
		var known int
		if findings, known = b.Filter(findings); known > 0 {
			fmt.Fprintf(stderr, "ward scan: %d finding(s) in the baseline %s not reported\n", known, sf.baseline)
		}
	}
	rep := checks.Report{Tool: "ward", Version: version, FailOn: cfg.FailOn, Files: out.res.Files,
		Bytes: out.res.Bytes, Findings: findings}
	if err := writeReports(sf, rep, targets, stdout); err != nil {
		fmt.Fprintf(stderr, "ward scan: write: %v\n", err)
		return 2
	}
	if len(rep.Failing()) > 0 && sf.writeBase == "" {
		return 1
	}
	return 0
}

// writeReports writes the report in its format (to --output or stdout) and
// the --summary, if asked for.
func writeReports(sf *scanFlags, rep checks.Report, targets []engine.Target, stdout io.Writer) (err error) {
	w := stdout
	if sf.output != "" {
		f, err := os.Create(sf.output)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}()
		w = f
	}
	switch sf.format {
	case "json":
		err = checks.WriteJSON(w, rep)
	case "sarif":
		err = checks.WriteSARIF(w, rep)
	case "cyclonedx":
		err = aibom.Write(w, aibom.Build(aibom.Input{Name: filepath.Base(sf.rootAbs), Version: version,
			Targets: targets, Findings: rep.Findings, Now: time.Now()}))
	default:
		rep.Excerpt = excerpts(targets)
		err = checks.WriteText(w, rep)
	}
	if err != nil || sf.summary == "" {
		return err
	}
	f, err := os.OpenFile(sf.summary, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := checks.WriteMarkdown(f, rep); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loadScanConfig reads --config, or else the .github/ward.yml of the git
// repository holding root. With --diff or --staged it is the base's file
// (the base branch, or HEAD for the index), as the App reads it from the
// base branch: a change cannot weaken its own review by editing ward.yml.
func loadScanConfig(ctx context.Context, sf *scanFlags, root string) (config.Config, error) {
	cfg := config.Default()
	path := sf.config
	var data []byte
	switch {
	case path == "" && (sf.diff != "" || sf.staged):
		top, err := engine.GitTop(ctx, root)
		if err != nil {
			return cfg, err
		}
		b, found, err := engine.BaseConfig(ctx, engine.DiffSource{Top: top, Base: sf.diff, Staged: sf.staged})
		if err != nil {
			return cfg, err
		}
		if found {
			data, path = b, config.Path+" at "+map[bool]string{true: "HEAD", false: sf.diff}[sf.staged]
		}
	case path == "":
		if top := repoTop(root); top != "" {
			if p := filepath.Join(top, filepath.FromSlash(config.Path)); fileExists(p) {
				path = p
			}
		}
	}
	if path != "" && path != "none" {
		if data == nil {
			var err error
			if data, err = os.ReadFile(path); err != nil {
				return cfg, err
			}
		}
		var err error
		if cfg, err = config.Parse(data); err != nil {
			return cfg, fmt.Errorf("%s: %w", path, err)
		}
	}
	if sf.failOnSet || path == "" || path == "none" {
		cfg.FailOn = sf.failOn
	}
	return cfg, nil
}

// repoTop is the work tree holding dir (where .git is), or "".
func repoTop(dir string) string {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

func fileExists(p string) bool {
	info, err := os.Stat(p)
	return err == nil && info.Mode().IsRegular()
}

// scanTargets turns the path arguments into targets: "-" is standard input;
// with --diff or --staged, the changed files under the paths.
func scanTargets(ctx context.Context, sf *scanFlags, root string, cfg config.Config, set []checks.Check) ([]engine.Target, error) {
	if sf.diff != "" || sf.staged {
		top, err := engine.GitTop(ctx, root)
		if err != nil {
			return nil, err
		}
		var within []string
		for _, p := range sf.paths {
			abs, err := filepath.Abs(p)
			if err != nil {
				return nil, err
			}
			within = append(within, abs)
		}
		src := engine.DiffSource{Top: top, Base: sf.diff, Staged: sf.staged,
			WantsBase: func(p string) bool { return checks.WantsBase(set, p) }}
		return engine.Diff(ctx, src, root, within, cfg.PathIgnored)
	}
	var disk []string
	var out []engine.Target
	for _, p := range sf.paths {
		if p != "-" {
			disk = append(disk, p)
			continue
		}
		data, err := readStdin(stdin)
		if err != nil {
			out = append(out, engine.Target{Path: sf.stdinName, Err: err})
			continue
		}
		out = append(out, engine.Target{Path: sf.stdinName, Data: data})
	}
	walked, err := engine.Walk(root, disk, cfg.PathIgnored)
	if err != nil {
		return nil, err
	}
	return append(out, walked...), nil
}

// stdin is what "-" reads; tests replace it.
var stdin io.Reader = os.Stdin

// readStdin reads standard input up to the per-file byte limit.
func readStdin(r io.Reader) ([]byte, error) {
	max := checks.DefaultLimits.MaxFileBytes
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read standard input: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("standard input: %w (over %d bytes)", checks.ErrTooLarge, max)
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

// excerptLines caps how much of a finding's code the text output shows.
const (
	excerptLines    = 5
	excerptLineRune = 160
)

// excerpts gives the text output each finding's lines, read again from the
// target and masked: a secret on the line is not printed.
func excerpts(targets []engine.Target) func(checks.Finding) []string {
	byPath := map[string]engine.Target{}
	for _, t := range targets {
		byPath[t.Path] = t
	}
	var lastPath string
	var lines []string
	return func(f checks.Finding) []string {
		if f.Path != lastPath {
			lastPath, lines = f.Path, nil
			if t, ok := byPath[f.Path]; ok && t.Err == nil {
				lines = fileLines(t)
			}
		}
		if f.StartLine < 1 || f.StartLine > len(lines) {
			return nil
		}
		end := max(f.EndLine, f.StartLine)
		end = min(end, f.StartLine+excerptLines-1, len(lines))
		var shown []string
		for _, l := range lines[f.StartLine-1 : end] {
			if r := []rune(l); len(r) > excerptLineRune {
				l = string(r[:excerptLineRune]) + "…"
			}
			shown = append(shown, l)
		}
		return strings.Split(secrets.MaskText(strings.Join(shown, "\n")), "\n")
	}
}

func fileLines(t engine.Target) []string {
	data := t.Data
	if data == nil {
		info, err := os.Stat(t.Disk)
		if err != nil || info.Size() > checks.DefaultLimits.MaxSourceBytes {
			return nil
		}
		if data, err = os.ReadFile(t.Disk); err != nil {
			return nil
		}
	}
	if checks.LooksBinary(data) {
		return nil
	}
	return strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
}

// progress shows files, bytes and findings so far on a terminal only, so
// piped output stays clean.
type progress struct {
	w        io.Writer
	on       atomic.Bool
	total    int
	files    atomic.Int64
	findings atomic.Int64
	mu       sync.Mutex
	last     time.Time
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 && os.Getenv("CI") == "" {
			p.on.Store(true)
		}
	}
	return p
}

func (p *progress) add(findings int) {
	n := p.files.Add(1)
	p.findings.Add(int64(findings))
	if !p.on.Load() {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.on.Load() || time.Since(p.last) < 100*time.Millisecond && int(n) != p.total {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\rward: %d/%d files, %d findings so far", n, p.total, p.findings.Load())
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.on.Swap(false) { // a check still running after an interrupt must not draw again
		fmt.Fprint(p.w, "\r\033[K")
	}
}
