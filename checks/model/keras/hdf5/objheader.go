package hdf5

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Message types the reader uses.
const (
	msgAttribute    = 0x000C
	msgContinuation = 0x0010
	msgAttrInfo     = 0x0015
)

type message struct {
	typ  int
	data []byte
}

// messages returns the messages of the object header at address a,
// following continuation blocks.
func (f *File) messages(a uint64) ([]message, error) {
	off, err := f.addr(a)
	if err != nil {
		return nil, fmt.Errorf("object header: %w", err)
	}
	head, err := f.read(off, 16)
	if err != nil {
		return nil, err
	}
	if bytes.HasPrefix(head, []byte("OHDR")) {
		return f.messagesV2(off)
	}
	if len(head) < 16 || head[0] != 1 {
		return nil, fmt.Errorf("object header at %d: unknown version", off)
	}
	count := int(binary.LittleEndian.Uint16(head[2:]))
	size := int64(binary.LittleEndian.Uint32(head[8:]))
	var out []message
	blocks := []span{{off + 16, size}}
	for i := 0; i < len(blocks); i++ {
		if i > maxContinuations {
			return out, fmt.Errorf("object header: more than %d continuation blocks: %w", maxContinuations, ErrLimit)
		}
		b, err := f.block(blocks[i])
		if err != nil {
			return out, err
		}
		for p := 0; p+8 <= len(b); {
			typ := int(binary.LittleEndian.Uint16(b[p:]))
			n := int(binary.LittleEndian.Uint16(b[p+2:]))
			p += 8
			if p+n > len(b) {
				return out, fmt.Errorf("object header at %d: message of %d bytes overruns its block", off, n)
			}
			m := message{typ, b[p : p+n]}
			p += n
			if typ == msgContinuation {
				s, err := f.continuation(m.data)
				if err != nil {
					return out, err
				}
				blocks = append(blocks, s)
				continue
			}
			out = append(out, m)
			if len(out) > maxMessages {
				return out, fmt.Errorf("object header: more than %d messages: %w", maxMessages, ErrLimit)
			}
		}
	}
	_ = count // the v1 count includes continuation and null messages; blocks bound the walk instead
	return out, nil
}

type span struct{ off, size int64 }

func (f *File) block(s span) ([]byte, error) {
	if s.size < 0 || s.size > maxHeaderBlock {
		return nil, fmt.Errorf("object header block of %d bytes: %w", s.size, ErrLimit)
	}
	b, err := f.read(s.off, int(s.size))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) < s.size {
		return nil, fmt.Errorf("object header block at %d: truncated", s.off)
	}
	return b, nil
}

func (f *File) continuation(d []byte) (span, error) {
	if len(d) < f.offSize+f.lenSize {
		return span{}, fmt.Errorf("continuation message: truncated")
	}
	off, err := f.addr(f.uint(d))
	if err != nil {
		return span{}, fmt.Errorf("continuation: %w", err)
	}
	return span{off, int64(leUint(d[f.offSize:], f.lenSize))}, nil
}

// messagesV2 reads a version 2 object header ("OHDR") and its "OCHK"
// continuation chunks.
func (f *File) messagesV2(off int64) ([]message, error) {
	head, err := f.read(off, 32)
	if err != nil {
		return nil, err
	}
	if len(head) < 7 {
		return nil, fmt.Errorf("object header at %d: truncated", off)
	}
	if head[4] != 2 {
		return nil, fmt.Errorf("object header at %d: version 2 signature with version %d", off, head[4])
	}
	flags := head[5]
	p := 6
	if flags&0x20 != 0 {
		p += 16 // access, modification, change, birth times
	}
	if flags&0x10 != 0 {
		p += 4 // attribute storage phase change values
	}
	sizeBytes := 1 << (flags & 3)
	if p+sizeBytes > len(head) {
		return nil, fmt.Errorf("object header at %d: truncated", off)
	}
	size := int64(leUint(head[p:], sizeBytes))
	p += sizeBytes
	tracked := flags&0x04 != 0
	var out []message
	chunks := []span{{off + int64(p), size}}
	for i := 0; i < len(chunks); i++ {
		if i > maxContinuations {
			return out, fmt.Errorf("object header: more than %d continuation chunks: %w", maxContinuations, ErrLimit)
		}
		b, err := f.block(chunks[i])
		if err != nil {
			return out, err
		}
		if i > 0 { // OCHK chunk: signature, messages, checksum
			if !bytes.HasPrefix(b, []byte("OCHK")) {
				return out, fmt.Errorf("object header continuation at %d: no OCHK signature", chunks[i].off)
			}
			b = b[4:]
			if len(b) >= 4 {
				b = b[:len(b)-4]
			}
		}
		hdr := 4
		if tracked {
			hdr = 6
		}
		for q := 0; q+hdr <= len(b); {
			typ := int(b[q])
			n := int(binary.LittleEndian.Uint16(b[q+1:]))
			q += hdr
			if q+n > len(b) {
				return out, fmt.Errorf("object header at %d: message of %d bytes overruns its chunk", off, n)
			}
			m := message{typ, b[q : q+n]}
			q += n
			if typ == msgContinuation {
				s, err := f.continuation(m.data)
				if err != nil {
					return out, err
				}
				chunks = append(chunks, s)
				continue
			}
			out = append(out, m)
			if len(out) > maxMessages {
				return out, fmt.Errorf("object header: more than %d messages: %w", maxMessages, ErrLimit)
			}
		}
	}
	return out, nil
}
