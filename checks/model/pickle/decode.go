package pickle

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"encoding/ascii85"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// longLine reads a newline-terminated argument that may be longer than the
// buffer (protocol 0 strings), up to max bytes.
func (s *src) longLine(max int) ([]byte, error) {
	b, err := s.line(len(s.buf) - 1)
	if err == nil {
		return b, nil
	}
	if err == errTruncated {
		return nil, err
	}
	// longer than the buffer: accumulate
	var out []byte
	for {
		chunk := s.buf[s.i:s.n]
		if j := bytes.IndexByte(chunk, '\n'); j >= 0 {
			out = append(out, chunk[:j]...)
			s.i += j + 1
			return out, nil
		}
		if len(out)+len(chunk) > max {
			return nil, errTruncated
		}
		out = append(out, chunk...)
		s.i = s.n
		if !s.fill() {
			return nil, errTruncated
		}
	}
}

// escapeDecode undoes Python's string escapes (the STRING opcode's repr).
func escapeDecode(b []byte) ([]byte, bool) {
	if bytes.IndexByte(b, '\\') < 0 {
		return b, true
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		if i >= len(b) {
			return nil, false
		}
		switch c = b[i]; c {
		case '\n':
		case '\\', '\'', '"':
			out = append(out, c)
		case 'a':
			out = append(out, 7)
		case 'b':
			out = append(out, 8)
		case 'f':
			out = append(out, 12)
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, 11)
		case 'x':
			if i+3 > len(b) {
				return nil, false
			}
			v, err := strconv.ParseUint(string(b[i+1:i+3]), 16, 8)
			if err != nil {
				return nil, false
			}
			out = append(out, byte(v))
			i += 2
		default:
			if c >= '0' && c <= '7' {
				v := int(c - '0')
				for k := 0; k < 2 && i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '7'; k++ {
					i++
					v = v*8 + int(b[i]-'0')
				}
				out = append(out, byte(v))
			} else {
				out = append(out, '\\', c)
			}
		}
	}
	return out, true
}

// rawUnicodeEscape decodes the UNICODE opcode's raw-unicode-escape text into
// UTF-8: \uXXXX and \UXXXXXXXX escapes, other bytes are Latin-1.
func rawUnicodeEscape(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c == '\\' && i+1 < len(b) && (b[i+1] == 'u' || b[i+1] == 'U') {
			n := 4
			if b[i+1] == 'U' {
				n = 8
			}
			if i+2+n <= len(b) {
				if v, err := strconv.ParseUint(string(b[i+2:i+2+n]), 16, 32); err == nil {
					out = utf8.AppendRune(out, rune(v))
					i += 1 + n
					continue
				}
			}
		}
		if c < 0x80 {
			out = append(out, c)
		} else {
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return out
}

// latin1 encodes a UTF-8 string as Latin-1 bytes, as protocol 2 pickles
// carry bytes: _codecs.encode('\x80…', 'latin1').
func latin1(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		out = append(out, byte(r))
	}
	return out
}

// decodeWith applies one of the decoders in the decoders table.
func decodeWith(kind string, in []byte, arg2 string, max int64) ([]byte, bool) {
	clean := func(b []byte) []byte {
		return bytes.Map(func(r rune) rune {
			if r == '\n' || r == '\r' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, b)
	}
	switch kind {
	case "bytes":
		return in, true
	case "latin1":
		if arg2 == "" || strings.EqualFold(strings.ReplaceAll(arg2, "-", ""), "latin1") || arg2 == "iso-8859-1" {
			return latin1(string(in)), true
		}
		return decodeWith(codecKind(arg2), in, "", max)
	case "codec":
		return decodeWith(codecKind(arg2), in, "", max)
	case "base64", "base64url":
		s := strings.TrimRight(string(clean(in)), "=")
		enc := base64.RawStdEncoding
		if kind == "base64url" || strings.ContainsAny(s, "-_") {
			enc = base64.RawURLEncoding
		}
		out, err := enc.DecodeString(s)
		return out, err == nil
	case "base32":
		out, err := base32.StdEncoding.DecodeString(string(clean(in)))
		return out, err == nil
	case "hex":
		out, err := hex.DecodeString(string(clean(in)))
		return out, err == nil
	case "ascii85":
		s := strings.TrimSuffix(strings.TrimPrefix(string(in), "<~"), "~>")
		out := make([]byte, len(s))
		n, _, err := ascii85.Decode(out, []byte(s), true)
		return out[:n], err == nil
	case "zlib", "gzip", "bz2":
		var r io.Reader
		var err error
		switch kind {
		case "zlib":
			r, err = zlib.NewReader(bytes.NewReader(in))
		case "gzip":
			r, err = gzip.NewReader(bytes.NewReader(in))
		default:
			r = bzip2.NewReader(bytes.NewReader(in))
		}
		if err != nil {
			return nil, false
		}
		out, err := io.ReadAll(io.LimitReader(r, max))
		return out, err == nil || len(out) > 0
	}
	return nil, false
}

func codecKind(name string) string {
	switch strings.ToLower(strings.ReplaceAll(name, "_", "")) {
	case "base64", "base64codec":
		return "base64"
	case "hex", "hexcodec":
		return "hex"
	case "zlib", "zip", "zlibcodec":
		return "zlib"
	case "bz2", "bz2codec":
		return "bz2"
	case "latin1", "latin-1", "iso88591":
		return "latin1"
	}
	return ""
}

// resolveBytes follows a value back through decoder calls to the bytes it
// holds; chain lists the decoders, outermost last.
func (m *machine) resolveBytes(v value, depth int) ([]byte, []string, bool) {
	if depth > 8 {
		return nil, nil, false
	}
	switch v.k {
	case kStr, kBytes:
		b, ok := m.bytesOf(v)
		return bytes.Clone(b), nil, ok
	case kCall:
		if v.ref < 0 {
			return nil, nil, false
		}
		c := m.calls[v.ref]
		if c.global < 0 {
			return nil, nil, false
		}
		qual := canonicalQual(m.res.Globals[c.global].QualName())
		kind, ok := decoders[qual]
		if !ok {
			return nil, nil, false
		}
		a := m.items(c.args)
		if len(a) == 0 {
			return nil, nil, false
		}
		in, chain, ok := m.resolveBytes(a[0], depth+1)
		if !ok {
			return nil, nil, false
		}
		arg2 := ""
		if len(a) > 1 {
			arg2, _ = m.str(a[1])
		}
		out, ok := decodeWith(kind, in, arg2, m.lim.MaxStringBytes)
		if !ok {
			return nil, nil, false
		}
		if kind != "bytes" && kind != "latin1" {
			chain = append(chain, qual)
		}
		return out, chain, true
	}
	return nil, nil, false
}

// nested analyses bytes that reach a loader as a file of their own.
func (m *machine) nested(off int64, loader string, arg value) {
	if len(m.res.Payloads) >= maxPayloads {
		return // the loader global itself is reported
	}
	p := &Payload{Loader: loader, Offset: off}
	m.res.Payloads = append(m.res.Payloads, p)
	data, chain, ok := m.resolveBytes(arg, 0)
	if !ok {
		return
	}
	// the same bytes were already analysed as an embedded constant: keep
	// only this, more precise, payload
	for i, q := range m.res.Payloads {
		if q.Loader == EmbeddedLoader && bytes.Equal(q.Data, data) {
			m.res.Payloads = append(m.res.Payloads[:i], m.res.Payloads[i+1:]...)
			break
		}
	}
	m.bud.charge(int64(len(data)))
	p.Data = data
	p.Chain = strings.Join(chain, " → ")
	if m.depth+1 > m.lim.MaxDepth {
		m.res.hitLimit(LimitDepth)
		return
	}
	if !LooksLikePickle(data) {
		return
	}
	r, err := analyze(m.ctx, bytes.NewReader(data), int64(len(data)), m.lim, m.depth+1, m.bud)
	if err == nil {
		p.Result = r
	}
}

const maxEmbedded = 64

// embeddedCandidate is a cheap test for a string or bytes constant that
// may hold a pickle: raw, base64 or hex encoded, or protocol 0 text.
func embeddedCandidate(b []byte) bool {
	switch {
	case b[0] == 0x80 && b[1] >= 2 && b[1] <= 5:
		return true
	case b[0] == 'g' && b[1] == 'A' && b[2] >= 'I' && b[2] <= 'X':
		return true
	case b[0] == '8' && b[1] == '0' && b[2] == '0' && b[3] >= '2' && b[3] <= '5':
		return true
	case b[0] == 'c' && bytes.IndexByte(b[:min(len(b), 128)], '\n') > 0:
		return true
	}
	return false
}

// embeddedPayload analyses a pickle hidden in a data constant: nothing in
// this stream loads it, but an application that unpickles the field does.
func (m *machine) embeddedPayload(b []byte) {
	m.embedded++
	if len(m.res.Payloads) >= maxPayloads {
		return
	}
	off := m.s.pos()
	data, chain := b, ""
	switch {
	case b[0] == 'g':
		if d, ok := decodeWith("base64", b, "", m.lim.MaxStringBytes); ok {
			data, chain = d, "base64"
		}
	case b[0] == '8':
		if d, ok := decodeWith("hex", b, "", m.lim.MaxStringBytes); ok {
			data, chain = d, "hex"
		}
	}
	if m.depth+1 > m.lim.MaxDepth {
		return
	}
	if len(data) < 4 || !StrictProbe(data[:min(len(data), probeLen)]) {
		return
	}
	r, err := analyze(m.ctx, bytes.NewReader(data), int64(len(data)), m.lim, m.depth+1, m.bud)
	if err != nil || len(r.Globals) == 0 && len(r.Payloads) == 0 {
		return
	}
	m.bud.charge(int64(len(data)))
	m.res.Payloads = append(m.res.Payloads, &Payload{Loader: EmbeddedLoader, Offset: off, Chain: chain, Data: data, Result: r})
}

// EmbeddedLoader is the Loader of a payload found in a data constant rather
// than passed to a loader.
const EmbeddedLoader = "(embedded in data)"
