package review

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ward-sec/ward/changed"
	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/hub"
	"github.com/ward-sec/ward/checks/model/modeldiff"
	"github.com/ward-sec/ward/config"
	"github.com/ward-sec/ward/engine"
)

// ErrAlreadyPublished is returned by StartCheckRun when this job's check run
// is already completed: the review was published and must not be again.
var ErrAlreadyPublished = errors.New("review already published")

// ErrSuperseded means the PR's head moved on since the job was queued.
var ErrSuperseded = errors.New("pull request head moved on")

// Cache keeps analysis results by content, so the same checkpoint pushed to
// many PRs is read once (invariant 6). A review looks up every key it can
// compute up front in one GetMany (the rest, whose key needs the base
// content, one by one) and writes its new results in batches (see
// cacheWriter), not one database round trip per file. A lookup or write
// that fails only costs a re-analysis.
type Cache interface {
	// GetMany returns the findings of the keys it holds; a key missing from
	// the map is analysed.
	GetMany(ctx context.Context, keys []string) map[string][]checks.Finding
	PutMany(ctx context.Context, entries []CacheEntry)
}

// CacheEntry is one file's analysis result under its content key.
type CacheEntry struct {
	Key      string
	Findings []checks.Finding
}

// Options tune one review.
type Options struct {
	// HeadSHA is the commit the job was queued for; empty means "current head".
	HeadSHA string
	Checks  []checks.Check // required: cmd builds the set (checks/all)
	Limits  checks.Limits
	Cache   Cache
	// Ignores are maintainers' /ignore records for this PR.
	Ignores []config.IgnoreEntry
	// MaxFiles is GitHub's limit for the files endpoint.
	MaxFiles int
	// MaxInlineComments caps one review's comments; the rest go to the summary.
	MaxInlineComments int
	// FetchConcurrency bounds parallel blob downloads.
	FetchConcurrency int
	Logger           *slog.Logger

	// dataKey is the hash of the checks' data sources and the analyser's
	// version (checks.AnalyserVersion), computed once a review and part of
	// every file's cache key.
	dataKey string
	// cacheW buffers the review's new cache entries; nil without a Cache.
	cacheW *cacheWriter
	// SecondOpinion, when set and the base branch's config says
	// `second_opinion: on`, adds advisory notes; it never changes the verdict.
	SecondOpinion SecondOpinion
	// Hub, when set and the base branch's config says `hub_check: on`,
	// checks the models that added code loads by name.
	Hub *hub.Checker
}

// Result is what one review decided and published.
type Result struct {
	CheckRunID int64
	Conclusion string // success, failure or neutral
	Findings   []checks.Finding
	Skipped    []Skipped
	Files      int
	Posted     int // inline comments posted
	Kept       int // inline comments already present and still valid
	Removed    int // stale comments resolved or removed (fixed since the last push)
	Held       int // inline comments held back on a draft
	Overflow   int // findings not commented inline: over MaxInlineComments
	Coverage   Coverage
	// DataSources says what data the checks used (for example which OSV
	// sources), from checks that report a Status.
	DataSources []string
	// Exceptions says which ignore entries no longer apply, and why
	// (content changed since it was accepted, expired, not allowed).
	Exceptions []string
	// Advisory holds the second opinion's note per finding fingerprint, shown
	// next to the finding; it changes nothing else.
	Advisory map[string]string
	// ModelChanges describes each changed model file against its base.
	ModelChanges []*modeldiff.Change
	// ConfigIgnores are the `ignore:` entries of the configuration the review
	// applied (organisation and repository), for ward's exceptions page.
	ConfigIgnores []config.IgnoreEntry
}

// statusReporter is implemented by checks whose results depend on data
// outside the file (for example OSV advisories).
type statusReporter interface{ Status() string }

// dataSources lists the checks' statuses; they are part of the cache key, so
// changing a check's data source re-analyses the files.
func dataSources(all []checks.Check) []string {
	var out []string
	for _, c := range all {
		if s, ok := c.(statusReporter); ok {
			out = append(out, c.Name()+": "+s.Status())
		}
	}
	return out
}

// Skipped is a changed file the review did not analyse, and why.
type Skipped struct {
	Path   string
	Reason string
}

// reviewedFile is a changed file with what the diff says about its lines.
type reviewedFile struct {
	ChangedFile
	lines    changed.Lines
	findings []checks.Finding
	// cacheKey is set when the key was looked up before the analysis (it
	// does not depend on the base content); hit and cached are the answer.
	cacheKey string
	hit      bool
	cached   []checks.Finding
	// blob is the head content of a model file, kept for its description.
	blob *checks.Blob
}

// Run reviews one PR and publishes the result. On error the caller retries;
// the check run it started is reused by StartCheckRun on the next attempt.
func Run(ctx context.Context, gh GitHub, opts Options) (*Result, error) {
	if opts.Checks == nil {
		return nil, errors.New("review: no checks (build the set with checks/all)")
	}
	opts = withDefaults(opts)
	log := opts.Logger
	pr, err := gh.PullRequest(ctx)
	if err != nil {
		return nil, fmt.Errorf("get pull request: %w", err)
	}
	if opts.HeadSHA != "" && pr.HeadSHA != opts.HeadSHA {
		return nil, fmt.Errorf("%w: queued for %s, now %s", ErrSuperseded, short(opts.HeadSHA), short(pr.HeadSHA))
	}
	started := time.Now()
	res := &Result{}
	if res.CheckRunID, err = gh.StartCheckRun(ctx, pr.HeadSHA); err != nil {
		if errors.Is(err, ErrAlreadyPublished) {
			return res, err
		}
		return nil, fmt.Errorf("start check run: %w", err)
	}
	cfg, cfgNote := loadConfig(ctx, gh, pr)

	listed, err := gh.ChangedFiles(ctx)
	if err != nil {
		return res, fmt.Errorf("list changed files: %w", err)
	}
	all := opts.Checks
	files, skipped := selectFiles(listed, cfg, opts.MaxFiles)
	res.Skipped = skipped
	res.Files = len(files)
	res.DataSources = dataSources(all)
	res.Coverage = coverageOf(pr, listed, files)
	if err := analyse(ctx, gh, pr, files, all, opts); err != nil {
		return res, err
	}
	hubFindings(ctx, files, cfg, all, opts)
	res.ModelChanges = describeModels(ctx, gh, pr, files, opts)

	var findings []checks.Finding
	for _, f := range files {
		findings = append(findings, f.findings...)
	}
	res.ConfigIgnores = cfg.Ignore
	findings = cfg.ApplyRules(findings)
	cfgNote += forkNote(distrustForkSuppressions(pr, findings))
	findings, res.Exceptions = newExceptions(ctx, gh, pr, cfg, files, all, opts).apply(findings, opts.Ignores)
	checks.Sort(findings)
	res.Findings = findings

	res.Conclusion = conclude(findings, cfg, len(files))
	if unlisted := res.Coverage.Total - res.Coverage.Listed; unlisted > 0 && !pr.MergeGroup && cfg.FailOn != checks.SeverityNone {
		// Files GitHub never listed were not reviewed: fail closed.
		res.Conclusion = "failure"
		cfgNote += fmt.Sprintf("GitHub's files API listed %d of this pull request's %d changed files; the other %d were not "+
			"reviewed, so this check fails closed. Split the pull request so that each has at most %d files. ",
			res.Coverage.Listed, res.Coverage.Total, unlisted, opts.MaxFiles)
	}
	log.InfoContext(ctx, "review analysed", "files", len(files), "findings", len(findings),
		"conclusion", res.Conclusion, "elapsed_ms", time.Since(started).Milliseconds())

	byPath := map[string]*reviewedFile{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	adv := secondOpinion(ctx, opts, cfg, pr, files, res)
	if err := publishComments(ctx, gh, pr, cfg, byPath, res, opts); err != nil {
		return res, err
	}
	publishAdvice(ctx, gh, pr, cfg, adv, opts)
	res.Advisory = advisoryNotes(adv)
	out := renderCheckRun(pr, cfg, cfgNote, res)
	out.Summary = withAdvice(out.Summary, adv)
	out.Summary = withModelChanges(out.Summary, res.ModelChanges, findings)
	anns := annotations(findings)
	annotateAdvice(anns, adv)
	for len(anns) > 50 {
		if err := gh.AddAnnotations(ctx, res.CheckRunID, out.Title, out.Summary, anns[:50]); err != nil {
			return res, fmt.Errorf("add annotations: %w", err)
		}
		anns = anns[50:]
	}
	out.Annotations = anns
	var actions []CheckRunAction
	if res.Conclusion == "failure" {
		actions = []CheckRunAction{
			{Label: "Re-run ward", Description: "Review the head commit again", Identifier: "rerun"},
			{Label: "Explain findings", Description: "Post how to fix each rule", Identifier: "explain"},
		}
	}
	if err := gh.CompleteCheckRun(ctx, res.CheckRunID, res.Conclusion, out, actions); err != nil {
		return res, fmt.Errorf("complete check run: %w", err)
	}
	if cfg.CodeScanning {
		uploadCodeScanning(ctx, gh, pr, findings, log)
	}
	return res, nil
}

func withDefaults(o Options) Options {
	if o.MaxFiles <= 0 {
		o.MaxFiles = 3000
	}
	if o.MaxInlineComments <= 0 {
		o.MaxInlineComments = 30
	}
	if o.FetchConcurrency <= 0 {
		o.FetchConcurrency = 8
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// loadConfig reads ward.yml from the BASE commit (and the org defaults and
// floor). A broken config falls back to the defaults, which fail on high,
// and says so; so do settings the organisation's floor overrode and rule
// ids ward does not know.
func loadConfig(ctx context.Context, gh GitHub, pr *PullRequest) (config.Config, string) {
	var notes []string
	org := config.Default()
	if raw, err := gh.OrgConfig(ctx); err == nil && raw != nil {
		if c, err := config.Parse(raw); err == nil {
			org = c
		} else {
			notes = append(notes, "The organisation's ward.yml could not be read ("+err.Error()+"); its defaults were not applied.")
		}
	}
	cfg := org
	raw, err := gh.FileAt(ctx, config.Path, pr.BaseSHA)
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		notes = append(notes, fmt.Sprintf("`%s` on the base branch could not be fetched (%v); defaults were used.", config.Path, err))
	case err == nil:
		repo, perr := config.Parse(raw)
		if perr != nil {
			notes = append(notes, fmt.Sprintf("`%s` on the base branch is invalid (%v); defaults were used.", config.Path, perr))
			break
		}
		var floor []string
		cfg, floor = config.Merge(org, repo, raw)
		notes = append(notes, floor...)
	}
	if err != nil {
		notes = append(notes, cfg.ApplyFloor()...)
	}
	notes = append(notes, cfg.Warnings()...)
	if len(notes) == 0 {
		return cfg, ""
	}
	return cfg, strings.Join(notes, " ") + " "
}

// selectFiles drops removed and ignored files and applies the file cap.
func selectFiles(listed []ChangedFile, cfg config.Config, max int) ([]*reviewedFile, []Skipped) {
	var files []*reviewedFile
	var skipped []Skipped
	for _, c := range listed {
		switch {
		case c.Status == "removed":
			continue
		case cfg.PathIgnored(c.Path):
			skipped = append(skipped, Skipped{c.Path, "matches `paths.ignore` in the base branch's ward.yml"})
			continue
		case len(files) >= max:
			skipped = append(skipped, Skipped{c.Path, fmt.Sprintf("over the limit of %d files a review", max)})
			continue
		}
		f := &reviewedFile{ChangedFile: c}
		var err error
		if f.lines, err = changed.ParsePatch(c.Path, c.Patch); err != nil {
			f.lines = changed.Lines{} // unknown lines: every line counts, nothing is commented inline
		}
		files = append(files, f)
	}
	return files, skipped
}

// analyse fetches each file and runs the checks, with bounded concurrency.
func analyse(ctx context.Context, gh GitHub, pr *PullRequest, files []*reviewedFile, all []checks.Check, opts Options) error {
	opts.dataKey = checks.AnalyserVersion(all) + "|" + hashBytes([]byte(strings.Join(dataSources(all), "\n")))
	if opts.Cache != nil {
		opts.cacheW = &cacheWriter{cache: opts.Cache, size: cacheBatch}
		// Results already analysed are worth keeping even when another
		// file failed: the retry then reads only what is missing.
		defer opts.cacheW.flush(ctx)
		lookUpCache(ctx, files, all, opts)
	}
	tree := &prTree{ctx: ctx, gh: gh, ref: pr.HeadSHA}
	for _, f := range files {
		tree.paths = append(tree.paths, f.Path)
	}
	sort.Strings(tree.paths)
	sem := make(chan struct{}, opts.FetchConcurrency)
	var wg sync.WaitGroup
	errs := make([]error, len(files))
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = analyseFile(ctx, gh, pr, f, all, tree, opts)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// needsBase reports whether the checks read the file's base version, whose
// content is then part of the cache key.
func needsBase(f *reviewedFile, all []checks.Check) bool {
	return f.Status != "added" && checks.WantsBase(all, f.Path)
}

// cacheKey names a file's analysis result: the analyser's version and the
// checks' data sources (dataKey), the path, the blob and, when the checks
// read it, the base.
func cacheKey(f *reviewedFile, dataKey, baseHash string) string {
	key := dataKey + "|" + f.Path + "|" + f.BlobSHA
	if baseHash != "" {
		key += "|base:" + baseHash
	}
	return key
}

// lookUpCache asks the cache at once for every file whose key does not
// depend on its base content.
func lookUpCache(ctx context.Context, files []*reviewedFile, all []checks.Check, opts Options) {
	var keys []string
	for _, f := range files {
		if f.BlobSHA != "" && !needsBase(f, all) {
			f.cacheKey = cacheKey(f, opts.dataKey, "")
			keys = append(keys, f.cacheKey)
		}
	}
	if len(keys) == 0 {
		return
	}
	hits := opts.Cache.GetMany(ctx, keys)
	for _, f := range files {
		if f.cacheKey != "" {
			f.cached, f.hit = hits[f.cacheKey]
		}
	}
}

func analyseFile(ctx context.Context, gh GitHub, pr *PullRequest, f *reviewedFile, all []checks.Check, tree checks.Tree, opts Options) error {
	if pin, ok := submodulePin(f.ChangedFile); ok {
		f.findings = []checks.Finding{pin}
		return nil
	}
	key, findings, cached := f.cacheKey, f.cached, f.hit
	var base *checks.Blob
	var notRead error // the file (or what the checks need of it) could not be fetched
	if key == "" {
		baseHash := ""
		if needsBase(f, all) {
			prev := f.Path
			if f.PreviousPath != "" {
				prev = f.PreviousPath
			}
			if data, err := gh.FileAt(ctx, prev, pr.BaseSHA); err == nil {
				base = &checks.Blob{Size: int64(len(data)), Content: strings.NewReader(string(data))}
				baseHash = hashBytes(data)
			} else if !errors.Is(err, fs.ErrNotExist) {
				notRead = fmt.Errorf("its base version could not be fetched: %w", err)
			}
		}
		key = cacheKey(f, opts.dataKey, baseHash)
		if opts.Cache != nil && f.BlobSHA != "" && notRead == nil {
			findings, cached = opts.Cache.GetMany(ctx, []string{key})[key]
		}
	}
	if !cached {
		blob, err := headBlob(ctx, gh, f)
		if err != nil {
			if ctx.Err() != nil {
				return err // the review itself ran out of time: not this file's fault
			}
			// One file GitHub will not serve is that file's finding; the
			// rest of the PR is still reviewed.
			opts.Logger.WarnContext(ctx, "file not read", "path", f.Path, "err", err)
			f.findings = checks.Finish([]checks.Finding{checks.NotReadFinding(f.Path, err)})
			return nil
		}
		blob, lfsErr := resolveLFS(ctx, gh, blob)
		if describable(f) && lfsErr == nil {
			f.blob = blob // the model description reads the same ranges again
		}
		if lfsErr != nil {
			notRead = lfsErr
		}
		cf := &checks.File{Path: f.Path, Status: checks.Status(f.Status), Blob: *blob, Base: base, Tree: tree, Limits: opts.Limits}
		if f.Status == "renamed" || f.Status == "copied" {
			cf.Status = checks.StatusRenamed
		} else if f.Status != "added" {
			cf.Status = checks.StatusModified
		}
		// The same per-file pipeline as `ward scan`: checks, not-read
		// finding, inline suppressions.
		findings = engine.AnalyseFile(ctx, cf, all, notRead)
		// A scan cut short by cancellation, missing part of its input, or
		// cut short by the process's load (a Transient finding) may have
		// missed findings: only a complete one is cached.
		if opts.cacheW != nil && f.BlobSHA != "" && ctx.Err() == nil && !hasRule(findings, checks.RuleNotRead) &&
			!slices.ContainsFunc(findings, func(x checks.Finding) bool { return x.Transient }) {
			opts.cacheW.put(ctx, key, findings)
		}
	}
	f.findings = engine.OnChangedLines(findings, &f.lines)
	return nil
}

func hasRule(fs []checks.Finding, id string) bool {
	for _, f := range fs {
		if f.RuleID == id {
			return true
		}
	}
	return false
}

// headBlob is a changed file's content at the head. An added text file's
// patch holds all of it: rebuilt from there and checked against the blob
// hash, it costs no request (a 3,000-file PR of new files would otherwise
// spend 3,000 of the installation's hourly requests, and minutes of
// GitHub's per-minute limit). Anything else is downloaded.
func headBlob(ctx context.Context, gh GitHub, f *reviewedFile) (*checks.Blob, error) {
	if f.Status == "added" {
		if data, ok := changed.FileFromPatch(f.Path, f.Patch, f.BlobSHA); ok {
			return &checks.Blob{Size: int64(len(data)), Content: bytes.NewReader(data)}, nil
		}
	}
	blob, err := gh.Blob(ctx, f.BlobSHA, f.Size)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", f.Path, err)
	}
	return blob, nil
}

// LFSReader is implemented by GitHub clients that can read Git LFS objects
// (the LFS batch API, then ranged downloads).
type LFSReader interface {
	LFSObject(ctx context.Context, oid string, size int64) (*checks.Blob, error)
}

// resolveLFS replaces a Git LFS pointer with the object it points at, so the
// checks see the model rather than the pointer. When the object cannot be
// read, the pointer stays and the error says why: the file is then
// reported as not read (fail closed), not passed as a small text file.
func resolveLFS(ctx context.Context, gh GitHub, blob *checks.Blob) (*checks.Blob, error) {
	lr, ok := gh.(LFSReader)
	if !ok || blob.Size > 1024 {
		return blob, nil
	}
	head := make([]byte, blob.Size)
	n, _ := blob.Content.ReadAt(head, 0)
	oid, size, ok := checks.ParseLFSPointer(head[:n])
	if !ok {
		return blob, nil
	}
	obj, err := lr.LFSObject(ctx, oid, size)
	if err != nil {
		return blob, fmt.Errorf("its Git LFS object %s could not be read: %w", oid, err)
	}
	return obj, nil
}

// conclude applies the gate: any unsuppressed finding at or above fail_on
// fails; nothing reviewable is neutral.
func conclude(fs []checks.Finding, cfg config.Config, files int) string {
	if len(checks.Failing(fs, cfg.FailOn)) > 0 {
		return "failure"
	}
	if files == 0 {
		return "neutral"
	}
	return "success"
}

// prTree gives checks access to other files of the repository at the head
// commit. Lookups are cached: every Python file of a PR asks for the same
// manifests, and each miss would otherwise be an API call.
type prTree struct {
	once  sync.Once
	ctx   context.Context
	gh    GitHub
	ref   string
	paths []string
	links map[string]TreeFile // symbolic links (mode 120000) by path
	mu    sync.Mutex
	files map[string]treeEntry
	// targets caches the links read (their blobs hold the target)
	targets map[string]treeEntry
}

type treeEntry struct {
	data []byte
	err  error
}

// TreeFile is one file of a commit's tree, with its git mode ("100644",
// "100755", "120000" for a symbolic link) and blob.
type TreeFile struct {
	Path, Mode, SHA string
	Size            int64
}

// modeSymlink is git's mode of a symbolic link: its blob holds the target.
const modeSymlink = "120000"

// TreeLister is implemented by GitHub clients that can list a commit's files
// (the git trees API); without it, or when it fails, the tree is the PR's
// changed files and no link is known.
type TreeLister interface {
	TreeFiles(ctx context.Context, sha string) ([]TreeFile, error)
}

// Paths lists the repository's files at the head commit, asked for once per
// review and only when a check needs it (for example the manifests that pin
// torch).
func (t *prTree) Paths() []string {
	t.once.Do(func() {
		tl, ok := t.gh.(TreeLister)
		if !ok {
			return
		}
		all, err := tl.TreeFiles(t.ctx, t.ref)
		if err != nil || len(all) == 0 {
			return
		}
		t.paths = t.paths[:0]
		for _, f := range all {
			t.paths = append(t.paths, f.Path)
			if f.Mode == modeSymlink {
				if t.links == nil {
					t.links = map[string]TreeFile{}
				}
				t.links[f.Path] = f
			}
		}
		sort.Strings(t.paths)
	})
	return t.paths
}

// maxLinkTarget bounds what is read of a link's blob (git allows any size;
// a path is short).
const maxLinkTarget = 4096

// Readlink implements checks.LinkTree from the tree's modes: a link's blob
// holds its target.
func (t *prTree) Readlink(ctx context.Context, p string) (string, bool, error) {
	t.Paths()
	l, ok := t.links[p]
	if !ok {
		return "", false, nil
	}
	e := t.cached(&t.targets, p, func() (e treeEntry) {
		var b *checks.Blob
		if b, e.err = t.gh.Blob(ctx, l.SHA, l.Size); e.err == nil {
			n := min(b.Size, maxLinkTarget)
			e.data = make([]byte, n)
			if _, err := b.Content.ReadAt(e.data, 0); err != nil && !errors.Is(err, io.EOF) {
				e.err = err
			}
		}
		if e.err != nil {
			e.err = fmt.Errorf("read link %s: %w", p, e.err)
		}
		return e
	}, func(treeEntry) bool { return true })
	if e.err != nil {
		return "", true, e.err
	}
	return string(e.data), true, nil
}

func (t *prTree) Open(ctx context.Context, path string) (*checks.Blob, error) {
	e := t.cached(&t.files, path, func() (e treeEntry) {
		e.data, e.err = t.gh.FileAt(ctx, path, t.ref)
		return e
	}, func(e treeEntry) bool {
		return e.err == nil || errors.Is(e.err, fs.ErrNotExist) // a transient error is retried
	})
	if e.err != nil {
		return nil, e.err
	}
	return &checks.Blob{Size: int64(len(e.data)), Content: strings.NewReader(string(e.data))}, nil
}

// cached returns the entry for key in *m, loading it on a miss (outside the
// lock: loads are network reads) and keeping it when keep says so.
func (t *prTree) cached(m *map[string]treeEntry, key string, load func() treeEntry, keep func(treeEntry) bool) treeEntry {
	t.mu.Lock()
	e, ok := (*m)[key]
	t.mu.Unlock()
	if ok {
		return e
	}
	e = load()
	if keep(e) {
		t.mu.Lock()
		if *m == nil {
			*m = map[string]treeEntry{}
		}
		(*m)[key] = e
		t.mu.Unlock()
	}
	return e
}

func short(sha string) string {
	if len(sha) > 7 {
		return sha[:7]
	}
	return sha
}
