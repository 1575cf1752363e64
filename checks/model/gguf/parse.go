package gguf

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"strings"
)

// Value types of GGUF metadata.
const (
	tU8 = iota
	tI8
	tU16
	tI16
	tU32
	tI32
	tF32
	tBool
	tString
	tArray
	tU64
	tI64
	tF64
)

var fixedSize = map[uint32]int64{tU8: 1, tI8: 1, tU16: 2, tI16: 2, tU32: 4, tI32: 4, tF32: 4, tBool: 1, tU64: 8, tI64: 8, tF64: 8}

// Bounds of one file.
const (
	maxKV          = 1 << 20
	maxTensors     = 1 << 20
	maxKeyBytes    = 1 << 16
	maxKeptString  = 16 << 20 // chat templates and other strings ward reads
	maxArrayDepth  = 8
	maxDims        = 8
	defaultAlign   = 32
	checkCtxEveryN = 4096
)

// Errors of the parser: errLimit for bounds, errMalformed for bad input.
var (
	errLimit     = errors.New("limit")
	errMalformed = errors.New("malformed")
)

// Tensor is one entry of the tensor table.
type Tensor struct {
	Name   string
	Dims   []uint64
	Type   uint32
	Offset uint64
}

// File is what Parse read.
type File struct {
	Version   uint32
	KVCount   uint64
	Strings   map[string]string // string metadata ward keeps (templates, architecture)
	Tensors   []Tensor
	Alignment uint64
	DataStart int64 // offset of the tensor data
	BigEndian bool  // numbers after the magic are big-endian
}

type reader struct {
	ctx   context.Context
	br    *bufio.Reader
	off   int64
	size  int64
	limit int64 // bytes that may be read
	ver   uint32
	items int
	order binary.ByteOrder // little-endian, or big-endian GGUF (gguf-py reads both)
}

func (r *reader) fail(kind error, format string, a ...any) error {
	return fmt.Errorf("%w at byte %d: %s", kind, r.off, fmt.Sprintf(format, a...))
}

func (r *reader) need(n int64) error {
	if n < 0 || n > r.size-r.off {
		return r.fail(errMalformed, "%d bytes needed, %d left in the file", n, r.size-r.off)
	}
	if r.off+n > r.limit {
		return r.fail(errLimit, "byte limit (%d bytes)", r.limit)
	}
	return nil
}

func (r *reader) bytes(n int64) ([]byte, error) {
	if err := r.need(n); err != nil {
		return nil, err
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.br, b); err != nil {
		return nil, r.fail(errMalformed, "read: %v", err)
	}
	r.off += n
	return b, nil
}

func (r *reader) skip(n int64) error {
	if err := r.need(n); err != nil {
		return err
	}
	if _, err := r.br.Discard(int(n)); err != nil {
		return r.fail(errMalformed, "read: %v", err)
	}
	r.off += n
	return nil
}

func (r *reader) u32() (uint32, error) {
	b, err := r.bytes(4)
	if err != nil {
		return 0, err
	}
	return r.order.Uint32(b), nil
}

func (r *reader) u64() (uint64, error) {
	b, err := r.bytes(8)
	if err != nil {
		return 0, err
	}
	return r.order.Uint64(b), nil
}

// count reads a count or length: 32 bits in version 1, 64 after.
func (r *reader) count() (uint64, error) {
	if r.ver == 1 {
		v, err := r.u32()
		return uint64(v), err
	}
	return r.u64()
}

func (r *reader) tick() error {
	r.items++
	if r.items%checkCtxEveryN == 0 {
		return r.ctx.Err()
	}
	return nil
}

// str reads a string, keeping it when keep is set (up to max bytes).
func (r *reader) str(keep bool, max int64) (string, error) {
	n, err := r.count()
	if err != nil {
		return "", err
	}
	if n > uint64(r.size-r.off) {
		return "", r.fail(errMalformed, "string of %d bytes runs past the end of the file", n)
	}
	if !keep {
		return "", r.skip(int64(n))
	}
	if int64(n) > max {
		return "", r.fail(errLimit, "string of %d bytes over the %d-byte limit", n, max)
	}
	b, err := r.bytes(int64(n))
	return string(b), err
}

// Sniff reports whether the content starts with the GGUF magic.
func Sniff(head []byte) bool { return len(head) >= 4 && string(head[:4]) == "GGUF" }

// Parse reads the header, metadata and tensor table. It returns what it
// read before an error; errors wrap errLimit or errMalformed.
func Parse(ctx context.Context, ra io.ReaderAt, size, limit int64) (*File, error) {
	r := &reader{ctx: ctx, br: bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), 64<<10), size: size, limit: limit,
		order: binary.LittleEndian}
	f := &File{Strings: map[string]string{}, Alignment: defaultAlign}
	magic, err := r.bytes(4)
	if err != nil {
		return f, err
	}
	if string(magic) != "GGUF" {
		return f, r.fail(errMalformed, "no GGUF magic")
	}
	if f.Version, err = r.u32(); err != nil {
		return f, err
	}
	if f.Version&0xffff == 0 && f.Version != 0 {
		// a big-endian file (GGUF's own converters write them for s390x);
		// gguf-py (transformers' GGUF loading) detects it this way and
		// reads every number after the magic big-endian
		r.order, f.Version, f.BigEndian = binary.BigEndian, bits.ReverseBytes32(f.Version), true
	}
	if f.Version < 1 || f.Version > 3 {
		return f, r.fail(errMalformed, "unknown GGUF version %d (1–3 exist)", f.Version)
	}
	r.ver = f.Version
	nt, err := r.count()
	if err != nil {
		return f, err
	}
	nkv, err := r.count()
	if err != nil {
		return f, err
	}
	f.KVCount = nkv
	switch {
	case nkv > uint64(r.size-r.off)/13, nt > uint64(r.size-r.off)/20: // smallest key/value and tensor entries
		return f, r.fail(errMalformed, "%d metadata entries and %d tensors cannot fit in the %d bytes left", nkv, nt, r.size-r.off)
	case nkv > maxKV:
		return f, r.fail(errLimit, "%d metadata entries, over the %d limit", nkv, maxKV)
	case nt > maxTensors:
		return f, r.fail(errLimit, "%d tensors, over the %d limit", nt, maxTensors)
	}
	for i := uint64(0); i < nkv; i++ {
		if err := r.tick(); err != nil {
			return f, err
		}
		key, err := r.str(true, maxKeyBytes)
		if err != nil {
			return f, err
		}
		typ, err := r.u32()
		if err != nil {
			return f, err
		}
		if err := r.value(f, key, typ, 0); err != nil {
			return f, fmt.Errorf("metadata %q: %w", key, err)
		}
	}
	for i := uint64(0); i < nt; i++ {
		if err := r.tick(); err != nil {
			return f, err
		}
		t, err := r.tensor()
		if err != nil {
			return f, fmt.Errorf("tensor %d: %w", i, err)
		}
		f.Tensors = append(f.Tensors, t)
	}
	f.DataStart = r.off
	if f.Alignment > 0 && f.DataStart%int64(f.Alignment) != 0 {
		f.DataStart += int64(f.Alignment) - f.DataStart%int64(f.Alignment)
	}
	return f, nil
}

// keepString says which string values ward needs.
func keepString(key string) bool {
	return key == "general.architecture" || key == "general.name" || strings.HasPrefix(key, "tokenizer.chat_template")
}

func (r *reader) value(f *File, key string, typ uint32, depth int) error {
	if sz, ok := fixedSize[typ]; ok {
		if key == "general.alignment" && typ == tU32 && depth == 0 {
			v, err := r.u32()
			if err != nil {
				return err
			}
			if v == 0 || v&(v-1) != 0 {
				return r.fail(errMalformed, "general.alignment %d is not a power of two", v)
			}
			f.Alignment = uint64(v)
			return nil
		}
		return r.skip(sz)
	}
	switch typ {
	case tString:
		s, err := r.str(depth == 0 && keepString(key), maxKeptString)
		if err != nil {
			return err
		}
		if depth == 0 && keepString(key) {
			f.Strings[key] = s
		}
		return nil
	case tArray:
		if depth >= maxArrayDepth {
			return r.fail(errLimit, "arrays nested more than %d deep", maxArrayDepth)
		}
		et, err := r.u32()
		if err != nil {
			return err
		}
		n, err := r.count()
		if err != nil {
			return err
		}
		if sz, ok := fixedSize[et]; ok {
			if n > uint64(math.MaxInt64/sz) {
				return r.fail(errMalformed, "array of %d elements overflows", n)
			}
			return r.skip(int64(n) * sz)
		}
		if et != tString && et != tArray {
			return r.fail(errMalformed, "array of unknown value type %d", et)
		}
		if n > uint64(r.size-r.off)/4 { // each element needs at least a length
			return r.fail(errMalformed, "array of %d elements cannot fit in the %d bytes left", n, r.size-r.off)
		}
		for i := uint64(0); i < n; i++ {
			if err := r.tick(); err != nil {
				return err
			}
			if err := r.value(f, key, et, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	return r.fail(errMalformed, "unknown value type %d", typ)
}

func (r *reader) tensor() (Tensor, error) {
	var t Tensor
	var err error
	if t.Name, err = r.str(true, maxKeyBytes); err != nil {
		return t, err
	}
	nd, err := r.u32()
	if err != nil {
		return t, err
	}
	if nd > maxDims {
		return t, r.fail(errMalformed, "tensor %q has %d dimensions (ggml allows 4)", t.Name, nd)
	}
	for i := uint32(0); i < nd; i++ {
		d, err := r.count()
		if err != nil {
			return t, err
		}
		t.Dims = append(t.Dims, d)
	}
	if t.Type, err = r.u32(); err != nil {
		return t, err
	}
	t.Offset, err = r.u64()
	return t, err
}
