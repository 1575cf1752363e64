package code

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ward-sec/ward/checks"
)

// TestAdversarialShapes feeds shapes that stress the converters (deep
// nesting, long chains, many nested scopes) and bounds their time.
func TestAdversarialShapes(t *testing.T) {
	tests := []struct{ name, path, src string }{
		{"nested calls", "a.py", "x = " + strings.Repeat("f(", 20000) + strings.Repeat(")", 20000) + "\n"},
		{"nested parens", "a.js", "let x = " + strings.Repeat("(", 50000) + "1" + strings.Repeat(")", 50000) + ";\n"},
		{"long attribute chain", "a.py", "x = a" + strings.Repeat(".b", 50000) + "\n"},
		{"nested arrow functions", "a.ts", "const f = " + strings.Repeat("(a) => ", 5000) + "eval(a);\n"},
		{"many assignments", "a.py", strings.Repeat("x = x + request.args['q']\n", 20000) + "os.system(x)\n"},
		{"long concatenation", "a.go", "package p\nvar x = \"a\"" + strings.Repeat(" + y", 20000) + "\n"},
		{"nested go closures", "a.go", "package p\nvar f = " + strings.Repeat("func() { ", 3000) + strings.Repeat("}", 3000) + "\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			f := checks.NewBytesFile(tc.path, []byte(tc.src))
			if _, err := (Check{}).Scan(context.Background(), f); err != nil {
				t.Logf("scan error (acceptable): %v", err)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %s", d)
			}
		})
	}
}
