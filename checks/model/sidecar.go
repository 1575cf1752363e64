package model

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/pickle"
)

// maxSidecarFiles bounds the sibling files one scan follows.
const maxSidecarFiles = 64

// followSidecars judges the files joblib's legacy NDArrayWrapper names.
// joblib.load opens each as os.path.join(dirname(pickle), name) with
// numpy.load(allow_pickle=True): an absolute name or one with '..' reaches
// a file outside the model's folder that ward cannot see; a name next to
// the file is read from the snapshot and analysed as what numpy.load would
// read.
func (s *scanner) followSidecars(w where, res *pickle.Result) {
	if res == nil {
		return
	}
	for _, sc := range res.Sidecars {
		name := strings.ReplaceAll(sc.Name, "\\", "/")
		switch {
		case sc.Name == "":
			s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh, Offset: sc.Offset,
				Message: fmt.Sprintf("%sA legacy joblib array wrapper (BUILD at offset %d) loads a file whose name "+
					"could not be resolved statically, with numpy.load(allow_pickle=True): that file was not analysed.",
					w.prefix(), sc.Offset),
				Evidence: w.member + ": NDArrayWrapper sidecar (unresolved)"})
		case path.IsAbs(name) || len(name) > 1 && name[1] == ':' || hasDotDot(name):
			s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh, Offset: sc.Offset,
				Message: fmt.Sprintf("%sA legacy joblib array wrapper (BUILD at offset %d) loads %q with "+
					"numpy.load(allow_pickle=True): a file outside the model's folder that ward cannot see, and whose "+
					"pickle runs on load.", w.prefix(), sc.Offset, sc.Name),
				Evidence: w.member + ": NDArrayWrapper sidecar " + sc.Name})
		case w.member == "" && s.tree != nil && s.sidecars < maxSidecarFiles:
			s.sidecars++
			s.scanSidecar(w, sc, path.Join(path.Dir(s.path), name))
		}
	}
}

func hasDotDot(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

func (s *scanner) scanSidecar(w where, sc pickle.Sidecar, sibling string) {
	if esc, err := checks.FollowLinks(s.ctx, s.tree, sibling, path.Dir(s.path)); err == nil && esc != nil {
		s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh, Offset: sc.Offset,
			Message: fmt.Sprintf("%sA legacy joblib array wrapper (BUILD at offset %d) loads %q with "+
				"numpy.load(allow_pickle=True), and %s is committed as a symbolic link to %q, outside the model's "+
				"folder: the loader follows it to a file ward cannot see, whose pickle runs on load.",
				w.prefix(), sc.Offset, sc.Name, esc.Link, esc.Target),
			Evidence: w.member + ": NDArrayWrapper sidecar " + sc.Name + " → symlink " + esc.Target})
		return
	}
	b, err := s.tree.Open(s.ctx, sibling)
	if errors.Is(err, fs.ErrNotExist) {
		return // joblib.load fails before it runs anything from it
	}
	if err != nil {
		s.readError(where{member: sibling, loader: w.loader}, err)
		return
	}
	nw := where{member: fmt.Sprintf("%ssidecar %s (NDArrayWrapper at offset %d)", w.prefix(), sibling, sc.Offset),
		loader: "joblib.load → numpy.load(allow_pickle=True)", depth: w.depth + 1}
	from := len(s.findings)
	s.scanAt(nw, b.Content, b.Size, false)
	s.shift(from, -1)
}
