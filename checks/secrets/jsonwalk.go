package secrets

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ward-sec/ward/checks/notebook"
)

// Bounds of the JSON walk. A file over them is reported as not fully scanned.
const (
	maxJSONDepth  = 512
	maxJSONTokens = 20_000_000
)

// jsonText is the text that a JSON document's string values make, with the
// line of the JSON source each of its lines came from. Object members become
// "key = value" lines, so that rules that need a name next to the value
// (generic-api-key, mistral-api-key) see one. Consecutive strings of an
// array are joined the way Jupyter joins a cell's "source" or an output's
// "text" lines. Escapes are decoded, so "\u0073k-…" is seen as "sk-…".
type jsonText struct {
	Text string
	// JSONLine[i] is the 1-based line of the JSON text that line i+1 of Text
	// came from. JSON strings cannot span lines, so this is exact.
	JSONLine []int
	// Skipped are the byte ranges [start, end) of the JSON source holding the
	// skipped values (encoded images), quotes excluded.
	Skipped [][2]int64
}

// Line maps a 1-based line of Text to a 1-based line of the JSON source.
func (t jsonText) Line(textLine int) int {
	if textLine < 1 || textLine > len(t.JSONLine) {
		return 0
	}
	return t.JSONLine[textLine-1]
}

type jsonFrame struct {
	object    bool
	expectKey bool
	key       string
}

// walkJSON builds the jsonText of raw. On malformed input or a bound it
// returns what it read so far and an error saying where it stopped.
func walkJSON(ctx context.Context, raw []byte) (jsonText, error) {
	w := &textWriter{}
	lineAt := notebook.NewLines(raw).At
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var stack []jsonFrame
	valueDone := func() {
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].expectKey = true
		}
	}
	for tokens := 0; ; tokens++ {
		if tokens%4096 == 0 && ctx.Err() != nil {
			return w.result(), ctx.Err()
		}
		if tokens >= maxJSONTokens {
			return w.result(), fmt.Errorf("more than %d JSON tokens (limit)", maxJSONTokens)
		}
		before := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) > 0 {
				// Token reports a plain EOF inside an unclosed value.
				return w.result(), fmt.Errorf("invalid JSON: unexpected end of file inside %d unclosed value(s)", len(stack))
			}
			return w.result(), nil
		}
		if err != nil {
			return w.result(), fmt.Errorf("invalid JSON near line %d: %w", lineAt(dec.InputOffset()), err)
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				if len(stack) >= maxJSONDepth {
					return w.result(), fmt.Errorf("JSON nested deeper than %d levels (limit)", maxJSONDepth)
				}
				stack = append(stack, jsonFrame{object: t == '{', expectKey: t == '{'})
			case '}', ']':
				if len(stack) > 0 {
					stack = stack[:len(stack)-1]
				}
				w.EndLine()
				valueDone()
			}
		case string:
			top := len(stack) - 1
			if top >= 0 && stack[top].object && stack[top].expectKey {
				stack[top].key = t
				stack[top].expectKey = false
				continue
			}
			line := lineAt(notebook.StringStart(raw, before))
			switch {
			case top >= 0 && stack[top].object:
				if !skippedKey(stack[top].key) {
					w.EndLine()
					w.Write(stack[top].key+" = "+t, line)
					w.EndLine()
				} else {
					w.skip(raw, notebook.StringStart(raw, before), dec.InputOffset())
				}
			default: // an array element or a top-level string
				if top < 1 || !stack[top-1].object || !skippedKey(stack[top-1].key) {
					w.Write(t, line)
				} else {
					w.skip(raw, notebook.StringStart(raw, before), dec.InputOffset())
				}
			}
			valueDone()
		default:
			valueDone()
		}
	}
}

// skippedKey is true for members whose values are encoded binary data
// (notebook image outputs), not text anyone reads or writes keys into.
func skippedKey(key string) bool {
	return strings.HasPrefix(key, "image/") || key == "application/pdf"
}

// textWriter accumulates text and the source line of each of its lines, and
// the string tokens it skipped.
type textWriter struct {
	notebook.LineWriter
	skipped [][2]int64
}

// skip records a skipped string token spanning raw[start:end], quotes
// included; a skipped value spans no newline (JSON strings cannot).
func (w *textWriter) skip(raw []byte, start, end int64) {
	if end-start >= 2 && end <= int64(len(raw)) && raw[start] == '"' && raw[end-1] == '"' {
		w.skipped = append(w.skipped, [2]int64{start + 1, end - 1})
	}
}

// without returns raw with the skipped ranges cut out. Lines keep their
// numbers: no skipped range holds a newline.
func without(raw []byte, skipped [][2]int64) string {
	var b strings.Builder
	b.Grow(len(raw))
	at := int64(0)
	for _, r := range skipped {
		if r[0] < at || r[1] > int64(len(raw)) {
			continue
		}
		b.Write(raw[at:r[0]])
		at = r[1]
	}
	b.Write(raw[at:])
	return b.String()
}

func (w *textWriter) result() jsonText {
	return jsonText{Text: w.String(), JSONLine: w.Lines(), Skipped: w.skipped}
}
