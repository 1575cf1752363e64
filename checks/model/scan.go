package model

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/pickle"
)

// scanner analyses one file and everything nested in it.
type scanner struct {
	ctx          context.Context
	path         string
	lim          checks.Limits
	findings     []checks.Finding
	decompressed int64 // bytes out of all decompressors so far
	members      int
	// understood is set when model content (a pickle, a NumPy array) was
	// found: an archive of other files is not "analysed" by this check
	understood bool
	// tree holds the file's siblings (joblib sidecars); may be nil
	tree     checks.Tree
	sidecars int // sidecar files followed
	// code is the source check run on archived modules; may be nil
	code checks.Check
	// observe, set by tests, sees every global of every pickle analysed
	observe func(*pickle.Global)
}

// where is the location of a piece of content inside the file, and how a
// user would load it.
type where struct {
	member string // "archive/data.pkl", "a.tar.gz → model.pkl"; "" for the file itself
	loader string // "torch.load", "joblib.load", …
	depth  int
}

func (w where) in(member string) where {
	if w.member != "" {
		member = w.member + " → " + member
	}
	return where{member: member, loader: w.loader, depth: w.depth + 1}
}

func (w where) prefix() string {
	if w.member == "" {
		return ""
	}
	return w.member + ": "
}

// resyncWindow bounds the search for a pickle behind junk in files of no
// known format.
const resyncWindow = 4 << 20

// maxBuffered bounds the memory spent on a nested archive that needs random
// access but arrives as a stream (a zip inside a tar.gz).
const maxBuffered = 64 << 20

// otherFormat recognises formats that are not pickle containers (other
// checks read them), so that no time is spent looking for pickles in them.
func otherFormat(head []byte) bool {
	for _, m := range []string{"GGUF", "\x89HDF\r\n\x1a\n", "\x89PNG", "\xff\xd8\xff", "GIF8", "%PDF", "\x7fELF",
		"MZ", "\xca\xfe\xba\xbe", "\xcf\xfa\xed\xfe", "OggS", "RIFF", "ID3", "fLaC"} {
		if bytes.HasPrefix(head, []byte(m)) {
			return true
		}
	}
	// safetensors: 8-byte little-endian header length, then a JSON object
	if len(head) >= 9 && head[8] == '{' && head[6] == 0 && head[7] == 0 {
		return true
	}
	return false
}

const defaultLoaders = "pickle.load, joblib.load or torch.load"

// ScanReaderAt analyses content of the given size as a model artifact and
// returns its findings (Path set to path). It reads only what it needs: for a
// zip checkpoint, the central directory and the pickle members.
func ScanReaderAt(ctx context.Context, path string, r io.ReaderAt, size int64, lim checks.Limits) []checks.Finding {
	fs, _ := Analyse(ctx, path, r, size, lim)
	return fs
}

// Analyse is ScanReaderAt that also reports whether the content was in a
// format this package understands.
func Analyse(ctx context.Context, path string, r io.ReaderAt, size int64, lim checks.Limits) ([]checks.Finding, bool) {
	return analyseIn(ctx, path, r, size, lim, nil, nil)
}

// analyseIn is Analyse with the snapshot the file belongs to, which joblib
// sidecar files are read from.
func analyseIn(ctx context.Context, path string, r io.ReaderAt, size int64, lim checks.Limits, tree checks.Tree, code checks.Check) ([]checks.Finding, bool) {
	s := &scanner{ctx: ctx, path: path, lim: lim.Effective(), tree: tree, code: code}
	ok := s.scanAt(where{loader: defaultLoaders}, r, size, false)
	for i := range s.findings {
		s.findings[i].Path = path
	}
	// a zip or tarball of documents, source or jars is a container this
	// check read, but not a model: leave it to the framework's "binary file
	// not analysed" unless something here was understood or reported
	return s.findings, ok && (s.understood || len(s.findings) > 0)
}

func (s *scanner) add(f checks.Finding) { s.findings = append(s.findings, f) }

// shift moves the offsets of the findings added since from into the
// enclosing content's coordinates: content that starts at delta in it, or,
// when delta < 0, content with no byte mapping (a decompressed stream), whose
// findings then carry no offset.
func (s *scanner) shift(from int, delta int64) {
	for i := from; i < len(s.findings); i++ {
		if delta < 0 {
			s.findings[i].Offset = 0
		} else if s.findings[i].Offset > 0 {
			s.findings[i].Offset += delta
		}
	}
}

func (s *scanner) pickleLimits() pickle.Limits {
	return pickle.Limits{MaxOpcodes: s.lim.MaxOpcodes, MaxMemo: s.lim.MaxMemo, MaxDepth: s.lim.MaxDepth,
		MaxBytes: s.lim.MaxFileBytes, MaxMemoryBytes: s.lim.MaxMemoryBytes}
}

// limit reports a bound that stopped the analysis.
func (s *scanner) limit(w where, sev checks.Severity, what string) {
	s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: sev,
		Message: fmt.Sprintf("%sNot fully analysed: %s. The part ward did not read may contain code that runs "+
			"when the file is loaded.", w.prefix(), what),
		Evidence: w.member + ": " + what})
}

// scanAt recognises the content's format and analyses it. strict asks for
// strong evidence before treating content as a pickle (archive members).
func (s *scanner) scanAt(w where, r io.ReaderAt, size int64, strict bool) bool {
	if w.depth > s.lim.MaxDepth {
		s.limit(w, checks.SeverityHigh, fmt.Sprintf("archive nesting deeper than %d levels", s.lim.MaxDepth))
		return true
	}
	head := readAtMost(r, 0, 4096, size)
	f := sniff(head, strict)
	if f == fUnknown {
		if !strict && zipAtEnd(r, size) {
			f = fZip
		}
	}
	switch f {
	case fUnknown:
		if !otherFormat(head) && pickle.ProbeReaderAt(s.ctx, r, size) {
			// a pickle the 4 KiB probe could not see: a first string longer
			// than the window, thousands of MARKs
			s.scanPickleAt(w, r, size, strict)
			return true
		}
		if w.depth == 0 && !strict && !otherFormat(head) && !namedAsText(s.path) {
			// junk before a pickle: a loader that seeks past a header runs it
			if off, err := pickle.FindStream(s.ctx, r, 0, size, resyncWindow); err == nil && off > 0 {
				from := len(s.findings)
				s.scanPickleAt(w, io.NewSectionReader(r, off, size-off), size-off, strict)
				s.shift(from, off)
				s.findings = append(s.findings, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityHigh,
					Offset: off, Evidence: "junk before pickle",
					Message: fmt.Sprintf("A pickle stream starts at offset %d behind %d bytes that are not pickle: "+
						"a loader that skips a header runs it, while scanners that start at byte 0 see nothing.", off, off)})
				return true
			}
		}
		return false
	case fPickle:
		s.scanPickleAt(w, r, size, strict)
	case fZip:
		s.scanZip(w, r, size)
	case fTar:
		from := len(s.findings)
		s.scanTar(w, io.NewSectionReader(r, 0, size))
		s.shift(from, -1)
	case f7z:
		from := len(s.findings)
		s.scan7z(w, r, size)
		s.shift(from, -1)
	case fNpy:
		s.scanNpy(w, r, size)
	default:
		from := len(s.findings)
		ok := s.scanCompressed(w, f, io.NewSectionReader(r, 0, size))
		s.shift(from, -1)
		return ok
	}
	return true
}

// textNames are extensions of text that no loader hands to pickle after
// skipping a header. Hunting for a stream inside them finds protocol-0
// opcodes in ordinary words (.gitignore, requirements.txt: high findings on
// every repository).
var textNames = map[string]bool{".txt": true, ".md": true, ".rst": true, ".py": true, ".js": true, ".ts": true,
	".json": true, ".yaml": true, ".yml": true, ".toml": true, ".cfg": true, ".ini": true, ".lock": true,
	".sh": true, ".html": true, ".css": true, ".csv": true, ".xml": true, ".svg": true, ".in": true}

// namedAsText is true for files whose name says text: a dotfile
// (.gitignore, .npmignore) or a text or source extension.
func namedAsText(p string) bool {
	base := path.Base(p)
	return strings.HasPrefix(base, ".") || textNames[strings.ToLower(path.Ext(base))]
}

func (s *scanner) scanPickleAt(w where, r io.ReaderAt, size int64, strict bool) {
	s.understood = true
	res, err := pickle.AnalyzeReaderAt(s.ctx, r, size, s.pickleLimits())
	s.reportPickle(w, res, err, strict)
	s.followSidecars(w, res)
}

// scanStream analyses content that can only be read once (a decompressed
// stream, a tar or 7z member): pickles are analysed as they stream; other
// formats are buffered, within the decompression budget, and re-dispatched.
func (s *scanner) scanStream(w where, r io.Reader, strict bool) bool {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(4096)
	f := sniff(head, strict)
	switch f {
	case fUnknown:
		return false
	case fPickle:
		s.understood = true
		res, err := pickle.Analyze(s.ctx, br, s.pickleLimits())
		s.reportPickle(w, res, err, strict)
		s.followSidecars(w, res)
		return true
	case fTar:
		s.scanTar(w, br)
		return true
	}
	if f.compressed() {
		return s.scanCompressed(w, f, br)
	}
	// zip, 7z, npy need random access: buffer them
	max := s.lim.MaxDecompressedBytes
	if max > maxBuffered {
		max = maxBuffered
	}
	buf, err := io.ReadAll(io.LimitReader(br, max+1))
	if err != nil && !errors.Is(err, io.EOF) {
		s.readError(w, err)
		return true
	}
	if int64(len(buf)) > max {
		s.limit(w, checks.SeverityHigh, fmt.Sprintf("nested %s larger than %d bytes", f, max))
		return true
	}
	return s.scanAt(w, bytes.NewReader(buf), int64(len(buf)), strict)
}

// readError turns an I/O or bound error while reading nested content into
// a finding.
func (s *scanner) readError(w where, err error) {
	var b *boundError
	if errors.As(err, &b) {
		s.limit(w, checks.SeverityHigh, b.Error())
		return
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		s.limit(w, checks.SeverityHigh, "time limit reached")
		return
	}
	s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
		Message:  fmt.Sprintf("%sCould not be read to the end (%v): the unread part was not analysed.", w.prefix(), err),
		Evidence: w.member + ": unreadable"})
}
