package pickle

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// machine runs pickle streams symbolically. One machine analyses one file;
// stack and memo are reset for each stream, the tables of globals, strings and
// containers are shared so that findings name everything.
type machine struct {
	ctx   context.Context
	lim   Limits
	res   *Result
	s     *src
	depth int // nesting of payload analysis
	bud   *budget

	stack []value
	marks []int
	memo  memo

	strs         table[span] // retained strings, in strArena
	strArena     arena[byte]
	strBytes     int64
	strOver      bool
	ring         *[ringSize]ringEntry // allocated when the budget is first exceeded
	ringGen      uint32
	seqs         table[seq] // tracked containers, their items in itemArena
	itemArena    arena[value]
	trackedItems int
	calls        []callRec
	globIdx      map[string]int32
	overrides    map[string]value
	embedded     int   // embedded payload candidates examined
	ops          int64 // opcodes in the current stream

	// seen, when set (by the probe), records which opcodes occurred
	seen *[256]bool
	// nestedStream is set while joblib's inline object-array pickle runs.
	nestedStreams int
}

// newMachine makes a machine that charges bud (a new budget of
// lim.MaxMemoryBytes when nil: nested payloads share their file's).
func newMachine(ctx context.Context, lim Limits, res *Result, depth int, bud *budget) *machine {
	if bud == nil {
		bud = newBudget(lim.MaxMemoryBytes)
		if bud.max <= 0 {
			bud.max = DefaultLimits.MaxMemoryBytes
		}
	}
	bud.charge(256 * costValue)
	m := &machine{ctx: ctx, lim: lim, res: res, depth: depth, globIdx: map[string]int32{},
		stack: make([]value, 0, 256), bud: bud,
		strArena: newArena[byte](1<<12, 1<<16), itemArena: newArena[value](1<<8, 1<<12)}
	m.memo.bud = bud
	return m
}

// overBudget stops the analysis when the memory budget is spent.
func (m *machine) overBudget() bool {
	if m.bud.over() {
		if m.bud.denied && m.bud.used <= m.bud.max {
			m.res.hitLimit(LimitSharedMemory)
		} else {
			m.res.hitLimit(LimitMemory)
		}
		return true
	}
	return false
}

// errStop is returned by step when STOP ends the stream.
var errLimit = errors.New("limit reached")

func (m *machine) fail(off int64, format string, a ...any) error {
	return &Error{Offset: off, Msg: fmt.Sprintf(format, a...)}
}

func (m *machine) fence() int {
	if len(m.marks) > 0 {
		return m.marks[len(m.marks)-1]
	}
	return 0
}

func (m *machine) push(v value) error {
	if len(m.stack)+len(m.marks) >= m.lim.MaxStack {
		m.res.hitLimit(LimitStack)
		return errLimit
	}
	if len(m.stack) == cap(m.stack) {
		// double (append grows large slices by a quarter, which allocates
		// five times the final stack on the way to a million items)
		grown := make([]value, len(m.stack), min(max(2*cap(m.stack), 256), m.lim.MaxStack))
		copy(grown, m.stack)
		m.stack = append(grown, v)
		m.bud.charge(int64(cap(m.stack)) * costValue) // the old array stays until the next GC
		return nil
	}
	m.stack = append(m.stack, v)
	return nil
}

func (m *machine) pop(off int64) (value, error) {
	if len(m.stack) <= m.fence() {
		return value{}, m.fail(off, "unpickling stack underflow")
	}
	v := m.stack[len(m.stack)-1]
	m.stack = m.stack[:len(m.stack)-1]
	return v, nil
}

func (m *machine) top(off int64) (*value, error) {
	if len(m.stack) <= m.fence() {
		return nil, m.fail(off, "unpickling stack underflow")
	}
	return &m.stack[len(m.stack)-1], nil
}

// popMark removes the topmost mark and returns the items above it; the slice
// aliases the stack and is valid until the next push.
func (m *machine) popMark(off int64) ([]value, error) {
	if len(m.marks) == 0 {
		return nil, m.fail(off, "could not find MARK")
	}
	k := m.marks[len(m.marks)-1]
	m.marks = m.marks[:len(m.marks)-1]
	items := m.stack[k:]
	m.stack = m.stack[:k]
	return items, nil
}

// runStream decodes one stream up to its STOP. It returns nil at STOP, an
// *Error for malformed input, errTruncated at the end of input, errLimit or
// a context error.
func (m *machine) runStream() error {
	m.stack = m.stack[:0]
	m.marks = m.marks[:0]
	m.memo.reset()
	m.ops = 0
	s := m.s
	for {
		if m.ops >= m.lim.MaxOpcodes {
			m.res.hitLimit(LimitOpcodes)
			return errLimit
		}
		m.ops++
		m.res.Opcodes++
		if m.ops&0x3ff == 0 {
			if m.overBudget() {
				return errLimit
			}
			if err := m.ctx.Err(); m.ops&0xffff == 0 && err != nil {
				return err
			}
		}
		off := s.pos()
		op, ok := s.readByte()
		if !ok {
			if s.overLim {
				m.res.hitLimit(LimitBytes)
				return errLimit
			}
			return errTruncated
		}
		if m.seen != nil {
			m.seen[op] = true
		}
		var err error
		switch op {
		case '.': // STOP
			_, err = m.pop(off)
			if err == nil {
				if m.overBudget() {
					return errLimit
				}
				return nil
			}
		case '(': // MARK
			if len(m.stack)+len(m.marks) >= m.lim.MaxStack {
				m.res.hitLimit(LimitStack)
				return errLimit
			}
			c := cap(m.marks)
			m.marks = append(m.marks, len(m.stack))
			if cap(m.marks) != c {
				m.bud.charge(int64(cap(m.marks)) * 8)
			}
		case '0': // POP
			if n := len(m.marks); n > 0 && m.marks[n-1] == len(m.stack) {
				m.marks = m.marks[:n-1]
			} else {
				_, err = m.pop(off)
			}
		case '1': // POP_MARK
			_, err = m.popMark(off)
		case '2': // DUP
			var t *value
			if t, err = m.top(off); err == nil {
				err = m.push(*t)
			}
		case 'N':
			err = m.push(value{k: kNone, ref: -1})
		case 0x88, 0x89: // NEWTRUE, NEWFALSE
			err = m.push(value{k: kBool, n: int64(0x89 - op)})
		case 'I':
			err = m.opInt(off, false)
		case 'L':
			err = m.opInt(off, true)
		case 'J':
			var b []byte
			if b, err = s.next(4); err == nil {
				err = m.push(value{k: kInt, n: int64(int32(binary.LittleEndian.Uint32(b)))})
			}
		case 'K':
			var b []byte
			if b, err = s.next(1); err == nil {
				err = m.push(value{k: kInt, n: int64(b[0])})
			}
		case 'M':
			var b []byte
			if b, err = s.next(2); err == nil {
				err = m.push(value{k: kInt, n: int64(binary.LittleEndian.Uint16(b))})
			}
		case 0x8a, 0x8b: // LONG1, LONG4
			err = m.opLongBin(off, op)
		case 'F':
			var b []byte
			if b, err = s.line(256); err == nil {
				if len(b) == 0 {
					err = m.fail(off, "could not convert string to float")
				} else {
					err = m.push(value{k: kFloat, ref: -1})
				}
			}
		case 'G':
			if _, err = s.next(8); err == nil {
				err = m.push(value{k: kFloat, ref: -1})
			}
		case 'S':
			err = m.opString(off)
		case 'T', 'U', 'X', 0x8c, 0x8d, 'B', 'C', 0x8e, 0x96:
			err = m.opBinString(off, op)
		case 'V':
			var b []byte
			if b, err = s.longLine(int(min(m.lim.MaxStringBytes, 64<<20))); err == nil {
				err = m.push(m.addString(kStr, rawUnicodeEscape(b)))
			}
		case 0x97: // NEXT_BUFFER
			err = m.push(value{k: kBytes, ref: -1})
		case 0x98: // READONLY_BUFFER
			_, err = m.top(off)
		case ')':
			err = m.push(value{k: kTuple, ref: -1})
		case 0x85, 0x86, 0x87: // TUPLE1..3
			n := int(op-0x85) + 1
			if len(m.stack)-n < m.fence() {
				err = m.fail(off, "unpickling stack underflow")
				break
			}
			t := m.newSeq(kTuple, m.stack[len(m.stack)-n:])
			m.stack = m.stack[:len(m.stack)-n]
			err = m.push(t)
		case 't':
			var its []value
			if its, err = m.popMark(off); err == nil {
				err = m.push(m.newSeq(kTuple, its))
			}
		case ']':
			err = m.push(m.newSeq(kList, nil))
		case 'l':
			var its []value
			if its, err = m.popMark(off); err == nil {
				err = m.push(m.newSeq(kList, its))
			}
		case '}':
			err = m.push(m.newSeq(kDict, nil))
		case 'd':
			var its []value
			if its, err = m.popMark(off); err == nil {
				if len(its)%2 != 0 {
					err = m.fail(off, "odd number of items for DICT")
				} else {
					err = m.push(m.newSeq(kDict, its))
				}
			}
		case 0x8f: // EMPTY_SET
			err = m.push(m.newSeq(kSet, nil))
		case 0x91: // FROZENSET
			var its []value
			if its, err = m.popMark(off); err == nil {
				err = m.push(m.newSeq(kFrozen, its))
			}
		case 'a': // APPEND
			err = m.addItems(off, len(m.stack)-1, CallAppend)
		case 'e': // APPENDS
			err = m.addItemsMark(off, CallAppend)
		case 's': // SETITEM
			err = m.addItems(off, len(m.stack)-2, CallSetItem)
		case 'u': // SETITEMS
			err = m.addItemsMark(off, CallSetItem)
		case 0x90: // ADDITEMS
			err = m.addItemsMark(off, CallAddItems)
		case 'c': // GLOBAL
			err = m.opGlobal(off)
		case 0x93: // STACK_GLOBAL
			err = m.opStackGlobal(off)
		case 'i': // INST
			err = m.opInst(off)
		case 'o': // OBJ
			var its []value
			if its, err = m.popMark(off); err == nil {
				if len(its) < 1 {
					err = m.fail(off, "unpickling stack underflow")
					break
				}
				cls := its[0]
				args := m.newSeq(kTuple, its[1:])
				err = m.push(m.call(off, cls, args, noValue, CallObj))
			}
		case 0x81: // NEWOBJ
			var args, cls value
			if args, err = m.pop(off); err == nil {
				if cls, err = m.pop(off); err == nil {
					if args.k != kTuple && args.k != kOther && args.k != kCall {
						err = m.fail(off, "NEWOBJ expected an arg tuple")
						break
					}
					err = m.push(m.call(off, cls, args, noValue, CallNewObj))
				}
			}
		case 0x92: // NEWOBJ_EX
			var kw, args, cls value
			if kw, err = m.pop(off); err == nil {
				if args, err = m.pop(off); err == nil {
					if cls, err = m.pop(off); err == nil {
						err = m.push(m.call(off, cls, args, kw, CallNewObjEx))
					}
				}
			}
		case 'R': // REDUCE
			var args, fn value
			if args, err = m.pop(off); err == nil {
				if fn, err = m.pop(off); err == nil {
					err = m.push(m.call(off, fn, args, noValue, CallReduce))
				}
			}
		case 'b': // BUILD
			err = m.opBuild(off)
		case 'P': // PERSID
			var b []byte
			if b, err = s.line(1 << 16); err == nil {
				// the pid is data for the loader's persistent_load hook
				// (torch reads storages with it); nothing is imported
				m.addString(kStr, b)
				err = m.push(value{k: kPers, ref: -1})
			}
		case 'Q': // BINPERSID
			var pid value
			if pid, err = m.pop(off); err == nil {
				m.storageRef(pid)
				err = m.push(value{k: kPers, ref: -1})
			}
		case 'g', 'h', 'j': // GET, BINGET, LONG_BINGET
			var idx uint64
			if idx, err = m.memoIndex(off, op); err == nil {
				v, ok := m.memo.get(idx)
				if !ok {
					err = m.fail(off, "memo value not found at index %d", idx)
					break
				}
				err = m.push(v)
			}
		case 'p', 'q', 'r': // PUT, BINPUT, LONG_BINPUT
			var idx uint64
			if idx, err = m.memoIndex(off, op); err == nil {
				err = m.memoPut(off, idx)
			}
		case 0x94: // MEMOIZE
			err = m.memoPut(off, uint64(m.memo.count))
		case 0x82, 0x83, 0x84: // EXT1, EXT2, EXT4
			err = m.opExt(off, op)
		case 0x80: // PROTO
			var b []byte
			if b, err = s.next(1); err == nil {
				if b[0] > 5 {
					err = m.fail(off, "unsupported pickle protocol: %d", b[0])
				} else if int(b[0]) > m.res.Protocol {
					m.res.Protocol = int(b[0])
				}
			}
		case 0x95: // FRAME
			var b []byte
			if b, err = s.next(8); err == nil && binary.LittleEndian.Uint64(b) > math.MaxInt64 {
				err = m.fail(off, "frame size too large")
			}
		default:
			err = m.fail(off, "invalid load key, '\\x%02x'", op)
		}
		if err != nil {
			return err
		}
	}
}

func (m *machine) memoIndex(off int64, op byte) (uint64, error) {
	switch op {
	case 'g', 'p':
		b, err := m.s.line(64)
		if err != nil {
			return 0, err
		}
		n, perr := strconv.ParseInt(string(b), 10, 64)
		if perr != nil || n < 0 {
			return 0, m.fail(off, "invalid memo index %q", b)
		}
		return uint64(n), nil
	case 'h', 'q':
		b, err := m.s.next(1)
		if err != nil {
			return 0, err
		}
		return uint64(b[0]), nil
	default:
		b, err := m.s.next(4)
		if err != nil {
			return 0, err
		}
		return uint64(binary.LittleEndian.Uint32(b)), nil
	}
}

func (m *machine) memoPut(off int64, idx uint64) error {
	t, err := m.top(off)
	if err != nil {
		return err
	}
	if m.memo.count >= m.lim.MaxMemo {
		m.res.hitLimit(LimitMemo)
		return errLimit
	}
	if !m.memo.put(idx, *t, m.lim.MaxMemo) {
		m.res.hitLimit(LimitMemo)
		return errLimit
	}
	return nil
}

func (m *machine) opInt(off int64, long bool) error {
	b, err := m.s.line(1 << 16)
	if err != nil {
		return err
	}
	if !long && len(b) == 2 && b[0] == '0' && (b[1] == '0' || b[1] == '1') {
		return m.push(value{k: kBool, n: int64(b[1] - '0')})
	}
	if long && len(b) > 0 && b[len(b)-1] == 'L' {
		b = b[:len(b)-1]
	}
	if n, perr := strconv.ParseInt(string(b), 0, 64); perr == nil {
		return m.push(value{k: kInt, n: n})
	}
	if !isIntLiteral(b) {
		return m.fail(off, "invalid literal for int(): %q", truncate(b, 40))
	}
	return m.push(value{k: kInt, ref: -1})
}

func isIntLiteral(b []byte) bool {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	if i < len(b) && (b[i] == '-' || b[i] == '+') {
		i++
	}
	digits := 0
	for ; i < len(b); i++ {
		c := b[i]
		if c >= '0' && c <= '9' || c == '_' {
			digits++
			continue
		}
		if c == ' ' || c == '\r' {
			continue
		}
		return false
	}
	return digits > 0
}

func (m *machine) opLongBin(off int64, op byte) error {
	var n int64
	if op == 0x8a {
		b, err := m.s.next(1)
		if err != nil {
			return err
		}
		n = int64(b[0])
	} else {
		b, err := m.s.next(4)
		if err != nil {
			return err
		}
		n = int64(int32(binary.LittleEndian.Uint32(b)))
		if n < 0 {
			return m.fail(off, "LONG pickle has negative byte count")
		}
	}
	if n <= 8 {
		b, err := m.s.next(int(n))
		if err != nil {
			return err
		}
		var x int64
		for i := len(b) - 1; i >= 0; i-- {
			x = x<<8 | int64(b[i])
		}
		if n > 0 && n < 8 && b[n-1]&0x80 != 0 {
			x -= 1 << (8 * n)
		}
		return m.push(value{k: kInt, n: x})
	}
	if _, err := m.s.large(n, false); err != nil {
		return err
	}
	return m.push(value{k: kInt, ref: -1})
}

func (m *machine) opString(off int64) error {
	b, err := m.s.longLine(int(min(m.lim.MaxStringBytes, 64<<20)))
	if err != nil {
		return err
	}
	if len(b) >= 2 && b[0] == b[len(b)-1] && (b[0] == '\'' || b[0] == '"') {
		dec, ok := escapeDecode(b[1 : len(b)-1])
		if !ok {
			return m.fail(off, "invalid escape in STRING argument")
		}
		return m.push(m.addString(kStr, dec))
	}
	return m.fail(off, "the STRING opcode argument must be quoted")
}

func (m *machine) opBinString(off int64, op byte) error {
	var n int64
	k := kStr
	switch op {
	case 'U', 0x8c, 'C':
		b, err := m.s.next(1)
		if err != nil {
			return err
		}
		n = int64(b[0])
	case 'T':
		b, err := m.s.next(4)
		if err != nil {
			return err
		}
		n = int64(int32(binary.LittleEndian.Uint32(b)))
		if n < 0 {
			return m.fail(off, "BINSTRING pickle has negative byte count")
		}
	case 'X', 'B':
		b, err := m.s.next(4)
		if err != nil {
			return err
		}
		n = int64(binary.LittleEndian.Uint32(b))
	default: // 8-byte lengths
		b, err := m.s.next(8)
		if err != nil {
			return err
		}
		u := binary.LittleEndian.Uint64(b)
		if u > math.MaxInt64 {
			return m.fail(off, "string length too large")
		}
		n = int64(u)
	}
	if op == 'B' || op == 'C' || op == 0x8e || op == 0x96 {
		k = kBytes
	}
	if m.lim.MaxBytes > 0 && n > m.lim.MaxBytes {
		return errTruncated // cannot be inside the file
	}
	keep := m.strBytes+n <= m.lim.MaxStringBytes
	if n <= int64(len(m.s.buf)) {
		b, err := m.s.next(int(n))
		if err != nil {
			return err
		}
		if k == kStr && (op == 'X' || op == 0x8c || op == 0x8d) && !utf8.Valid(b) && !validSurrogatePass(b) {
			return m.fail(off, "'utf-8' codec can't decode string argument")
		}
		return m.push(m.addString(k, b))
	}
	b, err := m.s.large(n, keep)
	if err != nil {
		return err
	}
	if !keep {
		m.strOver = true
		return m.push(value{k: k, ref: -1, n: n})
	}
	return m.push(m.addString(k, b))
}

// validSurrogatePass accepts UTF-8 with encoded surrogates, which pickle
// writes with the surrogatepass error handler.
func validSurrogatePass(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size == 1 {
			if len(b) >= 3 && b[0] == 0xed && b[1] >= 0xa0 && b[1] <= 0xbf && b[2]&0xc0 == 0x80 {
				b = b[3:]
				continue
			}
			return false
		}
		b = b[size:]
	}
	return true
}

func (m *machine) opGlobal(off int64) error {
	mod, err := m.s.line(1 << 12)
	if err != nil {
		return err
	}
	module := string(mod)
	name, err := m.s.line(1 << 12)
	if err != nil {
		return err
	}
	if !utf8.Valid(mod) || !utf8.Valid(name) {
		return m.fail(off, "GLOBAL operands are not UTF-8")
	}
	g := m.importGlobal(off, "GLOBAL", module, string(name), false)
	return m.push(m.resolved(g))
}

func (m *machine) opStackGlobal(off int64) error {
	name, err := m.pop(off)
	if err != nil {
		return err
	}
	mod, err := m.pop(off)
	if err != nil {
		return err
	}
	if !maybeStr(name.k) || !maybeStr(mod.k) {
		return m.fail(off, "STACK_GLOBAL requires str")
	}
	ms, ok1 := m.str(mod)
	ns, ok2 := m.str(name)
	var g int32
	if ok1 && ok2 {
		g = m.importGlobal(off, "STACK_GLOBAL", ms, ns, false)
	} else {
		if m.strOver {
			m.res.hitLimit(LimitStrings)
		}
		g = m.importGlobal(off, "STACK_GLOBAL", orUnknown(ms, ok1), orUnknown(ns, ok2), true)
	}
	return m.push(m.resolved(g))
}

// maybeStr is false for kinds that can never be a str at run time.
func maybeStr(k kind) bool {
	return k == kStr || k == kGlobal || k == kCall || k == kOther || k == kPers
}

// resolved is what importing global g yields: the global itself, or the
// value a BUILD earlier stored in that attribute of its module.
func (m *machine) resolved(g int32) value {
	if v, ok := m.overrides[m.res.Globals[g].QualName()]; ok {
		return v
	}
	return value{k: kGlobal, ref: g}
}

// mutate models BUILD applied to a module, class or function: setattr of
// every key of the state. Later imports of those attributes resolve to the
// stored values (the "sys.modules override" technique).
func (m *machine) mutate(off int64, g int32, state value) {
	gl := m.res.Globals[g]
	var keys []string
	apply := func(d value) {
		its := m.items(d)
		for i := 0; i+1 < len(its); i += 2 {
			k, ok := m.str(its[i])
			if !ok {
				continue
			}
			if m.overrides == nil {
				m.overrides = map[string]value{}
			}
			m.overrides[gl.QualName()+"."+k] = its[i+1]
			keys = append(keys, k+"="+m.render(its[i+1], 2))
		}
	}
	if state.k == kTuple {
		for _, d := range m.items(state) {
			apply(d)
		}
	} else {
		apply(state)
	}
	gl.Mutated = append(gl.Mutated, Call{Kind: CallBuild, Offset: off, Args: strings.Join(keys, ", ")})
}

func orUnknown(s string, ok bool) string {
	if ok {
		return s
	}
	return "<unresolved>"
}

func (m *machine) opInst(off int64) error {
	its, err := m.popMark(off)
	if err != nil {
		return err
	}
	args := m.newSeq(kTuple, its)
	mod, err := m.s.line(1 << 12)
	if err != nil {
		return err
	}
	module := string(mod)
	name, err := m.s.line(1 << 12)
	if err != nil {
		return err
	}
	g := m.importGlobal(off, "INST", module, string(name), false)
	return m.push(m.call(off, value{k: kGlobal, ref: g}, args, noValue, CallInst))
}

func (m *machine) opExt(off int64, op byte) error {
	var code int64
	switch op {
	case 0x82:
		b, err := m.s.next(1)
		if err != nil {
			return err
		}
		code = int64(b[0])
	case 0x83:
		b, err := m.s.next(2)
		if err != nil {
			return err
		}
		code = int64(binary.LittleEndian.Uint16(b))
	default:
		b, err := m.s.next(4)
		if err != nil {
			return err
		}
		code = int64(int32(binary.LittleEndian.Uint32(b)))
	}
	if code <= 0 {
		return m.fail(off, "EXT specifies code <= 0")
	}
	g := m.importGlobal(off, fmt.Sprintf("EXT%d", map[byte]int{0x82: 1, 0x83: 2, 0x84: 4}[op]),
		"copyreg extension", strconv.FormatInt(code, 10), true)
	return m.push(value{k: kGlobal, ref: g})
}

func (m *machine) opBuild(off int64) error {
	state, err := m.pop(off)
	if err != nil {
		return err
	}
	inst, err := m.top(off)
	if err != nil {
		return err
	}
	obj := *inst
	if obj.k == kGlobal && obj.ref >= 0 {
		m.mutate(off, obj.ref, state)
		return nil
	}
	if obj.k == kCall && obj.ref >= 0 {
		m.calls[obj.ref].state = state
	}
	m.implicitCalls(off, state)
	if g := m.classOf(obj); g >= 0 {
		m.recordCall(g, CallBuild, off, state, m.customState(state))
		switch m.res.Globals[g].QualName() {
		case "joblib.numpy_pickle.NumpyArrayWrapper":
			return m.joblibArray(off, state)
		case "joblib.numpy_pickle_compat.NDArrayWrapper", "joblib.numpy_pickle_compat.ZNDArrayWrapper",
			"joblib.numpy_pickle.NDArrayWrapper", "joblib.numpy_pickle.ZNDArrayWrapper":
			m.sidecar(off, state)
		}
	}
	return nil
}

// implicitMethods are the attributes the unpickler itself calls on an
// object: APPEND/APPENDS (append, extend), SETITEM(S) (__setitem__),
// ADDITEMS (add) and BUILD (__setstate__).
var implicitMethods = map[string]bool{"append": true, "extend": true, "__setitem__": true, "add": true, "__setstate__": true}

// implicitCalls models a BUILD whose state stores a callable under one of
// implicitMethods: without __setstate__, BUILD sets the state's items as
// instance attributes (a (dict, slots) pair through setattr), and the next
// APPEND, SETITEM, ADDITEMS or BUILD on that object calls what was stored
// with the pickle's own arguments. The stored global is judged as called.
func (m *machine) implicitCalls(off int64, state value) {
	dicts := []value{state}
	if state.k == kTuple {
		dicts = m.items(state)
	}
	for _, d := range dicts {
		if d.k != kDict {
			continue
		}
		its := m.items(d)
		for i := 0; i+1 < len(its); i += 2 {
			if name, ok := m.str(its[i]); ok && implicitMethods[name] {
				if g := m.classOf(its[i+1]); g >= 0 {
					m.recordCall(g, CallReduce, off, noValue, false)
				}
			}
		}
	}
}

// customState reports whether a BUILD state needs a class-defined
// __setstate__: the default accepts a dict, None, or a pair of them.
func (m *machine) customState(state value) bool {
	ok := func(v value) bool { return v.k == kDict || v.k == kNone || v.k == kOther || v.k == kPers }
	switch state.k {
	case kDict, kNone, kOther, kPers:
		return false
	case kTuple:
		if state.ref < 0 {
			return false // untracked: cannot tell
		}
		its := m.items(state)
		return !(len(its) == 2 && ok(its[0]) && ok(its[1]))
	case kCall:
		// the result of a call (an OrderedDict, a dict subclass…) is a
		// mapping as often as not
		return false
	}
	return true
}

// classOf returns the Global an object was made from (its class or factory).
func (m *machine) classOf(v value) int32 {
	switch v.k {
	case kCall:
		if v.ref >= 0 {
			return m.calls[v.ref].global
		}
	case kGlobal:
		return v.ref
	}
	return -1
}

// addItems handles APPEND and SETITEM: the target is at index x-1.
func (m *machine) addItems(off int64, x int, kind CallKind) error {
	if x <= m.fence() || x > len(m.stack) || x < 1 {
		return m.fail(off, "unpickling stack underflow")
	}
	return m.addTo(off, x, kind)
}

func (m *machine) addItemsMark(off int64, kind CallKind) error {
	if len(m.marks) == 0 {
		return m.fail(off, "could not find MARK")
	}
	x := m.marks[len(m.marks)-1]
	m.marks = m.marks[:len(m.marks)-1]
	if x <= m.fence() || x < 1 {
		return m.fail(off, "unpickling stack underflow")
	}
	return m.addTo(off, x, kind)
}

func (m *machine) addTo(off int64, x int, kind CallKind) error {
	target := m.stack[x-1]
	items := m.stack[x:]
	if kind == CallSetItem && len(items)%2 != 0 {
		return m.fail(off, "odd number of items for SETITEMS")
	}
	switch target.k {
	case kList, kDict, kSet:
		m.extend(target, items)
	case kTuple, kStr, kBytes, kInt, kFloat, kBool, kNone, kFrozen:
		m.stack = m.stack[:x]
		return m.fail(off, "%s on an object that does not support it", kind)
	default:
		if g := m.classOf(target); g >= 0 && len(items) > 0 {
			m.recordCall(g, kind, off, m.newSeq(kTuple, items), false)
		}
	}
	m.stack = m.stack[:x]
	return nil
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
