package model

import (
	"fmt"
	"strings"

	"github.com/ward-sec/ward/checks/model/pystr"
)

// pyLit is a Python literal as numpy.lib.format reads a .npy header with
// ast.literal_eval: a string (after escapes and implicit concatenation), a
// number or constant, a tuple, list or dict.
type pyLit struct {
	kind  byte // 's' string, 'n' number or constant, 't' tuple, 'l' list, 'd' dict
	s     string
	items []pyLit // tuple and list items; dict keys and values alternate
}

// literalParser parses the subset of Python literals a .npy header can hold.
type literalParser struct {
	src   string
	pos   int
	depth int
}

const maxLiteralDepth = 64

func parsePyLiteral(src string) (pyLit, error) {
	p := &literalParser{src: src}
	v, err := p.value()
	if err != nil {
		return pyLit{}, err
	}
	p.space()
	if p.pos != len(p.src) {
		return pyLit{}, fmt.Errorf("trailing text at %d", p.pos)
	}
	return v, nil
}

// space skips whitespace and comments: numpy.load evaluates the header
// with Python's parser, which drops "# …" to the end of the line.
func (p *literalParser) space() {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; {
		case strings.IndexByte(" \t\r\n\f\v", c) >= 0:
			p.pos++
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' && p.src[p.pos] != '\r' {
				p.pos++
			}
		default:
			return
		}
	}
}

func (p *literalParser) value() (pyLit, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxLiteralDepth {
		return pyLit{}, fmt.Errorf("literal nested deeper than %d", maxLiteralDepth)
	}
	p.space()
	if p.pos >= len(p.src) {
		return pyLit{}, fmt.Errorf("unexpected end")
	}
	switch c := p.src[p.pos]; {
	case c == '(':
		return p.seq('(', ')', 't')
	case c == '[':
		return p.seq('[', ']', 'l')
	case c == '{':
		return p.seq('{', '}', 'd')
	case c == '\'' || c == '"' || strings.ContainsRune("bBrRuU", rune(c)) && p.stringAhead():
		// adjacent string literals concatenate: 'i' '4'
		var b strings.Builder
		for {
			s, err := p.str()
			if err != nil {
				return pyLit{}, err
			}
			b.WriteString(s)
			p.space()
			if p.pos >= len(p.src) || !(p.src[p.pos] == '\'' || p.src[p.pos] == '"' || p.stringAhead()) {
				return pyLit{kind: 's', s: b.String()}, nil
			}
		}
	default:
		start := p.pos
		for p.pos < len(p.src) && strings.IndexByte(",:)]} \t\r\n", p.src[p.pos]) < 0 {
			p.pos++
		}
		if p.pos == start {
			return pyLit{}, fmt.Errorf("unexpected %q at %d", c, start)
		}
		return pyLit{kind: 'n', s: p.src[start:p.pos]}, nil
	}
}

// stringAhead reports whether a string prefix (b, r, u, br…) starts a
// literal at the current position.
func (p *literalParser) stringAhead() bool {
	for i := p.pos; i < len(p.src) && i < p.pos+3; i++ {
		switch p.src[i] {
		case '\'', '"':
			return i > p.pos
		case 'b', 'B', 'r', 'R', 'u', 'U':
		default:
			return false
		}
	}
	return false
}

func (p *literalParser) seq(open, close byte, kind byte) (pyLit, error) {
	p.pos++ // open
	v := pyLit{kind: kind}
	for {
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == close {
			p.pos++
			return v, nil
		}
		it, err := p.value()
		if err != nil {
			return pyLit{}, err
		}
		v.items = append(v.items, it)
		if len(v.items) > 1<<16 {
			return pyLit{}, fmt.Errorf("literal too long")
		}
		p.space()
		if kind == 'd' {
			if p.pos >= len(p.src) || p.src[p.pos] != ':' {
				return pyLit{}, fmt.Errorf("dict without ':' at %d", p.pos)
			}
			p.pos++
			val, err := p.value()
			if err != nil {
				return pyLit{}, err
			}
			v.items = append(v.items, val)
			p.space()
		}
		if p.pos >= len(p.src) {
			return pyLit{}, fmt.Errorf("unclosed %c", open)
		}
		switch p.src[p.pos] {
		case ',':
			p.pos++
		case close:
		default:
			return pyLit{}, fmt.Errorf("unexpected %q at %d", p.src[p.pos], p.pos)
		}
	}
}

// str reads one string literal with its prefix, decoding escapes as Python
// does (raw strings keep them).
func (p *literalParser) str() (string, error) {
	raw := false
	for p.pos < len(p.src) && p.src[p.pos] != '\'' && p.src[p.pos] != '"' {
		if c := p.src[p.pos]; c == 'r' || c == 'R' {
			raw = true
		}
		p.pos++
	}
	if p.pos >= len(p.src) {
		return "", fmt.Errorf("unterminated string")
	}
	q := p.src[p.pos : p.pos+1]
	if strings.HasPrefix(p.src[p.pos:], q+q+q) {
		q = q + q + q
	}
	p.pos += len(q)
	end := p.pos
	for {
		i := strings.Index(p.src[end:], q)
		if i < 0 {
			return "", fmt.Errorf("unterminated string")
		}
		end += i
		// an odd number of backslashes before the quote escapes it
		n := 0
		for j := end - 1; j >= p.pos && p.src[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			break
		}
		end++
	}
	body := p.src[p.pos:end]
	p.pos = end + len(q)
	if raw {
		return body, nil
	}
	return pystr.Unescape(body)
}

// dictGet returns the value of a string key of a dict literal. A key
// written twice has its last value, as in Python: a header that says
// '<f8' first and 'O' later is an object array to numpy.load.
func (v pyLit) dictGet(key string) (pyLit, bool) {
	if v.kind != 'd' {
		return pyLit{}, false
	}
	for i := len(v.items) - len(v.items)%2 - 2; i >= 0; i -= 2 {
		if v.items[i].kind == 's' && v.items[i].s == key {
			return v.items[i+1], true
		}
	}
	return pyLit{}, false
}

// descrHasObject reports whether a dtype description, in any form
// numpy.dtype accepts from a .npy header, holds Python objects: a type
// string ('O', '|O8', 'object', 'i4,O'), a structured list of (name, dtype[,
// shape]), a (dtype, shape) sub-array, or a dict of names and formats.
func descrHasObject(v pyLit, depth int) bool {
	if depth > maxLiteralDepth {
		return true // fail closed
	}
	switch v.kind {
	case 's':
		for _, part := range strings.Split(v.s, ",") {
			t := strings.TrimSpace(part)
			// a repeat count or shape prefix: '2O', '(2,3)O'
			if i := strings.LastIndexByte(t, ')'); i >= 0 {
				t = t[i+1:]
			}
			t = strings.TrimLeft(t, "0123456789 <>|=!")
			switch {
			case t == "object" || t == "object_":
				return true
			case strings.HasPrefix(t, "O") && strings.Trim(t[1:], "0123456789") == "":
				return true
			}
		}
	case 'l':
		// fields: (name, dtype) or (name, dtype, shape); the name may be a
		// (title, name) pair and is not a type
		for _, it := range v.items {
			if it.kind == 't' && len(it.items) >= 2 {
				if descrHasObject(it.items[1], depth+1) {
					return true
				}
			} else if descrHasObject(it, depth+1) {
				return true
			}
		}
	case 't':
		// (base, shape) sub-array, or (base, fields) with a dict
		for _, it := range v.items {
			if descrHasObject(it, depth+1) {
				return true
			}
		}
	case 'd':
		// {'names': […], 'formats': […]} or {name: (dtype, offset)}
		for i := 0; i+1 < len(v.items); i += 2 {
			if k := v.items[i]; k.kind == 's' && (k.s == "names" || k.s == "titles") {
				continue
			}
			if descrHasObject(v.items[i+1], depth+1) {
				return true
			}
		}
	}
	return false
}
