package engine

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/ward-sec/ward/checks"
)

// ReportPath names a file on disk the way every output does: relative to
// root, slash-separated ("../lib/x.py" for a file beside it, as Semgrep and
// gitleaks print it).
func ReportPath(root, disk string) string {
	abs, err := filepath.Abs(disk)
	if err != nil {
		return filepath.ToSlash(disk)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

// Walk lists the files under each argument (files and directories), with
// paths relative to root (an absolute directory). `.git` folders and files
// that skip(path) accepts are left out; a file or folder that cannot be
// read becomes a Target with Err, so it is reported and the rest scanned.
// A missing argument is an error: it is a usage mistake, not a finding.
func Walk(root string, args []string, skip func(path string) bool) ([]Target, error) {
	tree := &DirTree{Root: root}
	var out []Target
	seen := map[string]bool{}
	add := func(t Target) {
		if !seen[t.Path] {
			seen[t.Path] = true
			out = append(out, t)
		}
	}
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			// a dangling link is still a file of the change: read it as a link
			l, lerr := os.Lstat(arg)
			if lerr != nil || l.Mode()&fs.ModeSymlink == 0 {
				return nil, err
			}
			info = l
		}
		abs, err := filepath.Abs(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			tree.addDir(filepath.Dir(abs))
			t := Target{Path: ReportPath(root, abs), Disk: arg, Tree: tree}
			// a link named on the command line (pre-commit passes the
			// changed files) is read as git stores it, like one in a folder
			if l, err := os.Lstat(arg); err == nil && l.Mode()&fs.ModeSymlink != 0 {
				if target, err := os.Readlink(arg); err == nil {
					t.Disk, t.Data = "", []byte(filepath.ToSlash(target))
				}
			}
			add(t)
			continue
		}
		tree.addDir(abs)
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			rel := ReportPath(root, p)
			if err != nil {
				// An unreadable folder (or a file gone mid-walk): report it,
				// keep walking the rest.
				dir := d != nil && d.IsDir()
				add(Target{Path: rel, Err: err, Dir: dir})
				if dir {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				if d.Name() == ".git" && p != arg {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// a link is analysed as git stores it, a blob holding its
				// target (as in a PR review), so that one leading out of the
				// repository is seen; the target is scanned where it lives
				if skip != nil && skip(rel) {
					return nil
				}
				target, err := os.Readlink(p)
				if err != nil {
					add(Target{Path: rel, Err: err})
					return nil
				}
				add(Target{Path: rel, Data: []byte(filepath.ToSlash(target)), Tree: tree})
				return nil
			}
			if !d.Type().IsRegular() {
				return nil // devices, sockets, pipes
			}
			if skip != nil && skip(rel) {
				return nil
			}
			add(Target{Path: rel, Disk: p, Tree: tree})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", arg, err)
		}
	}
	return out, nil
}

// DirTree lets checks read sibling files of a scanned directory. Paths are
// relative to Root, as the scanned files' are; the listing covers the
// scanned folders, is walked once, on first use, and shared by every file.
type DirTree struct {
	Root  string
	dirs  []string
	once  sync.Once
	paths []string
}

func (d *DirTree) addDir(abs string) {
	for _, x := range d.dirs {
		if x == abs {
			return
		}
	}
	d.dirs = append(d.dirs, abs)
}

// Paths implements checks.Tree.
func (d *DirTree) Paths() []string {
	d.once.Do(func() {
		seen := map[string]bool{}
		for _, dir := range d.dirs {
			for _, p := range listTree(dir) {
				rel := ReportPath(d.Root, filepath.Join(dir, filepath.FromSlash(p)))
				if !seen[rel] {
					seen[rel] = true
					d.paths = append(d.paths, rel)
				}
			}
		}
		sort.Strings(d.paths)
	})
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
		// links are listed too: a model's loader opens them by name
		if e.Type().IsRegular() || e.Type()&fs.ModeSymlink != 0 {
			if rel, err := filepath.Rel(root, p); err == nil {
				out = append(out, filepath.ToSlash(rel))
			}
		}
		return nil
	})
	return out
}

// inside returns p's location under Root, or false when p leaves it.
func (d *DirTree) inside(p string) (string, bool) {
	clean := filepath.Clean(filepath.FromSlash(p))
	if filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.Join(d.Root, clean), true
}

// Readlink implements checks.LinkTree.
func (d *DirTree) Readlink(_ context.Context, p string) (string, bool, error) {
	full, ok := d.inside(p)
	if !ok {
		return "", false, nil
	}
	info, err := os.Lstat(full)
	if err != nil || info.Mode()&fs.ModeSymlink == 0 {
		return "", false, nil
	}
	target, err := os.Readlink(full)
	if err != nil {
		return "", false, fmt.Errorf("readlink %s: %w", p, err)
	}
	return filepath.ToSlash(target), true, nil
}

// Open implements checks.Tree: only files under Root can be opened, and
// not through a link that leads out of it (ward would read a file of the
// machine it runs on).
func (d *DirTree) Open(ctx context.Context, p string) (*checks.Blob, error) {
	full, ok := d.inside(p)
	if !ok {
		return nil, fmt.Errorf("open %s: outside the scanned tree: %w", p, fs.ErrNotExist)
	}
	if esc, err := checks.FollowLinks(ctx, d, p, ""); err != nil || esc != nil {
		if err == nil {
			err = fmt.Errorf("symbolic link %s points outside the scanned tree (%s)", esc.Link, esc.Target)
		}
		return nil, fmt.Errorf("open %s: %w", p, err)
	}
	info, err := os.Stat(full)
	if err != nil {
		return nil, err
	}
	if info.Size() > treeFileMax {
		return nil, fmt.Errorf("open %s: %w (%d bytes)", p, checks.ErrTooLarge, info.Size())
	}
	data, err := os.ReadFile(full)
	if err != nil {
		return nil, err
	}
	return &checks.Blob{Size: int64(len(data)), Content: strings.NewReader(string(data))}, nil
}
