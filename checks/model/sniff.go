package model

import (
	"bytes"
	"encoding/binary"
	"io"

	"github.com/ward-sec/ward/checks/model/pickle"
)

// format is a container or serialisation format recognised by content.
type format int

const (
	fUnknown format = iota
	fPickle
	fZip
	fTar
	f7z
	fNpy
	fGzip
	fBzip2
	fXz
	fLzma
	fZlib
	fZstd
	fLz4
)

var formatNames = map[format]string{
	fPickle: "pickle", fZip: "zip", fTar: "tar", f7z: "7z", fNpy: "NumPy .npy", fGzip: "gzip",
	fBzip2: "bzip2", fXz: "xz", fLzma: "lzma", fZlib: "zlib", fZstd: "zstd", fLz4: "lz4",
}

func (f format) String() string { return formatNames[f] }

// weak formats are recognised from a couple of header bytes only: content
// that does not decompress was not one of them.
func (f format) weak() bool { return f == fZlib || f == fLzma }

// compressed reports whether the format is a single compressed stream.
func (f format) compressed() bool { return f >= fGzip }

// sniff recognises a format from the first bytes of content (up to 4 KiB).
// strict asks for stronger evidence of a pickle (used for archive members,
// where tensor data may start with any byte).
func sniff(head []byte, strict bool) format {
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")),
		bytes.HasPrefix(head, []byte("PK\x07\x08PK\x03\x04")):
		return fZip
	case bytes.HasPrefix(head, []byte("7z\xbc\xaf\x27\x1c")):
		return f7z
	case bytes.HasPrefix(head, []byte("\x93NUMPY")):
		return fNpy
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return fGzip
	case bytes.HasPrefix(head, []byte("BZh")) && len(head) > 3 && head[3] >= '1' && head[3] <= '9':
		return fBzip2
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return fXz
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return fZstd
	case bytes.HasPrefix(head, []byte{0x04, 0x22, 0x4d, 0x18}):
		return fLz4
	case len(head) >= 263 && (bytes.Equal(head[257:262], []byte("ustar")) && tarChecksumOK(head)):
		return fTar
	}
	if looksPickle(head, strict) {
		return fPickle
	}
	switch {
	case len(head) >= 2 && head[0] == 0x78 && (head[1] == 0x01 || head[1] == 0x5e || head[1] == 0x9c || head[1] == 0xda):
		// the four headers zlib writes by level; text starting "x^" is
		// rejected later when it does not decompress
		return fZlib
	case len(head) >= 13 && head[0] < 9*5*5 && lzmaAlone(head):
		return fLzma
	case len(head) >= 512 && tarChecksumOK(head):
		return fTar
	}
	return fUnknown
}

// looksPickle is the pickle probe. Archive members that are raw tensor data
// pass it only by rare chance, and then report nothing unless the "pickle"
// imports a global (malformed streams without globals are not reported for
// members), so one probe serves both.
func looksPickle(head []byte, strict bool) bool {
	_ = strict
	return pickle.LooksLikePickle(head)
}

// lzmaAlone checks the header of the legacy .lzma format joblib writes:
// properties byte, dictionary size, and an uncompressed size that is either
// unknown (-1) or plausible.
func lzmaAlone(h []byte) bool {
	if h[0] != 0x5d {
		return false
	}
	dict := binary.LittleEndian.Uint32(h[1:5])
	if dict < 1<<12 || dict > 1<<30 {
		return false
	}
	n := binary.LittleEndian.Uint64(h[5:13])
	return n == ^uint64(0) || n < 1<<42
}

// tarChecksumOK verifies a tar header block's checksum.
func tarChecksumOK(h []byte) bool {
	if len(h) < 512 {
		return false
	}
	var sum int64
	for i := 0; i < 512; i++ {
		if i >= 148 && i < 156 {
			sum += ' '
		} else {
			sum += int64(h[i])
		}
	}
	field := bytes.Trim(h[148:156], " \x00")
	if len(field) == 0 {
		return false
	}
	var want int64
	for _, c := range field {
		if c < '0' || c > '7' {
			return false
		}
		want = want*8 + int64(c-'0')
	}
	return want == sum && h[0] != 0
}

// zipAtEnd reports whether an end-of-central-directory record sits at the
// end of the content: archives with a prefix (PyTorch's reader accepts
// them) do not start with "PK".
func zipAtEnd(r io.ReaderAt, size int64) bool {
	return zipAtEndWithin(r, size, 22+65535)
}

// zipAtEndWithin searches only the last n bytes (22: an archive without a
// comment), which keeps sniffing tensor members of a checkpoint cheap.
func zipAtEndWithin(r io.ReaderAt, size, n int64) bool {
	if size < 22 {
		return false
	}
	if n > size {
		n = size
	}
	tail := make([]byte, n)
	if _, err := r.ReadAt(tail, size-n); err != nil && err != io.EOF {
		return false
	}
	return findEOCD(tail) >= 0
}

func readAtMost(r io.ReaderAt, off, n, size int64) []byte {
	if off >= size {
		return nil
	}
	if off+n > size {
		n = size - off
	}
	b := make([]byte, n)
	k, _ := r.ReadAt(b, off)
	return b[:k]
}
