package secrets

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// notebookFromTemplate fills testdata/notebook_template.ipynb (written by
// gen_notebook.py) with generated keys.
func notebookFromTemplate(t *testing.T, keys []providerKey) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/notebook_template.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, k := range keys {
		s = strings.ReplaceAll(s, "@@"+k.gitleaksRule+"@@", k.key)
	}
	return []byte(s)
}

// placeholderLines gives the 1-based template line of each placeholder.
func placeholderLines(t *testing.T) map[string]int {
	t.Helper()
	b, err := os.ReadFile("testdata/notebook_template.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for i, l := range strings.Split(string(b), "\n") {
		if a := strings.Index(l, "@@"); a >= 0 {
			rest := l[a+2:]
			out[rest[:strings.Index(rest, "@@")]] = i + 1
		}
	}
	return out
}

func TestNotebookSourcesAndOutputs(t *testing.T) {
	keys := newKeyGen(8).providerKeys()
	byRule := map[string]providerKey{}
	for _, k := range keys {
		byRule[k.gitleaksRule] = k
	}
	want := placeholderLines(t)
	// Source cell, stream output of print(os.environ), an execute_result and
	// an error traceback — all four places keys end up in notebooks.
	for _, rule := range []string{"openai-api-key", "groq-api-key", "huggingface-access-token", "anthropic-api-key"} {
		if want[rule] == 0 {
			t.Fatalf("template has no placeholder for %s", rule)
		}
	}
	fs := scan(t, "notebooks/explore.ipynb", string(notebookFromTemplate(t, keys)))
	got := map[string]int{}
	for _, f := range fs {
		rule, _, _ := strings.Cut(f.Evidence, " ")
		if _, dup := got[rule]; dup {
			t.Errorf("%s reported twice", rule)
		}
		got[rule] = f.StartLine
		if f.RuleID != RuleAIProviderKey {
			t.Errorf("unexpected %s finding: %+v", f.RuleID, f)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got findings %v, want %v", got, want)
	}
	for rule, line := range want {
		if got[rule] != line {
			t.Errorf("%s: reported on line %d, want notebook JSON line %d", rule, got[rule], line)
		}
		assertNoRaw(t, byRule[rule].key, fs)
	}
}

func TestMalformedNotebook(t *testing.T) {
	k := newKeyGen(9).providerKeys()[7]
	nb := "{\n \"cells\": [\n  {\"source\": [\"GROQ_API_KEY = '" + k.key + "'\\n\"]\n"
	fs := scan(t, "broken.ipynb", nb)
	var rules []string
	for _, f := range fs {
		rules = append(rules, f.RuleID)
	}
	// The key is still found by the plain-text scan; the truncated JSON is noted.
	if strings.Join(rules, ",") != RuleScanIncomplete+","+RuleAIProviderKey {
		t.Fatalf("got %v", rules)
	}
	for _, f := range fs {
		if f.RuleID == RuleAIProviderKey && f.StartLine != 3 {
			t.Errorf("key on line %d, want 3", f.StartLine)
		}
	}
	// Plain JSON files are often JSONC: no incomplete finding for them.
	if fs := scan(t, ".vscode/settings.json", "{\n // comment\n \"a\": 1\n}\n"); len(fs) != 0 {
		t.Fatalf("JSONC: %+v", fs)
	}
}

func TestWalkJSONLineMap(t *testing.T) {
	raw := "{\"a\": \"x\",\n \"list\": [\"l1\\n\", \"l2\\n\",\n  \"l3\"],\n \"n\": {\"k\": \"v1\\nv2\"}, \"num\": 3}\n[\"second\"]"
	doc, err := walkJSON(context.Background(), []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	wantText := "a = x\nl1\nl2\nl3\nk = v1\nv2\nsecond\n"
	if doc.Text != wantText {
		t.Fatalf("text %q, want %q", doc.Text, wantText)
	}
	wantLines := []int{1, 2, 2, 3, 4, 4, 5}
	for i, w := range wantLines {
		if got := doc.Line(i + 1); got != w {
			t.Errorf("text line %d -> JSON line %d, want %d", i+1, got, w)
		}
	}
	if doc.Line(0) != 0 || doc.Line(len(wantLines)+1) != 0 {
		t.Error("out-of-range lines must map to 0")
	}
}

func TestWalkJSONBounds(t *testing.T) {
	deep := strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1)
	if _, err := walkJSON(context.Background(), []byte(deep)); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("depth bound: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := walkJSON(ctx, []byte(`["a"]`)); err == nil {
		t.Fatal("cancelled context must stop the walk")
	}
	_ = checks.SeverityLow
}
