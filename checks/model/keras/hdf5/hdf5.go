// Package hdf5 is a minimal, bounded, pure-Go reader of HDF5 files: enough
// of the superblock (versions 0–3), object headers (versions 1 and 2),
// attribute messages and dense attribute storage (fractal heap and version
// 2 B-tree name index) to read the string attributes of the root group,
// which is where Keras stores its model configuration, and of every group
// and dataset (Walk: symbol-table, compact and dense groups), which PyTables
// unpickles. No maintained pure-Go HDF5
// library exists; the Go bindings need cgo and libhdf5.
//
// Every read is bounded: header blocks, message counts, continuation
// chains, global heap collections and attribute values all have caps, and
// every length is checked against the file size before allocating. Dense
// storage adds caps on B-tree nodes (size, depth, count, each visited once),
// heap block sizes and nesting, and the bytes of all attribute values.
package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Signature is the 8-byte HDF5 format signature.
var Signature = []byte("\x89HDF\r\n\x1a\n")

// ErrLimit wraps every bound the reader hits.
var ErrLimit = errors.New("limit")

// ErrUnsupported wraps structures the reader does not decode (shared
// datatypes and messages, I/O filters on an attribute heap…) and attributes
// it could not read.
var ErrUnsupported = errors.New("unsupported")

// Bounds of one file.
const (
	maxHeaderBlock   = 1 << 20 // bytes of one object header chunk
	maxMessages      = 4096    // messages of one object header
	maxContinuations = 64      // continuation blocks of one object header
	maxHeapBytes     = 64 << 20
)

// Attribute is a root-group attribute. Strings holds its value when it is
// a string or an array of strings; other types are listed with no value.
type Attribute struct {
	Name    string
	Class   int // HDF5 datatype class: 3 fixed string, 9 variable length
	Strings []string
}

// File is an open HDF5 file.
type File struct {
	r          io.ReaderAt
	size       int64
	base       int64
	offSize    int
	lenSize    int
	Superblock int // superblock version
	rootAddr   uint64
	// MaxValueBytes bounds one attribute value (default 64 MiB).
	MaxValueBytes int64
}

// Sniff reports whether the file has an HDF5 signature at 0 or at one of
// the user-block offsets (512, 1024, 2048, …) within the first MiB.
func Sniff(r io.ReaderAt, size int64) (int64, bool) {
	buf := make([]byte, 8)
	for off := int64(0); off+8 <= size && off <= 1<<20; {
		if _, err := r.ReadAt(buf, off); err != nil {
			return 0, false
		}
		if bytes.Equal(buf, Signature) {
			return off, true
		}
		if off == 0 {
			off = 512
		} else {
			off *= 2
		}
	}
	return 0, false
}

// Open reads the superblock.
func Open(r io.ReaderAt, size int64) (*File, error) {
	at, ok := Sniff(r, size)
	if !ok {
		return nil, errors.New("no HDF5 signature")
	}
	f := &File{r: r, size: size, MaxValueBytes: maxHeapBytes}
	hdr, err := f.read(at, 96)
	if err != nil {
		return nil, fmt.Errorf("superblock: %w", err)
	}
	if len(hdr) < 16 {
		return nil, errors.New("superblock: truncated")
	}
	got := len(hdr)
	hdr = append(hdr, make([]byte, 96-len(hdr))...)
	f.Superblock = int(hdr[8])
	switch f.Superblock {
	case 0, 1:
		f.offSize, f.lenSize = int(hdr[13]), int(hdr[14])
		off := 24
		if f.Superblock == 1 {
			off = 28
		}
		if err := f.checkSizes(); err != nil {
			return nil, err
		}
		// base, free-space, end-of-file, driver addresses; then the root
		// group's symbol table entry: link name offset, object header address.
		base := f.uint(hdr[off:])
		off += 4 * f.offSize
		off += f.offSize
		if off+f.offSize > got {
			return nil, errors.New("superblock: truncated")
		}
		f.base = int64(base)
		f.rootAddr = f.uint(hdr[off:])
	case 2, 3:
		f.offSize, f.lenSize = int(hdr[9]), int(hdr[10])
		if err := f.checkSizes(); err != nil {
			return nil, err
		}
		off := 12
		if off+4*f.offSize > got {
			return nil, errors.New("superblock: truncated")
		}
		f.base = int64(f.uint(hdr[off:]))
		off += 3 * f.offSize // base, extension, end of file
		f.rootAddr = f.uint(hdr[off:])
	default:
		return nil, fmt.Errorf("superblock version %d: %w", f.Superblock, ErrUnsupported)
	}
	if f.base < 0 || f.base > size {
		return nil, fmt.Errorf("superblock: base address %d outside the file", f.base)
	}
	return f, nil
}

func (f *File) checkSizes() error {
	for _, s := range []int{f.offSize, f.lenSize} {
		if s != 2 && s != 4 && s != 8 {
			return fmt.Errorf("superblock: field size %d is not 2, 4 or 8", s)
		}
	}
	return nil
}

// uint reads a little-endian unsigned integer of offSize bytes.
func (f *File) uint(b []byte) uint64 { return leUint(b, f.offSize) }

func leUint(b []byte, n int) uint64 {
	if len(b) < n {
		return 0
	}
	switch n {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(binary.LittleEndian.Uint16(b))
	case 4:
		return uint64(binary.LittleEndian.Uint32(b))
	case 8:
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

// read returns n bytes at absolute offset off, refusing reads past the end.
func (f *File) read(off int64, n int) ([]byte, error) {
	if off < 0 || n < 0 || off > f.size {
		return nil, fmt.Errorf("read %d bytes at %d: outside the file", n, off)
	}
	if int64(n) > f.size-off {
		n = int(f.size - off)
	}
	buf := make([]byte, n)
	m, err := f.r.ReadAt(buf, off)
	if err != nil && !(errors.Is(err, io.EOF) && m == n) {
		return nil, err
	}
	return buf[:m], nil
}

// addr converts a file address (relative to the base) to an offset,
// rejecting the undefined address and addresses outside the file.
func (f *File) addr(a uint64) (int64, error) {
	undef := uint64(1)<<(8*uint(f.offSize)) - 1
	if f.offSize == 8 {
		undef = ^uint64(0)
	}
	if a == undef {
		return 0, errors.New("undefined address")
	}
	if a > uint64(f.size) || int64(a)+f.base > f.size {
		return 0, fmt.Errorf("address %d outside the file (%d bytes)", a, f.size)
	}
	return int64(a) + f.base, nil
}
