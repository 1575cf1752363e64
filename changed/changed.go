// Package changed says which lines of a file a change touched, from a
// unified diff (GitHub's per-file patch or git's own): the filter that keeps
// a PR review and `ward scan --diff` to the changed lines.
package changed

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/bluekeyes/go-gitdiff/gitdiff"
)

// Lines describes which head-side lines of a file a change touched.
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

// ParsePatch reads a per-file patch (hunks without file headers, as GitHub
// gives them).
func ParsePatch(path, patch string) (Lines, error) {
	l := Lines{Added: map[int]bool{}, InDiff: map[int]bool{}}
	if patch == "" {
		return l, nil
	}
	files, err := parsePatch(path, patch)
	if err != nil {
		return l, err
	}
	l.Known = true
	for _, f := range files {
		for _, frag := range f.TextFragments {
			n := int(frag.NewPosition)
			if n <= 0 && frag.NewLines > 0 {
				// Lines are 1-based: a hunk adding at line 0 is malformed
				// (found by FuzzParsePatch), so the lines are unknown.
				return Lines{Added: map[int]bool{}, InDiff: map[int]bool{}}, fmt.Errorf("patch of %s: hunk with new lines starts at line %d", path, n)
			}
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

// parsePatch parses GitHub's per-file patch with go-gitdiff, after giving it
// the file header GitHub leaves out.
func parsePatch(path, patch string) ([]*gitdiff.File, error) {
	text := fmt.Sprintf("diff --git a/%[1]s b/%[1]s\n--- a/%[1]s\n+++ b/%[1]s\n%s", path, patch)
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	files, _, err := gitdiff.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fmt.Errorf("parse patch of %s: %w", path, err)
	}
	return files, nil
}

// FileFromPatch rebuilds an added file from its patch, which then holds
// every line of it. The result is returned only when its git blob hash is
// blobSHA, so it is the file's exact bytes (a patch GitHub cut short, a
// line ending the parser changed or anything unexpected fails the check,
// and the caller downloads the blob instead).
func FileFromPatch(path, patch, blobSHA string) ([]byte, bool) {
	if len(blobSHA) != 2*sha1.Size {
		return nil, false // not a SHA-1 object id: nothing to check against
	}
	var buf bytes.Buffer
	if patch != "" {
		files, err := parsePatch(path, patch)
		if err != nil || len(files) != 1 || len(files[0].TextFragments) != 1 {
			return nil, false
		}
		frag := files[0].TextFragments[0]
		if frag.OldPosition != 0 || frag.OldLines != 0 || frag.NewPosition != 1 || frag.LinesAdded != frag.NewLines {
			return nil, false
		}
		buf.Grow(len(patch))
		for _, l := range frag.Lines {
			if l.Op != gitdiff.OpAdd {
				return nil, false
			}
			buf.WriteString(l.Line)
		}
	}
	if GitBlobSHA(buf.Bytes()) != strings.ToLower(blobSHA) {
		return nil, false
	}
	return buf.Bytes(), true
}

// GitBlobSHA is git's object id of a blob with this content.
func GitBlobSHA(content []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}
