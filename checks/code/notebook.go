package code

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Jupyter notebooks: the code cells are joined, in order, into one
// program (a notebook runs top to bottom, so an import in the first cell
// serves the tenth) and analysed like a source file; every finding is then
// moved to the line of the .ipynb file that holds its source line, so a
// PR comment lands on the diff. Outputs, attachments and widget state are
// data: the scanner steps over them byte by byte without decoding them.

// notebookBytesFactor bounds a notebook at this many times the source bound:
// outputs (images, widget state) make notebooks far bigger than their code.
const notebookBytesFactor = 32

// notebookMaxCells bounds the cells read from one notebook.
const notebookMaxCells = 20_000

// errNotebook is a notebook that is not the JSON it claims to be.
var errNotebook = errors.New("not a notebook")

// notebook is the code of a notebook as one program, with the .ipynb line
// of every program line (lineOf[i] for line i+1).
type notebook struct {
	lang   lang
	src    []byte
	lineOf []int
}

func isNotebook(path string) bool { return strings.HasSuffix(strings.ToLower(path), ".ipynb") }

// scanNotebook analyses the code cells of a Jupyter notebook.
func scanNotebook(ctx context.Context, f *checks.File) (checks.Result, error) {
	lim := f.Limits.Effective()
	maxBytes := lim.MaxSourceBytes * notebookBytesFactor
	if f.Size > maxBytes {
		return checks.Result{Findings: []checks.Finding{{
			RuleID: RuleSourceSkipped, Severity: checks.SeverityLow, Path: f.Path,
			Message: fmt.Sprintf("This notebook is %d bytes, over the %d-byte bound for notebooks, so ward's code "+
				"rules did not read its cells. Clear its outputs (jupyter nbconvert --clear-output) or split it.",
				f.Size, maxBytes),
			Evidence: "over notebook size bound",
		}}}, nil
	}
	raw, err := f.ReadAll(maxBytes)
	if err != nil {
		return checks.Result{}, fmt.Errorf("read %s: %w", f.Path, err)
	}
	nb, err := readNotebook(raw)
	if err != nil {
		return checks.Result{Findings: []checks.Finding{{
			RuleID: RuleParseFailed, Severity: checks.SeverityLow, Path: f.Path,
			Message: "ward could not read this file as a Jupyter notebook (" + err.Error() + "), so its code " +
				"rules did not analyse its cells. A notebook that Jupyter cannot open either is unusual: check " +
				"what the file is.",
			Evidence: "notebook parse failed",
		}}, Analysed: true}, nil
	}
	if len(nb.src) == 0 {
		return checks.Result{Analysed: true}, nil
	}
	if int64(len(nb.src)) > lim.MaxSourceBytes {
		return checks.Result{Findings: []checks.Finding{{
			RuleID: RuleSourceSkipped, Severity: checks.SeverityLow, Path: f.Path,
			Message: fmt.Sprintf("The code cells of this notebook hold %d bytes, over the %d-byte bound for "+
				"source, so ward's code rules did not analyse them.", len(nb.src), lim.MaxSourceBytes),
			Evidence: "over source size bound",
		}}}, nil
	}
	findings, err := analyse(ctx, f, nb.lang, nb.src)
	if err != nil {
		return checks.Result{}, err
	}
	for i := range findings {
		fd := &findings[i]
		fd.StartLine, fd.EndLine = nb.line(fd.StartLine), nb.line(fd.EndLine)
		// A suggestion rewrites program lines; the notebook's lines are
		// JSON strings, so it would not apply.
		fd.Suggestion = nil
	}
	return checks.Result{Findings: findings, Analysed: true}, nil
}

// line maps a program line (1-based; 0 for a whole-file finding) to the
// notebook's own line.
func (nb *notebook) line(l int) int {
	if l <= 0 || l > len(nb.lineOf) {
		return 0
	}
	return nb.lineOf[l-1]
}

// readNotebook reads the code cells of an nbformat 4 notebook. It walks the
// JSON once: only cells[*].cell_type, cells[*].source and
// metadata.{kernelspec.language, language_info.name} are decoded; every
// other value (outputs, attachments, widget state) is skipped without
// allocation, so the cost is linear in the file and small per byte.
func readNotebook(raw []byte) (*notebook, error) {
	s := &jscan{b: raw, line: 1}
	nb := &notebook{lang: python}
	s.ws()
	if s.peek() != '{' {
		return nil, fmt.Errorf("%w: no top-level object", errNotebook)
	}
	var sawCells bool
	err := s.object(func(key string) error {
		switch key {
		case "cells":
			sawCells = true
			return s.cells(nb, "source")
		case "worksheets": // nbformat 3: worksheets[*].cells[*].input
			sawCells = true
			s.ws()
			if !s.eat('[') {
				return s.skip()
			}
			return s.array(func() error {
				return s.objectOrSkip(func(key string) error {
					if key == "cells" {
						return s.cells(nb, "input")
					}
					return s.skip()
				})
			})
		case "metadata":
			return s.objectOrSkip(func(key string) error {
				switch key {
				case "kernelspec", "language_info":
					return s.objectOrSkip(func(key string) error {
						if key != "language" && key != "name" {
							return s.skip()
						}
						v, err := s.str()
						if err == nil {
							switch strings.ToLower(v) {
							case "typescript", "javascript":
								nb.lang = typescript
							}
						}
						return err
					})
				}
				return s.skip()
			})
		}
		return s.skip()
	})
	if err != nil {
		return nil, err
	}
	if !sawCells {
		return nil, fmt.Errorf("%w: no cells", errNotebook)
	}
	return nb, nil
}

// cells reads the cells array, appending each code cell to the program;
// srcKey names the member holding a cell's code.
func (s *jscan) cells(nb *notebook, srcKey string) error {
	s.ws()
	if !s.eat('[') {
		return fmt.Errorf("%w: cells is not an array", errNotebook)
	}
	return s.array(func() error {
		if s.cellsRead++; s.cellsRead > notebookMaxCells {
			return fmt.Errorf("%w: more than %d cells", errNotebook, notebookMaxCells)
		}
		s.ws()
		if s.peek() != '{' {
			return s.skip()
		}
		var kind string
		var lines []string
		var at []int
		err := s.object(func(key string) error {
			switch key {
			case "cell_type":
				v, err := s.str()
				kind = v
				return err
			case srcKey:
				var err error
				lines, at, err = s.sourceLines()
				return err
			}
			return s.skip()
		})
		if err != nil {
			return err
		}
		if kind == "code" {
			nb.addCell(lines, at)
		}
		return nil
	})
}

// sourceLines reads a cell's source: an array of strings (one per line, the
// usual form) or one string. at holds the notebook line of each line.
func (s *jscan) sourceLines() (lines []string, at []int, err error) {
	s.ws()
	add := func() error {
		line := s.line
		v, err := s.str()
		if err != nil {
			return err
		}
		for i, part := range strings.SplitAfter(v, "\n") {
			if part == "" && i > 0 {
				continue
			}
			lines = append(lines, strings.TrimSuffix(part, "\n"))
			at = append(at, line)
		}
		return nil
	}
	if s.peek() == '"' {
		return lines, at, add()
	}
	if !s.eat('[') {
		return nil, nil, fmt.Errorf("%w: source is neither a string nor a list", errNotebook)
	}
	err = s.array(func() error {
		s.ws()
		if s.peek() != '"' {
			return s.skip()
		}
		return add()
	})
	return lines, at, err
}

// cellMagicsNotCode start cells whose body is not the kernel's language.
var cellMagicsNotCode = []string{"%%bash", "%%sh", "%%script", "%%writefile", "%%html", "%%javascript", "%%js",
	"%%latex", "%%markdown", "%%svg", "%%perl", "%%ruby", "%%sql", "%%file", "%%cmd", "%%powershell", "%%system"}

// addCell appends one code cell. IPython syntax that is not Python (line
// magics, ! shell escapes) becomes `pass` at the same indentation, so the
// lines keep their numbers and blocks stay valid; cells in another
// language (%%bash, %%writefile…) are left out.
func (nb *notebook) addCell(lines []string, at []int) {
	if len(lines) == 0 {
		return
	}
	first := strings.TrimSpace(lines[0])
	for _, m := range cellMagicsNotCode {
		if first == m || strings.HasPrefix(first, m+" ") {
			return
		}
	}
	for i, l := range lines {
		t := strings.TrimLeft(l, " \t")
		if nb.lang == python && (strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!")) {
			l = l[:len(l)-len(t)] + "pass"
		}
		nb.src = append(nb.src, l...)
		nb.src = append(nb.src, '\n')
		nb.lineOf = append(nb.lineOf, at[i])
	}
	// A blank line between cells ends any open block.
	nb.src = append(nb.src, '\n')
	nb.lineOf = append(nb.lineOf, at[len(at)-1])
}

// jscan is a minimal JSON reader over a byte slice that counts lines and
// can step over any value without decoding it. Nesting is tracked with a
// counter, not recursion, so deep widget state cannot exhaust the stack.
type jscan struct {
	b         []byte
	i         int
	line      int
	cellsRead int
}

func (s *jscan) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\n':
			s.line++
		case ' ', '\t', '\r':
		default:
			return
		}
		s.i++
	}
}

func (s *jscan) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

func (s *jscan) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// objectOrSkip reads an object with object, or skips a value of another kind.
func (s *jscan) objectOrSkip(fn func(key string) error) error {
	s.ws()
	if s.peek() != '{' {
		return s.skip()
	}
	return s.object(fn)
}

// object reads the object at s.i, calling fn with each key; fn must
// consume the value.
func (s *jscan) object(fn func(key string) error) error {
	s.ws()
	if !s.eat('{') {
		return fmt.Errorf("%w: line %d: expected an object", errNotebook, s.line)
	}
	s.ws()
	if s.eat('}') {
		return nil
	}
	for {
		s.ws()
		key, err := s.str()
		if err != nil {
			return err
		}
		s.ws()
		if !s.eat(':') {
			return fmt.Errorf("%w: line %d: expected ':'", errNotebook, s.line)
		}
		if err := fn(key); err != nil {
			return err
		}
		s.ws()
		if s.eat(',') {
			continue
		}
		if s.eat('}') {
			return nil
		}
		return fmt.Errorf("%w: line %d: expected ',' or '}'", errNotebook, s.line)
	}
}

// array reads the elements of an array whose '[' was consumed; fn must
// consume each element.
func (s *jscan) array(fn func() error) error {
	s.ws()
	if s.eat(']') {
		return nil
	}
	for {
		if err := fn(); err != nil {
			return err
		}
		s.ws()
		if s.eat(',') {
			continue
		}
		if s.eat(']') {
			return nil
		}
		return fmt.Errorf("%w: line %d: expected ',' or ']'", errNotebook, s.line)
	}
}

// str reads a string and decodes it (only keys and code are decoded).
func (s *jscan) str() (string, error) {
	s.ws()
	start := s.i
	escaped, err := s.skipString()
	if err != nil {
		return "", err
	}
	raw := s.b[start+1 : s.i-1]
	if !escaped {
		return string(raw), nil
	}
	var v string
	if err := json.Unmarshal(s.b[start:s.i], &v); err != nil {
		return "", fmt.Errorf("%w: line %d: bad string", errNotebook, s.line)
	}
	return v, nil
}

// skipString steps over a string starting at s.i, reporting whether it
// held escapes.
func (s *jscan) skipString() (escaped bool, err error) {
	if !s.eat('"') {
		return false, fmt.Errorf("%w: line %d: expected a string", errNotebook, s.line)
	}
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case '\\':
			escaped = true
			s.i += 2
			continue
		case '"':
			s.i++
			return escaped, nil
		case '\n':
			return false, fmt.Errorf("%w: line %d: newline in a string", errNotebook, s.line)
		}
		s.i++
	}
	return false, fmt.Errorf("%w: unterminated string", errNotebook)
}

// skip steps over one value of any kind and size.
func (s *jscan) skip() error {
	s.ws()
	depth := 0
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case '"':
			if _, err := s.skipString(); err != nil {
				return err
			}
			if depth == 0 {
				return nil
			}
			continue
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return nil // end of a number or literal; the caller reads the bracket
			}
			depth--
			if depth == 0 {
				s.i++
				return nil
			}
		case '\n':
			s.line++
		case ',', ':', ' ', '\t', '\r':
			if depth == 0 {
				return nil // end of a number or literal
			}
		}
		s.i++
	}
	if depth != 0 {
		return fmt.Errorf("%w: unexpected end", errNotebook)
	}
	return nil
}
