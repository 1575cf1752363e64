package pickle

import "testing"

// TestMemoEntries: every kind, plain or carrying a reference, reads back as
// stored (a plain value as its kind alone), whichever neighbour shares its
// byte and whatever the index held before.
func TestMemoEntries(t *testing.T) {
	var vals []value
	for k := kNone; k < kindCount; k++ {
		// plain; a reference; a ring string's generation in n; an int past 32
		// bits, a negative one, a reference past 28 bits (kept in the map)
		vals = append(vals, value{k: k, ref: -1, n: 7}, value{k: k, ref: 3, n: 9}, value{k: k, ref: -5, n: 1 << 40},
			value{k: k, n: 1 << 40}, value{k: k, n: -3}, value{k: k, ref: 1<<31 - 1, n: 1<<32 - 1}, value{k: k, ref: 1<<28 - 2, n: 1<<32 - 1},
			value{k: k, ref: 1<<28 - 1, n: 1}, value{k: k, ref: 1, n: 1 << 32})
	}
	want := func(v value) value {
		if plain(v) {
			return value{k: v.k, ref: -1}
		}
		return v
	}
	bud := newBudget(1 << 30)
	mm := memo{bud: bud}
	// each value at an even and an odd index, next to every other value,
	// then overwritten in place by the next value
	for round := range 2 {
		for i := range vals {
			for _, idx := range []uint64{uint64(2 * i), uint64(2*i + 1), memoChunk + uint64(i)} {
				v := vals[(i+round)%len(vals)]
				if !mm.put(idx, v, 1<<20) {
					t.Fatalf("put %d refused", idx)
				}
			}
		}
		for i := range vals {
			for _, idx := range []uint64{uint64(2 * i), uint64(2*i + 1), memoChunk + uint64(i)} {
				got, ok := mm.get(idx)
				if w := want(vals[(i+round)%len(vals)]); !ok || got != w {
					t.Errorf("round %d: get(%d) = %+v, %v; want %+v", round, idx, got, ok, w)
				}
			}
		}
	}
	if mm.count != 3*len(vals) {
		t.Errorf("count = %d, want %d", mm.count, 3*len(vals))
	}
	if _, ok := mm.get(uint64(2 * len(vals))); ok {
		t.Error("an index never stored reads back")
	}
	if len(mm.chunks[0]) >= memoChunk/2 {
		t.Errorf("the first chunk holds %d entries, more than the %d stored in it", 2*len(mm.chunks[0]), 2*len(vals))
	}
	if _, ok := mm.get(memoChunk - 1); ok {
		t.Error("an index past the first chunk's size reads back")
	}
	if _, ok := mm.get(1 << 40); ok {
		t.Error("an index past the chunks reads back")
	}
	mm.reset()
	if bud.used != 0 {
		t.Errorf("after reset the budget holds %d bytes", bud.used)
	}
}
