package notebook

import (
	"context"
	"os"
	"strings"
	"testing"
)

// The fixture was written by nbformat (testdata/gen_fixture.py): a markdown
// cell, a code cell with a stream output and an image, and a widget view.
func TestCellsOfRealNotebook(t *testing.T) {
	raw, err := os.ReadFile("testdata/widgets.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	cells, err := Cells(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(raw), "\n")
	var types []string
	for _, c := range cells {
		types = append(types, c.Type)
		for i, l := range strings.Split(strings.TrimSuffix(c.Source, "\n"), "\n") {
			nl := c.Line(i + 1)
			if nl == 0 || !strings.Contains(lines[nl-1], jsonQuoted(l)) {
				t.Errorf("cell line %q mapped to notebook line %d: %q", l, nl, lines[max(nl-1, 0)])
			}
		}
		if strings.Contains(c.Source, "iVBOR") || strings.Contains(c.Source, "widget-state") || strings.Contains(c.Source, "step 1 done") {
			t.Errorf("outputs or metadata leaked into a cell source: %q", c.Source)
		}
	}
	if strings.Join(types, ",") != "markdown,code,code" {
		t.Errorf("cell types %v", types)
	}
}

// jsonQuoted is how a plain ASCII line of source appears inside the JSON.
func jsonQuoted(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

func TestCellsMalformed(t *testing.T) {
	for _, raw := range []string{``, `{"cells": [{"cell_type": "code", "source": ["a\n", `, `[1, 2`, `{"cells": 3}`} {
		if _, err := Cells(context.Background(), []byte(raw)); err == nil && strings.Contains(raw, "[{") {
			t.Errorf("%q: want an error for a truncated notebook", raw)
		}
	}
	deep := strings.Repeat("[", maxDepth+1)
	if _, err := Cells(context.Background(), []byte(deep)); err == nil {
		t.Error("depth bound not enforced")
	}
}

func FuzzCells(f *testing.F) {
	if raw, err := os.ReadFile("testdata/widgets.ipynb"); err == nil {
		f.Add(raw)
	}
	f.Add([]byte(`{"worksheets": [{"cells": [{"cell_type": "code", "input": ["x = 1\n", "y"]}]}]}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		cells, _ := Cells(context.Background(), raw)
		for _, c := range cells {
			if n := strings.Count(c.Source, "\n"); len(c.Lines) < n {
				t.Fatalf("%d lines mapped for %d source lines", len(c.Lines), n)
			}
		}
	})
}
