// Package notebook reads the cells of a Jupyter notebook (.ipynb, nbformat 4
// and 3) without loading it into a tree: each cell's type, its source text,
// and the notebook line every source line was written on, so that a finding
// in a cell lands on the notebook's own line. Outputs, attachments and
// metadata (widget state, images) are data the kernel or a library wrote, not
// code or instructions anyone reviews, and are not returned.
package notebook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// Bounds of the walk; a notebook over them is returned as far as it was read,
// with an error saying why it stopped.
const (
	maxDepth  = 256
	maxTokens = 20_000_000
)

// Cell is one notebook cell.
type Cell struct {
	// Type is "code", "markdown" or "raw".
	Type string
	// Source is the cell's text, its lines joined as Jupyter joins them.
	Source string
	// Lines[i] is the 1-based notebook line that line i+1 of Source was
	// written on. A JSON string cannot span lines, so the mapping is exact.
	Lines []int
}

// Line maps a 1-based line of c.Source to its notebook line (0 if none).
func (c Cell) Line(sourceLine int) int {
	if sourceLine < 1 || sourceLine > len(c.Lines) {
		return 0
	}
	return c.Lines[sourceLine-1]
}

// Is reports whether a path names a notebook.
func Is(p string) bool { return strings.EqualFold(path.Ext(p), ".ipynb") }

type frame struct {
	object    bool
	expectKey bool
	key       string
}

// Cells returns the cells of a notebook in order. On malformed JSON or a
// bound it returns the cells read so far and an error.
func Cells(ctx context.Context, raw []byte) ([]Cell, error) {
	lineAt := NewLines(raw).At
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var (
		stack []frame
		cells []Cell
		cur   *Cell // the cell being read (depth 3: root > cells > cell)
		w     LineWriter
	)
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].expectKey = true
		}
	}
	// inCell is true when the top of the stack is a cell object:
	// {"cells": [ {…} ]} (nbformat 4) or {"worksheets": [{"cells": [ {…} ]}]} (3).
	inCell := func(depth int) bool {
		switch depth {
		case 3:
			return stack[2].object && !stack[1].object && stack[0].key == "cells"
		case 5:
			return stack[4].object && !stack[3].object && stack[2].key == "cells" && stack[0].key == "worksheets"
		}
		return false
	}
	for tokens := 0; ; tokens++ {
		if tokens%4096 == 0 && ctx.Err() != nil {
			return cells, ctx.Err()
		}
		if tokens >= maxTokens {
			return cells, fmt.Errorf("more than %d JSON tokens (limit)", maxTokens)
		}
		before := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) > 0 {
				return cells, fmt.Errorf("invalid JSON: unexpected end of file inside %d unclosed value(s)", len(stack))
			}
			return cells, nil
		}
		if err != nil {
			return cells, fmt.Errorf("invalid JSON near line %d: %w", lineAt(dec.InputOffset()), err)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= maxDepth {
					return cells, fmt.Errorf("JSON nested deeper than %d levels (limit)", maxDepth)
				}
				stack = append(stack, frame{object: t == '{', expectKey: t == '{'})
				if t == '{' && inCell(len(stack)) {
					cells = append(cells, Cell{})
					cur = &cells[len(cells)-1]
					w = LineWriter{}
				}
			case '}', ']':
				if cur != nil && t == '}' && inCell(len(stack)) {
					cur.Source, cur.Lines = w.String(), w.Lines()
					cur = nil
				}
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				valueDone()
			}
		case string:
			n := len(stack)
			if n > 0 && stack[n-1].object && stack[n-1].expectKey {
				stack[n-1].key = t
				stack[n-1].expectKey = false
				continue
			}
			if cur != nil {
				switch {
				case inCell(n) && stack[n-1].key == "cell_type":
					cur.Type = t
				case inCell(n) && (stack[n-1].key == "source" || stack[n-1].key == "input"):
					w.Write(t, lineAt(StringStart(raw, before)))
				case n >= 4 && !stack[n-1].object && inCell(n-1) &&
					(stack[n-2].key == "source" || stack[n-2].key == "input"):
					w.Write(t, lineAt(StringStart(raw, before)))
				}
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// LineWriter joins strings into one text and records, for each of its lines,
// the line of the file the line came from (a notebook cell's source, the
// string values of a JSON document). Its zero value is ready to use.
type LineWriter struct {
	b       strings.Builder
	lines   []int
	midLine bool
}

// Write appends s, whose first character is on the file's line line.
func (w *LineWriter) Write(s string, line int) {
	for len(s) > 0 {
		if !w.midLine {
			w.lines = append(w.lines, line)
			w.midLine = true
		}
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			w.b.WriteString(s)
			return
		}
		w.b.WriteString(s[:i+1])
		s = s[i+1:]
		w.midLine = false
	}
}

// EndLine ends the current line if anything is on it.
func (w *LineWriter) EndLine() {
	if w.midLine {
		w.b.WriteByte('\n')
		w.midLine = false
	}
}

// String is the text written so far.
func (w *LineWriter) String() string { return w.b.String() }

// Lines holds, for each line of String, the file's line it came from.
func (w *LineWriter) Lines() []int { return w.lines }

// StringStart finds the start of the JSON token that follows offset (a
// json.Decoder's InputOffset before the token): only white space, commas
// and colons separate JSON tokens.
func StringStart(raw []byte, offset int64) int64 {
	for i := offset; i < int64(len(raw)); i++ {
		switch raw[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
		default:
			return i
		}
	}
	return offset
}

// Lines maps byte offsets of a text to 1-based line numbers.
type Lines []int64

// NewLines indexes the newlines of raw.
func NewLines(raw []byte) Lines {
	var out Lines
	for i, b := range raw {
		if b == '\n' {
			out = append(out, int64(i))
		}
	}
	return out
}

// At is the 1-based line holding byte offset off.
func (l Lines) At(off int64) int {
	return sort.Search(len(l), func(i int) bool { return l[i] >= off }) + 1
}
