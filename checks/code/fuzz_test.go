package code

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ward-sec/ward/checks"
)

var fuzzExt = []string{".py", ".js", ".ts", ".tsx", ".go", ".sh"}

// FuzzRules feeds arbitrary source, as every supported language, to the
// whole rule set: it must never panic, and findings must have sane lines.
func FuzzRules(f *testing.F) {
	_ = filepath.WalkDir("testdata", func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return nil
		}
		for i, ext := range fuzzExt {
			if filepath.Ext(p) == ext {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(uint8(i), b)
				}
			}
		}
		return nil
	})
	f.Add(uint8(0), []byte("x = (((((((((((((((((((((((((((((((("))
	f.Add(uint8(1), []byte("`${`${`${`${a}`}`}`}"))
	f.Fuzz(func(t *testing.T, which uint8, src []byte) {
		path := "fuzz" + fuzzExt[int(which)%len(fuzzExt)]
		file := checks.NewBytesFile(path, src)
		file.Binary = false
		res, err := Check{}.Scan(context.Background(), file)
		if err != nil {
			return
		}
		lines := 1
		for _, b := range src {
			if b == '\n' {
				lines++
			}
		}
		for _, fd := range res.Findings {
			if fd.StartLine < 0 || fd.EndLine < fd.StartLine || fd.StartLine > lines || fd.EndLine > lines {
				t.Fatalf("finding %s has lines %d-%d in a %d-line file", fd.RuleID, fd.StartLine, fd.EndLine, lines)
			}
			if s := fd.Suggestion; s != nil && (s.StartLine != fd.StartLine || s.EndLine != fd.EndLine) {
				t.Fatalf("suggestion lines %d-%d differ from the finding's %d-%d", s.StartLine, s.EndLine, fd.StartLine, fd.EndLine)
			}
		}
	})
}

// FuzzInlineSuppressions checks the comment parser on arbitrary text.
func FuzzInlineSuppressions(f *testing.F) {
	f.Add([]byte("x  # ward:ignore code-pickle-load reason\n// ward:ignore a,b why\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		sups := checks.InlineSuppressions(src)
		for _, s := range sups {
			// A bare `ward:ignore` (no rule) is returned so it can be
			// reported; it must carry no reason, so it silences nothing.
			if s.Line < 1 || s.RuleID == "" && s.Reason != "" {
				t.Fatalf("bad suppression %+v", s)
			}
		}
		// Whatever the text, a suppression silences only the rule it names.
		fs := []checks.Finding{{RuleID: "fuzz-rule", Path: "f", StartLine: 1, EndLine: 1}}
		checks.MarkSuppressed(sups, fs)
		if fs[0].Suppressed && !slices.ContainsFunc(sups, func(s checks.Suppression) bool {
			return s.Reason != "" && (s.RuleID == "fuzz-rule" || s.RuleID == "*")
		}) {
			t.Fatalf("finding silenced by %q with suppressions %+v", fs[0].SuppressedBy, sups)
		}
	})
}
