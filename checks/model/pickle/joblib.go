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
	code := ""
	if dtype.k == kCall && dtype.ref >= 0 {
		if a := m.items(m.calls[dtype.ref].args); len(a) > 0 {
			code, _ = m.str(a[0])
		}
	}
	if code == "" {
		m.res.hitLimit(LimitJoblib)
		return errLimit
	}
	if code[0] == 'O' {
		return m.inlineStream()
	}
	size, err := strconv.ParseInt(code[1:], 10, 64)
	if err != nil || size <= 0 {
		m.res.hitLimit(LimitJoblib)
		return errLimit
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
	_, err = m.s.large(count*size, false)
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
	m.stack, m.marks, m.memo = make([]value, 0, 64), nil, memo{}
	m.nestedStreams++
	err := m.runStream()
	m.nestedStreams--
	m.stack, m.marks, m.memo, m.ops = stack, marks, mm, ops
	return err
}
