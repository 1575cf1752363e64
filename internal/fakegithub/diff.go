package fakegithub

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/bluekeyes/go-gitdiff/gitdiff"
)

// prFile is one entry of GET /pulls/{n}/files.
type prFile struct {
	filename, previous string
	status             string // added, modified, removed, renamed, changed
	additions          int
	deletions          int
	sha                string
	patch              string // GitHub's patch: the hunks without file header lines
	hasPatch           bool
	lines              []patchLine
}

// patchLine is one line of a patch. pos is GitHub's legacy "position": the
// first hunk header is 0 and every following line (headers included) counts.
type patchLine struct {
	pos     int
	hunk    int
	kind    byte // '@' header, ' ' context, '+' added, '-' removed, '\\' no-newline marker
	oldLine int  // 0 when the line has no LEFT side
	newLine int  // 0 when the line has no RIGHT side
}

// diffFiles computes the files of a pull request the way GitHub does: the diff
// from the merge base of base and head to head, with rename detection.
func diffFiles(dir, base, head string, maxBytes, maxLines int) ([]prFile, error) {
	out, err := git(dir, "diff", "--no-color", "--no-ext-diff", "--no-textconv", "--full-index", "-M",
		"--src-prefix=a/", "--dst-prefix=b/", base+"..."+head)
	if err != nil {
		return nil, err
	}
	var files []prFile
	for _, section := range splitSections(string(out)) {
		parsed, _, err := gitdiff.Parse(strings.NewReader(section))
		if err != nil || len(parsed) != 1 {
			return nil, fmt.Errorf("parse diff section: %v", err)
		}
		pf := fileFromDiff(parsed[0], section, maxBytes, maxLines)
		if pf.sha == "" { // pure renames and mode changes have no index line
			rev := head + ":" + pf.filename
			if pf.status == "removed" {
				rev = base + ":" + pf.filename
			}
			pf.sha, _ = revParse(dir, rev)
		}
		files = append(files, pf)
	}
	return files, nil
}

// splitSections cuts `git diff` output at each "diff --git " line. Hunk lines
// always start with ' ', '+', '-' or '\', so the cut is unambiguous.
func splitSections(out string) []string {
	var sections []string
	start := -1
	for i := 0; i < len(out); {
		end := strings.IndexByte(out[i:], '\n')
		next := len(out)
		if end >= 0 {
			next = i + end + 1
		}
		if strings.HasPrefix(out[i:], "diff --git ") {
			if start >= 0 {
				sections = append(sections, out[start:i])
			}
			start = i
		}
		i = next
	}
	if start >= 0 {
		sections = append(sections, out[start:])
	}
	return sections
}

func fileFromDiff(f *gitdiff.File, section string, maxBytes, maxLines int) prFile {
	pf := prFile{filename: f.NewName, sha: f.NewOIDPrefix}
	switch {
	case f.IsNew:
		pf.status = "added"
	case f.IsDelete:
		pf.status, pf.filename, pf.sha = "removed", f.OldName, f.OldOIDPrefix
	case f.IsRename:
		pf.status, pf.previous = "renamed", f.OldName
	case len(f.TextFragments) == 0 && !f.IsBinary && f.OldMode != f.NewMode:
		pf.status = "changed"
	default:
		pf.status = "modified"
	}
	if f.IsBinary {
		return pf
	}
	idx := strings.Index(section, "\n@@ ")
	if idx < 0 {
		return pf
	}
	patch := strings.TrimSuffix(section[idx+1:], "\n")
	pf.lines = parsePatch(patch)
	for _, l := range pf.lines {
		switch l.kind {
		case '+':
			pf.additions++
		case '-':
			pf.deletions++
		}
	}
	if len(patch) <= maxBytes && len(pf.lines) <= maxLines {
		pf.patch, pf.hasPatch = patch, true
	} else {
		pf.lines = nil // GitHub cannot place comments on a diff it does not show
	}
	return pf
}

// parsePatch numbers the lines of a patch on both sides.
func parsePatch(patch string) []patchLine {
	var lines []patchLine
	oldN, newN, hunk := 0, 0, -1
	for pos, text := range strings.Split(patch, "\n") {
		if strings.HasPrefix(text, "@@") {
			hunk++
			oldN, newN = hunkStarts(text)
			lines = append(lines, patchLine{pos: pos, hunk: hunk, kind: '@'})
			continue
		}
		pl := patchLine{pos: pos, hunk: hunk}
		if text == "" {
			pl.kind = ' '
		} else {
			pl.kind = text[0]
		}
		switch pl.kind {
		case ' ':
			pl.oldLine, pl.newLine = oldN, newN
			oldN++
			newN++
		case '+':
			pl.newLine = newN
			newN++
		case '-':
			pl.oldLine = oldN
			oldN++
		}
		lines = append(lines, pl)
	}
	return lines
}

// hunkStarts reads "@@ -a,b +c,d @@" and returns a and c.
func hunkStarts(header string) (int, int) {
	f := strings.Fields(header)
	if len(f) < 3 {
		return 0, 0
	}
	num := func(s string) int {
		s = strings.TrimLeft(s, "-+")
		s, _, _ = strings.Cut(s, ",")
		n, _ := strconv.Atoi(s)
		return n
	}
	return num(f[1]), num(f[2])
}

// lineInDiff finds the patch line for line on side ("LEFT" or "RIGHT").
func (pf *prFile) lineInDiff(side string, line int) (patchLine, bool) {
	if line <= 0 {
		return patchLine{}, false
	}
	for _, l := range pf.lines {
		if (side == "LEFT" && l.oldLine == line && l.kind != '+') || (side != "LEFT" && l.newLine == line && l.kind != '-') {
			return l, true
		}
	}
	return patchLine{}, false
}

// atPosition finds the patch line at a legacy position.
func (pf *prFile) atPosition(pos int) (patchLine, bool) {
	if pos <= 0 || pos >= len(pf.lines) {
		return patchLine{}, false
	}
	l := pf.lines[pos]
	if l.kind == '@' || l.kind == '\\' {
		return patchLine{}, false
	}
	return l, true
}

// diffHunk is GitHub's diff_hunk of a comment: the hunk header through the
// commented line.
func (pf *prFile) diffHunk(pos int) string {
	all := strings.Split(pf.patch, "\n")
	if pos < 0 || pos >= len(all) {
		return ""
	}
	start := pos
	for start > 0 && !strings.HasPrefix(all[start], "@@") {
		start--
	}
	return strings.Join(all[start:pos+1], "\n")
}
