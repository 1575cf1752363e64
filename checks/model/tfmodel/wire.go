package tfmodel

import (
	"errors"
	"fmt"

	"google.golang.org/protobuf/encoding/protowire"
)

// errLimit marks a bound hit while decoding (nodes, depth).
var errLimit = errors.New("limit")

// field is one decoded protobuf field: Bytes for length-delimited fields,
// Varint for varints (fixed-width values are skipped).
type field struct {
	Num    protowire.Number
	Type   protowire.Type
	Bytes  []byte
	Varint uint64
	Offset int // offset of the field's tag within the message
}

// eachField walks a message's fields, stopping at the first malformed one.
func eachField(b []byte, fn func(f field) error) error {
	off := 0
	for off < len(b) {
		num, typ, n := protowire.ConsumeTag(b[off:])
		if n < 0 {
			return fmt.Errorf("bad tag at %d: %w", off, protowire.ParseError(n))
		}
		f := field{Num: num, Type: typ, Offset: off}
		rest := b[off+n:]
		var m int
		switch typ {
		case protowire.VarintType:
			f.Varint, m = protowire.ConsumeVarint(rest)
		case protowire.BytesType:
			l, k := protowire.ConsumeVarint(rest)
			if k > 0 && l > uint64(len(rest)-k) {
				// Truncated: decode what is there, so that what precedes
				// the cut is still reported, then fail.
				f.Bytes = rest[k:]
				if err := fn(f); err != nil {
					return err
				}
				return fmt.Errorf("field %d at %d: truncated (%d bytes announced, %d present)", num, off, l, len(rest)-k)
			}
			f.Bytes, m = protowire.ConsumeBytes(rest)
		case protowire.Fixed32Type:
			_, m = protowire.ConsumeFixed32(rest)
		case protowire.Fixed64Type:
			_, m = protowire.ConsumeFixed64(rest)
		default:
			return fmt.Errorf("field %d at %d: unsupported wire type %d", num, off, typ)
		}
		if m < 0 {
			return fmt.Errorf("field %d at %d: %w", num, off, protowire.ParseError(m))
		}
		if err := fn(f); err != nil {
			return err
		}
		off += n + m
	}
	return nil
}

// wantBytes checks that a known message field is length-delimited.
func wantBytes(f field, what string) error {
	if f.Type != protowire.BytesType {
		return fmt.Errorf("%s (field %d) has wire type %d, not a message", what, f.Num, f.Type)
	}
	return nil
}
