package code

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	nbcells "github.com/ward-sec/ward/checks/notebook"
)

func TestNotebookProgram(t *testing.T) {
	tests := []struct {
		name   string
		json   string
		lang   lang
		src    string
		lineOf []int
	}{
		{
			name: "list source, markdown and raw cells left out",
			json: "{\"cells\": [\n" +
				"{\"cell_type\": \"markdown\", \"source\": [\"eval(x)\\n\"]},\n" +
				"{\"cell_type\": \"code\", \"source\": [\n\"import os\\n\",\n\"os.system(cmd)\"\n], \"outputs\": []},\n" +
				"{\"cell_type\": \"raw\", \"source\": \"exec(y)\"}\n" +
				"], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}",
			lang: python, src: "import os\nos.system(cmd)\n\n", lineOf: []int{4, 5, 5},
		},
		{
			name: "one string source: every line on the string's line",
			json: "{\"nbformat\": 4,\n\"cells\": [{\"cell_type\": \"code\",\n\"source\": \"a = 1\\nb = 2\\n\"}]}",
			lang: python, src: "a = 1\nb = 2\n\n", lineOf: []int{3, 3, 3},
		},
		{
			name: "magics and shell escapes become pass, %%bash cells are left out",
			json: "{\"cells\": [\n" +
				"{\"cell_type\": \"code\", \"source\": [\"%%bash\\n\", \"rm -rf /\"]},\n" +
				"{\"cell_type\": \"code\", \"source\": [\"for i in x:\\n\", \"    !ls\\n\", \"%time f()\"]}\n" +
				"]}",
			lang: python, src: "for i in x:\n    pass\npass\n\n", lineOf: []int{3, 3, 3, 3},
		},
		{
			name: "TypeScript kernel from metadata, outputs skipped whatever they hold",
			json: "{\"metadata\": {\"kernelspec\": {\"language\": \"typescript\", \"name\": \"deno\"}},\n" +
				"\"cells\": [{\"outputs\": [{\"data\": {\"image/png\": \"iVBOR\\\"w0\", \"x\": [[[{\"a\": [1, 2.5e3, true, null]}]]]}}],\n" +
				"\"cell_type\": \"code\", \"source\": [\"const a = 1;\"]}]}",
			lang: typescript, src: "const a = 1;\n\n", lineOf: []int{3, 3},
		},
		{
			name: "nbformat 3 worksheets",
			json: "{\"worksheets\": [{\"cells\": [\n{\"cell_type\": \"code\", \"input\": [\"x = 1\\n\"], \"language\": \"python\"}]}],\n\"nbformat\": 3}",
			lang: python, src: "x = 1\n\n", lineOf: []int{2, 2},
		},
		{
			name: "escapes in code are decoded",
			json: "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\"s = \\\"\\u00e9\\\\n\\\"\"]}]}",
			lang: python, src: "s = \"é\\n\"\n\n", lineOf: []int{1, 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !json.Valid([]byte(tc.json)) {
				t.Fatalf("test input is not JSON")
			}
			cells, err := nbcells.Cells(context.Background(), []byte(tc.json))
			if err != nil {
				t.Fatal(err)
			}
			nb := programOf(cells, notebookLang([]byte(tc.json)))
			if nb.lang != tc.lang || string(nb.src) != tc.src || fmt.Sprint(nb.lineOf) != fmt.Sprint(tc.lineOf) {
				t.Errorf("got lang %v src %q lines %v, want %v %q %v", nb.lang, nb.src, nb.lineOf, tc.lang, tc.src, tc.lineOf)
			}
		})
	}
}

func TestNotebookBounds(t *testing.T) {
	nb := notebookJSON(3, 0, "import torch\ntorch.load(p)\n")
	lim := checks.Limits{MaxSourceBytes: int64(len(nb)) / notebookBytesFactor}
	fs := scanSource(t, "nb.ipynb", nb, lim)
	if len(fs) != 1 || fs[0].RuleID != RuleSourceSkipped || fs[0].Severity != checks.SeverityLow {
		t.Errorf("over the notebook bound: %+v", fs)
	}
	fs = scanSource(t, "nb.ipynb", nb, checks.Limits{})
	if len(fs) != 3 {
		t.Errorf("want one torch.load finding per cell, got %+v", fs)
	}
	for _, f := range fs {
		if f.RuleID != RuleTorchLoad || f.Suggestion != nil {
			t.Errorf("unexpected %+v", f)
		}
	}
	fs = scanSource(t, "broken.ipynb", "{\"cells\": [", checks.Limits{})
	if len(fs) != 1 || fs[0].RuleID != RuleParseFailed || fs[0].Severity != checks.SeverityLow {
		t.Errorf("broken notebook: %+v", fs)
	}
}

// notebookJSON writes a notebook of n code cells holding code, each with an
// output of imageBytes bytes of base64 (a plot), the way Jupyter lays it out.
func notebookJSON(n, imageBytes int, code string) string {
	img := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\x89PNG plot data ", imageBytes/16+1)))[:imageBytes]
	var b strings.Builder
	b.WriteString("{\n \"cells\": [\n")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		b.WriteString("  {\n   \"cell_type\": \"code\",\n   \"metadata\": {},\n   \"outputs\": [\n    {\n" +
			"     \"data\": {\"image/png\": \"" + img + "\", \"text/plain\": [\"<Figure size 640x480>\"]},\n" +
			"     \"output_type\": \"display_data\"\n    }\n   ],\n   \"source\": [\n")
		lines := strings.SplitAfter(strings.TrimSuffix(code, "\n"), "\n")
		for j, l := range lines {
			q, _ := json.Marshal(l)
			b.Write(q)
			if j < len(lines)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		b.WriteString("   ]\n  }")
	}
	b.WriteString("\n ],\n \"metadata\": {\"language_info\": {\"name\": \"python\"}},\n \"nbformat\": 4,\n \"nbformat_minor\": 5\n}\n")
	return b.String()
}

func FuzzNotebook(f *testing.F) {
	f.Add([]byte(notebookJSON(2, 64, "import os\nos.system(x)\n")))
	f.Add([]byte("{\"cells\": [{\"cell_type\": \"code\", \"source\": \"a\\nb\"}], \"metadata\": {\"kernelspec\": {\"language\": \"typescript\"}}}"))
	f.Add([]byte("{\"worksheets\": [{\"cells\": [{\"cell_type\": \"code\", \"input\": [\"%%time\\n\", \"eval(x)\"]}]}]}"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := (Check{}).Scan(context.Background(), checks.NewBytesFile("fuzz.ipynb", raw))
		if err != nil {
			t.Fatal(err)
		}
		total := strings.Count(string(raw), "\n") + 1
		for _, fd := range res.Findings {
			if fd.StartLine < 0 || fd.StartLine > total || fd.EndLine < fd.StartLine && fd.EndLine != 0 || fd.Suggestion != nil {
				t.Fatalf("finding outside the notebook's %d lines: %+v", total, fd)
			}
		}
	})
}

// BenchmarkNotebook scans notebooks of growing size whose bulk is plot
// output (the usual shape): MB/s should not fall as they grow.
func BenchmarkNotebook(b *testing.B) {
	code := "import torch\nfrom transformers import AutoModel\nmodel = AutoModel.from_pretrained(\"org/m\")\nx = torch.randn(3)\n"
	for _, size := range []struct {
		name         string
		cells, image int
	}{{"1MB", 10, 100_000}, {"16MB", 160, 100_000}, {"16MB-code", 16_000, 1_000}} {
		nb := []byte(notebookJSON(size.cells, size.image, code))
		b.Run(size.name, func(b *testing.B) {
			b.SetBytes(int64(len(nb)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				f := checks.NewBytesFile("nb.ipynb", nb)
				f.Limits = checks.Limits{MaxSourceBytes: 16 << 20}
				if _, err := (Check{}).Scan(context.Background(), f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
