package pickle

// memo is the unpickler's memo: index → value. A dense index costs half a
// byte (the kind of a plain value: a dict, a list whose items are not
// tracked);
// values that carry a reference (strings, globals, tracked containers) also
// take 16 bytes in a parallel chunk allocated when the first one lands in
// it. Chunks avoid copying on growth, and sparse indices (PUT 4000000000) go
// to a map instead of a huge array. Every allocation is charged to the
// analysis' memory budget.
type memo struct {
	chunks [][]uint8 // two entries a byte, low nibble first: 0 (empty), a kind, or memoRef
	vals   [][]value // parallel to chunks; nil until a chunk holds a reference
	sparse map[uint64]value
	count  int
	bytes  int64 // charged to bud
	bud    *budget
}

const (
	memoChunk = 1 << 14 // entries a chunk
	memoRef   = 15      // the value is in vals
	// memoSparseCost approximates a map entry with its share of buckets
	memoSparseCost = 64
)

// reset empties the memo and returns its bytes to the budget.
func (mm *memo) reset() {
	if mm.bud != nil {
		mm.bud.release(mm.bytes)
	}
	*mm = memo{bud: mm.bud}
}

func (mm *memo) charge(n int64) {
	mm.bytes += n
	if mm.bud != nil {
		mm.bud.charge(n)
	}
}

// plain values need only their kind.
func plain(v value) bool { return v.ref < 0 || v.k == kNone || v.k == kFloat }

// put stores v at idx; it returns false when the sparse map is full.
func (mm *memo) put(idx uint64, v value, maxEntries int) bool {
	dense := uint64(len(mm.chunks)) * memoChunk
	if idx < dense+memoChunk*4 && idx < uint64(maxEntries)+memoChunk {
		c := int(idx / memoChunk)
		for len(mm.chunks) <= c {
			mm.chunks = append(mm.chunks, make([]uint8, memoChunk/2))
			mm.vals = append(mm.vals, nil)
			mm.charge(memoChunk/2 + 24*2)
		}
		i := idx % memoChunk
		b, shift := &mm.chunks[c][i/2], 4*(i%2)
		if *b>>shift&0xf == 0 {
			mm.count++
		}
		code := uint8(memoRef)
		if plain(v) {
			if v.k < memoRef {
				code = uint8(v.k)
			} else {
				v = value{k: v.k, ref: -1} // what a plain entry reads back as
			}
		}
		*b = *b&^(0xf<<shift) | code<<shift
		if code != memoRef {
			return true
		}
		if mm.vals[c] == nil {
			mm.vals[c] = make([]value, memoChunk)
			mm.charge(memoChunk * 16)
		}
		mm.vals[c][i] = v
		return true
	}
	if mm.sparse == nil {
		mm.sparse = map[uint64]value{}
	}
	if _, ok := mm.sparse[idx]; !ok {
		if len(mm.sparse) >= maxEntries {
			return false
		}
		mm.count++
		mm.charge(memoSparseCost)
	}
	mm.sparse[idx] = v
	return true
}

func (mm *memo) get(idx uint64) (value, bool) {
	if c := idx / memoChunk; c < uint64(len(mm.chunks)) {
		i := idx % memoChunk
		switch e := mm.chunks[c][i/2] >> (4 * (i % 2)) & 0xf; e {
		case 0:
			return value{}, false
		case memoRef:
			return mm.vals[c][i], true
		default:
			return value{k: kind(e), ref: -1}, true
		}
	}
	v, ok := mm.sparse[idx]
	return v, ok
}
