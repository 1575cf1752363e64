package pickle

// memo is the unpickler's memo: index → value. A dense index costs one byte
// (the kind of a plain value: a dict, a list whose items are not tracked);
// values that carry a reference (strings, globals, tracked containers) are
// kept in a map. Chunks avoid copying on growth, and sparse indices
// (PUT 4000000000) go to a map instead of a huge array.
type memo struct {
	low    [memoLow]value // refs of the first indices, without hashing
	chunks [][]uint8
	refs   map[uint64]value
	sparse map[uint64]value
	count  int
}

const (
	memoChunk = 1 << 14
	memoRef   = 255 // the value is in refs
	memoLow   = 1024
)

func (mm *memo) reset() {
	mm.low = [memoLow]value{}
	mm.chunks = nil
	mm.refs = nil
	mm.sparse = nil
	mm.count = 0
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
		}
		slot := &mm.chunks[c][idx%memoChunk]
		if *slot == 0 {
			mm.count++
		}
		if plain(v) {
			if *slot == memoRef && idx >= memoLow {
				delete(mm.refs, idx)
			}
			*slot = uint8(v.k)
			return true
		}
		*slot = memoRef
		if idx < memoLow {
			mm.low[idx] = v
			return true
		}
		if mm.refs == nil {
			mm.refs = map[uint64]value{}
		}
		mm.refs[idx] = v
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
		switch e := mm.chunks[c][idx%memoChunk]; e {
		case 0:
			return value{}, false
		case memoRef:
			if idx < memoLow {
				return mm.low[idx], true
			}
			return mm.refs[idx], true
		default:
			return value{k: kind(e), ref: -1}, true
		}
	}
	v, ok := mm.sparse[idx]
	return v, ok
}
