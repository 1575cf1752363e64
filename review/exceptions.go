package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"
	"time"

	"github.com/ward-sec/ward/changed"
	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
)

// BlobLocator is implemented by GitHub clients that can name the blob a
// path had at a commit without downloading it (the contents API's sha).
// Without it the review downloads the file and hashes it.
type BlobLocator interface {
	BlobSHAAt(ctx context.Context, path, ref string) (sha string, size int64, err error)
}

// Authorizer is implemented by GitHub clients that can say whether a user
// is a repository admin or a member of a team (for `enforce.ignore_critical`).
type Authorizer interface {
	IsAdmin(ctx context.Context, login string) (bool, error)
	InTeam(ctx context.Context, org, slug, login string) (bool, error)
}

// exceptions decides whether ignore entries (the base branch's ward.yml and
// maintainers' /ignore records) apply to findings. Each applies only to the
// content it was granted for (invariant 8):
//   - a ward.yml entry with `sha256:` to the file with those bytes (for a
//     Git LFS file, the object's oid); without it, to line findings only
//     (a path policy): a whole-file finding — an artifact, a binary, a file
//     not read — is accepted only for named content;
//   - an /ignore to the file as it was at the head its maintainer saw: the
//     same blob, or for a line finding the same fingerprint (rule, path and
//     offending text);
//   - an expired entry to nothing.
//
// Whatever stops applying is said in the check run, with who accepted it.
type exceptions struct {
	ctx    context.Context
	gh     GitHub
	pr     *PullRequest
	cfg    config.Config
	all    []checks.Check
	opts   Options
	byPath map[string]*reviewedFile
	now    time.Time

	mu     sync.Mutex
	notes  []string
	noted  map[string]bool
	sums   map[string]string          // path -> sha256 of its head content
	blobs  map[string]string          // path@ref -> blob sha ("" when absent)
	fps    map[string]map[string]bool // path@ref -> fingerprints found there
	admins map[string]bool
}

func newExceptions(ctx context.Context, gh GitHub, pr *PullRequest, cfg config.Config, files []*reviewedFile, all []checks.Check, opts Options) *exceptions {
	e := &exceptions{ctx: ctx, gh: gh, pr: pr, cfg: cfg, all: all, opts: opts, now: time.Now(),
		byPath: map[string]*reviewedFile{}, noted: map[string]bool{}, sums: map[string]string{},
		blobs: map[string]string{}, fps: map[string]map[string]bool{}, admins: map[string]bool{}}
	for _, f := range files {
		e.byPath[f.Path] = f
	}
	return e
}

// apply marks the findings the entries silence and returns them with the
// notes about entries that no longer apply.
func (x *exceptions) apply(fs []checks.Finding, ignores []config.IgnoreEntry) ([]checks.Finding, []string) {
	for i := range fs {
		f := &fs[i]
		if f.Suppressed {
			continue
		}
		for _, e := range x.cfg.Ignore {
			if e.Matches(*f) && x.configApplies(e, *f) {
				f.Suppressed, f.SuppressedBy = true, "config: "+e.Reason
				break
			}
		}
		if f.Suppressed {
			continue
		}
		for _, e := range ignores {
			if e.Matches(*f) && x.commandApplies(e, *f) {
				f.Suppressed, f.SuppressedBy = true, e.Reason
				break
			}
		}
	}
	return fs, x.notes
}

func (x *exceptions) note(key, text string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if !x.noted[key] {
		x.noted[key] = true
		x.notes = append(x.notes, text)
	}
}

// configApplies judges one ward.yml entry against one finding, by the rule
// ward scan applies too (config.IgnoreEntry.Judge), with the PR's content.
func (x *exceptions) configApplies(e config.IgnoreEntry, f checks.Finding) bool {
	ok, note := e.Judge(f, x.now, x.contentSHA256)
	if note != "" {
		x.note("config|"+e.Rule+"|"+e.Path+"|"+f.Path, note)
	}
	return ok
}

// commandApplies judges one /ignore record against one finding.
func (x *exceptions) commandApplies(e config.IgnoreEntry, f checks.Finding) bool {
	key := "cmd|" + e.Rule + "|" + e.Path + "|" + f.Path
	who := "a maintainer"
	if e.Author != "" {
		who = "@" + e.Author
	}
	if f.Severity >= checks.SeverityCritical && x.cfg.Enforce != nil && len(x.cfg.Enforce.IgnoreCritical) > 0 {
		if ok, err := x.mayIgnoreCritical(e.Author); !ok {
			why := ""
			if err != nil {
				why = fmt.Sprintf(" (could not be verified: %v)", err)
			}
			x.note(key+"|critical", fmt.Sprintf("The `/ignore %s` by %s does not cover the critical finding in `%s`: the organisation lets only %s accept critical findings%s.",
				e.Rule, who, f.Path, strings.Join(x.cfg.Enforce.IgnoreCritical, ", "), why))
			return false
		}
	}
	if e.HeadSHA == "" || e.HeadSHA == x.pr.HeadSHA {
		return true
	}
	cur := x.byPath[f.Path]
	if cur == nil {
		return false
	}
	old, size, err := x.blobAt(f.Path, e.HeadSHA)
	if err == nil && old == cur.BlobSHA && old != "" {
		return true
	}
	if err == nil && old != "" && !f.WholeFile() {
		if fps, ferr := x.fingerprintsAt(f.Path, e.HeadSHA, old, size); ferr == nil && fps[f.Fingerprint] {
			return true
		}
	}
	if err != nil {
		x.note(key, fmt.Sprintf("Exception for `%s` could not be checked against the content %s accepted (%v); it does not apply.", f.Path, who, err))
		return false
	}
	x.note(key, fmt.Sprintf("Exception for `%s` no longer applies: content changed since %s accepted it (`/ignore %s` at %s). A new `/ignore` accepts the new content.",
		f.Path, who, e.Rule, short(e.HeadSHA)))
	return false
}

// mayIgnoreCritical checks the author against enforce.ignore_critical.
func (x *exceptions) mayIgnoreCritical(login string) (bool, error) {
	az, ok := x.gh.(Authorizer)
	if !ok || login == "" {
		return false, errors.New("permissions cannot be looked up")
	}
	x.mu.Lock()
	v, seen := x.admins[login]
	x.mu.Unlock()
	if seen {
		return v, nil
	}
	var lastErr error
	allowed := false
	for _, who := range x.cfg.Enforce.IgnoreCritical {
		var ok bool
		var err error
		switch {
		case who == "admins":
			ok, err = az.IsAdmin(x.ctx, login)
		case strings.HasPrefix(who, "@") && strings.Contains(who, "/"):
			org, slug, _ := strings.Cut(strings.TrimPrefix(who, "@"), "/")
			ok, err = az.InTeam(x.ctx, org, slug, login)
		case strings.TrimPrefix(who, "@") == login:
			ok = true
		}
		if err != nil {
			lastErr = err
		}
		if ok {
			allowed = true
			break
		}
	}
	if lastErr != nil && !allowed {
		return false, lastErr
	}
	x.mu.Lock()
	x.admins[login] = allowed
	x.mu.Unlock()
	return allowed, nil
}

// contentSHA256 is the sha256 of a changed file's head content: a Git LFS
// pointer's oid, else the bytes hashed.
func (x *exceptions) contentSHA256(path string) (string, error) {
	x.mu.Lock()
	sum, ok := x.sums[path]
	x.mu.Unlock()
	if ok {
		return sum, nil
	}
	f := x.byPath[path]
	if f == nil {
		return "", fmt.Errorf("%s is not a file of this change", path)
	}
	if _, sub := submodulePin(f.ChangedFile); sub {
		return "", errors.New("a submodule link has no content here; accept its pin with `/ignore`")
	}
	blob, err := headBlob(x.ctx, x.gh, f)
	if err != nil {
		return "", err
	}
	if blob.Size <= 1024 {
		head := make([]byte, blob.Size)
		n, _ := blob.Content.ReadAt(head, 0)
		if oid, _, ok := checks.ParseLFSPointer(head[:n]); ok {
			sum = oid
		}
	}
	if sum == "" {
		if max := x.opts.Limits.Effective().MaxFileBytes; blob.Size > max {
			return "", fmt.Errorf("over %d bytes", max)
		}
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(blob.Content, 0, blob.Size)); err != nil {
			return "", err
		}
		sum = hex.EncodeToString(h.Sum(nil))
	}
	x.mu.Lock()
	x.sums[path] = sum
	x.mu.Unlock()
	return sum, nil
}

// blobAt names the blob path had at ref ("" when it did not exist).
func (x *exceptions) blobAt(path, ref string) (string, int64, error) {
	k := path + "@" + ref
	x.mu.Lock()
	sha, ok := x.blobs[k]
	x.mu.Unlock()
	if ok {
		return sha, -1, nil
	}
	var size int64 = -1
	var err error
	if bl, ok := x.gh.(BlobLocator); ok {
		sha, size, err = bl.BlobSHAAt(x.ctx, path, ref)
	} else {
		var data []byte
		if data, err = x.gh.FileAt(x.ctx, path, ref); err == nil {
			sha, size = changed.GitBlobSHA(data), int64(len(data))
		}
	}
	if errors.Is(err, fs.ErrNotExist) {
		sha, err = "", nil
	}
	if err != nil {
		return "", -1, err
	}
	x.mu.Lock()
	x.blobs[k] = sha
	x.mu.Unlock()
	return sha, size, nil
}

// fingerprintsAt analyses path as it was at ref (blob sha) and returns the
// fingerprints of what the checks found there: what the approver saw.
func (x *exceptions) fingerprintsAt(path, ref, sha string, size int64) (map[string]bool, error) {
	k := path + "@" + ref
	x.mu.Lock()
	fps, ok := x.fps[k]
	x.mu.Unlock()
	if ok {
		return fps, nil
	}
	blob, err := x.gh.Blob(x.ctx, sha, size)
	if err != nil {
		return nil, err
	}
	cf := &checks.File{Path: path, Status: checks.StatusModified, Blob: *blob, Limits: x.opts.Limits}
	cf.Binary = checks.LooksBinary(cf.Head(8000))
	fps = map[string]bool{}
	for _, f := range checks.ScanFile(x.ctx, cf, x.all) {
		fps[f.Fingerprint] = true
	}
	x.mu.Lock()
	x.fps[k] = fps
	x.mu.Unlock()
	return fps, nil
}
