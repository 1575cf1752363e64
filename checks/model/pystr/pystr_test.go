package pystr

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestUnescape(t *testing.T) {
	for _, c := range []struct {
		in, want string
		err      string // a substring of the error, "" for none
	}{
		{`plain`, "plain", ""},
		{`a\nb\tc\\d\'e\"f`, "a\nb\tc\\d'e\"f", ""},
		{`\a\b\f\r\v`, "\a\b\f\r\v", ""},
		{"line\\\nnext", "linenext", ""},
		{`\x4f\u004f\U0001F600`, "OO😀", ""},
		{`\117\0\1234`, "O\x00S4", ""},
		{`\q\N{DASH}`, `\q\N{DASH}`, ""},
		{`trailing\`, `trailing\`, ""},
		{`\x4`, `\x4`, "truncated \\x escape"},
		{`\xZZ`, `\xZZ`, "bad \\x escape"},
		{`\ud800`, "\uFFFD", "bad \\u escape"},
		{`\U00110000`, "\uFFFD", "bad \\U escape"},
	} {
		got, err := Unescape(c.in)
		if got != c.want {
			t.Errorf("Unescape(%q) = %q, want %q", c.in, got, c.want)
		}
		if (err == nil) != (c.err == "") || err != nil && !strings.Contains(err.Error(), c.err) {
			t.Errorf("Unescape(%q): error %v, want %q", c.in, err, c.err)
		}
	}
}

// Any text written with \U escapes for every rune decodes back to itself.
func FuzzUnescape(f *testing.F) {
	f.Add("héllo\n😀")
	f.Add(`\x4`)
	f.Fuzz(func(t *testing.T, s string) {
		Unescape(s) // any input: no panic
		if !utf8.ValidString(s) {
			return
		}
		var b strings.Builder
		for _, r := range s {
			fmt.Fprintf(&b, `\U%08x`, r)
		}
		if got, err := Unescape(b.String()); err != nil || got != s {
			t.Fatalf("%q: got %q, %v", s, got, err)
		}
	})
}
