package model

import (
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"

	"github.com/ward-sec/ward/checks"
)

// boundError is a decompression bound being hit.
type boundError struct{ what string }

func (b *boundError) Error() string { return b.what }

// countingReader counts bytes read from the compressed side.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// boundedReader enforces the decompressed-bytes budget of the whole file,
// the compression ratio of one stream (zip bombs) and the scan's deadline.
type boundedReader struct {
	s     *scanner
	r     io.Reader
	in    *countingReader
	out   int64
	limit int64 // declared size when known, else -1
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if err := b.s.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := b.r.Read(p)
	b.out += int64(n)
	b.s.decompressed += int64(n)
	if b.s.decompressed > b.s.lim.MaxDecompressedBytes {
		return n, &boundError{fmt.Sprintf("more than %d decompressed bytes", b.s.lim.MaxDecompressedBytes)}
	}
	if b.out > 1<<20 && b.out > b.s.lim.MaxCompressionRatio*(b.in.n+1) {
		return n, &boundError{fmt.Sprintf("compression ratio over %d:1 (a zip bomb?)", b.s.lim.MaxCompressionRatio)}
	}
	if b.limit >= 0 && b.out > b.limit {
		return n, &boundError{fmt.Sprintf("more data than the declared %d bytes", b.limit)}
	}
	return n, err
}

// decompressor opens a stream of format f.
// reach bounds what an LZMA stream may decompress to (see lzmaReader).
func decompressor(f format, r io.Reader, reach uint64) (io.Reader, func(), error) {
	nop := func() {}
	switch f {
	case fGzip:
		z, err := gzip.NewReader(r)
		return z, nop, err
	case fBzip2:
		return bzip2.NewReader(r), nop, nil
	case fXz:
		// The dictionary is allocated up front at the size the header asks
		// for (up to 2 GiB by default): cap it as for zip members.
		z, err := xz.ReaderConfig{DictCap: maxLZMADict}.NewReader(r)
		return z, nop, err
	case fLzma:
		// The .lzma header: properties, dictionary size, uncompressed size
		// (^0 for unknown); the dictionary gets the bound zip members get.
		br := bufio.NewReader(r)
		var h [lzma.HeaderLen]byte
		if _, err := io.ReadFull(br, h[:]); err != nil {
			return nil, nop, fmt.Errorf("lzma header: %w", err)
		}
		size := binary.LittleEndian.Uint64(h[5:])
		z, err := lzmaReader(br, h[0], binary.LittleEndian.Uint32(h[1:5]), size, min(size, reach))
		return z, nop, err
	case fZlib:
		z, err := zlib.NewReader(r)
		return z, nop, err
	case fZstd:
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20))
		if err != nil {
			return nil, nop, err
		}
		return z, z.Close, nil
	case fLz4:
		return lz4.NewReader(r), nop, nil
	}
	return nil, nop, fmt.Errorf("no decompressor for %s", f)
}

// scanCompressed analyses a compressed stream (joblib writes zlib, gzip,
// bz2, xz, lzma and lz4 files) and what it holds.
func (s *scanner) scanCompressed(w where, f format, r io.Reader) bool {
	cr := &countingReader{r: r}
	d, closeFn, err := decompressor(f, cr, s.reach(math.MaxInt64))
	if err != nil {
		// A weak match that does not open was probably not that format;
		// but an LZMA header that only fails for its dictionary size is
		// one ward declines to decode, and says so.
		if f.weak() && !errors.Is(err, errLZMADict) {
			return false
		}
		s.add(checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message:  fmt.Sprintf("%sLooks like a %s stream but could not be opened (%v): its content was not analysed.", w.prefix(), f, err),
			Evidence: w.member + ": " + f.String()})
		return true
	}
	defer closeFn()
	br := bufio.NewReaderSize(&boundedReader{s: s, r: d, in: cr, limit: -1}, 64<<10)
	if head, err := br.Peek(1); len(head) == 0 && f.weak() {
		_ = err
		return false
	}
	inner := w
	if w.loader == defaultLoaders {
		inner.loader = "joblib.load"
	}
	if inner.member == "" {
		inner.member = "(" + f.String() + " stream)"
	} else {
		inner.member += " (" + f.String() + ")"
	}
	ok := s.scanStream(inner, br, false)
	return ok || !f.weak()
}
