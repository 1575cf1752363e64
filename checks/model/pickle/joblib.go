package pickle

import "strconv"

// joblibArray follows joblib's NumpyArrayWrapper: after its BUILD, joblib
// writes the array into the stream itself — raw bytes (after an alignment
// pad), or for object arrays a whole pickle of its own, which runs when the
// file is loaded.
func (m *machine) joblibArray(off int64, state value) error {
	var shape, dtype, align value
	its := m.items(state)
	for i := 0; i+1 < len(its); i += 2 {
		k, _ := m.str(its[i])
		switch k {
		case "shape":
			shape = its[i+1]
		case "dtype":
			dtype = its[i+1]
		case "numpy_array_alignment_bytes":
			align = its[i+1]
		}
	}
	code, size, hasObject := "", int64(0), false
	if dtype.k == kCall && dtype.ref >= 0 {
		c := m.calls[dtype.ref]
		if a := m.items(c.args); len(a) > 0 {
			code, _ = m.str(a[0])
		}
		// numpy.dtype's BUILD state: (version, byteorder, subarray, names,
		// fields, elsize, alignment, flags[, metadata]); elsize is the item
		// size for every kind ('U5' is 20 bytes, 'M8[ns]' and structured
		// dtypes have no size in their code)
		st := m.items(c.state)
		if len(st) >= 6 && st[5].k == kInt && st[5].n > 0 {
			size = st[5].n
		}
		// flags bit 0 (NPY_ITEM_REFCOUNT): the dtype holds Python objects,
		// a structured one included, and joblib pickles the array inline
		if len(st) >= 8 && st[7].k == kInt && st[7].n&1 != 0 {
			hasObject = true
		}
	}
	if code == "" {
		m.res.hitLimit(LimitJoblib)
		return errLimit
	}
	if code[0] == 'O' || hasObject {
		return m.inlineStream()
	}
	if size == 0 {
		n, err := strconv.ParseInt(code[1:], 10, 64)
		if err != nil || n <= 0 {
			m.res.hitLimit(LimitJoblib)
			return errLimit
		}
		size = n
		if code[0] == 'U' {
			size *= 4 // UCS-4
		}
	}
	count := int64(1)
	if shape.k != kTuple || (shape.ref < 0 && shape.n > 0) {
		m.res.hitLimit(LimitJoblib)
		return errLimit
	}
	for _, d := range m.items(shape) {
		if d.k != kInt || d.ref < 0 || d.n < 0 {
			m.res.hitLimit(LimitJoblib)
			return errLimit
		}
		if d.n > 0 && count > (1<<62)/d.n {
			return m.fail(off, "joblib array shape overflows")
		}
		count *= d.n
	}
	if align.k == kInt && align.n > 0 {
		b, err := m.s.next(1)
		if err != nil {
			return err
		}
		if _, err := m.s.large(int64(b[0]), false); err != nil {
			return err
		}
	}
	if count > 0 && size > (1<<62)/count {
		return m.fail(off, "joblib array size overflows")
	}
	_, err := m.s.large(count*size, false)
	return err
}

// inlineStream runs the pickle joblib embeds for an object array, with its
// own stack and memo (it is a separate pickle.load), then resumes.
func (m *machine) inlineStream() error {
	if m.nestedStreams >= 64 {
		m.res.hitLimit(LimitDepth)
		return errLimit
	}
	stack, marks, mm, ops := m.stack, m.marks, m.memo, m.ops
	m.stack, m.marks, m.memo = make([]value, 0, 64), nil, memo{bud: m.bud}
	m.bud.charge(64 * costValue)
	m.nestedStreams++
	err := m.runStream()
	m.nestedStreams--
	m.memo.reset()
	m.bud.release(int64(cap(m.stack)) * costValue)
	m.stack, m.marks, m.memo, m.ops = stack, marks, mm, ops
	return err
}

// sidecar records the file a legacy NDArrayWrapper (joblib < 0.10) names in
// its state: joblib.load reads it with numpy.load(allow_pickle=True).
func (m *machine) sidecar(off int64, state value) {
	if len(m.res.Sidecars) >= maxSidecars {
		return
	}
	sc := Sidecar{Offset: off}
	its := m.items(state)
	for i := 0; i+1 < len(its); i += 2 {
		if k, _ := m.str(its[i]); k == "filename" {
			sc.Name, _ = m.str(its[i+1])
		}
	}
	m.bud.charge(int64(len(sc.Name)) + costString)
	m.res.Sidecars = append(m.res.Sidecars, sc)
}
