package code

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
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
		for _, s := range checks.InlineSuppressions(src) {
			if s.Line < 1 || s.RuleID == "" {
				t.Fatalf("bad suppression %+v", s)
			}
		}
	})
}
