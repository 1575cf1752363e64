package agent

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks/secrets"
)

func FuzzHiddenUnicode(f *testing.F) {
	for _, s := range []string{"", "plain", "a\u200bb\nc", "\ufeffx", "🏴" + tags("gbeng") + "\U000E007F",
		"🏴" + tags("gb"), tags("hi") + "\n\u202e", "می\u200cخواهم", "\xff\xfe\u200b", "x\r\n\u2066y\r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		lines := strings.Count(text, "\n") + 1
		prev := 0
		for _, r := range findHidden(text) {
			if r.Line <= prev || r.Line > lines || r.Count == 0 || r.Decoded == "" {
				t.Fatalf("bad run %+v (lines %d)", r, lines)
			}
			prev = r.Line
			if again := findHidden(r.Clean); len(again) != 0 {
				t.Fatalf("clean line %q still has hidden characters", r.Clean)
			}
		}
	})
}

func FuzzMCPConfig(f *testing.F) {
	for _, name := range []string{"mcp/risky.json", "mcp/safe.jsonc"} {
		if b, err := os.ReadFile("testdata/" + name); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{`{"mcpServers": {"a": {"command": "npx", "args": ["-y", "x"]}}}`,
		`{"servers": {"b": {"url": "http://h/x"}}}`, `{"mcpServers": {"c": {"command": ["sh"]}}}`,
		"// c\n{\"servers\": {,}}", `{"mcpServers": {"d": {"command": "sh", "args": ["-c"]}}}`, `[`, `{"a":1}{"b":2}`} {
		f.Add([]byte(s))
	}
	if _, err := secrets.Default(); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		lines := bytes.Count(raw, []byte("\n")) + 1
		fs, err := mcpFindings(context.Background(), ".mcp.json", raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.StartLine < 0 || f.StartLine > lines || f.EndLine < f.StartLine {
				t.Fatalf("finding %s at lines %d-%d of %d", f.RuleID, f.StartLine, f.EndLine, lines)
			}
		}
	})
}
