package pickle

import (
	"bytes"
	"context"
	"errors"
	"io"
)

const probeLen = 4096

// Analyze runs every pickle stream in r back to back, as repeated
// pickle.load calls on one file would, reading r once with bounded memory.
// The first stream is analysed whatever it looks like; later ones only if
// they look like pickles (anything else is trailing data).
func Analyze(ctx context.Context, r io.Reader, lim Limits) (*Result, error) {
	lim = lim.withDefaults()
	res := &Result{}
	bud := newPooledBudget(ctx, lim.MaxMemoryBytes)
	defer bud.close()
	m := newMachine(ctx, lim, res, 0, bud)
	m.s = newSrc(r, 0, lim.MaxBytes)
	return res, m.runStreams(true)
}

// AnalyzeReaderAt analyses a file of known size. Besides what Analyze does,
// it resynchronises: junk before the first stream is skipped, and pickles
// embedded after the last stream (behind data a loader skips) are found.
func AnalyzeReaderAt(ctx context.Context, r io.ReaderAt, size int64, lim Limits) (*Result, error) {
	lim = lim.withDefaults()
	bud := newPooledBudget(ctx, lim.MaxMemoryBytes)
	defer bud.close()
	return analyze(ctx, r, size, lim, 0, bud)
}

func analyze(ctx context.Context, ra io.ReaderAt, size int64, lim Limits, depth int, bud *budget) (*Result, error) {
	res := &Result{}
	m := newMachine(ctx, lim, res, depth, bud)
	start := int64(0)
	if !LooksLikePickle(readHead(ra, 0, size)) {
		c, err := findStream(ctx, ra, 0, size, lim)
		if err != nil || c < 0 {
			return res, err
		}
		res.Skipped, start = c, c
	}
	for start < size {
		m.s = newSrc(io.NewSectionReader(ra, start, size-start), start, 0)
		if lim.MaxBytes > 0 {
			m.s.maxBytes = lim.MaxBytes
		}
		if err := m.runStreams(true); err != nil {
			return res, err
		}
		if res.Malformed != nil || len(res.Limits) > 0 || res.EndOffset <= start {
			break
		}
		from := res.EndOffset
		if start == 0 {
			// PyTorch legacy format: skip the storage records exactly
			// instead of scanning gigabytes of tensor data
			if end := skipLegacyData(ra, size, readHead(ra, 0, size), res); end >= 0 {
				res.LegacyDataEnd = end
				from = end
			}
		}
		if from >= size {
			break
		}
		c, err := findStream(ctx, ra, from, size, lim)
		if err != nil || c < 0 {
			return res, err
		}
		start = c
	}
	return res, nil
}

// runStreams runs streams until the input ends or stops looking like pickle.
func (m *machine) runStreams(first bool) error {
	res := m.res
	for {
		if res.Streams >= m.lim.MaxStreams {
			res.hitLimit(LimitStreams)
			return nil
		}
		head := m.s.peek(probeLen)
		if len(head) == 0 {
			return nil
		}
		if !first && !LooksLikePickle(head) {
			return nil
		}
		first = false
		res.Streams++
		err := m.runStream()
		if err != nil && m.s.err != nil && !errors.Is(m.s.err, io.EOF) {
			// the reader failed (a decompression bound, an I/O error): not
			// the stream's fault, and not a place to stop silently
			return m.s.err
		}
		var perr *Error
		switch {
		case err == nil:
			res.EndOffset = m.s.pos()
			continue
		case errors.As(err, &perr):
			res.Malformed = perr
		case errors.Is(err, errTruncated):
			res.Malformed = &Error{Offset: m.s.pos(), Msg: "stream ends before its STOP opcode (truncated)"}
		case errors.Is(err, errLimit):
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			return err
		default:
			res.Malformed = &Error{Offset: m.s.pos(), Msg: err.Error()}
		}
		return nil
	}
}

func readHead(ra io.ReaderAt, off, size int64) []byte {
	n := int64(probeLen)
	if size-off < n {
		n = size - off
	}
	if n <= 0 {
		return nil
	}
	b := make([]byte, n)
	k, _ := ra.ReadAt(b, off)
	return b[:k]
}

// LooksLikePickle is the cheap validity probe: the head decodes as pickle
// opcodes up to a STOP, or for a whole head without error, or it imports a
// global with identifier-like names before the data runs out. It is what
// recognises protocol 0 and 1 pickles, which have no header.
func LooksLikePickle(head []byte) bool {
	ok, _ := probe(head)
	return ok
}

func probe(head []byte) (bool, int) {
	if len(head) == 0 {
		return false, 0
	}
	if head[0] == 0x80 && (len(head) < 2 || head[1] > 5) {
		return false, 0
	}
	res := &Result{}
	m := newMachine(context.Background(), Limits{MaxOpcodes: 4096, MaxMemo: 4096, MaxStack: 4096,
		MaxStringBytes: 1 << 16, MaxDepth: 1, MaxStreams: 1, MaxMemoryBytes: 16 << 20}, res, 1, nil)
	m.s = newSrcSize(bytes.NewReader(head), 0, 0, len(head)+1)
	m.lim.MaxDepth = 0 // never recurse from a probe
	m.seen = new([256]bool)
	err := m.runStream()
	distinct := 0
	for _, b := range m.seen {
		if b {
			distinct++
		}
	}
	good := 0
	for _, g := range res.Globals {
		if identifier(g.Module) && identifier(g.Name) {
			good++
		}
	}
	proto := head[0] == 0x80
	switch {
	case err == nil:
		return m.ops >= 2 || good > 0, good
	case errors.Is(err, errTruncated) || errors.Is(err, errLimit):
		return good > 0 || m.ops >= 8 && distinct >= 3 || proto, good
	}
	// an invalid opcode later in a stream with a protocol header is a
	// malformed pickle, not another format; so is one whose import ran before the error (find_class
	// imports the module before the next opcode fails)
	return proto && (m.ops >= 4 || good > 0) || good > 0 && m.ops >= 4, good
}

func identifier(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range []byte(s) {
		switch {
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '.'):
		default:
			return false
		}
	}
	return true
}

// ProbeReaderAt is the probe over whole content instead of a 4 KiB head,
// for content no head-based probe recognised: a pickle that begins with a
// string longer than any window, or thousands of MARKs, is still loaded by
// pickle.load. It runs up to 1 M opcodes (long operands are skipped, not
// kept) and reports whether the stream imports a global with
// identifier-like names before it stops or fails.
func ProbeReaderAt(ctx context.Context, ra io.ReaderAt, size int64) bool {
	if size <= 0 {
		return false
	}
	res := &Result{}
	lim := Limits{MaxOpcodes: 1 << 20, MaxMemo: 1 << 16, MaxStack: 1 << 20, MaxStringBytes: 1 << 16,
		MaxDepth: 1, MaxStreams: 1, MaxMemoryBytes: 64 << 20}
	m := newMachine(ctx, lim, res, 1, nil)
	m.lim.MaxDepth = 0 // never recurse from a probe
	m.s = newSrc(io.NewSectionReader(ra, 0, size), 0, size)
	err := m.runStream()
	// text that starts like a GLOBAL ("cmake\nmake\n…") imports one name
	// and fails at once: a pickle goes on (or stops) after it
	if err != nil && m.ops < 4 {
		return false
	}
	for _, g := range res.Globals {
		if identifier(g.Module) && identifier(g.Name) {
			return true
		}
	}
	return false
}

// FindStream returns the offset of the first protocol 2+ pickle stream that
// imports a global at or after from, or -1; it reads at most max bytes.
func FindStream(ctx context.Context, ra io.ReaderAt, from, size, max int64) (int64, error) {
	return findStream(ctx, ra, from, size, Limits{MaxBytes: max})
}

// findStream looks for the next offset at or after from where a protocol
// 2+ pickle that imports a global starts. It bounds its work by the file size
// and the context.
func findStream(ctx context.Context, ra io.ReaderAt, from, size int64, lim Limits) (int64, error) {
	end := size
	if lim.MaxBytes > 0 && end > lim.MaxBytes {
		end = lim.MaxBytes
	}
	chunk := int64(1 << 20)
	if end-from < chunk {
		chunk = max(end-from, 1)
	}
	buf := make([]byte, chunk+probeLen)
	for off := from; off < end; off += chunk {
		if err := ctx.Err(); err != nil {
			return -1, err
		}
		n, _ := ra.ReadAt(buf, off)
		if n <= 0 {
			return -1, nil
		}
		b := buf[:n]
		for i := 0; i < n && int64(i) < chunk; {
			j := bytes.IndexByte(b[i:], 0x80)
			if j < 0 || int64(i+j) >= chunk {
				break
			}
			p := i + j
			if p+1 < n && b[p+1] >= 2 && b[p+1] <= 5 {
				var h []byte
				if p+probeLen <= n {
					h = b[p : p+probeLen] // already in memory
				} else {
					h = readHead(ra, off+int64(p), size)
				}
				if ok, good := probe(h); ok && good > 0 {
					return off + int64(p), nil
				}
			}
			i = p + 1
		}
		// protocol 0 and 1 streams have no header: a GLOBAL opcode whose
		// two operand lines are identifiers starts one
		for i := 0; i < n && int64(i) < chunk; {
			j := bytes.IndexByte(b[i:], 'c')
			if j < 0 || int64(i+j) >= chunk {
				break
			}
			p := i + j
			if globalLines(b[p+1:]) {
				var h []byte
				if p+probeLen <= n {
					h = b[p : p+probeLen]
				} else {
					h = readHead(ra, off+int64(p), size)
				}
				if ok, good := probe(h); ok && good > 0 {
					return off + int64(p), nil
				}
			}
			i = p + 1
		}
	}
	return -1, nil
}

// globalLines reports whether b starts with "module\nname\n", both
// identifier-like (dots allowed), as a GLOBAL operand does.
func globalLines(b []byte) bool {
	for line := 0; line < 2; line++ {
		k := bytes.IndexByte(b[:min(len(b), 256)], '\n')
		if k <= 0 || !identifier(string(b[:k])) {
			return false
		}
		b = b[k+1:]
	}
	return true
}

// StrictProbe asks for stronger evidence than LooksLikePickle: the head
// reaches a STOP, or imports a global with identifier-like names. Archive
// members that hold raw tensor data pass LooksLikePickle by chance far more
// often than this.
func StrictProbe(head []byte) bool {
	ok, good := probe(head)
	if !ok {
		return false
	}
	if good > 0 {
		return true
	}
	res := &Result{}
	m := newMachine(context.Background(), Limits{MaxOpcodes: 4096, MaxMemo: 4096, MaxStack: 4096,
		MaxStringBytes: 1 << 16, MaxDepth: 1, MaxStreams: 1, MaxMemoryBytes: 16 << 20}, res, 1, nil)
	m.s = newSrcSize(bytes.NewReader(head), 0, 0, len(head)+1)
	m.lim.MaxDepth = 0
	return m.runStream() == nil
}
