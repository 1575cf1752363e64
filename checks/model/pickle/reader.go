package pickle

import (
	"bytes"
	"errors"
	"io"
)

const bufSize = 64 << 10

// errTruncated means the stream ended inside an opcode.
var errTruncated = errors.New("truncated stream")

// src is a bounded, buffered reader that knows its absolute offset. Opcode
// arguments are returned as slices of its buffer, valid until the next call.
type src struct {
	r        io.Reader
	buf      []byte
	i, n     int
	base     int64 // offset of buf[0]
	err      error
	maxBytes int64 // 0: unbounded
	overLim  bool
}

func newSrc(r io.Reader, base int64, maxBytes int64) *src {
	return newSrcSize(r, base, maxBytes, bufSize)
}

// newSrcSize uses a smaller buffer for inputs known to be small (probes).
func newSrcSize(r io.Reader, base, maxBytes int64, size int) *src {
	if size < 512 {
		size = 512
	}
	return &src{r: r, buf: make([]byte, size), base: base, maxBytes: maxBytes}
}

func (s *src) pos() int64 { return s.base + int64(s.i) }

// fill reads more data, keeping buf[i:n]; it reports whether data was added.
func (s *src) fill() bool {
	if s.err != nil {
		return false
	}
	if s.i > 0 {
		copy(s.buf, s.buf[s.i:s.n])
		s.base += int64(s.i)
		s.n -= s.i
		s.i = 0
	}
	if s.n == len(s.buf) {
		return false
	}
	want := len(s.buf) - s.n
	if s.maxBytes > 0 {
		left := s.maxBytes - (s.base + int64(s.n))
		if left <= 0 {
			s.overLim = true
			s.err = io.EOF
			return false
		}
		if int64(want) > left {
			want = int(left)
		}
	}
	m, err := s.r.Read(s.buf[s.n : s.n+want])
	s.n += m
	if err != nil {
		s.err = err
	}
	return m > 0 || err == nil
}

// readByte is small enough to inline; the refill is out of line.
func (s *src) readByte() (byte, bool) {
	if s.i < s.n {
		b := s.buf[s.i]
		s.i++
		return b, true
	}
	return s.readByteSlow()
}

func (s *src) readByteSlow() (byte, bool) {
	for s.i >= s.n {
		if !s.fill() {
			return 0, false
		}
	}
	b := s.buf[s.i]
	s.i++
	return b, true
}

// peek returns up to k buffered bytes without consuming them.
func (s *src) peek(k int) []byte {
	for s.n-s.i < k && s.fill() {
	}
	if s.n-s.i < k {
		k = s.n - s.i
	}
	return s.buf[s.i : s.i+k]
}

// next returns exactly k bytes (k <= bufSize) or errTruncated.
func (s *src) next(k int) ([]byte, error) {
	if s.n-s.i >= k {
		b := s.buf[s.i : s.i+k]
		s.i += k
		return b, nil
	}
	return s.nextSlow(k)
}

func (s *src) nextSlow(k int) ([]byte, error) {
	for s.n-s.i < k {
		if !s.fill() {
			return nil, errTruncated
		}
	}
	b := s.buf[s.i : s.i+k]
	s.i += k
	return b, nil
}

// line returns the bytes up to a newline (excluded), at most max bytes.
func (s *src) line(max int) ([]byte, error) {
	start := 0
	for {
		if j := bytes.IndexByte(s.buf[s.i+start:s.n], '\n'); j >= 0 {
			b := s.buf[s.i : s.i+start+j]
			s.i += start + j + 1
			return b, nil
		}
		start = s.n - s.i
		if start >= max {
			return nil, errors.New("line argument too long")
		}
		if !s.fill() {
			return nil, errTruncated
		}
	}
}

// large reads k bytes; when keep is false it discards them and returns nil.
func (s *src) large(k int64, keep bool) ([]byte, error) {
	var out []byte
	if keep {
		out = make([]byte, 0, k)
	}
	for k > 0 {
		if s.i >= s.n && !s.fill() {
			return nil, errTruncated
		}
		m := int64(s.n - s.i)
		if m > k {
			m = k
		}
		if keep {
			out = append(out, s.buf[s.i:s.i+int(m)]...)
		}
		s.i += int(m)
		k -= m
	}
	return out, nil
}
