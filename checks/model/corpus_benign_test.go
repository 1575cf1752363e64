package model

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/pickle"
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

// TestNewerLibraryReconstructions scans testdata/corpus/newer: pickles
// shaped the way scikit-learn 1.3-1.8, pandas 2/3 with pyarrow strings,
// NumPy 2 and PyTorch 2 write them, rebuilt from those libraries' sources by
// gen_newer.py (stand-ins, not real-library outputs: those versions cannot
// be installed here). Nothing at medium or above: every global they use is
// allowlisted. They are not evidence for TestAllowlistCallsHaveEvidence.
func TestNewerLibraryReconstructions(t *testing.T) {
	root := filepath.Join("testdata", "corpus", "newer")
	files := 0
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) == ".md" {
			return err
		}
		files++
		for _, f := range scanFixture(t, p) {
			if f.Severity >= checks.SeverityMedium {
				t.Errorf("%s: %s %s: %s", p, f.Severity, f.RuleID, f.Message)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 60 {
		t.Fatalf("only %d reconstructions; run gen_newer.py", files)
	}
}

// TestAllowlistCallsHaveEvidence: an allowlisted compiled reconstructor
// (builtin or Cython, so gen_allowlist_listing.py has no source to read) is
// only allowed to be called because the library itself writes that call:
// each must be called in a file the real library wrote (the benign corpus
// and fixtures).
func TestAllowlistCallsHaveEvidence(t *testing.T) {
	called := map[string]bool{}
	for _, root := range []string{filepath.Join("testdata", "corpus", "benign"), filepath.Join("testdata", "benign")} {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := &scanner{ctx: context.Background(), path: p, lim: checks.Limits{}.Effective(),
				observe: func(g *pickle.Global) {
					if g.DirectCalls > 0 {
						called[pickleCanon(g.QualName())] = true
					}
				}}
			s.scanAt(where{loader: defaultLoaders}, bytes.NewReader(b), int64(len(b)), false)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	raw, err := os.ReadFile(filepath.Join("pickle", "allowlist_listing.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(raw), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 8 || f[1] != "call" || f[2] != "ok" || (f[3] != "builtin" && f[3] != "cython") {
			continue
		}
		n++
		if !called[f[0]] {
			t.Errorf("%s (compiled, allowed to be called) is called in no file a real library wrote: add one to gen_benign.py", f[0])
		}
	}
	if n < 15 {
		t.Errorf("only %d compiled reconstructors checked", n)
	}
}
