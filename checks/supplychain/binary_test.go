package supplychain

import (
	"context"
	"os"
	"testing"

	"github.com/ward-sec/ward/checks"
)

func TestPythonBytecode(t *testing.T) {
	read := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name, path string
		content    []byte
		want       string // evidence; "" for no finding
	}{
		{"timestamp pyc", "pkg/__pycache__/greet.cpython-311.pyc", read("greet.cpython-311.pyc"), "Python 3.11 bytecode"},
		{"checked-hash pyc", "greet.pyc", read("greet.checked-hash.pyc"), "Python 3.11 bytecode"},
		{"2.7 pyc", "old.pyc", append([]byte{0x03, 0xf3, '\r', '\n'}, make([]byte, 12)...), "Python 2.7 bytecode"},
		{"unknown future magic", "new.pyc", append([]byte{0x10, 0x0f, '\r', '\n'}, make([]byte, 12)...), "Python bytecode (magic number 3856)"},
		{"bad flags", "x.pyc", append([]byte{0xa7, 0x0d, '\r', '\n', 7, 0, 0, 0}, make([]byte, 8)...), ""},
		{"text with CRLF", "notes.txt", []byte("ab\r\nsome text that goes on\r\n"), ""},
		{"source", "greet.py", read("README.md"), ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := binaryCheck{}.Scan(context.Background(), checks.NewBytesFile(c.path, c.content))
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.want == "" && len(res.Findings) != 0:
				t.Errorf("want no finding, got %+v", res.Findings)
			case c.want != "" && (len(res.Findings) != 1 || res.Findings[0].RuleID != RulePythonBytecode ||
				res.Findings[0].Evidence != c.want || res.Findings[0].Severity != checks.SeverityHigh):
				t.Errorf("want one high %s %q, got %+v", RulePythonBytecode, c.want, res.Findings)
			}
		})
	}
}
