package pickle

// memo is the unpickler's memo: index → value. A dense index costs one byte
// (the kind of a plain value: a dict, a list whose items are not tracked);
// values that carry a reference (strings, globals, tracked containers) also
// take 16 bytes in a parallel chunk allocated when the first one lands in
// it. Chunks avoid copying on growth, and sparse indices (PUT 4000000000) go
// to a map instead of a huge array. Every allocation is charged to the
// analysis' memory budget.
type memo struct {
	chunks [][]uint8
	vals   [][]value // parallel to chunks; nil until a chunk holds a reference
	sparse map[uint64]value
	count  int
	bytes  int64 // charged to bud
	bud    *budget
}

const (
	memoChunk = 1 << 14
	memoRef   = 255 // the value is in vals
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
			mm.chunks = append(mm.chunks, make([]uint8, memoChunk))
			mm.vals = append(mm.vals, nil)
			mm.charge(memoChunk + 24*2)
		}
		slot := &mm.chunks[c][idx%memoChunk]
		if *slot == 0 {
			mm.count++
		}
		if plain(v) {
			*slot = uint8(v.k)
			return true
		}
		*slot = memoRef
		if mm.vals[c] == nil {
			mm.vals[c] = make([]value, memoChunk)
			mm.charge(memoChunk * 16)
		}
		mm.vals[c][idx%memoChunk] = v
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
		switch e := mm.chunks[c][idx%memoChunk]; e {
		case 0:
			return value{}, false
		case memoRef:
			return mm.vals[c][idx%memoChunk], true
		default:
			return value{k: kind(e), ref: -1}, true
		}
	}
	v, ok := mm.sparse[idx]
	return v, ok
}
