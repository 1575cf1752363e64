package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/review"
)

func scanCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fl := flag.NewFlagSet("scan", flag.ContinueOnError)
	fl.SetOutput(stderr)
	format := fl.String("format", "text", "output format: text, json or sarif")
	failOn := checks.SeverityHigh
	fl.Var(&failOn, "fail-on", "exit 1 when a finding is at or above this severity (info, low, medium, high, critical, none)")
	configPath := fl.String("config", "", "a ward.yml to apply (default: none)")
	jobs := fl.Int("jobs", runtime.GOMAXPROCS(0), "files analysed at once")
	fl.Usage = func() {
		fmt.Fprint(stderr, "Usage: ward scan [--format text|json|sarif] [--fail-on SEVERITY] [--config FILE] PATH...\n\n")
		fl.PrintDefaults()
		fmt.Fprint(stderr, "\nExit status: 0 nothing at or above the threshold, 1 findings at or above it, 2 usage or I/O error.\n")
	}
	if err := fl.Parse(args); err != nil {
		return 2
	}
	failOnSet := false
	fl.Visit(func(f *flag.Flag) { failOnSet = failOnSet || f.Name == "fail-on" })
	if fl.NArg() == 0 {
		fl.Usage()
		return 2
	}
	switch *format {
	case "text", "json", "sarif":
	default:
		fmt.Fprintf(stderr, "ward scan: unknown format %q (want text, json or sarif)\n", *format)
		return 2
	}
	cfg := review.DefaultConfig()
	if *configPath != "" {
		data, err := os.ReadFile(*configPath)
		if err != nil {
			fmt.Fprintf(stderr, "ward scan: %v\n", err)
			return 2
		}
		if cfg, err = review.ParseConfig(data); err != nil {
			fmt.Fprintf(stderr, "ward scan: %s: %v\n", *configPath, err)
			return 2
		}
	}
	if failOnSet || *configPath == "" {
		cfg.FailOn = failOn
	}

	targets, err := collect(fl.Args(), cfg)
	if err != nil {
		fmt.Fprintf(stderr, "ward scan: %v\n", err)
		return 2
	}
	prog := newProgress(stderr, len(targets))
	findings, bytes, err := scanTargets(ctx, targets, *jobs, prog)
	prog.done()
	if err != nil {
		fmt.Fprintf(stderr, "ward scan: %v\n", err)
		return 2
	}
	findings = cfg.Apply(findings)
	checks.Sort(findings)
	rep := checks.Report{Tool: "ward", Version: version, FailOn: cfg.FailOn, Files: len(targets), Bytes: bytes, Findings: findings}
	switch *format {
	case "json":
		err = checks.WriteJSON(stdout, rep)
	case "sarif":
		err = checks.WriteSARIF(stdout, rep)
	default:
		err = checks.WriteText(stdout, rep)
	}
	if err != nil {
		fmt.Fprintf(stderr, "ward scan: write: %v\n", err)
		return 2
	}
	if len(rep.Failing()) > 0 {
		return 1
	}
	return 0
}

// target is one file to scan: where it is on disk and the path reports use.
type target struct {
	disk string
	rel  string
	root string // directory the argument named, for the snapshot tree
}

// collect walks the arguments. Reported paths are relative to the argument
// for directories, and as given for files.
func collect(args []string, cfg review.Config) ([]target, error) {
	var out []target
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, target{disk: arg, rel: filepath.ToSlash(arg), root: filepath.Dir(arg)})
			continue
		}
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return fmt.Errorf("walk %s: %w", p, err)
			}
			if d.IsDir() {
				if d.Name() == ".git" && p != arg {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.Type().IsRegular() {
				return nil // symlinks and devices: the target is scanned where it lives
			}
			rel, err := filepath.Rel(arg, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if cfg.PathIgnored(rel) {
				return nil
			}
			out = append(out, target{disk: p, rel: rel, root: arg})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// scanTargets analyses files with bounded concurrency, opening each only
// while it is analysed.
func scanTargets(ctx context.Context, targets []target, jobs int, prog *progress) ([]checks.Finding, int64, error) {
	if jobs < 1 {
		jobs = 1
	}
	all := checks.Registered()
	trees := map[string]*dirTree{} // one per root: its listing is walked once
	for _, t := range targets {
		if trees[t.root] == nil {
			trees[t.root] = &dirTree{root: t.root}
		}
	}
	results := make([][]checks.Finding, len(targets))
	errs := make([]error, len(targets))
	var total atomic.Int64
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i], errs[i] = scanOne(ctx, t, trees[t.root], all, &total)
			prog.add(len(results[i]))
		}()
	}
	wg.Wait()
	var out []checks.Finding
	for i := range targets {
		if errs[i] != nil {
			return nil, 0, errs[i]
		}
		out = append(out, results[i]...)
	}
	return out, total.Load(), nil
}

func scanOne(ctx context.Context, t target, tree *dirTree, all []checks.Check, total *atomic.Int64) ([]checks.Finding, error) {
	fh, err := os.Open(t.disk)
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", t.disk, err)
	}
	defer fh.Close()
	info, err := fh.Stat()
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", t.disk, err)
	}
	total.Add(info.Size())
	f := &checks.File{
		Path:   t.rel,
		Status: checks.StatusAdded,
		Blob:   checks.Blob{Size: info.Size(), Content: fh},
		Tree:   tree,
	}
	f.Binary = checks.LooksBinary(f.Head(8000))
	findings := checks.ScanFile(ctx, f, all)
	if !f.Binary && len(findings) > 0 && f.Size <= f.Limits.Effective().MaxSourceBytes {
		if content, err := f.ReadAll(0); err == nil {
			findings = review.ApplyInline(f.Path, content, findings)
		}
	}
	return findings, nil
}

// dirTree lets checks read sibling files of a scanned directory. The listing
// is walked once, on first use, and shared by every file under the root.
type dirTree struct {
	root  string
	once  sync.Once
	paths []string
}

func (d *dirTree) Paths() []string {
	d.once.Do(func() { d.paths = listTree(d.root) })
	return d.paths
}

// treeFileMax bounds what a check may read of a sibling file (manifests,
// ONNX external-data headers); larger ones are not loaded into memory.
const treeFileMax = 16 << 20

func listTree(root string) []string {
	var out []string
	_ = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || len(out) > 100_000 {
			return filepath.SkipAll
		}
		if e.IsDir() && e.Name() == ".git" {
			return filepath.SkipDir
		}
		if e.Type().IsRegular() {
			if rel, err := filepath.Rel(root, p); err == nil {
				out = append(out, filepath.ToSlash(rel))
			}
		}
		return nil
	})
	sort.Strings(out)
	return out
}

func (d *dirTree) Open(_ context.Context, p string) (*checks.Blob, error) {
	clean := filepath.Clean(filepath.FromSlash(p))
	if filepath.IsAbs(clean) || strings.HasPrefix(clean, "..") {
		return nil, fmt.Errorf("open %s: outside the scanned tree: %w", p, fs.ErrNotExist)
	}
	full := filepath.Join(d.root, clean)
	if info, err := os.Stat(full); err != nil {
		return nil, err
	} else if info.Size() > treeFileMax {
		return nil, fmt.Errorf("open %s: %w (%d bytes)", p, checks.ErrTooLarge, info.Size())
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return nil, err
	}
	return &checks.Blob{Size: int64(len(data)), Content: strings.NewReader(string(data))}, nil
}

// progress shows files, bytes and findings so far on a terminal only, so
// piped output stays clean.
type progress struct {
	w        io.Writer
	on       bool
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
			p.on = true
		}
	}
	return p
}

func (p *progress) add(findings int) {
	n := p.files.Add(1)
	p.findings.Add(int64(findings))
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 100*time.Millisecond && int(n) != p.total {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\rward: %d/%d files, %d findings so far", n, p.total, p.findings.Load())
}

func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
