package pickle

// The machine keeps what it tracks (strings, container items, container and
// string headers) in chunks that are allocated once and never copied: a big
// pickle then costs a few large pointer-free allocations instead of one per
// string or container plus the garbage of every slice doubling.

// table is an append-only array of T in fixed-size chunks. The first chunk
// grows by append (small files stay small); the others are allocated whole,
// so growing never copies more than the first chunk. Pointers from at are
// valid until the next add.
type table[T any] struct {
	chunks [][]T
	n      int
}

const tableChunk = 1 << 12

func (t *table[T]) add(v T) int {
	c := t.n / tableChunk
	if c == len(t.chunks) {
		t.chunks = append(t.chunks, make([]T, 0, min(c, 1)*tableChunk))
	}
	t.chunks[c] = append(t.chunks[c], v)
	t.n++
	return t.n - 1
}

func (t *table[T]) at(i int) *T { return &t.chunks[i/tableChunk][i%tableChunk] }

func (t *table[T]) len() int { return t.n }

// span locates a run of elements in an arena chunk.
type span struct {
	chunk int32
	off   uint32
	n     uint32
}

// arena hands out contiguous runs of T from chunks that start small and
// double up to max elements. A run never spans two chunks; a run longer
// than a quarter of max gets a chunk of its own.
type arena[T any] struct {
	chunks [][]T
	cur    int32 // chunk that new short runs go to; -1 when none
	used   int   // elements handed out from chunks[cur]
	held   int   // elements in all chunks, used or not: what is charged
	first  int   // size of the first chunk
	max    int
}

func newArena[T any](first, max int) arena[T] {
	return arena[T]{cur: -1, first: first, max: max}
}

// alloc returns a run of n elements.
func (a *arena[T]) alloc(n int) span {
	if n > a.max/4 {
		a.chunks = append(a.chunks, make([]T, n))
		a.held += n
		return span{chunk: int32(len(a.chunks) - 1), n: uint32(n)}
	}
	if a.cur < 0 || a.used+n > len(a.chunks[a.cur]) {
		size := a.first
		if a.cur >= 0 {
			size = min(2*len(a.chunks[a.cur]), a.max)
		}
		a.chunks = append(a.chunks, make([]T, max(size, n)))
		a.held += max(size, n)
		a.cur, a.used = int32(len(a.chunks)-1), 0
	}
	s := span{chunk: a.cur, off: uint32(a.used), n: uint32(n)}
	a.used += n
	return s
}

// grow extends s in place by n elements when s ends where the current
// chunk's free space begins and that space holds n more.
func (a *arena[T]) grow(s *span, n int) bool {
	if s.chunk != a.cur || a.cur < 0 || int(s.off+s.n) != a.used || a.used+n > len(a.chunks[a.cur]) {
		return false
	}
	a.used += n
	s.n += uint32(n)
	return true
}

// get returns the run s, capped so that appending to it cannot write over
// its neighbours.
func (a *arena[T]) get(s span) []T {
	if s.n == 0 {
		return nil
	}
	return a.chunks[s.chunk][s.off : s.off+s.n : s.off+s.n]
}
