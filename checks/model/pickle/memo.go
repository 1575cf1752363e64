package pickle

// memo is the unpickler's memo: index → value. A dense index costs half a
// byte (the kind of a plain value: a dict, a list whose items are not
// tracked); values that carry a reference (strings, globals, tracked
// containers) also take an 8-byte word in a parallel chunk allocated when
// the first one lands in it, or, the rare ones that do not fit a word (an
// int past 32 bits), an entry in a map. Chunks avoid copying on growth, and
// sparse indices (PUT 4000000000) go to a map instead of a huge array. Every
// allocation is charged to the analysis' memory budget.
type memo struct {
	chunks [][]uint8  // two entries a byte, low nibble first: 0 (empty), a kind, or memoRef
	vals   [][]uint64 // parallel to chunks; nil until a chunk holds a reference
	wide   map[uint64]value
	sparse map[uint64]value
	count  int
	bytes  int64 // charged to bud
	bud    *budget
}

const (
	memoChunk = 1 << 14 // entries a chunk
	memoFirst = 1 << 6  // entries the first chunk starts with: most pickles are small
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
			n := memoChunk
			if len(mm.chunks) == 0 {
				n = memoFirst
			}
			mm.chunks = append(mm.chunks, make([]uint8, n/2))
			mm.vals = append(mm.vals, nil)
			mm.charge(int64(n/2) + 24*2)
		}
		i := idx % memoChunk
		if i/2 >= uint64(len(mm.chunks[c])) {
			mm.growFirst(int(i))
		}
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
			mm.vals[c] = make([]uint64, 2*len(mm.chunks[c]))
			mm.charge(int64(16 * len(mm.chunks[c])))
		}
		w, ok := packValue(v)
		if !ok {
			if mm.wide == nil {
				mm.wide = map[uint64]value{}
			}
			if _, seen := mm.wide[idx]; !seen {
				mm.charge(memoSparseCost)
			}
			mm.wide[idx] = v
		}
		mm.vals[c][i] = w
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
		if i/2 >= uint64(len(mm.chunks[c])) {
			return value{}, false // past the first chunk's current size
		}
		switch e := mm.chunks[c][i/2] >> (4 * (i % 2)) & 0xf; e {
		case 0:
			return value{}, false
		case memoRef:
			if w := mm.vals[c][i]; w != 0 {
				return unpackValue(w), true
			}
			return mm.wide[idx], true
		default:
			return value{k: kind(e), ref: -1}, true
		}
	}
	v, ok := mm.sparse[idx]
	return v, ok
}

// growFirst doubles the first chunk (the only one that is not allocated
// whole) until it holds entry i. The old arrays are garbage the collector
// has not freed yet: they stay charged.
func (mm *memo) growFirst(i int) {
	n := 2 * len(mm.chunks[0])
	for n < i+1 {
		n *= 2
	}
	n = min(n, memoChunk)
	grown := make([]uint8, n/2)
	copy(grown, mm.chunks[0])
	mm.chunks[0] = grown
	mm.charge(int64(n / 2))
	if mm.vals[0] != nil {
		vals := make([]uint64, n)
		copy(vals, mm.vals[0])
		mm.vals[0] = vals
		mm.charge(int64(8 * n))
	}
}

// packValue puts v in a word: its kind, ref+1 in 28 bits and n in 32 bits.
// The word is never 0 (a kind is never 0), which marks the values that do
// not fit.
func packValue(v value) (uint64, bool) {
	if v.ref < -1 || v.ref >= 1<<28-1 || v.n < 0 || v.n >= 1<<32 {
		return 0, false
	}
	return uint64(v.k) | uint64(v.ref+1)<<4 | uint64(v.n)<<32, true
}

func unpackValue(w uint64) value {
	return value{k: kind(w & 0xf), ref: int32(w>>4&(1<<28-1)) - 1, n: int64(w >> 32)}
}
