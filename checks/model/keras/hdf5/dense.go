package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// Dense attribute storage: an object with many or large attributes keeps
// them in a fractal heap, indexed by name in a version 2 B-tree, and its
// header holds only an Attribute Info message pointing at both. Layouts
// follow the HDF5 File Format Specification (Version 2 B-trees, Fractal
// Heap, Attribute Info Message).

// ErrDenseAttributes marks an error in dense attribute storage: the root
// group's attributes, where Keras keeps its configuration, were not all read.
var ErrDenseAttributes = errors.New("dense attribute storage")

// Bounds of dense storage.
const (
	maxBTreeNode    = 64 << 10 // bytes of one v2 B-tree node (HDF5 writes 512)
	maxBTreeRecord  = 256      // bytes of one v2 B-tree record
	maxBTreeDepth   = 8        // levels below a v2 B-tree root
	maxBTreeNodes   = 4096     // nodes visited in one tree
	maxHeapNesting  = 8        // indirect blocks between the heap root and a direct block
	maxHeapIDLen    = 64       // bytes of one heap ID
	maxDirectBlock  = 64 << 20
	btreeNodePrefix = 10 // signature, version, type, checksum
)

// B-tree record types used here.
const (
	btreeHugeObjects   = 1 // huge objects of a fractal heap, not filtered, indirect IDs
	btreeHugeFiltered  = 2
	btreeAttributeName = 8 // attribute name index of dense storage
)

// attrInfo is a decoded Attribute Info message.
type attrInfo struct {
	heap, names uint64
}

func (f *File) attrInfo(d []byte) (attrInfo, error) {
	if len(d) < 2 {
		return attrInfo{}, errors.New("attribute info message: truncated")
	}
	if d[0] != 0 {
		return attrInfo{}, fmt.Errorf("attribute info message version %d: %w", d[0], ErrUnsupported)
	}
	p := 2
	if d[1]&1 != 0 {
		p += 2 // maximum creation index
	}
	if p+2*f.offSize > len(d) {
		return attrInfo{}, errors.New("attribute info message: truncated")
	}
	// A creation-order index may follow (flag bit 1); the name index lists
	// every attribute, so it is not needed.
	return attrInfo{heap: f.uint(d[p:]), names: f.uint(d[p+f.offSize:])}, nil
}

// denseAttributes reads every attribute of the name index. Errors of one
// attribute do not stop the walk; they are returned together.
func (f *File) denseAttributes(ai attrInfo) ([]Attribute, []string, error) {
	h, err := f.fractalHeap(ai.heap)
	if err != nil {
		return nil, nil, err
	}
	budget := f.MaxValueBytes
	var out []Attribute
	var problems []string
	records := 0
	err = f.walkBTree(ai.names, btreeAttributeName, func(rec []byte) error {
		records++
		if records > maxMessages {
			return fmt.Errorf("more than %d attributes: %w", maxMessages, ErrLimit)
		}
		// heap ID (8 bytes), message flags, creation order, name hash
		if len(rec) < h.idLen+1 {
			return fmt.Errorf("attribute name record of %d bytes for %d-byte heap IDs", len(rec), h.idLen)
		}
		if rec[h.idLen]&0x02 != 0 {
			problems = append(problems, fmt.Sprintf("shared attribute message: %v", ErrUnsupported))
			return nil
		}
		obj, err := h.object(rec[:h.idLen], budget)
		if err != nil {
			if errors.Is(err, ErrLimit) {
				return err
			}
			problems = append(problems, err.Error())
			return nil
		}
		budget -= int64(len(obj))
		a, err := f.attribute(obj)
		if err != nil {
			problems = append(problems, err.Error())
			return nil
		}
		out = append(out, a)
		return nil
	})
	return out, problems, err
}

// fheap is a fractal heap header.
type fheap struct {
	f         *File
	addr      uint64 // file address of the header, as blocks record it
	idLen     int
	flags     byte
	maxMan    uint64
	hugeTree  uint64
	width     uint64
	start     uint64 // starting block size
	maxDirect uint64 // maximum direct block size
	rootAddr  uint64
	rootRows  int
	offBytes  int                  // heap offset field of managed IDs and blocks
	lenBytes  int                  // length field of managed IDs
	dRows     int                  // rows of direct blocks in an indirect block
	firstBits int                  // log2(start * width)
	hugeObjs  map[uint64][2]uint64 // huge object key → address, length; read once
	hugeErr   error                // why hugeObjs may be incomplete
}

func (f *File) fractalHeap(a uint64) (*fheap, error) {
	off, err := f.addr(a)
	if err != nil {
		return nil, fmt.Errorf("fractal heap: %w", err)
	}
	b, err := f.read(off, 22+12*f.lenSize+4*f.offSize)
	if err != nil {
		return nil, fmt.Errorf("fractal heap at %d: %w", off, err)
	}
	if !bytes.HasPrefix(b, []byte("FRHP")) {
		return nil, fmt.Errorf("fractal heap at %d: no FRHP signature", off)
	}
	if len(b) < 22+12*f.lenSize+3*f.offSize {
		return nil, fmt.Errorf("fractal heap at %d: truncated", off)
	}
	if b[4] != 0 {
		return nil, fmt.Errorf("fractal heap at %d: version %d: %w", off, b[4], ErrUnsupported)
	}
	h := &fheap{f: f, addr: a}
	h.idLen = int(binary.LittleEndian.Uint16(b[5:]))
	filters := binary.LittleEndian.Uint16(b[7:])
	h.flags = b[9]
	h.maxMan = uint64(binary.LittleEndian.Uint32(b[10:]))
	p := 14 + f.lenSize // next huge object ID
	h.hugeTree = f.uint(b[p:])
	// free space, its manager, managed space, allocated space, allocation
	// iterator, managed objects, huge size, huge objects, tiny size, tiny objects
	p += f.offSize + f.lenSize + f.offSize + 8*f.lenSize
	h.width = uint64(binary.LittleEndian.Uint16(b[p:]))
	p += 2
	h.start = leUint(b[p:], f.lenSize)
	p += f.lenSize
	h.maxDirect = leUint(b[p:], f.lenSize)
	p += f.lenSize
	maxBits := int(binary.LittleEndian.Uint16(b[p:]))
	p += 4 // maximum heap size, starting rows of the root indirect block
	h.rootAddr = f.uint(b[p:])
	p += f.offSize
	h.rootRows = int(binary.LittleEndian.Uint16(b[p:]))

	if filters != 0 {
		return nil, fmt.Errorf("fractal heap at %d: I/O filters (compressed attributes): %w", off, ErrUnsupported)
	}
	switch {
	case h.idLen < 2 || h.idLen > maxHeapIDLen:
		return nil, fmt.Errorf("fractal heap at %d: heap IDs of %d bytes", off, h.idLen)
	case h.width == 0 || h.width&(h.width-1) != 0:
		return nil, fmt.Errorf("fractal heap at %d: table width %d is not a power of two", off, h.width)
	case h.start == 0 || h.start&(h.start-1) != 0 || h.maxDirect < h.start || h.maxDirect&(h.maxDirect-1) != 0:
		return nil, fmt.Errorf("fractal heap at %d: block sizes %d..%d are not powers of two", off, h.start, h.maxDirect)
	case h.maxDirect > maxDirectBlock:
		return nil, fmt.Errorf("fractal heap at %d: direct blocks of %d bytes: %w", off, h.maxDirect, ErrLimit)
	case maxBits < 1 || maxBits > 64:
		return nil, fmt.Errorf("fractal heap at %d: maximum heap size 2^%d", off, maxBits)
	}
	h.offBytes = (maxBits + 7) / 8
	h.lenBytes = min((log2(h.maxDirect)+7)/8, log2(max(h.maxMan, 1))/8+1)
	h.dRows = log2(h.maxDirect) - log2(h.start) + 2
	h.firstBits = log2(h.start) + log2(h.width)
	if h.firstBits+h.rootRows > 64 || h.rootRows > maxBits {
		return nil, fmt.Errorf("fractal heap at %d: %d rows in its root indirect block", off, h.rootRows)
	}
	return h, nil
}

func log2(v uint64) int { return bits.Len64(v) - 1 }

// leVar reads a little-endian unsigned integer of n ≤ 8 bytes.
func leVar(b []byte, n int) uint64 {
	var v uint64
	for i := min(n, len(b), 8) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

// object returns the bytes of the heap object id names, at most budget.
func (h *fheap) object(id []byte, budget int64) ([]byte, error) {
	if id[0]&0xc0 != 0 {
		return nil, fmt.Errorf("heap ID version %d: %w", id[0]>>6, ErrUnsupported)
	}
	switch (id[0] >> 4) & 3 {
	case 0:
		if 1+h.offBytes+h.lenBytes > len(id) {
			return nil, fmt.Errorf("managed heap ID of %d bytes for %d-byte offsets and %d-byte lengths", len(id), h.offBytes, h.lenBytes)
		}
		off := leVar(id[1:], h.offBytes)
		n := leVar(id[1+h.offBytes:], h.lenBytes)
		if n == 0 || n > h.maxDirect {
			return nil, fmt.Errorf("managed heap object of %d bytes", n)
		}
		if int64(n) > budget {
			return nil, fmt.Errorf("attribute values over %d bytes: %w", h.f.MaxValueBytes, ErrLimit)
		}
		return h.managed(off, int(n))
	case 1:
		return h.huge(id, budget)
	case 2:
		n, data := int(id[0]&0x0f)+1, id[1:]
		if len(id)-1 > 17 { // extended length
			n, data = (int(id[0]&0x0f)<<8|int(id[1]))+1, id[2:]
		}
		if n > len(data) {
			return nil, fmt.Errorf("tiny heap object of %d bytes in a %d-byte ID", n, len(id))
		}
		return data[:n], nil
	}
	return nil, fmt.Errorf("heap ID type 3: %w", ErrUnsupported)
}

func (h *fheap) rowSize(r int) uint64 {
	if r == 0 {
		return h.start
	}
	return h.start << (r - 1)
}

// rowOffset is where row r starts in the address space of its block.
func (h *fheap) rowOffset(r int) uint64 {
	if r == 0 {
		return 0
	}
	return h.start * h.width << (r - 1)
}

// managed resolves a managed object through the root direct block or the
// doubling table of the root indirect block and its children.
func (h *fheap) managed(off uint64, n int) ([]byte, error) {
	if h.rootRows == 0 {
		return h.direct(h.rootAddr, h.start, 0, off, n)
	}
	blockStart, addr, rows := uint64(0), h.rootAddr, h.rootRows
	for depth := 0; ; depth++ {
		if depth > maxHeapNesting {
			return nil, fmt.Errorf("fractal heap: more than %d nested indirect blocks: %w", maxHeapNesting, ErrLimit)
		}
		fo, err := h.f.addr(addr)
		if err != nil {
			return nil, fmt.Errorf("fractal heap indirect block: %w", err)
		}
		hdrLen := 5 + h.f.offSize + h.offBytes
		b, err := h.f.read(fo, hdrLen)
		if err != nil {
			return nil, fmt.Errorf("fractal heap indirect block at %d: %w", fo, err)
		}
		if len(b) < hdrLen || !bytes.HasPrefix(b, []byte("FHIB")) {
			return nil, fmt.Errorf("fractal heap indirect block at %d: no FHIB signature", fo)
		}
		if err := h.checkBlock(b, fo, blockStart); err != nil {
			return nil, err
		}
		if off < blockStart {
			return nil, fmt.Errorf("heap offset %d before its block", off)
		}
		rel := off - blockStart
		row, col := 0, rel/h.start
		if rel >= h.start*h.width {
			hb := log2(rel)
			row = hb - h.firstBits + 1
			if row < rows {
				col = (rel - uint64(1)<<hb) / h.rowSize(row)
			}
		}
		if row >= rows {
			return nil, fmt.Errorf("heap offset %d beyond the %d rows of the indirect block at %d", off, rows, fo)
		}
		childStart := blockStart + h.rowOffset(row) + col*h.rowSize(row)
		var entry uint64
		if row < h.dRows {
			entry = uint64(row)*h.width + col
		} else {
			entry = uint64(min(rows, h.dRows))*h.width + uint64(row-h.dRows)*h.width + col
		}
		e, err := h.f.read(fo+int64(hdrLen)+int64(entry)*int64(h.f.offSize), h.f.offSize)
		if err != nil || len(e) < h.f.offSize {
			return nil, fmt.Errorf("fractal heap indirect block at %d: entry %d truncated", fo, entry)
		}
		child := h.f.uint(e)
		if row < h.dRows {
			return h.direct(child, h.rowSize(row), childStart, off, n)
		}
		addr, blockStart = child, childStart
		rows = log2(h.rowSize(row)) - h.firstBits + 1
	}
}

// checkBlock checks that the heap block header b, read at fo, belongs to
// this heap and starts at heap offset blockStart.
func (h *fheap) checkBlock(b []byte, fo int64, blockStart uint64) error {
	if got := h.f.uint(b[5:]); got != h.addr {
		return fmt.Errorf("fractal heap block %s at %d: belongs to the heap at %d, not %d", b[:4], fo, got, h.addr)
	}
	if got := leVar(b[5+h.f.offSize:], h.offBytes); got != blockStart {
		return fmt.Errorf("fractal heap block %s at %d: heap offset %d, expected %d", b[:4], fo, got, blockStart)
	}
	return nil
}

// direct reads n bytes at heap offset off from the direct block at a,
// which covers size bytes of the heap from blockStart.
func (h *fheap) direct(a, size, blockStart, off uint64, n int) ([]byte, error) {
	fo, err := h.f.addr(a)
	if err != nil {
		return nil, fmt.Errorf("fractal heap direct block: %w", err)
	}
	hdrLen := 5 + h.f.offSize + h.offBytes
	if h.flags&0x02 != 0 {
		hdrLen += 4 // checksum
	}
	b, err := h.f.read(fo, hdrLen)
	if err != nil {
		return nil, fmt.Errorf("fractal heap direct block at %d: %w", fo, err)
	}
	if len(b) < hdrLen || !bytes.HasPrefix(b, []byte("FHDB")) {
		return nil, fmt.Errorf("fractal heap direct block at %d: no FHDB signature", fo)
	}
	if err := h.checkBlock(b, fo, blockStart); err != nil {
		return nil, err
	}
	if off < blockStart+uint64(hdrLen) || off-blockStart > size || uint64(n) > size-(off-blockStart) {
		return nil, fmt.Errorf("heap object of %d bytes at heap offset %d outside the direct block at %d (%d bytes from %d)", n, off, fo, size, blockStart)
	}
	d, err := h.f.read(fo+int64(off-blockStart), n)
	if err != nil || len(d) < n {
		return nil, fmt.Errorf("heap object at heap offset %d: truncated", off)
	}
	return d, nil
}

// huge reads a huge object: its address and length are in the heap ID when
// they fit, otherwise in the heap's huge-object B-tree under the ID's key.
func (h *fheap) huge(id []byte, budget int64) ([]byte, error) {
	f := h.f
	var addr, n uint64
	if f.offSize+f.lenSize <= len(id)-1 {
		addr, n = f.uint(id[1:]), leUint(id[1+f.offSize:], f.lenSize)
	} else {
		key := leVar(id[1:], min(len(id)-1, 8))
		h.readHugeTree()
		loc, ok := h.hugeObjs[key]
		switch {
		case !ok && h.hugeErr != nil:
			return nil, fmt.Errorf("huge heap object %d: %w", key, h.hugeErr)
		case !ok:
			return nil, fmt.Errorf("huge heap object %d: not in its B-tree", key)
		}
		addr, n = loc[0], loc[1]
	}
	if n > uint64(budget) {
		return nil, fmt.Errorf("huge heap object of %d bytes, over the %d-byte limit: %w", n, f.MaxValueBytes, ErrLimit)
	}
	off, err := f.addr(addr)
	if err != nil {
		return nil, fmt.Errorf("huge heap object: %w", err)
	}
	d, err := f.read(off, int(n))
	if err != nil || len(d) < int(n) {
		return nil, fmt.Errorf("huge heap object of %d bytes at %d: truncated", n, off)
	}
	return d, nil
}

// readHugeTree reads the huge-object B-tree once: records of address,
// length and key. The records read before an error are kept.
func (h *fheap) readHugeTree() {
	if h.hugeObjs != nil {
		return
	}
	f := h.f
	h.hugeObjs = map[uint64][2]uint64{}
	h.hugeErr = f.walkBTree(h.hugeTree, btreeHugeObjects, func(rec []byte) error {
		if len(rec) < f.offSize+2*f.lenSize {
			return fmt.Errorf("huge object record of %d bytes", len(rec))
		}
		if len(h.hugeObjs) >= maxMessages {
			return fmt.Errorf("more than %d huge objects: %w", maxMessages, ErrLimit)
		}
		h.hugeObjs[leUint(rec[f.offSize+f.lenSize:], f.lenSize)] = [2]uint64{f.uint(rec), leUint(rec[f.offSize:], f.lenSize)}
		return nil
	})
}

// walkBTree calls visit with every record of the version 2 B-tree at a,
// which must hold records of type typ.
func (f *File) walkBTree(a uint64, typ int, visit func([]byte) error) error {
	off, err := f.addr(a)
	if err != nil {
		return fmt.Errorf("v2 B-tree: %w", err)
	}
	b, err := f.read(off, 16+f.offSize+f.lenSize+4)
	if err != nil {
		return fmt.Errorf("v2 B-tree at %d: %w", off, err)
	}
	if !bytes.HasPrefix(b, []byte("BTHD")) {
		return fmt.Errorf("v2 B-tree at %d: no BTHD signature", off)
	}
	if len(b) < 16+f.offSize+f.lenSize {
		return fmt.Errorf("v2 B-tree at %d: truncated", off)
	}
	if b[4] != 0 {
		return fmt.Errorf("v2 B-tree at %d: version %d: %w", off, b[4], ErrUnsupported)
	}
	if int(b[5]) != typ {
		if typ == btreeHugeObjects && b[5] == btreeHugeFiltered {
			return fmt.Errorf("v2 B-tree at %d: filtered huge objects: %w", off, ErrUnsupported)
		}
		return fmt.Errorf("v2 B-tree at %d: record type %d, expected %d", off, b[5], typ)
	}
	t := &btree2{f: f, typ: typ, visit: visit, seen: map[uint64]bool{}}
	t.nodeSize = int(binary.LittleEndian.Uint32(b[6:]))
	t.recSize = int(binary.LittleEndian.Uint16(b[10:]))
	depth := int(binary.LittleEndian.Uint16(b[12:]))
	root := f.uint(b[16:])
	rootN := int(binary.LittleEndian.Uint16(b[16+f.offSize:]))
	switch {
	case t.recSize == 0 || t.nodeSize < btreeNodePrefix+t.recSize:
		return fmt.Errorf("v2 B-tree at %d: %d-byte nodes for %d-byte records", off, t.nodeSize, t.recSize)
	case t.nodeSize > maxBTreeNode || t.recSize > maxBTreeRecord:
		return fmt.Errorf("v2 B-tree at %d: %d-byte nodes, %d-byte records: %w", off, t.nodeSize, t.recSize, ErrLimit)
	case depth > maxBTreeDepth:
		return fmt.Errorf("v2 B-tree at %d: depth %d: %w", off, depth, ErrLimit)
	}
	if rootN == 0 && root == undefined(f.offSize) {
		return nil // empty
	}
	// Records per node and the widths of the child pointers' counts follow
	// from the node size (H5B2 header initialisation in the library).
	t.maxRec = []uint64{uint64((t.nodeSize - btreeNodePrefix) / t.recSize)}
	t.cumSize = []int{0}
	cum := t.maxRec[0]
	t.countSize = log2(t.maxRec[0])/8 + 1
	for d := 1; d <= depth; d++ {
		ptr := f.offSize + t.countSize + t.cumSize[d-1]
		m := (t.nodeSize - btreeNodePrefix - ptr) / (t.recSize + ptr)
		if m <= 0 {
			return fmt.Errorf("v2 B-tree at %d: %d-byte nodes hold no record at depth %d", off, t.nodeSize, d)
		}
		hi, lo := bits.Mul64(uint64(m)+1, cum)
		cum = lo + uint64(m)
		if hi != 0 || cum < lo {
			cum = ^uint64(0)
		}
		t.maxRec = append(t.maxRec, uint64(m))
		t.cumSize = append(t.cumSize, log2(cum)/8+1)
	}
	if err := t.node(root, depth, uint64(rootN)); err != nil {
		return err
	}
	return t.damaged
}

type btree2 struct {
	f                 *File
	typ               int
	nodeSize, recSize int
	countSize         int      // bytes of a child's record count
	maxRec            []uint64 // records per node at each depth
	cumSize           []int    // bytes of a child's total record count, by the child's depth
	seen              map[uint64]bool
	visit             func([]byte) error
	damaged           error // first damaged subtree
}

func (t *btree2) node(a uint64, depth int, n uint64) error {
	f := t.f
	if t.seen[a] {
		return fmt.Errorf("v2 B-tree: node at %d reached twice", a)
	}
	if len(t.seen) >= maxBTreeNodes {
		return fmt.Errorf("v2 B-tree: more than %d nodes: %w", maxBTreeNodes, ErrLimit)
	}
	t.seen[a] = true
	off, err := f.addr(a)
	if err != nil {
		return fmt.Errorf("v2 B-tree node: %w", err)
	}
	if n > t.maxRec[depth] {
		return fmt.Errorf("v2 B-tree node at %d: %d records, at most %d fit", off, n, t.maxRec[depth])
	}
	ptr := 0
	if depth > 0 {
		ptr = f.offSize + t.countSize + t.cumSize[depth-1]
	}
	size := 6 + int(n)*t.recSize + (int(n)+1)*ptr
	if size > t.nodeSize {
		return fmt.Errorf("v2 B-tree node at %d: %d records overrun its %d bytes", off, n, t.nodeSize)
	}
	b, err := f.read(off, size)
	if err != nil {
		return fmt.Errorf("v2 B-tree node at %d: %w", off, err)
	}
	sig := "BTLF"
	if depth > 0 {
		sig = "BTIN"
	}
	if len(b) < size {
		return fmt.Errorf("v2 B-tree node at %d: truncated", off)
	}
	if string(b[:4]) != sig || b[4] != 0 || int(b[5]) != t.typ {
		return fmt.Errorf("v2 B-tree node at %d: not a version 0 %s node of type %d", off, sig, t.typ)
	}
	for i := 0; i < int(n); i++ {
		if err := t.visit(b[6+i*t.recSize : 6+(i+1)*t.recSize]); err != nil {
			return err
		}
	}
	if depth == 0 {
		return nil
	}
	p := 6 + int(n)*t.recSize
	// A damaged subtree does not hide its siblings: the walk goes on and
	// reports the first damage (a limit ends it).
	for i := 0; i <= int(n); i++ {
		child := f.uint(b[p:])
		count := leVar(b[p+f.offSize:], t.countSize)
		p += ptr
		if err := t.node(child, depth-1, count); err != nil {
			if errors.Is(err, ErrLimit) {
				return err
			}
			if t.damaged == nil {
				t.damaged = err
			}
		}
	}
	return nil
}
