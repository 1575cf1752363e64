package secrets

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
)

// FuzzWalkJSON checks the JSON walk on arbitrary input: no panic, and every
// line of the text it builds maps to a line that exists in the input.
func FuzzWalkJSON(f *testing.F) {
	if nb, err := os.ReadFile("testdata/notebook_template.ipynb"); err == nil {
		f.Add(nb)
	}
	for _, s := range []string{
		`{"a": "b"}`, `["x\n", "y"]`, `{"k": {"image/png": "AAAA", "text/plain": ["t"]}}`,
		"{\n\"a\":\n\"\\u0067sk_\"}", `{"a": [1, 2, {"b": null}]}`, `"top"`, `{"a": "b"`, `]]`, `{"a" "b"}`,
		"[\"a\\nb\\nc\"]\n[\"d\"]", `{"":""}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		doc, _ := walkJSON(context.Background(), raw)
		rawLines := bytes.Count(raw, []byte("\n")) + 1
		textLines := strings.Count(doc.Text, "\n")
		if doc.Text != "" && !strings.HasSuffix(doc.Text, "\n") {
			textLines++
		}
		if len(doc.JSONLine) != textLines {
			t.Fatalf("%d line mappings for %d text lines", len(doc.JSONLine), textLines)
		}
		prev := 0
		for i, l := range doc.JSONLine {
			if l < 1 || l > rawLines {
				t.Fatalf("text line %d maps to JSON line %d of %d", i+1, l, rawLines)
			}
			if l < prev {
				t.Fatalf("line map goes backwards: %v", doc.JSONLine)
			}
			prev = l
		}
	})
}

// FuzzFindInNotebook runs the whole notebook path (text scan, JSON walk,
// detector, line mapping) on arbitrary input.
func FuzzFindInNotebook(f *testing.F) {
	keys := newKeyGen(11).providerKeys()
	if nb, err := os.ReadFile("testdata/notebook_template.ipynb"); err == nil {
		f.Add(nb)
		s := string(nb)
		for _, k := range keys {
			s = strings.ReplaceAll(s, "@@"+k.gitleaksRule+"@@", k.key)
		}
		f.Add([]byte(s))
	}
	f.Add([]byte(`{"cells": [{"source": ["x = '` + keys[7].key + `'\n"]}]}`))
	d, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		found, _ := FindInFile(context.Background(), d, "nb.ipynb", raw)
		rawLines := bytes.Count(raw, []byte("\n")) + 1
		for _, m := range found {
			if m.Line < 1 || m.Line > rawLines || m.EndLine < m.Line {
				t.Fatalf("match at lines %d-%d of %d", m.Line, m.EndLine, rawLines)
			}
			if strings.Contains(secretFinding(m, m.Line).Message, m.Secret) && len(m.Secret) > 4 {
				t.Fatalf("unmasked secret in message")
			}
		}
	})
}
