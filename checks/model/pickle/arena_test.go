package pickle

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
)

func TestArenaRuns(t *testing.T) {
	a := newArena[byte](2, 64)
	var runs []span
	var want [][]byte
	// short runs, a run longer than the next chunk would be, a run that
	// gets a chunk of its own, and empty runs
	for i, n := range []int{3, 5, 1, 0, 12, 7, 40, 16, 17, 2, 64, 0, 9} {
		s := a.alloc(n)
		b := bytes.Repeat([]byte{byte('a' + i)}, n)
		copy(a.get(s), b)
		runs, want = append(runs, s), append(want, b)
	}
	// chunks of 3, 6, 12, 24 and 48, and of their own for 40, 17 and 64
	if a.held != 3+6+12+24+48+40+17+64 {
		t.Errorf("held = %d", a.held)
	}
	for i, s := range runs {
		got := a.get(s)
		if !bytes.Equal(got, want[i]) {
			t.Errorf("run %d = %q, want %q", i, got, want[i])
		}
		if cap(got) != len(got) {
			t.Errorf("run %d has capacity %d past its length %d", i, cap(got), len(got))
		}
	}
}

func TestArenaGrow(t *testing.T) {
	a := newArena[value](8, 64)
	s := a.alloc(2)
	if !a.grow(&s, 3) || s.n != 5 {
		t.Fatalf("the last run did not grow in place: %+v", s)
	}
	other := a.alloc(1)
	if a.grow(&s, 1) {
		t.Error("a run that another run follows grew over it")
	}
	if a.grow(&other, 8) {
		t.Error("a run grew past its chunk")
	}
	if !a.grow(&other, 2) || other.n != 3 {
		t.Errorf("the last run did not grow: %+v", other)
	}
}

func TestTable(t *testing.T) {
	var tb table[int32]
	for i := range 3*tableChunk + 5 {
		if got := tb.add(int32(i)); got != i {
			t.Fatalf("add %d returned %d", i, got)
		}
	}
	for i := range tb.len() {
		if got := *tb.at(i); got != int32(i) {
			t.Fatalf("at(%d) = %d", i, got)
		}
	}
}

// TestContainerItems: items added to a container in any order and in any
// number of steps, with other containers made in between (which moves the
// items in the arena), stay the container's items, up to maxSeqItems.
func TestContainerItems(t *testing.T) {
	// a list of n ints, each APPENDed after a 1-tuple was made and popped
	// (its run lands after the list's)
	interleaved := func(n int) string {
		var b strings.Builder
		b.WriteString("\x80\x04]")
		for i := range n {
			fmt.Fprintf(&b, "K\x07\x850K%ca", byte(i))
		}
		return b.String() + "."
	}
	want := func(n int) []value {
		var v []value
		for i := range min(n, maxSeqItems) {
			v = append(v, value{k: kInt, n: int64(i)})
		}
		return v
	}
	for _, n := range []int{1, 2, 3, 5, 17, maxSeqItems, maxSeqItems + 1, 100} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			m := newMachine(context.Background(), DefaultLimits, &Result{}, 0, nil)
			m.s = newSrc(strings.NewReader(interleaved(n)), 0, 0)
			if err := m.runStream(); err != nil {
				t.Fatal(err)
			}
			list := value{k: kList, ref: 0} // the first container made
			got := m.items(list)
			if fmt.Sprint(got) != fmt.Sprint(want(n)) {
				t.Errorf("items = %v, want %v", got, want(n))
			}
			if full := m.seqs.at(int(list.ref)).full; full != (n > maxSeqItems) {
				t.Errorf("full = %v with %d items", full, n)
			}
		})
	}
}

// TestArenaCharged: what the arenas hold is charged to the budget, also
// the ends of chunks a string or container did not fit in and the part of
// the last chunk not used yet.
func TestArenaCharged(t *testing.T) {
	var b strings.Builder
	b.WriteString("\x80\x04(")
	for i := range 200 {
		// 10 KiB strings: six fill 60 of a 64 KiB chunk
		s := strings.Repeat(string(rune('a'+i%26)), 10<<10)
		b.WriteString("\x8d")
		b.WriteString(string([]byte{0, 40, 0, 0, 0, 0, 0, 0}))
		b.WriteString(s)
		b.WriteString("K\x07\x85") // a 1-tuple
	}
	b.WriteString("l.")
	m := newMachine(context.Background(), DefaultLimits, &Result{}, 0, nil)
	m.s = newSrc(strings.NewReader(b.String()), 0, 0)
	if err := m.runStream(); err != nil {
		t.Fatal(err)
	}
	held := int64(0)
	for _, c := range m.strArena.chunks {
		held += int64(len(c))
	}
	for _, c := range m.itemArena.chunks {
		held += int64(len(c)) * costValue
	}
	if m.strs.len() != 200 {
		t.Fatalf("%d strings kept", m.strs.len())
	}
	if m.bud.used < held {
		t.Errorf("the budget was charged %d bytes for %d held by the arenas", m.bud.used, held)
	}
}
