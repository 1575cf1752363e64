package modeldiff

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// The structure evaluator rebuilds the shape of a pickle's object (dicts,
// lists, tuples, strings, numbers, and calls of globals as inert records) to
// find the tensors it holds and their names. It imports and calls nothing:
// a call is a record of callee and arguments. The security analysis is the
// pickle package's; this only describes, so an input it cannot follow
// leaves the description incomplete, never a verdict.

// node is one value of the rebuilt object.
type node interface{}

type (
	pyNone   struct{}
	pyBool   bool
	pyInt    int64
	pyFloat  float64
	pyStr    string
	pyBytes  int // length only: tensor data is never kept
	pyOther  struct{}
	pyGlobal struct{ module, name string }
	pyTuple  struct{ items []node }
	pyList   struct{ items []node }
	pyDict   struct{ keys, vals []node }
	// pyObj is the result of calling a global (REDUCE, NEWOBJ, INST, OBJ),
	// with what BUILD, SETITEM and APPEND later gave it.
	pyObj struct {
		fn    node
		args  []node
		state node
		dict  *pyDict
		list  []node
	}
	// pyPers is a persistent id: torch's storages.
	pyPers struct{ pid node }
)

func (g *pyGlobal) qual() string { return g.module + "." + g.name }

// treeLimits bound one evaluation.
type treeLimits struct {
	maxOps    int64 // opcodes
	maxItems  int   // values created
	maxString int   // bytes of one string kept
	maxBytes  int64 // bytes read
}

var defaultTreeLimits = treeLimits{maxOps: 50_000_000, maxItems: 4_000_000, maxString: 4096, maxBytes: 512 << 20}

var (
	errTreeLimit = errors.New("structure bound reached")
	errTreeBad   = errors.New("pickle not understood")
)

type treeEval struct {
	ctx   context.Context
	r     *bufio.Reader
	lim   treeLimits
	read  int64
	ops   int64
	items int
	stack []node
	marks []int
	memo  map[uint64]node
}

func newTreeEval(ctx context.Context, r io.Reader, lim treeLimits) *treeEval {
	return &treeEval{ctx: ctx, r: bufio.NewReaderSize(r, 64<<10), lim: lim}
}

func (e *treeEval) bad(format string, a ...any) error {
	return fmt.Errorf("%w at byte %d: %s", errTreeBad, e.read, fmt.Sprintf(format, a...))
}

func (e *treeEval) next(n int) ([]byte, error) {
	if e.read+int64(n) > e.lim.maxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes of pickle", errTreeLimit, e.lim.maxBytes)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(e.r, b); err != nil {
		return nil, e.bad("truncated")
	}
	e.read += int64(n)
	return b, nil
}

// skip discards n bytes (tensor data in raw pickles) without keeping them.
func (e *treeEval) skip(n int64) error {
	if n < 0 || e.read+n > e.lim.maxBytes {
		return fmt.Errorf("%w: more than %d bytes of pickle", errTreeLimit, e.lim.maxBytes)
	}
	if _, err := e.r.Discard(int(n)); err != nil {
		return e.bad("truncated")
	}
	e.read += n
	return nil
}

func (e *treeEval) line() (string, error) {
	var b []byte
	for {
		c, err := e.r.ReadByte()
		if err != nil {
			return "", e.bad("truncated line")
		}
		e.read++
		if c == '\n' {
			return string(b), nil
		}
		if len(b) >= 1<<16 {
			return "", fmt.Errorf("%w: line over 64 KiB", errTreeLimit)
		}
		b = append(b, c)
	}
}

func (e *treeEval) push(v node) error {
	e.items++
	if e.items > e.lim.maxItems {
		return fmt.Errorf("%w: more than %d values", errTreeLimit, e.lim.maxItems)
	}
	e.stack = append(e.stack, v)
	return nil
}

func (e *treeEval) pop() (node, error) {
	fence := 0
	if len(e.marks) > 0 {
		fence = e.marks[len(e.marks)-1]
	}
	if len(e.stack) <= fence {
		return nil, e.bad("stack underflow")
	}
	v := e.stack[len(e.stack)-1]
	e.stack = e.stack[:len(e.stack)-1]
	return v, nil
}

func (e *treeEval) popMark() ([]node, error) {
	if len(e.marks) == 0 {
		return nil, e.bad("no MARK")
	}
	k := e.marks[len(e.marks)-1]
	e.marks = e.marks[:len(e.marks)-1]
	items := append([]node(nil), e.stack[k:]...)
	e.stack = e.stack[:k]
	return items, nil
}

func (e *treeEval) str(b []byte) pyStr {
	if len(b) > e.lim.maxString {
		b = b[:e.lim.maxString]
	}
	return pyStr(b)
}

// sized reads a length-prefixed string or bytes operand, keeping short ones.
func (e *treeEval) sized(n uint64, text bool) (node, error) {
	if n > uint64(e.lim.maxBytes) {
		return nil, fmt.Errorf("%w: operand of %d bytes", errTreeLimit, n)
	}
	if n > uint64(e.lim.maxString) || !text {
		if err := e.skip(int64(n)); err != nil {
			return nil, err
		}
		if text {
			return pyStr(""), nil
		}
		return pyBytes(n), nil
	}
	b, err := e.next(int(n))
	if err != nil {
		return nil, err
	}
	return e.str(b), nil
}

// stream evaluates one pickle stream up to STOP and returns its object.
func (e *treeEval) stream() (node, error) {
	e.stack, e.marks, e.memo = e.stack[:0], e.marks[:0], map[uint64]node{}
	for {
		e.ops++
		if e.ops > e.lim.maxOps {
			return nil, fmt.Errorf("%w: more than %d opcodes", errTreeLimit, e.lim.maxOps)
		}
		if e.ops&0xffff == 0 {
			if err := e.ctx.Err(); err != nil {
				return nil, err
			}
		}
		opb, err := e.next(1)
		if err != nil {
			return nil, err
		}
		if err := e.op(opb[0]); err != nil {
			if errors.Is(err, errStop) {
				return e.pop()
			}
			return nil, err
		}
	}
}

var errStop = errors.New("stop")

func le(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func (e *treeEval) op(op byte) error {
	switch op {
	case '.':
		return errStop
	case '(':
		e.marks = append(e.marks, len(e.stack))
		if len(e.marks) > 1<<16 {
			return fmt.Errorf("%w: marks", errTreeLimit)
		}
	case '0':
		if n := len(e.marks); n > 0 && e.marks[n-1] == len(e.stack) {
			e.marks = e.marks[:n-1]
			return nil
		}
		_, err := e.pop()
		return err
	case '1':
		_, err := e.popMark()
		return err
	case '2':
		v, err := e.pop()
		if err != nil {
			return err
		}
		e.stack = append(e.stack, v)
		return e.push(v)
	case 'N':
		return e.push(pyNone{})
	case 0x88:
		return e.push(pyBool(true))
	case 0x89:
		return e.push(pyBool(false))
	case 'I', 'L':
		s, err := e.line()
		if err != nil {
			return err
		}
		s = strings.TrimSuffix(strings.TrimSpace(s), "L")
		switch s {
		case "00":
			return e.push(pyBool(false))
		case "01":
			return e.push(pyBool(true))
		}
		n, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			return e.push(pyOther{})
		}
		return e.push(pyInt(n))
	case 'J':
		b, err := e.next(4)
		if err != nil {
			return err
		}
		return e.push(pyInt(int32(binary.LittleEndian.Uint32(b))))
	case 'K':
		b, err := e.next(1)
		if err != nil {
			return err
		}
		return e.push(pyInt(b[0]))
	case 'M':
		b, err := e.next(2)
		if err != nil {
			return err
		}
		return e.push(pyInt(binary.LittleEndian.Uint16(b)))
	case 0x8a, 0x8b:
		var n uint64
		if op == 0x8a {
			b, err := e.next(1)
			if err != nil {
				return err
			}
			n = uint64(b[0])
		} else {
			b, err := e.next(4)
			if err != nil {
				return err
			}
			n = uint64(binary.LittleEndian.Uint32(b))
		}
		if n > 8 {
			if err := e.skip(int64(n)); err != nil {
				return err
			}
			return e.push(pyOther{})
		}
		b, err := e.next(int(n))
		if err != nil {
			return err
		}
		v := le(b)
		if n > 0 && n < 8 && b[n-1]&0x80 != 0 { // sign-extend
			v |= ^uint64(0) << (8 * n)
		}
		return e.push(pyInt(int64(v)))
	case 'F':
		s, err := e.line()
		if err != nil {
			return err
		}
		f, _ := strconv.ParseFloat(strings.TrimSpace(s), 64)
		return e.push(pyFloat(f))
	case 'G':
		b, err := e.next(8)
		if err != nil {
			return err
		}
		return e.push(pyFloat(math.Float64frombits(binary.BigEndian.Uint64(b))))
	case 'S', 'V':
		s, err := e.line()
		if err != nil {
			return err
		}
		if op == 'S' && len(s) >= 2 && (s[0] == '\'' || s[0] == '"') {
			if u, err := strconv.Unquote(`"` + strings.ReplaceAll(s[1:len(s)-1], `"`, `\"`) + `"`); err == nil {
				s = u
			} else {
				s = s[1 : len(s)-1]
			}
		}
		return e.push(e.str([]byte(s)))
	case 'T', 'X', 'B', 0x8d, 0x8e, 'U', 'C', 0x8c, 0x96:
		var n uint64
		switch op {
		case 'U', 'C', 0x8c:
			b, err := e.next(1)
			if err != nil {
				return err
			}
			n = uint64(b[0])
		case 0x8d, 0x8e, 0x96:
			b, err := e.next(8)
			if err != nil {
				return err
			}
			n = binary.LittleEndian.Uint64(b)
		default:
			b, err := e.next(4)
			if err != nil {
				return err
			}
			n = uint64(binary.LittleEndian.Uint32(b))
		}
		text := op == 'T' || op == 'X' || op == 'U' || op == 0x8c || op == 0x8d
		v, err := e.sized(n, text)
		if err != nil {
			return err
		}
		return e.push(v)
	case 0x97:
		return e.push(pyBytes(0))
	case 0x98:
		return nil
	case ')':
		return e.push(&pyTuple{})
	case 0x85, 0x86, 0x87:
		n := int(op-0x85) + 1
		items := make([]node, n)
		for i := n - 1; i >= 0; i-- {
			v, err := e.pop()
			if err != nil {
				return err
			}
			items[i] = v
		}
		return e.push(&pyTuple{items: items})
	case 't':
		its, err := e.popMark()
		if err != nil {
			return err
		}
		return e.push(&pyTuple{items: its})
	case ']':
		return e.push(&pyList{})
	case 'l':
		its, err := e.popMark()
		if err != nil {
			return err
		}
		return e.push(&pyList{items: its})
	case '}':
		return e.push(&pyDict{})
	case 'd':
		its, err := e.popMark()
		if err != nil {
			return err
		}
		d := &pyDict{}
		if err := e.setItems(d, its); err != nil {
			return err
		}
		return e.push(d)
	case 0x8f:
		return e.push(&pyList{})
	case 0x91:
		its, err := e.popMark()
		if err != nil {
			return err
		}
		return e.push(&pyList{items: its})
	case 'a':
		v, err := e.pop()
		if err != nil {
			return err
		}
		return e.appendTo([]node{v})
	case 'e', 0x90:
		its, err := e.popMark()
		if err != nil {
			return err
		}
		return e.appendTo(its)
	case 's':
		v, err := e.pop()
		if err != nil {
			return err
		}
		k, err := e.pop()
		if err != nil {
			return err
		}
		return e.setItemsTop([]node{k, v})
	case 'u':
		its, err := e.popMark()
		if err != nil {
			return err
		}
		return e.setItemsTop(its)
	case 'c':
		mod, err := e.line()
		if err != nil {
			return err
		}
		name, err := e.line()
		if err != nil {
			return err
		}
		return e.push(&pyGlobal{module: mod, name: name})
	case 0x93:
		name, err := e.pop()
		if err != nil {
			return err
		}
		mod, err := e.pop()
		if err != nil {
			return err
		}
		ms, _ := mod.(pyStr)
		ns, _ := name.(pyStr)
		return e.push(&pyGlobal{module: string(ms), name: string(ns)})
	case 'i':
		mod, err := e.line()
		if err != nil {
			return err
		}
		name, err := e.line()
		if err != nil {
			return err
		}
		its, err := e.popMark()
		if err != nil {
			return err
		}
		return e.push(&pyObj{fn: &pyGlobal{module: mod, name: name}, args: its})
	case 'o':
		its, err := e.popMark()
		if err != nil {
			return err
		}
		if len(its) == 0 {
			return e.bad("OBJ without class")
		}
		return e.push(&pyObj{fn: its[0], args: its[1:]})
	case 0x81, 'R':
		args, err := e.pop()
		if err != nil {
			return err
		}
		fn, err := e.pop()
		if err != nil {
			return err
		}
		return e.push(&pyObj{fn: fn, args: tupleItems(args)})
	case 0x92:
		if _, err := e.pop(); err != nil {
			return err
		}
		args, err := e.pop()
		if err != nil {
			return err
		}
		fn, err := e.pop()
		if err != nil {
			return err
		}
		return e.push(&pyObj{fn: fn, args: tupleItems(args)})
	case 'b':
		st, err := e.pop()
		if err != nil {
			return err
		}
		top, err := e.pop()
		if err != nil {
			return err
		}
		if o, ok := top.(*pyObj); ok {
			o.state = st
			if g, ok := o.fn.(*pyGlobal); ok && g.qual() == "joblib.numpy_pickle.NumpyArrayWrapper" {
				if err := e.joblibData(o); err != nil {
					return err
				}
			}
		}
		return e.push(top)
	case 'P':
		s, err := e.line()
		if err != nil {
			return err
		}
		return e.push(&pyPers{pid: pyStr(s)})
	case 'Q':
		pid, err := e.pop()
		if err != nil {
			return err
		}
		return e.push(&pyPers{pid: pid})
	case 'g':
		s, err := e.line()
		if err != nil {
			return err
		}
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return e.bad("bad GET")
		}
		return e.get(n)
	case 'h':
		b, err := e.next(1)
		if err != nil {
			return err
		}
		return e.get(uint64(b[0]))
	case 'j':
		b, err := e.next(4)
		if err != nil {
			return err
		}
		return e.get(uint64(binary.LittleEndian.Uint32(b)))
	case 'p':
		s, err := e.line()
		if err != nil {
			return err
		}
		n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return e.bad("bad PUT")
		}
		return e.put(n)
	case 'q':
		b, err := e.next(1)
		if err != nil {
			return err
		}
		return e.put(uint64(b[0]))
	case 'r':
		b, err := e.next(4)
		if err != nil {
			return err
		}
		return e.put(uint64(binary.LittleEndian.Uint32(b)))
	case 0x94:
		return e.put(uint64(len(e.memo)))
	case 0x82, 0x83, 0x84:
		n := map[byte]int{0x82: 1, 0x83: 2, 0x84: 4}[op]
		if _, err := e.next(n); err != nil {
			return err
		}
		return e.push(&pyGlobal{module: "?", name: "extension"})
	case 0x80:
		_, err := e.next(1)
		return err
	case 0x95:
		_, err := e.next(8)
		return err
	default:
		return e.bad("opcode 0x%02x", op)
	}
	return nil
}

func (e *treeEval) get(n uint64) error {
	v, ok := e.memo[n]
	if !ok {
		return e.bad("memo %d missing", n)
	}
	return e.push(v)
}

func (e *treeEval) put(n uint64) error {
	if len(e.stack) == 0 {
		return e.bad("PUT on an empty stack")
	}
	if len(e.memo) >= e.lim.maxItems {
		return fmt.Errorf("%w: memo", errTreeLimit)
	}
	e.memo[n] = e.stack[len(e.stack)-1]
	return nil
}

func tupleItems(v node) []node {
	switch t := v.(type) {
	case *pyTuple:
		return t.items
	case *pyList:
		return t.items
	}
	return nil
}

func (e *treeEval) setItems(d *pyDict, its []node) error {
	if len(its)%2 != 0 {
		return e.bad("odd number of dict items")
	}
	for i := 0; i < len(its); i += 2 {
		d.keys = append(d.keys, its[i])
		d.vals = append(d.vals, its[i+1])
	}
	return nil
}

func (e *treeEval) setItemsTop(its []node) error {
	if len(e.stack) == 0 {
		return e.bad("SETITEM on an empty stack")
	}
	switch t := e.stack[len(e.stack)-1].(type) {
	case *pyDict:
		return e.setItems(t, its)
	case *pyObj:
		if t.dict == nil {
			t.dict = &pyDict{}
		}
		return e.setItems(t.dict, its)
	}
	return nil
}

func (e *treeEval) appendTo(its []node) error {
	if len(e.stack) == 0 {
		return e.bad("APPEND on an empty stack")
	}
	switch t := e.stack[len(e.stack)-1].(type) {
	case *pyList:
		t.items = append(t.items, its...)
	case *pyObj:
		t.list = append(t.list, its...)
	}
	return nil
}

// joblibData skips the array joblib writes into the stream right after a
// NumpyArrayWrapper's BUILD: raw bytes after an alignment pad, or for
// object arrays a pickle of their own (evaluated for its structure only).
func (e *treeEval) joblibData(o *pyObj) error {
	d, ok := o.state.(*pyDict)
	if !ok {
		return e.bad("joblib wrapper without a state dict")
	}
	var shape, dtype node
	aligned := false
	for i, k := range d.keys {
		switch keyName(k, i) {
		case "shape":
			shape = d.vals[i]
		case "dtype":
			dtype = d.vals[i]
		case "numpy_array_alignment_bytes":
			n, _ := d.vals[i].(pyInt)
			aligned = n > 0
		}
	}
	dt, ok := dtype.(*pyObj)
	if !ok || len(dt.args) == 0 {
		return e.bad("joblib array without a dtype")
	}
	code, _ := dt.args[0].(pyStr)
	st := tupleItems(dt.state)
	size := int64(0)
	if len(st) >= 6 {
		if n, ok := st[5].(pyInt); ok && n > 0 {
			size = int64(n)
		}
	}
	object := strings.HasPrefix(string(code), "O")
	if len(st) >= 8 {
		if f, ok := st[7].(pyInt); ok && f&1 != 0 {
			object = true
		}
	}
	if object {
		// a nested stream: keep the outer stack, marks and memo
		stack, marks, memo := e.stack, e.marks, e.memo
		e.stack, e.marks = nil, nil
		_, err := e.stream()
		e.stack, e.marks, e.memo = stack, marks, memo
		return err
	}
	if size == 0 && len(code) > 1 {
		// elsize is -1 for plain dtypes: the code says it ('i8', 'U5')
		if n, err := strconv.ParseInt(string(code[1:]), 10, 64); err == nil && n > 0 {
			size = n
			if code[0] == 'U' {
				size *= 4 // UCS-4
			}
		}
	}
	if size == 0 {
		return fmt.Errorf("%w: joblib array of dtype %q with no item size", errTreeLimit, code)
	}
	count := int64(1)
	for _, x := range tupleItems(shape) {
		n, ok := x.(pyInt)
		if !ok || n < 0 || (n > 0 && count > (1<<50)/int64(n)) {
			return e.bad("joblib array shape")
		}
		count *= int64(n)
	}
	if aligned {
		b, err := e.next(1)
		if err != nil {
			return err
		}
		if err := e.skip(int64(b[0])); err != nil {
			return err
		}
	}
	if count > 0 && size > (1<<50)/count {
		return e.bad("joblib array size")
	}
	return e.skip(count * size)
}
