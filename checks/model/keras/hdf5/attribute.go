package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// RootAttributes returns the attributes of the root group, whether they
// live in its object header or in dense storage (a fractal heap indexed by a
// version 2 B-tree, used when an object has many or large attributes).
// Attributes that could not be read are reported through the error, which
// wraps ErrUnsupported (and ErrDenseAttributes when dense storage was not
// fully read), alongside those that could.
func (f *File) RootAttributes() ([]Attribute, error) {
	msgs, err := f.messages(f.rootAddr)
	return f.attributesOf(msgs, err)
}

// attributesOf returns the attributes of one object header's messages
// (msgs, err as messages returned them).
func (f *File) attributesOf(msgs []message, err error) ([]Attribute, error) {
	var out []Attribute
	var problems []string
	dense, denseFailed, limited := false, false, false
	for _, m := range msgs {
		switch m.typ {
		case msgAttribute:
			a, aerr := f.attribute(m.data)
			if aerr != nil {
				problems = append(problems, aerr.Error())
				continue
			}
			out = append(out, a)
		case msgAttrInfo:
			ai, aerr := f.attrInfo(m.data)
			if aerr != nil {
				problems = append(problems, aerr.Error())
				denseFailed = true
				continue
			}
			if ai.heap == undefined(f.offSize) {
				continue // compact storage: the attributes are messages
			}
			if dense {
				problems = append(problems, "a second attribute info message")
				denseFailed = true
				continue
			}
			dense = true
			as, probs, derr := f.denseAttributes(ai)
			out = append(out, as...)
			if derr != nil {
				probs = append(probs, derr.Error())
			}
			if len(probs) > 0 {
				problems = append(problems, fmt.Sprintf("dense attribute storage (fractal heap at %d): %s", ai.heap, summary(probs)))
			}
			denseFailed = denseFailed || len(probs) > 0
			limited = errors.Is(derr, ErrLimit)
		}
	}
	if err != nil {
		return out, err
	}
	if len(problems) == 0 {
		return out, nil
	}
	e := &attrError{msg: summary(problems), wraps: []error{ErrUnsupported}}
	if denseFailed {
		e.wraps = append(e.wraps, ErrDenseAttributes)
	}
	if limited {
		e.wraps = append(e.wraps, ErrLimit)
	}
	return out, e
}

// attrError lists the attributes that could not be read.
type attrError struct {
	msg   string
	wraps []error
}

func (e *attrError) Error() string   { return e.msg }
func (e *attrError) Unwrap() []error { return e.wraps }

// maxProblems bounds the distinct problems listed in one error.
const maxProblems = 8

// summary joins problems, each once with its count, the first maxProblems.
func summary(problems []string) string {
	count := map[string]int{}
	var order []string
	for _, p := range problems {
		if count[p] == 0 {
			order = append(order, p)
		}
		count[p]++
	}
	var b strings.Builder
	for i, p := range order {
		if i == maxProblems {
			fmt.Fprintf(&b, "; %d more", len(order)-maxProblems)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p)
		if count[p] > 1 {
			fmt.Fprintf(&b, " (%d times)", count[p])
		}
	}
	return b.String()
}

func undefined(size int) uint64 {
	if size == 8 {
		return ^uint64(0)
	}
	return uint64(1)<<(8*uint(size)) - 1
}

// attribute decodes an attribute message (versions 1–3).
func (f *File) attribute(d []byte) (Attribute, error) {
	if len(d) < 8 {
		return Attribute{}, fmt.Errorf("attribute message: truncated")
	}
	ver := d[0]
	nameSize := int(binary.LittleEndian.Uint16(d[2:]))
	dtSize := int(binary.LittleEndian.Uint16(d[4:]))
	dsSize := int(binary.LittleEndian.Uint16(d[6:]))
	p := 8
	pad := func(n int) int { return n }
	switch ver {
	case 1:
		pad = func(n int) int { return (n + 7) &^ 7 }
	case 2:
		if d[1]&3 != 0 {
			return Attribute{}, fmt.Errorf("attribute with a shared datatype or dataspace: %w", ErrUnsupported)
		}
	case 3:
		if d[1]&3 != 0 {
			return Attribute{}, fmt.Errorf("attribute with a shared datatype or dataspace: %w", ErrUnsupported)
		}
		p++ // name character set
	default:
		return Attribute{}, fmt.Errorf("attribute message version %d: %w", ver, ErrUnsupported)
	}
	take := func(n int) ([]byte, error) {
		if n < 0 || p+n > len(d) {
			return nil, fmt.Errorf("attribute message: field of %d bytes overruns the message", n)
		}
		b := d[p : p+n]
		p += pad(n)
		if p > len(d) {
			p = len(d)
		}
		return b, nil
	}
	name, err := take(nameSize)
	if err != nil {
		return Attribute{}, err
	}
	a := Attribute{Name: string(bytes.TrimRight(name, "\x00"))}
	dt, err := take(dtSize)
	if err != nil {
		return a, err
	}
	ds, err := take(dsSize)
	if err != nil {
		return a, err
	}
	data := d[p:]
	if len(dt) < 8 {
		return a, fmt.Errorf("attribute %q: datatype truncated", a.Name)
	}
	a.Class = int(dt[0] & 0x0f)
	n, err := f.elements(ds)
	if err != nil {
		return a, fmt.Errorf("attribute %q: %w", a.Name, err)
	}
	elemSize := int(binary.LittleEndian.Uint32(dt[4:]))
	switch a.Class {
	case 3: // fixed-length string
		if elemSize <= 0 || int64(elemSize)*n > int64(len(data)) {
			return a, fmt.Errorf("attribute %q: %d strings of %d bytes do not fit its %d bytes of data", a.Name, n, elemSize, len(data))
		}
		for i := int64(0); i < n; i++ {
			s := data[int(i)*elemSize : int(i+1)*elemSize]
			a.Strings = append(a.Strings, string(bytes.TrimRight(s, "\x00 ")))
		}
	case 9: // variable length; type 1 is a string
		if dt[1]&0x0f != 1 {
			return a, nil
		}
		rec := 4 + f.offSize + 4
		if int64(rec)*n > int64(len(data)) {
			return a, fmt.Errorf("attribute %q: %d variable-length strings do not fit its %d bytes of data", a.Name, n, len(data))
		}
		var total int64
		for i := int64(0); i < n; i++ {
			r := data[int(i)*rec:]
			length := int64(binary.LittleEndian.Uint32(r))
			coll := f.uint(r[4:])
			idx := binary.LittleEndian.Uint32(r[4+f.offSize:])
			total += length
			if total > f.MaxValueBytes {
				return a, fmt.Errorf("attribute %q: value over %d bytes: %w", a.Name, f.MaxValueBytes, ErrLimit)
			}
			s, err := f.globalHeapObject(coll, idx, length)
			if err != nil {
				return a, fmt.Errorf("attribute %q: %w", a.Name, err)
			}
			a.Strings = append(a.Strings, s)
		}
	}
	return a, nil
}

// elements is the number of elements a dataspace message describes.
func (f *File) elements(ds []byte) (int64, error) {
	if len(ds) < 2 {
		return 0, fmt.Errorf("dataspace truncated")
	}
	ver, rank := ds[0], int(ds[1])
	p := 8
	switch ver {
	case 1:
	case 2:
		p = 4
		if len(ds) < 4 {
			return 0, fmt.Errorf("dataspace truncated")
		}
		if ds[3] == 2 { // null dataspace
			return 0, nil
		}
	default:
		return 0, fmt.Errorf("dataspace version %d: %w", ver, ErrUnsupported)
	}
	n := int64(1)
	for i := 0; i < rank; i++ {
		if p+f.lenSize > len(ds) {
			return 0, fmt.Errorf("dataspace truncated")
		}
		dim := leUint(ds[p:], f.lenSize)
		p += f.lenSize
		if dim > 1<<20 || n*int64(dim) > 1<<20 {
			return 0, fmt.Errorf("dataspace of more than %d elements: %w", 1<<20, ErrLimit)
		}
		n *= int64(dim)
	}
	return n, nil
}

// globalHeapObject reads object idx of the global heap collection at addr.
func (f *File) globalHeapObject(addr uint64, idx uint32, length int64) (string, error) {
	off, err := f.addr(addr)
	if err != nil {
		return "", fmt.Errorf("global heap: %w", err)
	}
	hdr, err := f.read(off, 8+f.lenSize)
	if err != nil {
		return "", err
	}
	if len(hdr) < 8+f.lenSize || !bytes.HasPrefix(hdr, []byte("GCOL")) {
		return "", fmt.Errorf("global heap at %d: no GCOL signature", off)
	}
	size := int64(leUint(hdr[8:], f.lenSize))
	if size > f.MaxValueBytes+1<<16 || size < 0 {
		return "", fmt.Errorf("global heap collection of %d bytes: %w", size, ErrLimit)
	}
	b, err := f.read(off, int(size))
	if err != nil {
		return "", err
	}
	p := 8 + f.lenSize
	for p+8+f.lenSize <= len(b) {
		id := binary.LittleEndian.Uint16(b[p:])
		osz := int64(leUint(b[p+8:], f.lenSize))
		p += 8 + f.lenSize
		if id == 0 {
			break // free space: the rest of the collection
		}
		if osz < 0 || osz > int64(len(b)-p) {
			return "", fmt.Errorf("global heap object %d: size %d overruns the collection", id, osz)
		}
		if uint32(id) == idx {
			if length > osz {
				length = osz
			}
			return string(b[p : p+int(length)]), nil
		}
		p += int((osz + 7) &^ 7)
	}
	return "", fmt.Errorf("global heap at %d: object %d not found", off, idx)
}
