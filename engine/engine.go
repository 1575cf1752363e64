// Package engine runs ward's checks over a set of files and decides the
// verdict: the pipeline `ward scan` uses, whatever the files come from (a
// directory, a git diff, the index, standard input).
package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ward-sec/ward/changed"
	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/hub"
	"github.com/ward-sec/ward/config"
)

// Target is one file to analyse.
type Target struct {
	// Path is what every output calls the file: slash-separated, relative
	// to the scan root.
	Path string
	// Disk is where the file is read from; Data holds it instead when it
	// does not live on disk (standard input, the git index).
	Disk string
	Data []byte
	// Lines, when set, are the changed lines: findings elsewhere in the
	// file are dropped, as in a PR review. Whole-file findings always count.
	Lines *changed.Lines
	// Status says how a diff changed the file; "" means added.
	Status checks.Status
	// Base is the file's content before the change, for checks that compare.
	Base []byte
	// Err is set when the file or folder could not be read: it is reported
	// as a finding (fail closed) and the rest is scanned.
	Err error
	// Dir says the unreadable path (Err) is a folder.
	Dir bool
	// Tree is the rest of the snapshot, for checks that read sibling files.
	Tree checks.Tree
}

// Options tune one run.
type Options struct {
	Checks []checks.Check // required: cmd builds the set (checks/all)
	Jobs   int            // files analysed at once; 0 means GOMAXPROCS
	Limits checks.Limits
	Config config.Config
	// OnFile is called after each file with its number of findings (for
	// progress output); it may be called from several goroutines.
	OnFile func(findings int)
	// Hub, when set (`ward scan --hub`), checks the models that source
	// files load by name.
	Hub *hub.Checker
}

// Result is what a run found.
type Result struct {
	Findings []checks.Finding // sorted, config applied
	Files    int
	Bytes    int64
	// Notes say why an `ignore:` entry on a finding's path did not apply
	// (expired, content changed, no sha256 for a whole-file finding).
	Notes []string
}

// Run analyses every target with bounded concurrency, applies inline
// suppressions, the changed-line filter and the configuration. It returns
// ctx's error when cancelled, and then no findings: a partial result must
// not read like a complete one.
func Run(ctx context.Context, targets []Target, opts Options) (Result, error) {
	all := opts.Checks
	if all == nil {
		return Result{}, errors.New("engine: no checks (build the set with checks/all)")
	}
	if opts.Hub != nil && (opts.Hub.Cache == nil || opts.Hub.Checks == nil) {
		h := *opts.Hub
		if h.Cache == nil {
			h.Cache = &hub.MemoryCache{} // a model named in many files is read once
		}
		if h.Checks == nil {
			h.Checks = all // downloaded models go through the scan's own checks
		}
		opts.Hub = &h
	}
	jobs := opts.Jobs
	if jobs < 1 {
		jobs = runtime.GOMAXPROCS(0)
	}
	results := make([][]checks.Finding, len(targets))
	var total atomic.Int64
	sem := make(chan struct{}, jobs)
	var wg sync.WaitGroup
	for i, t := range targets {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			results[i] = scanTarget(ctx, t, all, opts, &total)
			if opts.OnFile != nil {
				opts.OnFile(len(results[i]))
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	var out []checks.Finding
	for _, r := range results {
		out = append(out, r...)
	}
	out, notes := opts.Config.ApplyIgnores(opts.Config.ApplyRules(out), time.Now(), contentSHA256(targets))
	checks.Sort(out)
	return Result{Findings: out, Files: len(targets), Bytes: total.Load(), Notes: notes}, nil
}

// contentSHA256 hashes a target's content for `ignore:` entries that name
// one, as a review does: a Git LFS pointer stands for its object's oid.
func contentSHA256(targets []Target) func(path string) (string, error) {
	byPath := make(map[string]Target, len(targets))
	for _, t := range targets {
		byPath[t.Path] = t
	}
	return func(path string) (string, error) {
		t, ok := byPath[path]
		switch {
		case !ok:
			return "", fmt.Errorf("%s is not a scanned file", path)
		case t.Err != nil:
			return "", t.Err
		}
		var r io.Reader = bytes.NewReader(t.Data)
		if t.Data == nil && t.Disk != "" {
			fh, err := os.Open(t.Disk)
			if err != nil {
				return "", err
			}
			defer fh.Close()
			r = fh
		}
		h := sha256.New()
		head := make([]byte, 1024)
		n, _ := io.ReadFull(r, head)
		if oid, _, ok := checks.ParseLFSPointer(head[:n]); ok {
			return oid, nil
		}
		h.Write(head[:n])
		if _, err := io.Copy(h, r); err != nil {
			return "", err
		}
		return hex.EncodeToString(h.Sum(nil)), nil
	}
}

// scanTarget analyses one file, opening it only while it is analysed.
func scanTarget(ctx context.Context, t Target, all []checks.Check, opts Options, total *atomic.Int64) []checks.Finding {
	lim := opts.Limits
	if t.Err != nil {
		return notReadable(t.Path, t.Err, t.Dir)
	}
	var content io.ReaderAt
	size := int64(len(t.Data))
	if t.Data != nil || t.Disk == "" {
		content = bytes.NewReader(t.Data)
	} else {
		fh, err := os.Open(t.Disk)
		if err != nil {
			return notReadable(t.Path, err, false)
		}
		defer fh.Close()
		info, err := fh.Stat()
		if err != nil {
			return notReadable(t.Path, err, false)
		}
		content, size = fh, info.Size()
	}
	total.Add(size)
	f := &checks.File{
		Path:   t.Path,
		Status: checks.StatusAdded,
		Blob:   checks.Blob{Size: size, Content: content},
		Tree:   t.Tree,
		Limits: lim,
	}
	if t.Status != "" {
		f.Status = t.Status
	}
	if t.Base != nil {
		f.Base = &checks.Blob{Size: int64(len(t.Base)), Content: bytes.NewReader(t.Base)}
	}
	findings := AnalyseFile(ctx, f, all, nil)
	if opts.Hub != nil && !f.Binary && f.Size <= f.Limits.Effective().MaxSourceBytes {
		if data, err := f.ReadAll(0); err == nil {
			keep := func(line int) bool { return t.Lines == nil || t.Lines.Touches(line, line) }
			findings = append(findings, CheckHub(ctx, opts.Hub, f.Path, data, keep, findings)...)
		}
	}
	return OnChangedLines(findings, t.Lines)
}
