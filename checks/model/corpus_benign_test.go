package model

import (
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

var updateMediums = flag.Bool("update-mediums", false, "rewrite testdata/corpus/mediums.tsv")

// TestBenignCorpus scans every file of the benign corpus (written by
// scikit-learn, pandas, NumPy, PyTorch and joblib themselves; see
// testdata/corpus/gen_benign.py): nothing at high or above, and exactly the
// medium findings listed in testdata/corpus/mediums.tsv, each with its reason
// in the README.
func TestBenignCorpus(t *testing.T) {
	root := filepath.Join("testdata", "corpus", "benign")
	var got []string
	files := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files++
		rel, _ := filepath.Rel(root, p)
		for _, f := range scanFixture(t, p) {
			if f.Severity >= checks.SeverityHigh {
				t.Errorf("%s: %s %s: %s", rel, f.Severity, f.RuleID, f.Message)
				continue
			}
			got = append(got, strings.Join([]string{filepath.ToSlash(rel), f.Severity.String(), f.RuleID, f.Evidence}, "\t"))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 1500 {
		t.Fatalf("benign corpus has %d files; run gen_benign.py", files)
	}
	sort.Strings(got)
	golden := filepath.Join("testdata", "corpus", "mediums.tsv")
	if *updateMediums {
		if err := os.WriteFile(golden, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(want) == 1 && want[0] == "" {
		want = nil
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("medium findings on the benign corpus differ from %s (-update-mediums rewrites it; then update the README table):\ngot:\n%s\nwant:\n%s",
			golden, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
