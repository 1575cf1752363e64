package modeldiff

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
)

// GGUF value types (gguf.md).
const (
	ggU8 = iota
	ggI8
	ggU16
	ggI16
	ggU32
	ggI32
	ggF32
	ggBool
	ggString
	ggArray
	ggU64
	ggI64
	ggF64
)

var ggSize = map[uint32]int{ggU8: 1, ggI8: 1, ggU16: 2, ggI16: 2, ggU32: 4, ggI32: 4, ggF32: 4, ggBool: 1,
	ggU64: 8, ggI64: 8, ggF64: 8}

const (
	maxGGKeys     = 1 << 16
	maxGGShown    = 120     // characters of a value shown
	maxGGArrayLen = 1 << 24 // elements of one string array walked
)

// ggufKeys lists every metadata key with a short rendering of its value, so
// that a changed key (a new tokenizer, a swapped architecture) shows. The
// gguf package validates the file; this only reads what it needs to show,
// within max bytes.
func ggufKeys(ctx context.Context, ra io.ReaderAt, size, max int64) (map[string]string, error) {
	g := &ggReader{br: bufio.NewReaderSize(io.NewSectionReader(ra, 0, min(size, max)), 64<<10)}
	if _, err := g.bytes(4); err != nil {
		return nil, err
	}
	ver, err := g.u32()
	if err != nil {
		return nil, err
	}
	if ver < 1 || ver > 3 {
		return nil, fmt.Errorf("GGUF version %d", ver)
	}
	g.v1 = ver == 1
	if _, err := g.count(); err != nil {
		return nil, err
	}
	nkv, err := g.count()
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i := uint64(0); i < nkv; i++ {
		if i >= maxGGKeys {
			return out, fmt.Errorf("more than %d metadata keys", maxGGKeys)
		}
		if i%1024 == 0 && ctx.Err() != nil {
			return out, ctx.Err()
		}
		key, err := g.str(1 << 16)
		if err != nil {
			return out, err
		}
		typ, err := g.u32()
		if err != nil {
			return out, err
		}
		v, err := g.value(typ, 0)
		if err != nil {
			return out, fmt.Errorf("metadata %q: %w", key, err)
		}
		out[key] = v
	}
	return out, nil
}

type ggReader struct {
	br *bufio.Reader
	v1 bool
}

func (g *ggReader) bytes(n int) ([]byte, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(g.br, b); err != nil {
		return nil, fmt.Errorf("truncated GGUF header: %w", err)
	}
	return b, nil
}

func (g *ggReader) u32() (uint32, error) {
	b, err := g.bytes(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b), nil
}

func (g *ggReader) count() (uint64, error) {
	if g.v1 {
		v, err := g.u32()
		return uint64(v), err
	}
	b, err := g.bytes(8)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b), nil
}

// str reads a string, keeping at most keep bytes and discarding the rest.
func (g *ggReader) str(keep int) (string, error) {
	n, err := g.count()
	if err != nil {
		return "", err
	}
	if n > math.MaxInt32 {
		return "", fmt.Errorf("string of %d bytes", n)
	}
	k := min(int(n), keep)
	b, err := g.bytes(k)
	if err != nil {
		return "", err
	}
	if _, err := g.br.Discard(int(n) - k); err != nil {
		return "", fmt.Errorf("truncated string: %w", err)
	}
	return string(b), nil
}

func (g *ggReader) value(typ uint32, depth int) (string, error) {
	if sz, ok := ggSize[typ]; ok {
		b, err := g.bytes(sz)
		if err != nil {
			return "", err
		}
		return ggScalar(typ, b), nil
	}
	switch typ {
	case ggString:
		s, err := g.str(maxGGShown + 1)
		if err != nil {
			return "", err
		}
		if len(s) > maxGGShown {
			s = s[:maxGGShown] + "…"
		}
		return strconv.Quote(s), nil
	case ggArray:
		if depth > 2 {
			return "", fmt.Errorf("arrays nested too deep")
		}
		et, err := g.u32()
		if err != nil {
			return "", err
		}
		n, err := g.count()
		if err != nil {
			return "", err
		}
		if sz, ok := ggSize[et]; ok {
			if n > math.MaxInt32/uint64(sz) {
				return "", fmt.Errorf("array of %d elements", n)
			}
			if _, err := g.br.Discard(int(n) * sz); err != nil {
				return "", fmt.Errorf("truncated array: %w", err)
			}
			return fmt.Sprintf("[%d × %s]", n, ggTypeName(et)), nil
		}
		if n > maxGGArrayLen {
			return "", fmt.Errorf("array of %d elements", n)
		}
		for i := uint64(0); i < n; i++ {
			if _, err := g.value(et, depth+1); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("[%d × %s]", n, ggTypeName(et)), nil
	}
	return "", fmt.Errorf("unknown value type %d", typ)
}

func ggTypeName(t uint32) string {
	names := []string{"u8", "i8", "u16", "i16", "u32", "i32", "f32", "bool", "string", "array", "u64", "i64", "f64"}
	if int(t) < len(names) {
		return names[t]
	}
	return "?"
}

func ggScalar(t uint32, b []byte) string {
	switch t {
	case ggU8:
		return strconv.FormatUint(uint64(b[0]), 10)
	case ggI8:
		return strconv.FormatInt(int64(int8(b[0])), 10)
	case ggU16:
		return strconv.FormatUint(uint64(binary.LittleEndian.Uint16(b)), 10)
	case ggI16:
		return strconv.FormatInt(int64(int16(binary.LittleEndian.Uint16(b))), 10)
	case ggU32:
		return strconv.FormatUint(uint64(binary.LittleEndian.Uint32(b)), 10)
	case ggI32:
		return strconv.FormatInt(int64(int32(binary.LittleEndian.Uint32(b))), 10)
	case ggF32:
		return strconv.FormatFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))), 'g', -1, 32)
	case ggBool:
		return strconv.FormatBool(b[0] != 0)
	case ggU64:
		return strconv.FormatUint(binary.LittleEndian.Uint64(b), 10)
	case ggI64:
		return strconv.FormatInt(int64(binary.LittleEndian.Uint64(b)), 10)
	case ggF64:
		return strconv.FormatFloat(math.Float64frombits(binary.LittleEndian.Uint64(b)), 'g', -1, 64)
	}
	return "?"
}
