package model

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"path"
	"strings"

	"github.com/bodgit/sevenzip"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz/lzma"

	"github.com/ward-sec/ward/checks"
)

// maxCRCCheck bounds the members whose CRC ward verifies (it reads them twice).
const maxCRCCheck = 64 << 20

// scanZip analyses every member of a zip archive whose content is a pickle
// or a nested archive. Stored members are read through the ReaderAt (only
// their first bytes, unless they are pickles), so a multi-gigabyte PyTorch
// checkpoint costs its central directory and data.pkl.
func (s *scanner) scanZip(w where, r io.ReaderAt, size int64) {
	entries, truncated, err := readZipDir(r, size, s.lim.MaxMembers-s.members)
	// header disagreements matter where a model loader opens the archive
	// (PyTorch, NumPy, Keras, torch.package) or a member is model content;
	// in a zip of documents they are a zip writer's quirks (issue 14)
	var integrity []checks.Finding
	understood := s.understood
	s.understood = false
	defer func() {
		if s.understood || modelArchive(entries) {
			s.findings = append(s.findings, integrity...)
		}
		s.understood = s.understood || understood
	}()
	if err != nil {
		if len(entries) == 0 {
			integrity = append(integrity, checks.Finding{RuleID: RuleArchiveIntegrity, Severity: checks.SeverityHigh,
				Message: fmt.Sprintf("%sZip archive with a broken central directory (%v): members that other readers "+
					"may still extract were not analysed.", w.prefix(), err),
				Evidence: w.member + ": central directory"})
			s.findings = append(s.findings, integrity...)
			integrity = nil
			return
		}
		integrity = append(integrity, checks.Finding{RuleID: RuleArchiveIntegrity, Severity: checks.SeverityHigh,
			Message: fmt.Sprintf("%sZip archive with a broken central directory (%v): members that other readers "+
				"may still extract were not analysed.", w.prefix(), err),
			Evidence: w.member + ": central directory"})
	}
	if truncated {
		s.limit(w, checks.SeverityHigh, fmt.Sprintf("more than %d archive members", s.lim.MaxMembers))
	}
	s.members += len(entries)
	loader := w.loader
	if isTorchZip(entries) {
		loader = "torch.load"
	} else if isNpz(entries) {
		loader = "numpy.load(allow_pickle=True)"
	}
	// archives whose Python modules their loader imports
	codeKind := ""
	switch {
	case isTorchPackage(entries):
		loader, codeKind = "torch.package.PackageImporter", "torch.package"
	case isTorchServe(entries):
		loader, codeKind = "TorchServe (torch-model-archiver .mar)", "TorchServe"
	}
	seen := map[string]string{}
	for i := range entries {
		if s.ctx.Err() != nil {
			s.limit(w, checks.SeverityHigh, "time limit reached")
			return
		}
		z := &entries[i]
		mw := w.in(z.name)
		mw.loader = loader
		s.checkName(mw, z.name)
		if z.localName != "" && z.localName != z.name {
			s.checkName(mw, z.localName)
		}
		// miniz (PyTorch) looks names up case-insensitively
		key := strings.ToLower(z.name)
		if prev, dup := seen[key]; dup {
			integrity = append(integrity, checks.Finding{RuleID: RuleArchiveIntegrity, Severity: checks.SeverityHigh,
				Message: fmt.Sprintf("%sTwo members resolve to the same name (%q and %q) under PyTorch's "+
					"case-insensitive lookup: torch.load and other tools may read different ones. Both were analysed.",
					w.prefix(), prev, z.name),
				Evidence: w.member + ": duplicate " + key})
		}
		seen[key] = z.name
		for _, d := range z.disagreements() {
			sev := checks.SeverityMedium
			if strings.Contains(d, "names it") {
				sev = checks.SeverityHigh
			}
			integrity = append(integrity, checks.Finding{RuleID: RuleArchiveIntegrity, Severity: sev,
				Message: fmt.Sprintf("%sThe zip headers disagree: %s. Readers that trust different headers "+
					"(Python's zipfile, PyTorch's miniz) see different content.", mw.prefix(), d),
				Evidence: mw.member + ": " + d})
		}
		if z.isDir() || z.localErr != "" {
			continue
		}
		if codeKind != "" && strings.HasSuffix(strings.ToLower(z.name), ".py") && !strings.Contains(z.name, ".data/") {
			if rd, closeFn, err := s.openMember(z, r, size); err != nil {
				s.limit(mw, checks.SeverityHigh, err.Error())
			} else {
				s.packageModule(mw, rd, codeKind)
				closeFn()
			}
			continue
		}
		s.scanMember(mw, r, size, z)
	}
}

func (s *scanner) checkName(w where, name string) {
	n := strings.ReplaceAll(name, "\\", "/")
	bad := strings.HasPrefix(n, "/") || len(n) > 1 && n[1] == ':' || n == ".."
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			bad = true
		}
	}
	if bad {
		s.add(checks.Finding{RuleID: RulePathTraversal, Severity: checks.SeverityHigh,
			Message: fmt.Sprintf("%sMember name %q escapes the extraction folder: extracting the archive writes "+
				"outside it.", w.prefix(), name),
			Evidence: w.member + ": " + name})
	}
}

// modelArchive: a model loader opens this zip (by its member names).
func modelArchive(es []zipEntry) bool {
	if isTorchZip(es) || isNpz(es) || isTorchPackage(es) || isTorchServe(es) {
		return true
	}
	for _, e := range es {
		switch path.Base(e.name) {
		case "config.json", "metadata.json", "model.weights.h5":
			if !strings.Contains(e.name, "/") {
				return true // Keras 3 .keras
			}
		}
		switch strings.ToLower(path.Ext(e.name)) {
		case ".pkl", ".pickle", ".pt", ".pth", ".bin", ".npy", ".joblib", ".ckpt", ".h5", ".keras", ".onnx", ".safetensors":
			return true
		}
	}
	return false
}

// isTorchServe: a TorchServe model archive (.mar) describes itself in
// MAR-INF/MANIFEST.json; the server imports its handler and model files.
func isTorchServe(es []zipEntry) bool {
	for _, e := range es {
		if strings.HasSuffix(e.name, "MAR-INF/MANIFEST.json") {
			return true
		}
	}
	return false
}

// isTorchPackage: torch.package archives keep their metadata in .data/.
func isTorchPackage(es []zipEntry) bool {
	for _, e := range es {
		if strings.HasSuffix(e.name, ".data/extern_modules") || strings.HasSuffix(e.name, ".data/python_version") {
			return true
		}
	}
	return false
}

func isTorchZip(es []zipEntry) bool {
	for _, e := range es {
		if path.Base(e.name) == "data.pkl" || strings.HasSuffix(e.name, "/version") {
			return true
		}
	}
	return false
}

func isNpz(es []zipEntry) bool {
	for _, e := range es {
		if !strings.HasSuffix(e.name, ".npy") {
			return false
		}
	}
	return len(es) > 0
}

// scanMember sniffs one member and analyses it if it is a pickle or a
// nested container.
func (s *scanner) scanMember(w where, r io.ReaderAt, size int64, z *zipEntry) {
	csize := int64(z.csize)
	if z.dataOff+csize > size {
		csize = size - z.dataOff
	}
	sec := io.NewSectionReader(r, z.dataOff, csize)
	method := z.method
	if method == 0 && z.localMethod == 0 || method == 0 && z.localErr != "" {
		head := z.head
		if len(head) < 4096 && int64(len(head)) < csize && mayStartPickle(head) {
			head = readAtMost(sec, 0, 4096, csize)
		}
		if sniff(head, true) == fUnknown {
			s.unreadable(w, z, head)
			return
		}
		from := len(s.findings)
		s.scanAt(w, sec, csize, true)
		s.shift(from, z.dataOff)
		s.checkCRC(w, z, func() io.Reader { return io.NewSectionReader(r, z.dataOff, csize) })
		return
	}
	open := func() (io.Reader, func(), error) { return s.openMember(z, r, size) }
	d, closeFn, err := open()
	if err != nil {
		s.limit(w, checks.SeverityHigh, err.Error())
		return
	}
	br := bufio.NewReaderSize(d, 64<<10)
	head, perr := br.Peek(4096)
	if sniff(head, true) == fUnknown {
		closeFn()
		if perr != nil && !errors.Is(perr, io.EOF) {
			// a member that does not decompress is not a data member
			// ward may skip: some reader may still get a pickle out of it
			s.readError(w, fmt.Errorf("compression method %d: %w", z.method, perr))
			return
		}
		s.unreadable(w, z, head)
		return
	}
	from := len(s.findings)
	s.scanStream(w, br, true)
	s.shift(from, -1)
	closeFn()
	s.checkCRC(w, z, func() io.Reader {
		d, c, err := open()
		if err != nil {
			return bytes.NewReader(nil)
		}
		return &closingReader{d, c}
	})
}

// openMember returns the member's decompressed content, bounded by the
// declared size, the ratio and the file's decompression budget.
func (s *scanner) openMember(z *zipEntry, r io.ReaderAt, size int64) (io.Reader, func(), error) {
	csize := int64(z.csize)
	if z.dataOff+csize > size {
		csize = size - z.dataOff
	}
	{
		cr := &countingReader{r: io.NewSectionReader(r, z.dataOff, csize)}
		var d io.Reader
		closeFn := func() {}
		switch z.method {
		case 0:
			d = cr
		case 8:
			fr := flate.NewReader(cr)
			d, closeFn = fr, func() { fr.Close() }
		case 12:
			d = bzip2.NewReader(cr)
		case 14:
			lr, err := zipLZMA(cr, z.flags, z.usize, s.reach(csize))
			if err != nil {
				return nil, nil, err
			}
			d = lr
		case 93:
			zr, err := zstd.NewReader(cr, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20))
			if err != nil {
				return nil, nil, err
			}
			d, closeFn = zr, zr.Close
		default:
			return nil, nil, fmt.Errorf("compression method %d is not supported", z.method)
		}
		return &boundedReader{s: s, r: d, in: cr, limit: int64(z.usize)}, closeFn, nil
	}
}

// RegisterZipMethods lets an archive/zip reader of another model check
// (Keras reads config.json the way Python's zipfile does) open what
// zipfile opens besides stored and deflated members: bzip2 (12), LZMA (14,
// ended by its end marker, as zipfile writes it) and zstd (93, zipfile in
// Python 3.14). most bounds what an LZMA member may decompress to; the zip
// reader itself stops any member at its declared size.
func RegisterZipMethods(zr *zip.Reader, most uint64) {
	zr.RegisterDecompressor(12, func(r io.Reader) io.ReadCloser { return io.NopCloser(bzip2.NewReader(r)) })
	zr.RegisterDecompressor(14, func(r io.Reader) io.ReadCloser {
		lr, err := zipLZMA(r, 2, most, most)
		if err != nil {
			return io.NopCloser(&failingReader{err})
		}
		return io.NopCloser(lr)
	})
	zr.RegisterDecompressor(93, func(r io.Reader) io.ReadCloser {
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20))
		if err != nil {
			return io.NopCloser(&failingReader{err})
		}
		return d.IOReadCloser()
	})
}

// failingReader returns err on every read.
type failingReader struct{ err error }

func (f *failingReader) Read([]byte) (int, error) { return 0, f.err }

// maxLZMADict bounds the dictionary an LZMA member makes ward allocate: 64
// MiB is what xz and 7-Zip use at their highest presets.
const maxLZMADict = 64 << 20

// reach is the most a boundedReader lets a stream of csize compressed bytes
// decompress to (ratio and budget of the file), give or take one read.
func (s *scanner) reach(csize int64) uint64 {
	out := max(s.lim.MaxDecompressedBytes-s.decompressed, 0)
	if csize < math.MaxInt64/s.lim.MaxCompressionRatio-1 {
		out = min(out, max(1<<20, s.lim.MaxCompressionRatio*(csize+1)))
	}
	return uint64(out) + 64<<10
}

// zipLZMA opens a member compressed with LZMA (method 14, APPNOTE 5.8.8):
// the LZMA SDK version (2 bytes), the size of the properties (2), the
// properties (lc/lp/pb byte, dictionary size), then the raw stream, which an
// end-of-stream marker ends when flag bit 1 is set and the uncompressed size
// ends otherwise. The decoder gets the classic 13-byte .lzma header instead.
// reach bounds what ward decompresses besides the declared size.
func zipLZMA(r io.Reader, flags uint16, usize, reach uint64) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 32<<10)
	var pre [4]byte
	if _, err := io.ReadFull(br, pre[:]); err != nil {
		return nil, fmt.Errorf("lzma member header: %w", err)
	}
	n := int64(binary.LittleEndian.Uint16(pre[2:]))
	if n < 5 {
		return nil, fmt.Errorf("lzma member with %d bytes of properties (5 expected)", n)
	}
	props := make([]byte, 5)
	if _, err := io.ReadFull(br, props); err != nil {
		return nil, fmt.Errorf("lzma member properties: %w", err)
	}
	// 7-Zip ignores properties past the fifth byte
	if _, err := io.CopyN(io.Discard, br, n-5); err != nil {
		return nil, fmt.Errorf("lzma member properties: %w", err)
	}
	size := usize
	if flags&2 != 0 {
		size = ^uint64(0) // unknown: the end marker ends the stream
	} else if usize == 0 {
		return bytes.NewReader(nil), nil
	}
	lr, err := lzmaReader(br, props[0], binary.LittleEndian.Uint32(props[1:]), size, min(usize, reach))
	if err != nil {
		return nil, fmt.Errorf("lzma member: %w", err)
	}
	return &cutShort{r: lr}, nil
}

// errLZMADict is an LZMA dictionary ward declines to allocate.
var errLZMADict = errors.New("lzma dictionary over ward's bound")

// lzmaReader decodes a raw LZMA stream (br) with properties byte props,
// the header's dictionary size and the uncompressed size (^0 when an end
// marker ends it). Matches reach back at most as far as the output goes,
// and the output stops at most bytes (the declared size, or the ratio and
// budget bounds of boundedReader), so the dictionary is shrunk to that: a
// header asking for 4 GiB costs what the stream can decompress to. One
// that still needs more than maxLZMADict is refused (errLZMADict).
func lzmaReader(br *bufio.Reader, props byte, dict uint32, size, most uint64) (io.Reader, error) {
	d := uint64(dict)
	if d > most {
		d = max(most, lzma.MinDictCap)
	}
	if d > maxLZMADict {
		return nil, fmt.Errorf("%w: a %d-byte dictionary for up to %d bytes (ward allocates at most %d)",
			errLZMADict, dict, most, maxLZMADict)
	}
	h := make([]byte, lzma.HeaderLen)
	h[0] = props
	binary.LittleEndian.PutUint32(h[1:], uint32(d))
	binary.LittleEndian.PutUint64(h[5:], size)
	return lzma.ReaderConfig{DictCap: maxLZMADict}.NewReader(&headerThen{h: h, r: br})
}

// cutShort hands over what the LZMA decoder decoded before its input ran
// out: the decoder reports the truncation first and keeps those bytes for
// the next Read. Python's zipfile passes them on to the unpickler, so a
// payload before the cut runs.
type cutShort struct {
	r   io.Reader
	err error
}

func (c *cutShort) Read(p []byte) (int, error) {
	if c.err != nil {
		// after a truncation the decoder only drains what it holds
		n, err := c.r.Read(p)
		if n > 0 && err == nil {
			return n, nil
		}
		return n, c.err
	}
	n, err := c.r.Read(p)
	if errors.Is(err, io.ErrUnexpectedEOF) {
		c.err = err
		if n > 0 {
			return n, nil
		}
		return c.Read(p)
	}
	return n, err
}

// headerThen reads h, then r; it is an io.ByteReader, which spares the
// LZMA decoder a Read call per byte.
type headerThen struct {
	h []byte
	r *bufio.Reader
}

func (p *headerThen) Read(b []byte) (int, error) {
	if len(p.h) > 0 {
		n := copy(b, p.h)
		p.h = p.h[n:]
		return n, nil
	}
	return p.r.Read(b)
}

func (p *headerThen) ReadByte() (byte, error) {
	if len(p.h) > 0 {
		c := p.h[0]
		p.h = p.h[1:]
		return c, nil
	}
	return p.r.ReadByte()
}

type closingReader struct {
	r io.Reader
	c func()
}

func (c *closingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if err != nil {
		c.c()
	}
	return n, err
}

// mayStartPickle is true when a short head could be the start of a pickle
// that a longer probe would recognise: its first byte is an opcode.
func mayStartPickle(head []byte) bool {
	if len(head) == 0 {
		return true
	}
	return strings.IndexByte("(.012FIJKLMNPQRSTUVXBCabcdeghijlopqrstu}])\x80\x8c\x95", head[0]) >= 0 ||
		head[0] >= 0x80 && head[0] <= 0x98
}

// unreadable reports encrypted members, which cannot be analysed (benign
// data members are simply skipped).
func (s *scanner) unreadable(w where, z *zipEntry, head []byte) {
	if z.encrypted() {
		s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityMedium,
			Message: fmt.Sprintf("%sEncrypted archive member: its content could not be analysed. PyTorch's loader "+
				"refuses encrypted members, but tools that know the password can extract and load it.", w.prefix()),
			Evidence: w.member + ": encrypted"})
	}
}

// checkCRC verifies a member ward analysed against the central directory's
// CRC-32 (a mismatch means some reader sees other bytes, or none).
func (s *scanner) checkCRC(w where, z *zipEntry, open func() io.Reader) {
	if z.usize > maxCRCCheck || z.encrypted() {
		return
	}
	h := crc32.NewIEEE()
	n, err := io.Copy(h, io.LimitReader(open(), maxCRCCheck+1))
	if err != nil && !errors.Is(err, io.EOF) {
		return
	}
	if uint64(n) == z.usize && h.Sum32() != z.crc {
		s.add(checks.Finding{RuleID: RuleArchiveIntegrity, Severity: checks.SeverityMedium,
			Message: fmt.Sprintf("%sCRC-32 mismatch (central directory 0x%08x, content 0x%08x): strict readers "+
				"refuse the member, lenient ones (PyTorch) load it anyway. It was analysed.", w.prefix(), z.crc, h.Sum32()),
			Evidence: w.member + ": crc"})
	}
}

// scanTar analyses every regular member of a tar stream (PyTorch's legacy
// tar format: sys_info, pickle, storages, tensors).
func (s *scanner) scanTar(w where, r io.Reader) {
	tr := tar.NewReader(r)
	for {
		if s.ctx.Err() != nil {
			s.limit(w, checks.SeverityHigh, "time limit reached")
			return
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			s.readError(w, fmt.Errorf("tar: %w", err))
			return
		}
		s.members++
		if s.members > s.lim.MaxMembers {
			s.limit(w, checks.SeverityHigh, fmt.Sprintf("more than %d archive members", s.lim.MaxMembers))
			return
		}
		mw := w.in(hdr.Name)
		s.checkName(mw, hdr.Name)
		if hdr.Typeflag != tar.TypeReg && hdr.Typeflag != 0 /* old tar writers' TypeRegA */ {
			continue
		}
		if hdr.Size > 0 && hdr.Size <= maxBuffered {
			// small enough to read whole: random access finds pickles
			// behind raw data too (the legacy format's "storages" member)
			buf := make([]byte, hdr.Size)
			if _, err := io.ReadFull(tr, buf); err != nil {
				s.readError(mw, fmt.Errorf("tar member: %w", err))
				return
			}
			if ext := strings.ToLower(path.Ext(hdr.Name)); (ext == ".yaml" || ext == ".yml") && hdr.Size <= maxCodeBytes {
				s.hydraConfig(mw, buf, path.Base(hdr.Name) == nemoConfig)
				continue
			}
			s.scanAt(mw, bytes.NewReader(buf), hdr.Size, true)
			continue
		}
		s.scanStream(mw, tr, true)
	}
}

// scan7z analyses the members of a 7z archive.
func (s *scanner) scan7z(w where, r io.ReaderAt, size int64) {
	zr, err := sevenzip.NewReader(r, size)
	if err != nil {
		s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message:  fmt.Sprintf("%s7z archive that could not be opened (%v): its members were not analysed.", w.prefix(), err),
			Evidence: w.member + ": 7z"})
		return
	}
	for _, f := range zr.File {
		s.members++
		if s.members > s.lim.MaxMembers {
			s.limit(w, checks.SeverityHigh, fmt.Sprintf("more than %d archive members", s.lim.MaxMembers))
			return
		}
		mw := w.in(f.Name)
		s.checkName(mw, f.Name)
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			s.readError(mw, err)
			continue
		}
		cr := &countingReader{r: rc}
		s.scanStream(mw, &boundedReader{s: s, r: cr, in: &countingReader{n: int64(f.FileInfo().Size()) / s.lim.MaxCompressionRatio}, limit: -1}, true)
		rc.Close()
	}
}
