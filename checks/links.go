package checks

import (
	"context"
	"errors"
	"path"
	"strings"
)

// LinkTree is a Tree that knows which of its paths are symbolic links: a
// folder on disk, or a commit's git tree (mode 120000 entries, whose blob
// holds the link's target). A loader that opens a file by a relative name
// (ONNX external data, Keras weights, sidecar files) follows such a link
// wherever it points.
type LinkTree interface {
	Tree
	// Readlink returns the target of the symbolic link at p as stored (an
	// absolute or relative path), and false when p is not a link or not in
	// the tree.
	Readlink(ctx context.Context, p string) (target string, ok bool, err error)
}

// LinkEscape says how a path leaves its folder through symbolic links.
type LinkEscape struct {
	Link   string // the link that leads out, as a tree path
	Target string // that link's target as stored
	// Resolved is where the path ends up, relative to the tree's root
	// ("../../secret"), or the absolute target.
	Resolved string
}

// maxLinkHops is how many links one resolution follows (Linux's limit).
const maxLinkHops = 40

// ErrLinkLoop is returned when links form a cycle or a chain over the
// limit: the operating system refuses to open such a path (ELOOP).
var ErrLinkLoop = errors.New("too many levels of symbolic links")

// FollowLinks resolves p (a slash path in the tree) through the symbolic
// links on the way, as the operating system would when a loader opens it,
// and reports the first escape: an absolute target, or a path that ends
// outside within (a folder of the tree; "" for the whole tree). It returns
// nil when no link is involved or the path stays inside. Trees that are not
// LinkTrees have no links.
func FollowLinks(ctx context.Context, t Tree, p, within string) (*LinkEscape, error) {
	lt, ok := t.(LinkTree)
	if !ok {
		return nil, nil
	}
	within = strings.Trim(path.Clean("/"+within), "/")
	todo := split(p)
	var done []string
	var last *LinkEscape // the last link followed, for the report
	for hops := 0; len(todo) > 0; {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		part := todo[0]
		todo = todo[1:]
		if part == ".." {
			if len(done) == 0 {
				return escapeOf(last, "../"+strings.Join(todo, "/")), nil
			}
			done = done[:len(done)-1]
			continue
		}
		cur := strings.Join(append(done, part), "/")
		target, isLink, err := lt.Readlink(ctx, cur)
		if err != nil {
			return nil, err
		}
		if !isLink {
			done = append(done, part)
			continue
		}
		if hops++; hops > maxLinkHops {
			return nil, ErrLinkLoop
		}
		last = &LinkEscape{Link: cur, Target: target}
		if strings.HasPrefix(target, "/") || strings.HasPrefix(target, "\\") || (len(target) > 1 && target[1] == ':') {
			last.Resolved = target
			return last, nil
		}
		// a relative target is read from the link's folder
		todo = append(split(target), todo...)
	}
	end := strings.Join(done, "/")
	if last != nil && within != "" && end != within && !strings.HasPrefix(end, within+"/") {
		last.Resolved = end
		return last, nil
	}
	return nil, nil
}

func escapeOf(last *LinkEscape, rest string) *LinkEscape {
	if last == nil {
		return nil // the path itself climbs out: its own check reports that
	}
	last.Resolved = strings.TrimSuffix(rest, "/")
	return last
}

// split cuts a slash path into its parts, dropping empty and "." ones.
func split(p string) []string {
	var out []string
	for _, s := range strings.FieldsFunc(p, func(r rune) bool { return r == '/' || r == '\\' }) {
		if s != "." {
			out = append(out, s)
		}
	}
	return out
}
