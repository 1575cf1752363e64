package code

import (
	"context"
	"fmt"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/ward-sec/ward/checks"
)

func scanSource(t *testing.T, path, src string, lim checks.Limits) []checks.Finding {
	t.Helper()
	f := checks.NewBytesFile(path, []byte(src))
	f.Limits = lim
	res, err := Check{}.Scan(context.Background(), f)
	if err != nil {
		t.Fatalf("scan %s: %v", path, err)
	}
	return res.Findings
}

func TestTorchSeverity(t *testing.T) {
	tests := []struct {
		file string
		line int
		want checks.Severity
	}{
		{"testdata/code-torch-load-unsafe/basic.py", 9, checks.SeverityHigh},
		{"testdata/code-torch-load-unsafe/basic.py", 15, checks.SeverityCritical},
		{"testdata/code-torch-load-unsafe/pinned/train.py", 6, checks.SeverityLow},
		{"testdata/code-torch-load-unsafe/pinned/train.py", 8, checks.SeverityCritical},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s:%d", tc.file, tc.line), func(t *testing.T) {
			findings, _ := scanFixture(t, tc.file)
			for _, f := range findings {
				if f.RuleID == RuleTorchLoad && f.StartLine == tc.line {
					if f.Severity != tc.want {
						t.Errorf("severity %s, want %s", f.Severity, tc.want)
					}
					return
				}
			}
			t.Errorf("no %s finding on line %d", RuleTorchLoad, tc.line)
		})
	}
}

func TestSourceSkipped(t *testing.T) {
	lim := checks.Limits{MaxSourceBytes: 64}
	big := "import pickle\n" + strings.Repeat("x = pickle.loads(b)\n", 10)
	tests := []struct {
		name, path, src string
		skipped         bool
	}{
		{"big python", "big.py", big, true},
		{"big minified js", "bundle.min.js", strings.Repeat("var a=eval(b);", 20), true},
		{"big go", "gen.go", "package gen\n" + strings.Repeat("var X = 1\n", 20), true},
		{"small python", "small.py", "import os\n", false},
		{"small js", "small.js", "let a = 1;\n", false},
		{"not source", "notes.txt", strings.Repeat("eval(x)\n", 40), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			findings := scanSource(t, tc.path, tc.src, lim)
			got := len(findings) == 1 && findings[0].RuleID == RuleSourceSkipped && findings[0].Severity == checks.SeverityLow
			if got != tc.skipped {
				t.Errorf("skipped = %v, want %v (%+v)", got, tc.skipped, findings)
			}
		})
	}
}

func TestInlineSuppressions(t *testing.T) {
	src := strings.Join([]string{
		"import pickle",
		"a = pickle.loads(x)  # ward:ignore code-pickle-load produced by our own cache writer",
		"# ward:ignore code-pickle-load -- fixture from tests/",
		"b = pickle.loads(y)",
		"c = pickle.loads(z)  # ward:ignore code-pickle-load",
		"d = pickle.loads(w)  # ward:ignore code-yaml-unsafe-load wrong rule",
		"e = 1  # ward:ignore code-pickle-load a trailing comment covers its own line only",
		"f = pickle.loads(v)",
		"g = pickle.loads(u)  # ward:ignore * every rule on this line, for a reason",
		"",
	}, "\n")
	sups := checks.InlineSuppressions([]byte(src))
	if len(sups) != 6 || sups[0].Reason != "produced by our own cache writer" || sups[1].Reason != "fixture from tests/" || sups[2].Reason != "" {
		t.Fatalf("suppressions = %+v", sups)
	}
	findings := scanSource(t, "s.py", src, checks.Limits{})
	type state struct {
		rule       string
		suppressed bool
	}
	got := map[int][]state{}
	for _, f := range findings {
		got[f.StartLine] = append(got[f.StartLine], state{f.RuleID, f.Suppressed})
		if f.Suppressed && !strings.HasPrefix(f.SuppressedBy, "inline: ") {
			t.Errorf("SuppressedBy = %q", f.SuppressedBy)
		}
	}
	want := map[int][]state{
		2: {{RulePickleLoad, true}},
		4: {{RulePickleLoad, true}},
		5: {{RulePickleLoad, false}},
		6: {{RulePickleLoad, false}},
		8: {{RulePickleLoad, false}},
		9: {{RulePickleLoad, true}},
	}
	for line, w := range want {
		if fmt.Sprint(sortStates(got[line])) != fmt.Sprint(sortStates(w)) {
			t.Errorf("line %d: got %v, want %v", line, got[line], w)
		}
	}
}

func TestApplyInlineSuppressionsReportsMissingReason(t *testing.T) {
	src := []byte("import pickle\nc = pickle.loads(z)  # ward:ignore code-pickle-load\n")
	findings := scanSource(t, "s.py", string(src), checks.Limits{})
	out := checks.ApplyInlineSuppressions("s.py", src, findings)
	var bad, suppressed int
	for _, f := range out {
		if f.RuleID == checks.RuleBadSuppression && f.StartLine == 2 && f.Severity == checks.SeverityLow {
			bad++
		}
		if f.Suppressed {
			suppressed++
		}
	}
	if bad != 1 || suppressed != 0 {
		t.Errorf("bad=%d suppressed=%d, want 1 and 0: %+v", bad, suppressed, out)
	}
}

func sortStates[T any](s []T) []string {
	var out []string
	for _, x := range s {
		out = append(out, fmt.Sprint(x))
	}
	sortStrings(out)
	return out
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestSuggestionsApply applies every suggestion to its fixture and checks
// that the result still parses without errors and that the finding is gone.
func TestSuggestionsApply(t *testing.T) {
	n := 0
	_ = filepath.WalkDir("testdata", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || langFor(p) == langNone || strings.Contains(p, "parse-failed") {
			return nil
		}
		findings, src := scanFixture(t, p)
		for _, f := range findings {
			if f.Suggestion == nil {
				continue
			}
			n++
			fixed := applySuggestion(string(src), f.Suggestion)
			if err := parsesCleanly(p, []byte(fixed)); err != nil {
				t.Errorf("%s:%d %s: suggestion does not parse: %v\n%s", p, f.StartLine, f.RuleID, err, f.Suggestion.Replacement)
				continue
			}
			again := scanSource(t, p, fixed, checks.Limits{})
			for _, g := range again {
				if g.RuleID == f.RuleID && g.StartLine == f.StartLine {
					t.Errorf("%s:%d %s: still reported after the suggestion %q", p, f.StartLine, f.RuleID, f.Suggestion.Replacement)
				}
			}
		}
		return nil
	})
	if n < 10 {
		t.Errorf("only %d suggestions in the fixtures", n)
	}
}

func applySuggestion(src string, s *checks.Suggestion) string {
	lines := strings.Split(src, "\n")
	out := append([]string{}, lines[:s.StartLine-1]...)
	out = append(out, strings.Split(s.Replacement, "\n")...)
	out = append(out, lines[s.EndLine:]...)
	return strings.Join(out, "\n")
}

func parsesCleanly(path string, src []byte) error {
	l := langFor(path)
	if l == golang {
		_, err := parser.ParseFile(token.NewFileSet(), path, src, 0)
		return err
	}
	gs, err := loadGrammars()
	if err != nil {
		return err
	}
	p := sitter.NewParser()
	defer p.Close()
	if err := p.SetLanguage(gs[l].lang); err != nil {
		return err
	}
	tree := p.Parse(src, nil)
	defer tree.Close()
	if tree.RootNode().HasError() {
		return fmt.Errorf("tree has errors: %s", tree.RootNode().ToSexp()[:min(300, len(tree.RootNode().ToSexp()))])
	}
	return nil
}

func TestRulesDocumented(t *testing.T) {
	checks.UseRules([]checks.Check{New()})
	seen := map[string]bool{}
	for _, r := range (Check{}).Rules() {
		if !strings.HasPrefix(r.ID, "code-") || seen[r.ID] {
			t.Errorf("bad or duplicate id %q", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Why == "" || r.Fix == "" || r.FixExample == "" || len(r.References) == 0 || r.Severity == 0 || r.Family != "code" {
			t.Errorf("%s: incomplete documentation", r.ID)
		}
		if _, ok := checks.LookupRule(r.ID); !ok {
			t.Errorf("%s: not in the rule catalogue", r.ID)
		}
	}
	_ = os.Getenv
}

// TestParserStall: tree-sitter-typescript 0.23.2 never finishes this 71-byte
// TSX input (found by FuzzRules); the parse stops at its budget and the file
// is reported as not analysed (medium), not as a check failure or a hang.
func TestParserStall(t *testing.T) {
	src := "((s))(cors({ orrede\x10t\"httpsr//app.example.com\", credentials: t:ue }\xde\xde))"
	fs := scanSource(t, "ui/app.tsx", src, checks.Limits{})
	if len(fs) != 1 || fs[0].RuleID != RuleParseFailed || fs[0].Severity != checks.SeverityMedium ||
		!strings.Contains(fs[0].Message, "did not finish") {
		t.Fatalf("want one medium %s saying the parser did not finish, got %+v", RuleParseFailed, fs)
	}
}
