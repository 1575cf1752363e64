// Package pystr decodes the body of a Python string literal, as Python's
// unicode-escape rules do: the NumPy .npy header (a Python dict literal) and
// Jinja's string literals (which Jinja decodes the same way) both need it.
package pystr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Unescape decodes s's backslash escapes (\n, \x4f, \u004f, \U0001F600,
// octal \117, a backslash-newline continuation). An escape Python refuses (a
// truncated or non-hex \x, \u or \U) is kept as written and reported in err;
// one that names no valid code point is written as U+FFFD and reported too.
// \N{…} is not decoded. Unknown escapes stay as written, as in Python.
func Unescape(s string) (out string, err error) {
	if !strings.Contains(s, "\\") {
		return s, nil
	}
	var b strings.Builder
	fail := func(format string, c byte) {
		if err == nil {
			err = fmt.Errorf(format, c)
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch c := s[i]; c {
		case '\n':
		case '\\', '\'', '"':
			b.WriteByte(c)
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[c]
			if i+n >= len(s) {
				fail("truncated \\%c escape", c)
				b.WriteByte('\\')
				b.WriteByte(c)
				continue
			}
			v, perr := strconv.ParseUint(s[i+1:i+1+n], 16, 32)
			if perr != nil {
				fail("bad \\%c escape", c)
				b.WriteByte('\\')
				b.WriteByte(c)
				continue
			}
			if !utf8.ValidRune(rune(v)) {
				fail("bad \\%c escape", c)
			}
			b.WriteRune(rune(v))
			i += n
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
				j++
			}
			v, _ := strconv.ParseUint(s[i:j], 8, 32)
			b.WriteRune(rune(v))
			i = j - 1
		default:
			b.WriteByte('\\')
			b.WriteByte(c)
		}
	}
	return b.String(), err
}
