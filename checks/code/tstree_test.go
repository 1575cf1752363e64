package code

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// TestFlatLayout: tstree.go declares tree-sitter's node and cursor structs
// itself; they must match the bindings' sizes, and ward_node must match fnode.
func TestFlatLayout(t *testing.T) {
	node, tsnode, cursor := flatSizes()
	if node != unsafe.Sizeof(fnode{}) {
		t.Errorf("ward_node is %d bytes, fnode %d", node, unsafe.Sizeof(fnode{}))
	}
	if tsnode != unsafe.Sizeof(sitter.Node{}) {
		t.Errorf("TSNode is %d bytes, the bindings' Node %d", tsnode, unsafe.Sizeof(sitter.Node{}))
	}
	if cursor != unsafe.Sizeof(sitter.TreeCursor{}) {
		t.Errorf("TSTreeCursor is %d bytes, the bindings' TreeCursor %d", cursor, unsafe.Sizeof(sitter.TreeCursor{}))
	}
}

// TestFlatMatchesBindings compares the flat tree with the bindings' own
// walk of the same source: kinds, ranges, fields, parents and order.
func TestFlatMatchesBindings(t *testing.T) {
	gs, err := loadGrammars()
	if err != nil {
		t.Fatal(err)
	}
	srcs := map[lang]string{
		python:     "import torch as t\ndef f(x, *a, **k):\n    y = t.load(x, weights_only=True)  # c\n    return f\"{y}\" + 'a'\nclass C(:\n",
		typescript: "import { exec as run } from 'node:child_process';\nconst f = async (req: any) => run(`ls ${req.query.d}`);\n",
		tsx:        "export const A = (p) => <div dangerouslySetInnerHTML={{__html: p.x}} />;\n",
		javascript: "const {a, b: c} = require('m'); new Function(a)();",
	}
	for l, src := range srcs {
		ft, err := parseFlat(context.Background(), gs[l], []byte(src))
		if err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		flat := ft.nodes
		defer ft.release()
		p := sitter.NewParser()
		if err := p.SetLanguage(gs[l].lang); err != nil {
			t.Fatal(err)
		}
		tree := p.Parse([]byte(src), nil)
		c := tree.Walk()
		var want []string
		var walk func(parent int)
		idx := 0
		walk = func(parent int) {
			n := c.Node()
			want = append(want, describe(n.KindId(), n.StartByte(), n.EndByte(), c.FieldId(), parent, n.IsNamed()))
			self := idx
			idx++
			if c.GotoFirstChild() {
				walk(self)
				for c.GotoNextSibling() {
					walk(self)
				}
				c.GotoParent()
			}
		}
		walk(-1)
		c.Close()
		tree.Close()
		p.Close()
		var got []string
		for _, n := range flat {
			got = append(got, describe(n.sym, uint(n.sb), uint(n.eb), n.field, int(n.parent), n.flags&fNamed != 0))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: flat tree differs from the bindings' walk\ngot:\n%s\nwant:\n%s", l, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// Sibling links agree with parents.
		for i, n := range flat {
			for ch := n.first; ch >= 0; ch = flat[ch].next {
				if int(flat[ch].parent) != i {
					t.Errorf("%s: node %d lists child %d whose parent is %d", l, i, ch, flat[ch].parent)
				}
			}
		}
	}
}

func describe(sym uint16, sb, eb uint, field uint16, parent int, named bool) string {
	return fmt.Sprintf("%d %d-%d field=%d parent=%d named=%v", sym, sb, eb, field, parent, named)
}

// TestParseFlatCancelled: an ended context stops the parse with its error.
func TestParseFlatCancelled(t *testing.T) {
	gs, err := loadGrammars()
	if err != nil {
		t.Fatal(err)
	}
	src := []byte(strings.Repeat("x = [1, 2, 3]\n", 200_000))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := parseFlat(ctx, gs[python], src); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled parse: %v, want context.Canceled", err)
	}
	ctx, cancel = context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	if _, err := parseFlat(ctx, gs[python], src); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("parse past its deadline: %v, want context.DeadlineExceeded", err)
	}
}

// TestParseFlatConcurrent parses from several goroutines at once, some
// contexts ending mid-parse, and checks that every finished tree equals
// one parsed alone: the shared buffer pool hands a buffer to one parse at
// a time, and a late cancellation never touches another parse.
func TestParseFlatConcurrent(t *testing.T) {
	gs, err := loadGrammars()
	if err != nil {
		t.Fatal(err)
	}
	var srcs [][]byte
	for _, src := range genTree(pyTemplate, ".py", 3000) {
		srcs = append(srcs, src)
	}
	want := make([]int, len(srcs))
	for i, src := range srcs {
		ft, err := parseFlat(context.Background(), gs[python], src)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = len(ft.nodes)
		ft.release()
	}
	errs := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for i := 0; i < 40; i++ {
				k := (g + i) % len(srcs)
				ctx, cancel := context.WithCancel(context.Background())
				if i%3 == 0 {
					time.AfterFunc(time.Duration(i%5)*100*time.Microsecond, cancel)
				}
				ft, err := parseFlat(ctx, gs[python], srcs[k])
				cancel()
				if err != nil {
					if !errors.Is(err, context.Canceled) {
						errs <- err
						return
					}
					continue
				}
				if len(ft.nodes) != want[k] || ft.nodes[0].eb != uint32(len(srcs[k])) {
					errs <- fmt.Errorf("goroutine %d: tree of %d nodes, want %d", g, len(ft.nodes), want[k])
					return
				}
				ft.release()
			}
			errs <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
