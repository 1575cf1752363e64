// Package textproto parses the protobuf text format (what
// google.protobuf.text_format writes: saved_model.pbtxt, ONNX models
// saved with format="textproto") into a generic tree, without a schema.
// It is bounded in bytes, fields and nesting; model checks walk the tree
// for the fields they know.
package textproto

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Field is one "name: value" or "name { … }" entry.
type Field struct {
	Name   string
	Scalar string   // decoded string, number or enum identifier
	Msg    *Message // set for a nested message
	Quoted bool     // Scalar was a string literal
}

// Message is a list of fields in file order.
type Message struct{ Fields []Field }

// Strings returns the scalar values of the fields called name.
func (m *Message) Strings(name string) []string {
	var out []string
	for _, f := range m.Fields {
		if f.Name == name && f.Msg == nil {
			out = append(out, f.Scalar)
		}
	}
	return out
}

// String returns the first scalar value of name.
func (m *Message) String(name string) string {
	if v := m.Strings(name); len(v) > 0 {
		return v[0]
	}
	return ""
}

// Messages returns the nested messages called name.
func (m *Message) Messages(name string) []*Message {
	var out []*Message
	for _, f := range m.Fields {
		if f.Name == name && f.Msg != nil {
			out = append(out, f.Msg)
		}
	}
	return out
}

// ErrLimit is returned when the input is over a bound.
var ErrLimit = errors.New("text proto over ward's bounds")

// Limits of one parse.
const (
	maxFields = 4_000_000
	maxDepth  = 256
)

type parser struct {
	s      string
	p      int
	fields int
}

// Parse reads a whole text-format message.
func Parse(s string) (*Message, error) {
	p := &parser{s: s}
	m, err := p.message(0, 0)
	if err != nil {
		return m, err
	}
	p.space()
	if p.p < len(p.s) {
		return m, p.errf("unexpected %q", p.s[p.p])
	}
	return m, nil
}

func (p *parser) errf(format string, a ...any) error {
	return fmt.Errorf("text proto offset %d: %s", p.p, fmt.Sprintf(format, a...))
}

func (p *parser) space() {
	for p.p < len(p.s) {
		switch c := p.s[p.p]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			p.p++
		case c == '#':
			for p.p < len(p.s) && p.s[p.p] != '\n' {
				p.p++
			}
		default:
			return
		}
	}
}

func identByte(c byte) bool {
	return c == '_' || c == '.' || c == '/' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z' || c == '-' || c == '+'
}

// message reads fields until end ('}' or '>', or 0 for the top level).
func (p *parser) message(end byte, depth int) (*Message, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("%w: nested deeper than %d", ErrLimit, maxDepth)
	}
	m := &Message{}
	for {
		p.space()
		if p.p >= len(p.s) {
			if end != 0 {
				return m, p.errf("unclosed message")
			}
			return m, nil
		}
		if end != 0 && p.s[p.p] == end {
			p.p++
			return m, nil
		}
		p.fields++
		if p.fields > maxFields {
			return m, fmt.Errorf("%w: more than %d fields", ErrLimit, maxFields)
		}
		name, err := p.name()
		if err != nil {
			return m, err
		}
		p.space()
		colon := false
		if p.p < len(p.s) && p.s[p.p] == ':' {
			p.p++
			colon = true
			p.space()
		}
		if p.p >= len(p.s) {
			return m, p.errf("field %s has no value", name)
		}
		if p.s[p.p] == '[' { // a list of values or messages
			p.p++
			for {
				p.space()
				if p.p < len(p.s) && p.s[p.p] == ']' {
					p.p++
					break
				}
				f, err := p.value(name, depth)
				if err != nil {
					return m, err
				}
				m.Fields = append(m.Fields, f)
				p.space()
				if p.p < len(p.s) && p.s[p.p] == ',' {
					p.p++
				}
			}
		} else {
			if !colon && p.s[p.p] != '{' && p.s[p.p] != '<' {
				return m, p.errf("expected ':' after %s", name)
			}
			f, err := p.value(name, depth)
			if err != nil {
				return m, err
			}
			m.Fields = append(m.Fields, f)
		}
		p.space()
		if p.p < len(p.s) && (p.s[p.p] == ',' || p.s[p.p] == ';') {
			p.p++
		}
	}
}

func (p *parser) name() (string, error) {
	if p.p < len(p.s) && p.s[p.p] == '[' { // [extension.name] or [type.googleapis.com/x]
		e := strings.IndexByte(p.s[p.p:], ']')
		if e < 0 {
			return "", p.errf("unclosed extension name")
		}
		n := p.s[p.p : p.p+e+1]
		p.p += e + 1
		return n, nil
	}
	st := p.p
	for p.p < len(p.s) && identByte(p.s[p.p]) {
		p.p++
	}
	if st == p.p {
		return "", p.errf("expected a field name")
	}
	return p.s[st:p.p], nil
}

func (p *parser) value(name string, depth int) (Field, error) {
	if p.p >= len(p.s) {
		return Field{}, p.errf("field %s has no value", name)
	}
	c := p.s[p.p]
	switch {
	case c == '{' || c == '<':
		p.p++
		end := byte('}')
		if c == '<' {
			end = '>'
		}
		m, err := p.message(end, depth+1)
		return Field{Name: name, Msg: m}, err
	case c == '"' || c == '\'':
		var b strings.Builder
		for p.p < len(p.s) && (p.s[p.p] == '"' || p.s[p.p] == '\'') { // adjacent literals concatenate
			q := p.s[p.p]
			e := p.p + 1
			for e < len(p.s) && p.s[e] != q {
				if p.s[e] == '\\' {
					e++
				}
				e++
			}
			if e >= len(p.s) {
				return Field{}, p.errf("unterminated string")
			}
			b.WriteString(Unescape(p.s[p.p+1 : e]))
			p.p = e + 1
			p.space()
		}
		return Field{Name: name, Scalar: b.String(), Quoted: true}, nil
	default:
		st := p.p
		for p.p < len(p.s) && identByte(p.s[p.p]) {
			p.p++
		}
		if st == p.p {
			return Field{}, p.errf("expected a value for %s", name)
		}
		return Field{Name: name, Scalar: p.s[st:p.p]}, nil
	}
}

// Unescape decodes a C-escaped text-format string body (octal, \x, \u,
// \n…), as protobuf's text format writes bytes.
func Unescape(s string) string {
	if !strings.ContainsRune(s, '\\') {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'a':
			b.WriteByte(7)
		case 'b':
			b.WriteByte(8)
		case 'f':
			b.WriteByte(12)
		case 'v':
			b.WriteByte(11)
		case 'x', 'X':
			e := i + 1
			for e < len(s) && e < i+3 && strings.IndexByte("0123456789abcdefABCDEF", s[e]) >= 0 {
				e++
			}
			v, err := strconv.ParseUint(s[i+1:e], 16, 8)
			if err != nil {
				b.WriteByte(c)
				continue
			}
			b.WriteByte(byte(v))
			i = e - 1
		case 'u', 'U':
			n := 4
			if c == 'U' {
				n = 8
			}
			if i+n < len(s) {
				if v, err := strconv.ParseUint(s[i+1:i+1+n], 16, 32); err == nil {
					b.WriteRune(rune(v))
					i += n
					continue
				}
			}
			b.WriteByte(c)
		default:
			if c >= '0' && c <= '7' {
				e := i
				for e < len(s) && e < i+3 && s[e] >= '0' && s[e] <= '7' {
					e++
				}
				v, _ := strconv.ParseUint(s[i:e], 8, 16)
				b.WriteByte(byte(v))
				i = e - 1
				continue
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}
