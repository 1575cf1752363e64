package chattemplate

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ward-sec/ward/checks/model/pystr"
)

// The lexer follows Jinja2's (jinja2/lexer.py) with the delimiters and
// options transformers and llama.cpp use: {{ }}, {% %}, {# #}, '-' and '+'
// whitespace control, {% raw %}, and block ends recognised only outside
// brackets (a dict literal may contain "}}").

type tokKind uint8

const (
	tText tokKind = iota
	tVarBegin
	tVarEnd
	tBlockBegin
	tBlockEnd
	tName
	tString
	tInt
	tFloat
	tOp
	tEOF
)

type token struct {
	kind tokKind
	val  string // name, operator, decoded string, number text
	raw  string // string literal as written (escape checks)
	pos  int
}

// errSyntax is a template Jinja itself would refuse.
type errSyntax struct {
	pos int
	msg string
}

func (e *errSyntax) Error() string { return fmt.Sprintf("offset %d: %s", e.pos, e.msg) }

var ops3 = []string{"//", "**", "==", "!=", "<=", ">="}

// lex splits a template into tokens; maxTokens bounds the output.
func lex(src string, maxTokens int) ([]token, error) {
	var out []token
	emit := func(t token) error {
		if len(out) >= maxTokens {
			return errLimit
		}
		out = append(out, t)
		return nil
	}
	i := 0
	for i < len(src) {
		j := nextOpen(src, i)
		if j < 0 {
			j = len(src)
		}
		if j > i {
			if err := emit(token{kind: tText, val: src[i:j], pos: i}); err != nil {
				return out, err
			}
		}
		if j >= len(src) {
			break
		}
		open := src[j : j+2]
		k := j + 2
		if k < len(src) && (src[k] == '-' || src[k] == '+') {
			k++
		}
		switch open {
		case "{#":
			e := strings.Index(src[k:], "#}")
			if e < 0 {
				return out, &errSyntax{j, "unclosed comment"}
			}
			i = k + e + 2
			continue
		case "{%":
			// {% raw %} … {% endraw %}
			if p, ok := tagWord(src, k, "raw"); ok {
				end := findEndRaw(src, p)
				if end < 0 {
					return out, &errSyntax{j, "unclosed raw block"}
				}
				if err := emit(token{kind: tText, val: src[p:end], pos: p}); err != nil {
					return out, err
				}
				e := strings.Index(src[end:], "%}")
				i = end + e + 2
				continue
			}
			if err := emit(token{kind: tBlockBegin, pos: j}); err != nil {
				return out, err
			}
		default:
			if err := emit(token{kind: tVarBegin, pos: j}); err != nil {
				return out, err
			}
		}
		closer := "%}"
		endKind := tBlockEnd
		if open == "{{" {
			closer, endKind = "}}", tVarEnd
		}
		n, err := lexTag(src, k, closer, endKind, emit)
		if err != nil {
			return out, err
		}
		i = n
	}
	return out, emit(token{kind: tEOF, pos: len(src)})
}

// nextOpen finds the next "{{", "{%" or "{#" at or after i.
func nextOpen(src string, i int) int {
	for {
		p := strings.IndexByte(src[i:], '{')
		if p < 0 || i+p+1 >= len(src) {
			return -1
		}
		c := src[i+p+1]
		if c == '{' || c == '%' || c == '#' {
			return i + p
		}
		i += p + 1
	}
}

// tagWord reports whether the tag starting at k holds only word
// ("{% raw %}"), and returns the position after its "%}".
func tagWord(src string, k int, word string) (int, bool) {
	p := k
	for p < len(src) && isSpace(src[p]) {
		p++
	}
	if !strings.HasPrefix(src[p:], word) {
		return 0, false
	}
	p += len(word)
	for p < len(src) && isSpace(src[p]) {
		p++
	}
	if p < len(src) && (src[p] == '-' || src[p] == '+') {
		p++
	}
	if strings.HasPrefix(src[p:], "%}") {
		return p + 2, true
	}
	return 0, false
}

func findEndRaw(src string, p int) int {
	for {
		q := strings.Index(src[p:], "{%")
		if q < 0 {
			return -1
		}
		k := p + q + 2
		if k < len(src) && (src[k] == '-' || src[k] == '+') {
			k++
		}
		if _, ok := tagWord(src, k, "endraw"); ok {
			return p + q
		}
		p = k
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// lexTag tokenises the inside of a tag from k up to its closer.
func lexTag(src string, k int, closer string, endKind tokKind, emit func(token) error) (int, error) {
	depth := 0
	for k < len(src) {
		c := src[k]
		if isSpace(c) {
			k++
			continue
		}
		if depth == 0 {
			if (c == '-' || c == '+') && strings.HasPrefix(src[k+1:], closer) {
				return k + 3, emit(token{kind: endKind, pos: k})
			}
			if strings.HasPrefix(src[k:], closer) {
				return k + 2, emit(token{kind: endKind, pos: k})
			}
		}
		switch {
		case c == '\'' || c == '"':
			e := k + 1
			for e < len(src) && src[e] != c {
				if src[e] == '\\' {
					e++
				}
				e++
			}
			if e >= len(src) {
				return k, &errSyntax{k, "unterminated string"}
			}
			raw := src[k : e+1]
			if err := emit(token{kind: tString, val: unescape(src[k+1 : e]), raw: raw, pos: k}); err != nil {
				return k, err
			}
			k = e + 1
		case c >= '0' && c <= '9':
			e, float := number(src, k)
			kind := tInt
			if float {
				kind = tFloat
			}
			if err := emit(token{kind: kind, val: src[k:e], pos: k}); err != nil {
				return k, err
			}
			k = e
		case c == '_' || c < utf8.RuneSelf && (c|0x20 >= 'a' && c|0x20 <= 'z'):
			e := k
			for e < len(src) && isIdent(src[e]) {
				e++
			}
			if err := emit(token{kind: tName, val: src[k:e], pos: k}); err != nil {
				return k, err
			}
			k = e
		case c >= utf8.RuneSelf:
			r, n := utf8.DecodeRuneInString(src[k:])
			if !unicode.IsLetter(r) {
				return k, &errSyntax{k, fmt.Sprintf("unexpected character %q", r)}
			}
			e := k + n
			for e < len(src) {
				r, n := utf8.DecodeRuneInString(src[e:])
				if !(isIdent(src[e]) || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
					break
				}
				e += n
			}
			if err := emit(token{kind: tName, val: src[k:e], pos: k}); err != nil {
				return k, err
			}
			k = e
		default:
			op := ""
			for _, o := range ops3 {
				if strings.HasPrefix(src[k:], o) {
					op = o
					break
				}
			}
			if op == "" {
				if !strings.ContainsRune("+-/*%~[](){}<>=.:|,;", rune(c)) {
					return k, &errSyntax{k, fmt.Sprintf("unexpected character %q", c)}
				}
				op = string(c)
			}
			switch op {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				if depth == 0 {
					return k, &errSyntax{k, "unbalanced " + op}
				}
				depth--
			}
			if err := emit(token{kind: tOp, val: op, pos: k}); err != nil {
				return k, err
			}
			k += len(op)
		}
	}
	return k, &errSyntax{k, "unclosed tag"}
}

func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z'
}

// number scans an integer or float as Jinja's lexer does; a number right
// after '.' is an integer (messages.0.content).
func number(src string, k int) (int, bool) {
	e := k
	digits := func() {
		for e < len(src) && (src[e] >= '0' && src[e] <= '9' || src[e] == '_' && e+1 < len(src) && src[e+1] >= '0' && src[e+1] <= '9') {
			e++
		}
	}
	if src[k] == '0' && k+1 < len(src) && strings.ContainsRune("xXoObB", rune(src[k+1])) {
		e = k + 2
		for e < len(src) && (isIdent(src[e]) && src[e] != '_' || src[e] == '_') {
			e++
		}
		return e, false
	}
	digits()
	if k > 0 && src[k-1] == '.' {
		return e, false
	}
	float := false
	if e+1 < len(src) && src[e] == '.' && src[e+1] >= '0' && src[e+1] <= '9' {
		e++
		digits()
		float = true
	}
	if e < len(src) && (src[e] == 'e' || src[e] == 'E') {
		p := e + 1
		if p < len(src) && (src[p] == '+' || src[p] == '-') {
			p++
		}
		if p < len(src) && src[p] >= '0' && src[p] <= '9' {
			e = p
			digits()
			float = true
		}
	}
	return e, float
}

// unescape decodes a string literal's body as Python's unicode-escape
// codec does (Jinja decodes literals that way); an escape Python would refuse
// is kept as written.
func unescape(s string) string {
	out, _ := pystr.Unescape(s)
	return out
}
