package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/bluekeyes/go-gitdiff/gitdiff"

	"github.com/ward-sec/ward/changed"
	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
)

// DiffSource says which change of a git repository to scan.
type DiffSource struct {
	// Top is the repository's work tree.
	Top string
	// Base, for `--diff BASE`: the changes since the merge base of Base and
	// HEAD, uncommitted ones included (what a PR from this branch would hold).
	Base string
	// Staged scans the index instead: what `git commit` is about to record.
	Staged bool
	// WantsBase reports whether a check compares a file with its previous
	// version (dependency manifests); only those are read twice.
	WantsBase func(path string) bool
}

// GitTop is the work tree holding dir, asked of git.
func GitTop(ctx context.Context, dir string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", fmt.Errorf("not inside a git repository: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Diff lists the changed files of a repository as targets, each with its
// changed lines: findings on other lines are dropped, exactly as in a PR
// review (the same patch parser, changed.ParsePatch, and the same filter,
// OnChangedLines); files git shows no text patch for are scanned whole.
// Paths are relative to root; only files under one of within (absolute
// paths; none means all) are kept, and skip drops more (paths.ignore).
func Diff(ctx context.Context, src DiffSource, root string, within []string, skip func(string) bool) ([]Target, error) {
	args := []string{"-c", "core.quotePath=false", "diff", "--no-color", "--no-ext-diff", "--find-renames", "--unified=3"}
	var baseRev string // where the previous version of a file is read from
	switch {
	case src.Staged:
		args = append(args, "--cached")
		if _, err := git(ctx, src.Top, "rev-parse", "--verify", "--quiet", "HEAD"); err == nil {
			baseRev = "HEAD"
		} // else: the first commit, everything is new
	case src.Base != "":
		mb, err := git(ctx, src.Top, "merge-base", src.Base, "HEAD")
		if err != nil {
			return nil, fmt.Errorf("merge base of %s and HEAD: %w", src.Base, err)
		}
		baseRev = strings.TrimSpace(string(mb))
		args = append(args, baseRev)
	default:
		return nil, errors.New("diff: neither a base nor the index")
	}
	out, err := git(ctx, src.Top, append(args, "--")...)
	if err != nil {
		return nil, err
	}
	files, _, err := gitdiff.Parse(bytes.NewReader(out))
	if err != nil {
		return nil, fmt.Errorf("parse git diff: %w", err)
	}
	tree := &DirTree{Root: root}
	tree.addDir(src.Top)
	var targets []Target
	for _, f := range files {
		if f.IsDelete {
			continue
		}
		disk := filepath.Join(src.Top, filepath.FromSlash(f.NewName))
		if !under(disk, within) {
			continue
		}
		t := Target{Path: ReportPath(root, disk), Disk: disk, Tree: tree, Status: checks.StatusModified}
		if skip != nil && skip(t.Path) {
			continue
		}
		switch {
		case f.IsNew:
			t.Status = checks.StatusAdded
		case f.IsRename || f.IsCopy:
			t.Status = checks.StatusRenamed
		}
		if !f.IsBinary {
			var patch strings.Builder
			for _, frag := range f.TextFragments {
				patch.WriteString(frag.String())
			}
			// A pure rename or a mode change has no hunk: GitHub then gives
			// no patch, and the review counts every line; so does this.
			lines, err := changed.ParsePatch(f.NewName, patch.String())
			if err == nil {
				t.Lines = &lines
			}
		}
		if src.Staged {
			if t.Data, err = git(ctx, src.Top, "cat-file", "blob", ":"+f.NewName); err != nil {
				t.Err = fmt.Errorf("read %s from the index: %w", f.NewName, err)
			}
		} else if info, err := os.Lstat(disk); err == nil && info.Mode()&os.ModeSymlink != 0 {
			// a link is read as git stores it, its target, never followed
			// to a file of this machine that is not part of the change
			target, err := os.Readlink(disk)
			if err != nil {
				t.Err = fmt.Errorf("read link %s: %w", f.NewName, err)
			}
			t.Data = []byte(filepath.ToSlash(target))
		}
		if baseRev != "" && !f.IsNew && src.WantsBase != nil && src.WantsBase(t.Path) {
			if prev, err := git(ctx, src.Top, "cat-file", "blob", baseRev+":"+f.OldName); err == nil {
				t.Base = prev
			}
		}
		targets = append(targets, t)
	}
	return targets, nil
}

// under reports whether path is one of dirs or inside one; no dirs: true.
func under(path string, dirs []string) bool {
	if len(dirs) == 0 {
		return true
	}
	for _, d := range dirs {
		if path == d || strings.HasPrefix(path, strings.TrimSuffix(d, string(filepath.Separator))+string(filepath.Separator)) {
			return true
		}
	}
	return false
}

// git runs a git command in dir and returns its standard output.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// BaseConfig reads `.github/ward.yml` as the base of a diff has it — the
// base branch for --diff (as the App reads it), HEAD for the index — so a
// change cannot weaken its own review by editing the file (DESIGN.md,
// invariant 2). found is false when the base has no such file.
func BaseConfig(ctx context.Context, src DiffSource) (data []byte, found bool, err error) {
	rev := src.Base
	if src.Staged {
		rev = "HEAD"
		if _, err := git(ctx, src.Top, "rev-parse", "--verify", "--quiet", "HEAD"); err != nil {
			return nil, false, nil // the first commit: no base
		}
	}
	if rev == "" {
		return nil, false, errors.New("base config: neither a base nor the index")
	}
	spec := rev + ":" + config.Path
	if _, err := git(ctx, src.Top, "cat-file", "-e", spec); err != nil {
		return nil, false, nil
	}
	data, err = git(ctx, src.Top, "show", spec)
	if err != nil {
		return nil, false, err
	}
	return data, true, nil
}
