package code

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// dirTree is a checks.Tree over a directory, so that rules reading
// manifests (torch pins) see the fixture's neighbours.
type dirTree struct{ root string }

func (d dirTree) Paths() []string {
	var out []string
	_ = filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			rel, _ := filepath.Rel(d.root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

func (d dirTree) Open(_ context.Context, p string) (*checks.Blob, error) {
	b, err := os.ReadFile(filepath.Join(d.root, filepath.FromSlash(p)))
	if err != nil {
		return nil, err
	}
	return &checks.Blob{Size: int64(len(b)), Content: strings.NewReader(string(b))}, nil
}

// annotationRe also reads annotations inside a notebook's JSON source
// strings ("    # ruleid: X\n",): the finding is then expected on the
// notebook's next line, where the following source line sits.
var annotationRe = regexp.MustCompile(`^\s*"?\s*(?:#|//|\{/\*)\s*(ruleid|ok|ruleid-file):\s*([a-z0-9, -]+?)\s*(?:\((critical|high|medium|low|info)\))?\s*(?:\*/\})?\s*(?:\\n)?(?:",?)?\s*$`)

// expectedFindings reads the annotations of a fixture: "ruleid: X" above a
// line expects rule X on that line ("ruleid: X (low)" also its severity;
// the value is "" when none is given); "ruleid-file: X" expects a
// whole-file finding (line 0); "ok: X" documents a negative case.
func expectedFindings(t *testing.T, src []byte) (want map[string]string, oks int, positives int) {
	t.Helper()
	want = map[string]string{}
	lines := strings.Split(string(src), "\n")
	type pend struct{ id, sev string }
	var pending []pend
	for i, l := range lines {
		m := annotationRe.FindStringSubmatch(l)
		if m != nil {
			ids := strings.Split(m[2], ",")
			switch m[1] {
			case "ruleid":
				for _, id := range ids {
					pending = append(pending, pend{strings.TrimSpace(id), m[3]})
				}
			case "ruleid-file":
				for _, id := range ids {
					want[fmt.Sprintf("%s:0", strings.TrimSpace(id))] = m[3]
					positives++
				}
			case "ok":
				oks += len(ids)
			}
			continue
		}
		if strings.TrimSpace(l) == "" {
			continue
		}
		for _, p := range pending {
			want[fmt.Sprintf("%s:%d", p.id, i+1)] = p.sev
			positives++
		}
		pending = nil
	}
	return want, oks, positives
}

func scanFixture(t *testing.T, path string) ([]checks.Finding, []byte) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f := checks.NewBytesFile(filepath.ToSlash(path), src)
	f.Tree = dirTree{"."}
	res, err := Check{}.Scan(context.Background(), f)
	if err != nil {
		t.Fatalf("scan %s: %v", path, err)
	}
	return res.Findings, src
}

// TestAnnotatedFixtures runs every rule over every fixture and compares the
// set of (rule, line) of unsuppressed findings exactly with the annotations.
func TestAnnotatedFixtures(t *testing.T) {
	var files []string
	err := filepath.WalkDir("testdata", func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (e.Name() == "golden" || e.Name() == "fuzz") {
			return filepath.SkipDir
		}
		if !e.IsDir() && (langFor(p) != langNone || isShellScript(p) || isNotebook(p)) && !strings.HasPrefix(e.Name(), "generate") {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	positives, negatives := map[string]int{}, map[string]int{}
	for _, p := range files {
		t.Run(filepath.ToSlash(p), func(t *testing.T) {
			findings, src := scanFixture(t, p)
			want, oks, _ := expectedFindings(t, src)
			got := map[string]string{}
			for _, f := range findings {
				if !f.Suppressed {
					got[fmt.Sprintf("%s:%d", f.RuleID, f.StartLine)] = f.Severity.String()
				}
			}
			for k, sev := range want {
				g, ok := got[k]
				if !ok {
					t.Errorf("missing finding %s", k)
				} else if sev != "" && g != sev {
					t.Errorf("finding %s at %s, want %s", k, g, sev)
				}
				positives[strings.Split(k, ":")[0]]++
			}
			for k := range got {
				if _, ok := want[k]; !ok {
					t.Errorf("unexpected finding %s", k)
				}
			}
			negatives[filepath.Base(filepath.Dir(p))] += oks
		})
	}
	// Every rule has at least three positive and three negative cases.
	var ids []string
	for _, r := range codeRules {
		ids = append(ids, r.ID)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if id == RuleSourceSkipped {
			continue // needs files over the size bound: TestSourceSkipped
		}
		if positives[id] < 3 {
			t.Errorf("rule %s has %d positive cases, want at least 3", id, positives[id])
		}
		if negatives[id] < 3 {
			t.Errorf("rule %s has %d negative cases in testdata/%s, want at least 3", id, negatives[id], id)
		}
	}
}
