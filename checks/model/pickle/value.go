package pickle

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// kind is the abstract type of a value on the machine's stack.
type kind uint8

const (
	kNone kind = iota + 1
	kBool
	kInt
	kFloat
	kStr
	kBytes
	kGlobal // ref: index of a Global
	kCall   // ref: index of a call record (-1: untracked)
	kTuple  // ref: index of a seq (-1: untracked)
	kList
	kDict
	kSet
	kFrozen
	kPers // result of persistent_load
	kOther
	kindCount
)

// value is one abstract object: 16 bytes, no pointers, so stacks and memos
// of millions of values cost the garbage collector nothing.
type value struct {
	k   kind
	ref int32 // index into a side table, -1 when unknown
	n   int64 // int value, string length
}

var noValue = value{k: kOther, ref: -1}

// seq holds the first items of a container (dict: key, value pairs) in the
// machine's item arena.
type seq struct {
	run  span  // run.n is the run's capacity
	n    uint8 // items kept
	full bool  // more items than were kept
}

// callRec is one invocation recorded for argument resolution.
type callRec struct {
	fn     value
	args   value
	kwargs value
	state  value // the last BUILD state applied to the result (numpy.dtype's carries its item size)
	global int32 // index of the callee's Global, -1 when unknown
}

const (
	maxSeqItems      = 48      // items kept per container
	maxTrackedItems  = 1 << 18 // items kept in all containers of one analysis
	maxStrings       = 1 << 17 // strings kept for resolution
	ringSize         = 256     // recent short strings kept beyond the budget
	maxCalls         = 1 << 18
	maxGlobals       = 1 << 16 // distinct globals recorded per file
	maxPayloads      = 64      // nested payloads analysed per file
	maxCallsPerGlob  = 8
	maxRenderedValue = 240
)

func (m *machine) isContainer(k kind) bool {
	return k == kTuple || k == kList || k == kDict || k == kSet || k == kFrozen
}

// newSeq makes a container value holding items (copied, bounded).
func (m *machine) newSeq(k kind, items []value) value {
	if m.trackedItems >= maxTrackedItems {
		return value{k: k, ref: -1}
	}
	n := len(items)
	full := false
	if n > maxSeqItems {
		n, full = maxSeqItems, true
	}
	sq := seq{n: uint8(n), full: full}
	if n > 0 {
		sq.run = m.allocItems(n)
		copy(m.itemArena.get(sq.run), items[:n])
	}
	m.trackedItems += n + 1
	m.bud.charge(costSeq)
	return value{k: k, ref: int32(m.seqs.add(sq)), n: int64(len(items))}
}

// extend adds items to a tracked container.
func (m *machine) extend(v value, items []value) {
	if v.ref < 0 || int(v.ref) >= m.seqs.len() || len(items) == 0 {
		return
	}
	s := m.seqs.at(int(v.ref))
	add := min(len(items), maxSeqItems-int(s.n), max(maxTrackedItems-m.trackedItems, 0))
	if add < len(items) {
		s.full = true
	}
	if add <= 0 {
		return
	}
	need := int(s.n) + add
	if need > int(s.run.n) && !m.itemArena.grow(&s.run, need-int(s.run.n)) {
		// move the items to a new run; the old one stays in its chunk.
		// Doubling bounds that waste to the items kept.
		old := s.run
		s.run = m.allocItems(min(max(need, 2*int(old.n)), maxSeqItems))
		copy(m.itemArena.get(s.run), m.itemArena.get(old)[:s.n])
	}
	copy(m.itemArena.get(s.run)[s.n:], items[:add])
	s.n += uint8(add)
	m.trackedItems += add
}

// allocItems returns a run of n items. The budget is charged the arena's
// chunks as they are allocated (runs that moved and chunk ends included),
// never less than the items they hold.
func (m *machine) allocItems(n int) span {
	was := m.itemArena.held
	run := m.itemArena.alloc(n)
	m.bud.charge(int64(m.itemArena.held-was) * costValue)
	return run
}

func (m *machine) items(v value) []value {
	if !m.isContainer(v.k) || v.ref < 0 || int(v.ref) >= m.seqs.len() {
		return nil
	}
	s := m.seqs.at(int(v.ref))
	return m.itemArena.get(s.run)[:s.n:s.n]
}

// addString keeps s for name and argument resolution, within the budget.
func (m *machine) addString(k kind, b []byte) value {
	if m.strBytes+int64(len(b)) > m.lim.MaxStringBytes || m.strs.len() >= maxStrings {
		m.strOver = true
		if len(b) <= 256 {
			// beyond the budget, the most recent short strings stay
			// resolvable: STACK_GLOBAL operands are pushed right before it
			if m.ring == nil {
				m.ring = new([ringSize]ringEntry)
			}
			m.ringGen++
			slot := m.ringGen % ringSize
			e := &m.ring[slot]
			e.gen = m.ringGen
			e.n = uint16(copy(e.b[:], b))
			return value{k: k, ref: -2 - int32(slot), n: int64(m.ringGen)<<32 | int64(len(b))}
		}
		return value{k: k, ref: -1, n: int64(len(b))}
	}
	m.strBytes += int64(len(b))
	// the header, and the arena's chunks as they are allocated: never less
	// than the bytes they hold
	was := m.strArena.held
	run := m.strArena.alloc(len(b))
	m.bud.charge(costString + int64(m.strArena.held-was))
	copy(m.strArena.get(run), b)
	ref := m.strs.add(run)
	if len(b) >= 8 && m.embedded < maxEmbedded && embeddedCandidate(b) {
		m.embeddedPayload(b)
	}
	return value{k: k, ref: int32(ref), n: int64(len(b))}
}

// bytesOf returns the bytes of a resolvable string value; they belong to
// the machine and must not be modified.
func (m *machine) bytesOf(v value) ([]byte, bool) {
	if v.k != kStr && v.k != kBytes {
		return nil, false
	}
	if v.ref <= -2 {
		if m.ring == nil {
			return nil, false
		}
		e := &m.ring[(-2-v.ref)%ringSize]
		if e.gen == uint32(v.n>>32) {
			return e.b[:e.n], true
		}
		return nil, false
	}
	if v.ref < 0 || int(v.ref) >= m.strs.len() {
		return nil, false
	}
	return m.strArena.get(*m.strs.at(int(v.ref))), true
}

func (m *machine) str(v value) (string, bool) {
	b, ok := m.bytesOf(v)
	return string(b), ok
}

// ringEntry is one recent string kept beyond the retention budget.
type ringEntry struct {
	gen uint32
	n   uint16
	b   [256]byte
}

// render shows a value the way Python's repr would, shortened.
func (m *machine) render(v value, depth int) string {
	var b strings.Builder
	m.renderTo(&b, v, depth)
	s := b.String()
	if len(s) > maxRenderedValue {
		s = s[:maxRenderedValue] + "…"
	}
	return s
}

func (m *machine) renderTo(b *strings.Builder, v value, depth int) {
	if b.Len() > maxRenderedValue {
		return
	}
	switch v.k {
	case kNone:
		b.WriteString("None")
	case kBool:
		if v.n != 0 {
			b.WriteString("True")
		} else {
			b.WriteString("False")
		}
	case kInt:
		if v.ref < 0 {
			b.WriteString("<big int>")
		} else {
			b.WriteString(strconv.FormatInt(v.n, 10))
		}
	case kFloat:
		b.WriteString("<float>")
	case kStr, kBytes:
		s, ok := m.str(v)
		if !ok {
			b.WriteString("<" + strconv.FormatInt(v.n&0xffffffff, 10) + "-byte string>")
			return
		}
		if len(s) > maxRenderedValue {
			s = s[:maxRenderedValue]
		}
		q := strconv.Quote(s)
		q = "'" + strings.ReplaceAll(q[1:len(q)-1], `\"`, `"`) + "'"
		if v.k == kBytes {
			b.WriteString("b")
		}
		b.WriteString(q)
	case kGlobal:
		if int(v.ref) < len(m.res.Globals) && v.ref >= 0 {
			b.WriteString(m.res.Globals[v.ref].QualName())
		} else {
			b.WriteString("<global>")
		}
	case kCall:
		if v.ref < 0 || depth <= 0 {
			b.WriteString("<object>")
			return
		}
		c := m.calls[v.ref]
		m.renderTo(b, c.fn, depth-1)
		b.WriteString("(")
		m.renderItems(b, c.args, depth-1)
		b.WriteString(")")
		// show what an encoded argument decodes to, when it is text
		if c.global >= 0 {
			if _, dec := decoders[canonicalQual(m.res.Globals[c.global].QualName())]; dec {
				if out, chain, ok := m.resolveBytes(v, 0); ok && len(chain) > 0 && printable(out) {
					q := string(out)
					if len(q) > maxRenderedValue/2 {
						q = q[:maxRenderedValue/2] + "…"
					}
					b.WriteString(" = " + strconv.Quote(q))
				}
			}
		}
	case kTuple, kList, kSet, kFrozen, kDict:
		open, close := "(", ")"
		switch v.k {
		case kList:
			open, close = "[", "]"
		case kSet, kFrozen, kDict:
			open, close = "{", "}"
		}
		b.WriteString(open)
		if depth > 0 {
			m.renderItems(b, v, depth-1)
		} else {
			b.WriteString("…")
		}
		b.WriteString(close)
	case kPers:
		b.WriteString("<persistent object>")
	default:
		b.WriteString("<object>")
	}
}

func (m *machine) renderItems(b *strings.Builder, v value, depth int) {
	if v.ref < 0 && m.isContainer(v.k) {
		b.WriteString("…")
		return
	}
	its := m.items(v)
	for i, it := range its {
		if i > 0 {
			if v.k == kDict && i%2 == 1 {
				b.WriteString(": ")
			} else {
				b.WriteString(", ")
			}
		}
		m.renderTo(b, it, depth)
	}
	if v.ref >= 0 && int(v.ref) < m.seqs.len() && m.seqs.at(int(v.ref)).full {
		b.WriteString(", …")
	}
}

// printable reports whether decoded bytes are text worth showing.
func printable(b []byte) bool {
	if len(b) == 0 || !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' {
			return false
		}
	}
	return true
}
