package onnx

import (
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// errLimit marks a bound hit while decoding.
var errLimit = errors.New("limit")

// span is a message's bytes in the file: [off, end).
type span struct{ off, end int64 }

func (s span) len() int64 { return s.end - s.off }

// blockReader caches 64 KiB blocks of an io.ReaderAt: the decoder reads
// tags and lengths in small pieces, mostly in file order.
type blockReader struct {
	r      io.ReaderAt
	size   int64
	blocks map[int64][]byte
	order  []int64
	read   int64 // bytes fetched from r
	limit  int64
}

const blockSize = 64 << 10

func newBlockReader(r io.ReaderAt, size, limit int64) *blockReader {
	return &blockReader{r: r, size: size, blocks: map[int64][]byte{}, limit: limit}
}

func (b *blockReader) block(i int64) ([]byte, error) {
	if blk, ok := b.blocks[i]; ok {
		return blk, nil
	}
	off := i * blockSize
	n := int64(blockSize)
	if off+n > b.size {
		n = b.size - off
	}
	if b.read+n > b.limit {
		return nil, fmt.Errorf("%w: more than %d bytes read", errLimit, b.limit)
	}
	buf := make([]byte, n)
	m, err := b.r.ReadAt(buf, off)
	if err != nil && !(errors.Is(err, io.EOF) && int64(m) == n) {
		return nil, err
	}
	b.read += n
	if len(b.order) >= 16 {
		delete(b.blocks, b.order[0])
		b.order = b.order[1:]
	}
	b.blocks[i] = buf
	b.order = append(b.order, i)
	return buf, nil
}

// bytes returns n bytes at off (n bounded by the caller).
func (b *blockReader) bytes(off, n int64) ([]byte, error) {
	if off < 0 || n < 0 || off+n > b.size {
		return nil, fmt.Errorf("read of %d bytes at %d outside the file", n, off)
	}
	out := make([]byte, 0, n)
	for n > 0 {
		blk, err := b.block(off / blockSize)
		if err != nil {
			return nil, err
		}
		start := off % blockSize
		take := min(int64(len(blk))-start, n)
		out = append(out, blk[start:start+take]...)
		off += take
		n -= take
	}
	return out, nil
}

// head returns up to 20 bytes at off for a tag and a varint.
func (b *blockReader) head(off, end int64) ([]byte, error) {
	return b.bytes(off, min(20, end-off))
}

// field is one decoded field; Sub is the span of a length-delimited value.
type field struct {
	Num    protowire.Number
	Type   protowire.Type
	Varint uint64
	Sub    span
}

// eachField walks the fields of the message in s.
func (b *blockReader) eachField(s span, fn func(f field) error) error {
	off := s.off
	for off < s.end {
		h, err := b.head(off, s.end)
		if err != nil {
			return err
		}
		num, typ, n := protowire.ConsumeTag(h)
		if n < 0 {
			return fmt.Errorf("bad tag at byte %d: %w", off, protowire.ParseError(n))
		}
		f := field{Num: num, Type: typ}
		var m int
		var skip int64
		switch typ {
		case protowire.VarintType:
			f.Varint, m = protowire.ConsumeVarint(h[n:])
		case protowire.BytesType:
			var l uint64
			l, m = protowire.ConsumeVarint(h[n:])
			if m >= 0 {
				start := off + int64(n+m)
				if l > uint64(s.end-start) {
					// Truncated: decode what is there so that what precedes
					// the cut is still reported, then fail.
					f.Sub = span{start, s.end}
					if err := fn(f); err != nil {
						return err
					}
					return fmt.Errorf("field %d at byte %d: %d bytes announced, %d left in its message", num, off, l, s.end-start)
				}
				f.Sub = span{start, start + int64(l)}
				skip = int64(l)
			}
		case protowire.Fixed32Type:
			m, skip = 0, 4
		case protowire.Fixed64Type:
			m, skip = 0, 8
		default:
			return fmt.Errorf("field %d at byte %d: unsupported wire type %d", num, off, typ)
		}
		if m < 0 {
			return fmt.Errorf("field %d at byte %d: %w", num, off, protowire.ParseError(m))
		}
		next := off + int64(n+m) + skip
		if next > s.end {
			return fmt.Errorf("field %d at byte %d runs past its message", num, off)
		}
		if err := fn(f); err != nil {
			return err
		}
		off = next
	}
	return nil
}

// str reads a string field of at most max bytes.
func (b *blockReader) str(f field, max int64) (string, error) {
	if f.Type != protowire.BytesType {
		return "", fmt.Errorf("field %d is not a string", f.Num)
	}
	if f.Sub.len() > max {
		return "", fmt.Errorf("%w: string of %d bytes", errLimit, f.Sub.len())
	}
	v, err := b.bytes(f.Sub.off, f.Sub.len())
	return string(v), err
}
