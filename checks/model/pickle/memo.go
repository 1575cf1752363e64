package pickle

// memo is the unpickler's memo: index → value. Plain values (a dict, a list
// whose items are not tracked) are encoded in 4 bytes; values that carry a
// reference live in a side table. Chunks avoid copying on growth, and sparse
// indices (PUT 4000000000) go to a map instead of a huge array.
type memo struct {
	chunks [][]uint32
	sparse map[uint64]value
	vals   []value
	count  int
}

const memoChunk = 1 << 12

func (mm *memo) reset() {
	mm.chunks = mm.chunks[:0]
	mm.sparse = nil
	mm.vals = mm.vals[:0]
	mm.count = 0
}

func (mm *memo) encode(v value) uint32 {
	if v.ref < 0 && v.n == 0 || v.k == kNone || v.k == kFloat {
		return uint32(v.k)<<1 | 1
	}
	mm.vals = append(mm.vals, v)
	return uint32(len(mm.vals)) << 1
}

func (mm *memo) decode(e uint32) value {
	if e&1 == 1 {
		return value{k: kind(e >> 1), ref: -1}
	}
	return mm.vals[e>>1-1]
}

// put stores v at idx; it returns false when the index is absurdly sparse
// and the sparse map is full.
func (mm *memo) put(idx uint64, v value, maxEntries int) bool {
	dense := uint64(len(mm.chunks)) * memoChunk
	if idx < dense+memoChunk*4 && idx < uint64(maxEntries)+memoChunk {
		c := int(idx / memoChunk)
		for len(mm.chunks) <= c {
			mm.chunks = append(mm.chunks, make([]uint32, memoChunk))
		}
		slot := &mm.chunks[c][idx%memoChunk]
		if *slot == 0 {
			mm.count++
		}
		*slot = mm.encode(v)
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
	}
	mm.sparse[idx] = v
	return true
}

func (mm *memo) get(idx uint64) (value, bool) {
	if c := idx / memoChunk; c < uint64(len(mm.chunks)) {
		e := mm.chunks[c][idx%memoChunk]
		if e == 0 {
			return value{}, false
		}
		return mm.decode(e), true
	}
	v, ok := mm.sparse[idx]
	return v, ok
}
