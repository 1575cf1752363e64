package review

import (
	"fmt"
	"strings"

	"github.com/bluekeyes/go-gitdiff/gitdiff"
)

// Lines describes which head-side lines of a file a PR touched.
type Lines struct {
	// Known is false when GitHub gave no patch: then every line counts as
	// changed and no inline comment can be placed.
	Known bool
	// Added holds the lines the PR added or modified.
	Added map[int]bool
	// InDiff holds every head-side line inside a hunk (added or context):
	// the lines GitHub accepts a review comment on.
	InDiff map[int]bool
}

// ParsePatch reads GitHub's per-file patch (hunks without file headers).
func ParsePatch(path, patch string) (Lines, error) {
	l := Lines{Added: map[int]bool{}, InDiff: map[int]bool{}}
	if patch == "" {
		return l, nil
	}
	text := fmt.Sprintf("diff --git a/%[1]s b/%[1]s\n--- a/%[1]s\n+++ b/%[1]s\n%s", path, patch)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	files, _, err := gitdiff.Parse(strings.NewReader(text))
	if err != nil {
		return l, fmt.Errorf("parse patch of %s: %w", path, err)
	}
	l.Known = true
	for _, f := range files {
		for _, frag := range f.TextFragments {
			n := int(frag.NewPosition)
			for _, line := range frag.Lines {
				switch line.Op {
				case gitdiff.OpAdd:
					l.Added[n], l.InDiff[n] = true, true
					n++
				case gitdiff.OpContext:
					l.InDiff[n] = true
					n++
				}
			}
		}
	}
	return l, nil
}

// Touches reports whether a finding on lines start..end overlaps the change.
func (l Lines) Touches(start, end int) bool {
	if !l.Known || start == 0 {
		return true
	}
	if end < start {
		end = start
	}
	for n := start; n <= end; n++ {
		if l.Added[n] {
			return true
		}
	}
	return false
}

// Commentable reports whether every line of start..end is inside the diff.
func (l Lines) Commentable(start, end int) bool {
	if !l.Known || start == 0 {
		return false
	}
	if end < start {
		end = start
	}
	for n := start; n <= end; n++ {
		if !l.InDiff[n] {
			return false
		}
	}
	return true
}
