package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/gguf"
)

// Cache keeps the findings of a hub file by (repository, commit, content
// id, analyser version): a popular model is read once for every repository
// a ward serves.
type Cache interface {
	Get(ctx context.Context, key string) ([]checks.Finding, bool)
	Put(ctx context.Context, key string, fs []checks.Finding)
}

// MemoryCache is a Cache in memory, bounded in entries.
type MemoryCache struct {
	mu sync.Mutex
	m  map[string][]checks.Finding
}

const memoryCacheEntries = 4096

func (c *MemoryCache) Get(_ context.Context, key string) ([]checks.Finding, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fs, ok := c.m[key]
	return fs, ok
}

func (c *MemoryCache) Put(_ context.Context, key string, fs []checks.Finding) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= memoryCacheEntries {
		c.m = map[string][]checks.Finding{}
	}
	c.m[key] = fs
}

// Checker looks up the models that calls load and runs the file checks on
// what they would download.
type Checker struct {
	Client *Client
	Cache  Cache // nil: no cache
	// Checks run on downloaded files; nil: the review's or scan's own set.
	Checks []checks.Check
	Limits checks.Limits
	// Version is the analyser version, part of the cache key.
	Version string
	// MaxFiles bounds the files read for one call.
	MaxFiles int
}

var fullCommit = regexp.MustCompile(`^[0-9a-f]{40}$`)

// Check returns the findings of the calls of one source file, each on the
// call's line. A Hub that cannot be reached gives a not-checked note,
// never a failure of the review.
func (h *Checker) Check(ctx context.Context, file string, calls []Call) []checks.Finding {
	var out []checks.Finding
	seen := map[string]bool{}
	for _, c := range calls {
		key := fmt.Sprintf("%d|%s|%s|%s", c.Line, c.Repo, c.Revision, c.Filename)
		if seen[key] {
			continue
		}
		seen[key] = true
		for _, f := range h.checkCall(ctx, c) {
			f.Path, f.StartLine, f.EndLine = file, c.Line, c.Line
			out = append(out, f)
		}
	}
	return out
}

func (h *Checker) checkCall(ctx context.Context, c Call) []checks.Finding {
	where := c.Repo
	if c.Source == "github" {
		return []checks.Finding{notChecked(c, "torch.hub.load fetches hubconf.py from GitHub, which this check does not read; "+
			"it runs that file's code, so review github.com/"+c.Repo+" at the ref you load")}
	}
	if c.RevisionDynamic {
		return []checks.Finding{notChecked(c, "revision= is not a literal, so ward cannot tell which commit runs")}
	}
	info, err := h.Client.Info(ctx, c.Repo, c.Revision)
	if err != nil {
		return []checks.Finding{notChecked(c, reason(err))}
	}
	at := c.Repo + "@" + orDefault(c.Revision)
	if c.Revision == "" {
		at = c.Repo + "@main"
	}
	tree, err := h.Client.Tree(ctx, c.Repo, info.SHA)
	if err != nil && len(tree) == 0 {
		return []checks.Finding{notChecked(c, reason(err))}
	}
	files, weights, pickleOnly := h.selectFiles(c, tree)
	var out []checks.Finding
	if len(files) == 0 && c.Filename != "" {
		return []checks.Finding{notChecked(c, fmt.Sprintf("%s has no file %s at %s", c.Repo, c.Filename, short(info.SHA)))}
	}
	var worst *checks.Finding
	var worstFile string
	var others []string
	for _, e := range files {
		fs, err := h.scan(ctx, c.Repo, info.SHA, e)
		if err != nil {
			out = append(out, notChecked(c, fmt.Sprintf("%s could not be read (%s)", e.Path, reason(err))))
			continue
		}
		for i := range fs {
			f := fs[i]
			if f.RuleID == RuleRemoteCode {
				out = append(out, f)
				continue
			}
			if f.Severity < checks.SeverityMedium {
				continue
			}
			if worst == nil || f.Severity > worst.Severity {
				worst, worstFile = &fs[i], e.Path
			} else {
				others = append(others, e.Path+": "+f.RuleID)
			}
		}
	}
	if worst != nil {
		msg := fmt.Sprintf("This call loads %s from %s (commit %s): %s", worstFile, at, short(info.SHA),
			lowerFirst(strings.TrimSuffix(firstSentence(stripMember(worst.Message)), ".")))
		if len(others) > 0 {
			msg += fmt.Sprintf(" (%d more finding(s): %s)", len(others), strings.Join(limit(others, 5), ", "))
		}
		out = append(out, checks.Finding{RuleID: RuleUnsafeModel, Severity: worst.Severity,
			Message:  msg + ". Loading it runs on every machine that runs this code.",
			Evidence: "hub:" + c.Repo + ":" + worstFile + ":" + worst.RuleID})
	}
	if pickleOnly && c.Filename == "" {
		out = append(out, checks.Finding{RuleID: RulePickleOnly, Severity: checks.SeverityMedium,
			Message: fmt.Sprintf("%s has only pickle weights (%s), no safetensors: loading them unpickles, which can run code.",
				at, strings.Join(limit(weights, 3), ", ")),
			Evidence: "hub:" + c.Repo + ":pickle-only"})
	}
	if !fullCommit.MatchString(c.Revision) {
		what := "is not pinned to a commit"
		if c.Revision != "" {
			what = fmt.Sprintf("pins %q, a branch or tag that can move", c.Revision)
		}
		f := checks.Finding{RuleID: RuleUnpinned, Severity: checks.SeverityLow,
			Message: fmt.Sprintf("%s %s: it resolves to %s today, and to whatever is pushed there tomorrow. "+
				"Pin revision=\"%s\" (the commit ward reviewed).", where, what, short(info.SHA), info.SHA),
			Evidence: "hub:" + c.Repo + ":unpinned"}
		out = append(out, f)
	}
	return out
}

func limit(xs []string, n int) []string {
	if len(xs) > n {
		return append(xs[:n:n], fmt.Sprintf("and %d more", len(xs)-n))
	}
	return xs
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func firstSentence(s string) string {
	if i := strings.Index(s, ". "); i > 0 {
		return s[:i+1]
	}
	return s
}

// stripMember drops the "archive/data.pkl: " location prefix of model
// findings: the call's message names the file.
func stripMember(s string) string {
	if i := strings.Index(s, ": "); i > 0 && !strings.Contains(s[:i], " ") {
		return s[i+2:]
	}
	return s
}

// reason phrases why a lookup stopped.
func reason(err error) string {
	var he *Error
	if errors.As(err, &he) {
		return he.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return "the Hub did not answer in time"
	}
	return "the Hub could not be reached: " + err.Error()
}

func notChecked(c Call, why string) checks.Finding {
	return checks.Finding{RuleID: RuleNotChecked, Severity: checks.SeverityInfo,
		Message:  fmt.Sprintf("The model this call loads (%s) was not checked: %s.", c.Repo, why),
		Evidence: "hub:" + c.Repo + ":not-checked"}
}

// weightExts are the files a loader reads as weights; pickles first.
var pickleExts = []string{".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".joblib"}

func isPickleWeights(p string) bool {
	for _, e := range pickleExts {
		if strings.HasSuffix(p, e) {
			return true
		}
	}
	return false
}

// loadedByName are the non-weight files from_pretrained and pipelines
// read: configuration (auto_map), tokenizer configuration (chat template).
var loadedByName = map[string]bool{"config.json": true, "tokenizer_config.json": true, "chat_template.jinja": true,
	"chat_template.json": true}

// selectFiles picks what the call would load: the named file; for a
// snapshot, every model file; otherwise the weights a loader prefers
// (safetensors when present, else the pickles) and the configuration.
func (h *Checker) selectFiles(c Call, tree []Entry) (files []Entry, weights []string, pickleOnly bool) {
	max := h.MaxFiles
	if max <= 0 {
		max = 16
	}
	var st, pk, named []Entry
	for _, e := range tree {
		base := path.Base(e.Path)
		switch {
		case c.Filename != "":
			if e.Path == c.Filename {
				return []Entry{e}, nil, false
			}
		case strings.HasSuffix(base, ".safetensors"):
			st = append(st, e)
		case isPickleWeights(base) && !strings.HasPrefix(base, "training_args") && !strings.HasPrefix(base, "optimizer") &&
			!strings.HasPrefix(base, "scheduler") && !strings.HasPrefix(base, "rng_state"):
			pk = append(pk, e)
		case loadedByName[base] && !strings.Contains(e.Path, "/"):
			named = append(named, e)
		case c.Snapshot && (strings.HasSuffix(base, ".gguf") || strings.HasSuffix(base, ".onnx") ||
			strings.HasSuffix(base, ".h5") || strings.HasSuffix(base, ".keras") || strings.HasSuffix(base, ".pb")):
			files = append(files, e)
		}
	}
	if c.Filename != "" {
		return nil, nil, false
	}
	switch {
	case c.Snapshot:
		files = append(files, pk...)
		files = append(files, st...)
	case len(st) > 0:
		files = append(files, st...)
	default:
		files = append(files, pk...)
		for _, e := range pk {
			weights = append(weights, e.Path)
		}
		pickleOnly = len(pk) > 0
	}
	files = append(named, files...)
	sort.SliceStable(files, func(i, j int) bool { return rank(files[i]) < rank(files[j]) })
	if len(files) > max {
		files = files[:max]
	}
	return files, weights, pickleOnly
}

// rank reads pickles first: they are where code hides.
func rank(e Entry) int {
	switch {
	case isPickleWeights(e.Path):
		return 0
	case loadedByName[path.Base(e.Path)]:
		return 1
	}
	return 2
}

// scan runs the file checks on one hub file through range reads, cached
// by repository, commit and content id.
func (h *Checker) scan(ctx context.Context, repo, sha string, e Entry) ([]checks.Finding, error) {
	key := "hub|" + h.Version + "|" + repo + "|" + sha + "|" + e.Path + "|" + e.ContentID()
	if h.Cache != nil {
		if fs, ok := h.Cache.Get(ctx, key); ok {
			return fs, nil
		}
	}
	size := e.Size
	if e.LFS != nil && e.LFS.Size > 0 {
		size = e.LFS.Size
	}
	r := h.Client.Open(ctx, repo, sha, e.Path, size)
	head := make([]byte, min(size, 8000))
	if _, err := r.ReadAt(head, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	f := &checks.File{Path: e.Path, Status: checks.StatusAdded, Blob: checks.Blob{Size: size, Content: r},
		Binary: checks.LooksBinary(head), Limits: h.Limits}
	fs := checks.ScanFile(ctx, f, h.Checks)
	if path.Base(e.Path) == "config.json" {
		// autoMap names the other repositories for a hub model; the
		// model family's own auto_map rule would say the same again
		kept := fs[:0]
		for _, x := range fs {
			if x.RuleID != gguf.RuleRemoteCode {
				kept = append(kept, x)
			}
		}
		fs = append(kept, autoMap(repo, sha, r, e)...)
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	// a read error inside a check shows as a check failure: not cacheable
	for _, x := range fs {
		if x.RuleID == checks.RuleCheckFailed {
			return fs, nil
		}
	}
	if h.Cache != nil {
		h.Cache.Put(ctx, key, fs)
	}
	return fs, nil
}

// autoMap reads config.json's auto_map: classes loaded from another
// repository run that repository's code under trust_remote_code.
func autoMap(repo, sha string, r io.ReaderAt, e Entry) []checks.Finding {
	if e.Size > 1<<20 {
		return nil
	}
	b := make([]byte, e.Size)
	if _, err := r.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return nil
	}
	var cfg struct {
		AutoMap map[string]any `json:"auto_map"`
	}
	if json.Unmarshal(b, &cfg) != nil || len(cfg.AutoMap) == 0 {
		return nil
	}
	others := map[string]bool{}
	var refs []string
	for _, v := range cfg.AutoMap {
		var vals []string
		switch t := v.(type) {
		case string:
			vals = []string{t}
		case []any:
			for _, x := range t {
				if s, ok := x.(string); ok {
					vals = append(vals, s)
				}
			}
		}
		for _, s := range vals {
			refs = append(refs, s)
			if i := strings.Index(s, "--"); i > 0 && s[:i] != repo {
				others[s[:i]] = true
			}
		}
	}
	if len(others) == 0 {
		return nil
	}
	repos := make([]string, 0, len(others))
	for r := range others {
		repos = append(repos, r)
	}
	sort.Strings(repos)
	sort.Strings(refs)
	return []checks.Finding{{RuleID: RuleRemoteCode, Severity: checks.SeverityHigh,
		Message: fmt.Sprintf("config.json of %s (commit %s) has auto_map entries that run code from %s (%s): with trust_remote_code=True "+
			"the loader downloads and imports Python from a repository this code never names.", repo, short(sha),
			strings.Join(repos, ", "), strings.Join(limit(refs, 3), ", ")),
		Evidence: "hub:" + repo + ":auto_map:" + strings.Join(repos, ",")}}
}
