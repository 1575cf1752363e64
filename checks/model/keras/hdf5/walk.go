package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// Message types of groups.
const (
	msgLinkInfo    = 0x0002
	msgLink        = 0x0006
	msgSymbolTable = 0x0011
)

// btreeLinkName is the record type of a dense group's link name index.
const btreeLinkName = 5

// maxObjects bounds the groups and datasets Walk visits.
const maxObjects = 20000

// Object is one group or dataset and its attributes; Err says which of
// them could not be read (as RootAttributes does).
type Object struct {
	Path       string
	Attributes []Attribute
	Err        error
}

// Walk visits the root group and every object reachable from it by hard
// links, each once: old-style groups (symbol table: version 1 B-tree, local
// heap, symbol nodes), compact new-style groups (link messages) and dense
// ones (link info: fractal heap and name index). PyTables and h5py read
// attributes of any of them. Links that could not be followed, and the
// bounds hit, are returned as one error (wrapping ErrUnsupported or
// ErrLimit) after every object that could be read was visited.
func (f *File) Walk(visit func(Object)) error {
	type item struct {
		addr uint64
		path string
	}
	w := &walker{f: f, heaps: map[uint64][]byte{}}
	queue := []item{{f.rootAddr, "/"}}
	seen := map[uint64]bool{f.rootAddr: true}
	var problems []string
	var wraps []error
	fail := func(path string, err error) {
		problems = append(problems, fmt.Sprintf("%s: %v", path, err))
		for _, w := range []error{ErrLimit, ErrUnsupported} {
			if errors.Is(err, w) {
				wraps = append(wraps, w)
			}
		}
	}
	for i := 0; i < len(queue); i++ {
		it := queue[i]
		msgs, merr := f.messages(it.addr)
		for _, m := range msgs {
			w.headerBytes += int64(len(m.data))
		}
		if w.headerBytes > maxWalkHeaderBytes {
			fail(it.path, fmt.Errorf("object headers past %d bytes in all: %w", maxWalkHeaderBytes, ErrLimit))
			break
		}
		attrs, aerr := f.attributesOf(msgs, merr)
		visit(Object{Path: it.path, Attributes: attrs, Err: aerr})
		children, cerr := w.children(msgs)
		if cerr != nil {
			fail(it.path, cerr)
		}
		for _, c := range children {
			if seen[c.addr] {
				continue // hard links may form cycles
			}
			if len(seen) >= maxObjects {
				fail(it.path, fmt.Errorf("more than %d objects: %w", maxObjects, ErrLimit))
				break
			}
			seen[c.addr] = true
			queue = append(queue, item{c.addr, joinPath(it.path, c.name)})
		}
	}
	if len(problems) == 0 {
		return nil
	}
	return &attrError{msg: summary(problems), wraps: append(wraps, ErrUnsupported)}
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// walker holds what one Walk has read: local heaps are shared by the
// groups that name them, and all of them together stay within
// maxHeapBytes.
type walker struct {
	f           *File
	heaps       map[uint64][]byte
	heapBytes   int64
	headerBytes int64
}

// maxWalkHeaderBytes bounds the object header messages one Walk reads:
// objects may overlap, so the file's size alone does not.
const maxWalkHeaderBytes = 256 << 20

// link is a hard link of a group: the child's name and object header.
type link struct {
	name string
	addr uint64
}

// children lists the hard links of the group whose header holds msgs.
func (w *walker) children(msgs []message) ([]link, error) {
	f := w.f
	var out []link
	for _, m := range msgs {
		switch m.typ {
		case msgSymbolTable:
			if len(m.data) < 2*f.offSize {
				return out, errors.New("symbol table message: truncated")
			}
			ls, err := w.symbolTable(f.uint(m.data), f.uint(m.data[f.offSize:]))
			out = append(out, ls...)
			if err != nil {
				return out, err
			}
		case msgLink:
			l, hard, err := f.linkMessage(m.data)
			if err != nil {
				return out, err
			}
			if hard {
				out = append(out, l)
			}
		case msgLinkInfo:
			ls, err := f.denseLinks(m.data)
			out = append(out, ls...)
			if err != nil {
				return out, err
			}
		}
	}
	return out, nil
}

// linkMessage decodes a link message; hard says whether it is a hard link
// (soft and external links name paths, which Walk does not follow).
func (f *File) linkMessage(d []byte) (link, bool, error) {
	if len(d) < 2 || d[0] != 1 {
		return link{}, false, fmt.Errorf("link message: %w", ErrUnsupported)
	}
	flags, p := d[1], 2
	typ := byte(0)
	if flags&0x08 != 0 {
		if p >= len(d) {
			return link{}, false, errors.New("link message: truncated")
		}
		typ = d[p]
		p++
	}
	if flags&0x04 != 0 {
		p += 8 // creation order
	}
	if flags&0x10 != 0 {
		p++ // name character set
	}
	n := 1 << (flags & 3)
	if p+n > len(d) {
		return link{}, false, errors.New("link message: truncated")
	}
	nameLen := int(leUint(d[p:], n))
	p += n
	if nameLen < 0 || p+nameLen > len(d) {
		return link{}, false, errors.New("link message: name overruns the message")
	}
	l := link{name: string(d[p : p+nameLen])}
	p += nameLen
	if typ != 0 {
		return l, false, nil
	}
	if p+f.offSize > len(d) {
		return l, false, errors.New("link message: truncated")
	}
	l.addr = f.uint(d[p:])
	return l, true, nil
}

// denseLinks reads a group's links from its fractal heap, by its name
// index (a version 2 B-tree of hash and heap ID records).
func (f *File) denseLinks(d []byte) ([]link, error) {
	if len(d) < 2 || d[0] != 0 {
		return nil, fmt.Errorf("link info message: %w", ErrUnsupported)
	}
	p := 2
	if d[1]&1 != 0 {
		p += 8 // maximum creation index
	}
	if p+2*f.offSize > len(d) {
		return nil, errors.New("link info message: truncated")
	}
	heap, names := f.uint(d[p:]), f.uint(d[p+f.offSize:])
	if heap == undefined(f.offSize) {
		return nil, nil // compact: the links are messages
	}
	h, err := f.fractalHeap(heap)
	if err != nil {
		return nil, err
	}
	var out []link
	budget := f.MaxValueBytes
	err = f.walkBTree(names, btreeLinkName, func(rec []byte) error {
		if len(out) >= maxObjects {
			return fmt.Errorf("more than %d links: %w", maxObjects, ErrLimit)
		}
		if len(rec) < 4+h.idLen {
			return fmt.Errorf("link name record of %d bytes for %d-byte heap IDs", len(rec), h.idLen)
		}
		obj, err := h.object(rec[4:4+h.idLen], budget)
		if err != nil {
			return err
		}
		budget -= int64(len(obj))
		l, hard, err := f.linkMessage(obj)
		if err != nil {
			return err
		}
		if hard {
			out = append(out, l)
		}
		return nil
	})
	return out, err
}

// symbolTable lists an old-style group: a version 1 B-tree of group nodes
// whose leaves point at symbol table nodes (SNOD), names in a local heap.
func (w *walker) symbolTable(btree, heap uint64) ([]link, error) {
	f := w.f
	names, err := w.localHeap(heap)
	if err != nil {
		return nil, err
	}
	var out []link
	seen := map[uint64]bool{}
	var node func(a uint64, depth int) error
	node = func(a uint64, depth int) error {
		if depth > 64 || seen[a] {
			return fmt.Errorf("v1 B-tree deeper than 64 or cyclic: %w", ErrLimit)
		}
		seen[a] = true
		off, err := f.addr(a)
		if err != nil {
			return fmt.Errorf("v1 B-tree: %w", err)
		}
		head, err := f.read(off, 8+2*f.offSize)
		if err != nil || len(head) < 8+2*f.offSize || !bytes.HasPrefix(head, []byte("TREE")) || head[4] != 0 {
			return fmt.Errorf("v1 B-tree at %d: not a group node", off)
		}
		level, used := int(head[5]), int(binary.LittleEndian.Uint16(head[6:]))
		if used > 1<<16 {
			return fmt.Errorf("v1 B-tree at %d: %d entries: %w", off, used, ErrLimit)
		}
		// keys (heap offsets, lenSize) and children (offSize) interleave:
		// key0 child0 key1 … childN-1 keyN
		b, err := f.read(off+int64(8+2*f.offSize), (used+1)*f.lenSize+used*f.offSize)
		if err != nil || len(b) < (used+1)*f.lenSize+used*f.offSize {
			return fmt.Errorf("v1 B-tree at %d: truncated", off)
		}
		for i := 0; i < used; i++ {
			child := f.uint(b[(i+1)*f.lenSize+i*f.offSize:])
			if level > 0 {
				if err := node(child, depth+1); err != nil {
					return err
				}
				continue
			}
			ls, err := f.symbolNode(child, names)
			out = append(out, ls...)
			if err != nil {
				return err
			}
			if len(out) > maxObjects {
				return fmt.Errorf("more than %d links: %w", maxObjects, ErrLimit)
			}
		}
		return nil
	}
	return out, node(btree, 0)
}

// symbolNode reads the entries of one symbol table node.
func (f *File) symbolNode(a uint64, names []byte) ([]link, error) {
	off, err := f.addr(a)
	if err != nil {
		return nil, fmt.Errorf("symbol table node: %w", err)
	}
	head, err := f.read(off, 8)
	if err != nil || len(head) < 8 || !bytes.HasPrefix(head, []byte("SNOD")) {
		return nil, fmt.Errorf("symbol table node at %d: no SNOD signature", off)
	}
	n := int(binary.LittleEndian.Uint16(head[6:]))
	entry := 2*f.offSize + 4 + 4 + 16
	b, err := f.read(off+8, n*entry)
	if err != nil || len(b) < n*entry {
		return nil, fmt.Errorf("symbol table node at %d: truncated", off)
	}
	out := make([]link, 0, n)
	for i := 0; i < n; i++ {
		e := b[i*entry:]
		nameOff := f.uint(e)
		l := link{addr: f.uint(e[f.offSize:])}
		if nameOff < uint64(len(names)) {
			nm := names[nameOff:]
			if j := bytes.IndexByte(nm, 0); j >= 0 {
				nm = nm[:j]
			}
			l.name = string(nm)
		}
		out = append(out, l)
	}
	return out, nil
}

// localHeap returns the data segment of a local heap (the group's names).
func (w *walker) localHeap(a uint64) ([]byte, error) {
	if b, ok := w.heaps[a]; ok {
		return b, nil
	}
	f := w.f
	off, err := f.addr(a)
	if err != nil {
		return nil, fmt.Errorf("local heap: %w", err)
	}
	head, err := f.read(off, 8+2*f.lenSize+f.offSize)
	if err != nil || len(head) < 8+2*f.lenSize+f.offSize || !bytes.HasPrefix(head, []byte("HEAP")) {
		return nil, fmt.Errorf("local heap at %d: no HEAP signature", off)
	}
	size := leUint(head[8:], f.lenSize)
	if size > maxHeapBytes || w.heapBytes+int64(size) > maxHeapBytes {
		return nil, fmt.Errorf("local heap at %d: %d bytes, past %d for all groups: %w", off, size, maxHeapBytes, ErrLimit)
	}
	doff, err := f.addr(leUint(head[8+2*f.lenSize:], f.offSize))
	if err != nil {
		return nil, fmt.Errorf("local heap data: %w", err)
	}
	b, err := f.read(doff, int(size))
	if err != nil {
		return nil, err
	}
	w.heapBytes += int64(len(b))
	w.heaps[a] = b
	return b, nil
}
