package agent

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Bounds of the JSON reader: MCP configs are a few KB.
const (
	maxJSONDepth = 64
	maxJSONNodes = 200_000
)

// node is a JSON value with the 1-based line it starts on.
type node struct {
	Kind    nodeKind
	Str     string // string value, or the literal of a number/bool/null
	Line    int
	Members []member // objects, in source order
	Items   []*node  // arrays
}

type member struct {
	Key     string
	KeyLine int
	Value   *node
}

type nodeKind int

const (
	kindScalar nodeKind = iota
	kindString
	kindObject
	kindArray
)

// get returns an object member's value, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.Kind != kindObject {
		return nil
	}
	for _, m := range n.Members {
		if m.Key == key {
			return m.Value
		}
	}
	return nil
}

// str returns the string value of a string node, "" otherwise.
func (n *node) str() string {
	if n == nil || n.Kind != kindString {
		return ""
	}
	return n.Str
}

// parseJSON reads one JSON (or JSONC: comments and trailing commas, as VS
// Code's mcp.json allows) document into a tree whose nodes know their line.
func parseJSON(raw []byte) (*node, error) {
	clean := stripJSONC(raw)
	newlines := []int64{}
	for i, b := range clean {
		if b == '\n' {
			newlines = append(newlines, int64(i))
		}
	}
	p := &treeParser{raw: clean, dec: json.NewDecoder(bytes.NewReader(clean)), newlines: newlines}
	p.dec.UseNumber()
	root, err := p.value(0)
	if err != nil {
		return nil, err
	}
	if _, err := p.dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("invalid JSON: data after the top-level value near line %d", p.lineAt(p.dec.InputOffset()))
	}
	return root, nil
}

type treeParser struct {
	raw      []byte
	dec      *json.Decoder
	newlines []int64
	nodes    int
}

func (p *treeParser) lineAt(off int64) int {
	return sort.Search(len(p.newlines), func(i int) bool { return p.newlines[i] >= off }) + 1
}

// startLine is the line of the token after offset: only white space, commas
// and colons separate JSON tokens.
func (p *treeParser) startLine(off int64) int {
	for off < int64(len(p.raw)) {
		switch p.raw[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return p.lineAt(off)
}

func (p *treeParser) token() (json.Token, int, error) {
	line := p.startLine(p.dec.InputOffset())
	tok, err := p.dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, line, fmt.Errorf("invalid JSON: unexpected end of file")
	}
	if err != nil {
		return nil, line, fmt.Errorf("invalid JSON near line %d: %w", line, err)
	}
	return tok, line, nil
}

func (p *treeParser) value(depth int) (*node, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("JSON nested deeper than %d levels (limit)", maxJSONDepth)
	}
	if p.nodes++; p.nodes > maxJSONNodes {
		return nil, fmt.Errorf("more than %d JSON values (limit)", maxJSONNodes)
	}
	tok, line, err := p.token()
	if err != nil {
		return nil, err
	}
	return p.valueFrom(tok, line, depth)
}

func (p *treeParser) valueFrom(tok json.Token, line, depth int) (*node, error) {
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &node{Kind: kindObject, Line: line}
			for p.dec.More() {
				ktok, kline, err := p.token()
				if err != nil {
					return nil, err
				}
				key, ok := ktok.(string)
				if !ok {
					return nil, fmt.Errorf("invalid JSON near line %d: object key is not a string", kline)
				}
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Members = append(n.Members, member{Key: key, KeyLine: kline, Value: v})
			}
			if _, _, err := p.token(); err != nil { // '}'
				return nil, err
			}
			return n, nil
		case '[':
			n := &node{Kind: kindArray, Line: line}
			for p.dec.More() {
				v, err := p.value(depth + 1)
				if err != nil {
					return nil, err
				}
				n.Items = append(n.Items, v)
			}
			if _, _, err := p.token(); err != nil { // ']'
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("invalid JSON near line %d: unexpected %q", line, t)
	case string:
		return &node{Kind: kindString, Str: t, Line: line}, nil
	case nil:
		return &node{Kind: kindScalar, Str: "null", Line: line}, nil
	default:
		return &node{Kind: kindScalar, Str: fmt.Sprint(t), Line: line}, nil
	}
}

// stripJSONC blanks out // and /* */ comments and trailing commas, keeping
// every newline (and so every line number) where it was.
func stripJSONC(raw []byte) []byte {
	out := append([]byte(nil), raw...)
	inString, escaped := false, false
	lastComma := -1 // offset of a comma not yet followed by a value
	for i := 0; i < len(out); i++ {
		c := out[i]
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch {
		case c == '"':
			inString = true
			lastComma = -1
		case c == '/' && i+1 < len(out) && out[i+1] == '/':
			for ; i < len(out) && out[i] != '\n'; i++ {
				out[i] = ' '
			}
		case c == '/' && i+1 < len(out) && out[i+1] == '*':
			out[i], out[i+1] = ' ', ' '
			for i += 2; i < len(out); i++ {
				if out[i] == '*' && i+1 < len(out) && out[i+1] == '/' {
					out[i], out[i+1] = ' ', ' '
					i++
					break
				}
				if out[i] != '\n' {
					out[i] = ' '
				}
			}
		case c == ',':
			lastComma = i
		case c == '}' || c == ']':
			if lastComma >= 0 {
				out[lastComma] = ' '
			}
			lastComma = -1
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			lastComma = -1
		}
	}
	return out
}
