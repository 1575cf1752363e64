package all_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/all"
)

// loadsAModel matches a call that opens a model file with a library that
// parses it (and, for pickle-based formats, runs it): advice to do that on
// a file ward found malicious or could not read hurts the user (issue 13:
// torch.load(weights_only=True) was bypassed before torch 2.6,
// CVE-2025-32434; onnx.load follows external-data paths; GGUF and
// safetensors readers have had memory-safety bugs).
var loadsAModel = regexp.MustCompile(`(?i)(\btorch\.load|\bpickle\.loads?|\bjoblib\.load|\b(np|numpy)\.load|` +
	`\bonnx\.load(_model)?|\bcheck_model|\bload_model|\bGGUFReader|\bload_file|\bsafe_open|\brestore_from|` +
	`\bsaved_model\.load|\bread_pickle|\bfrom_pretrained|\bskops\.io\.load|\bsio\.load|\bPackageImporter|` +
	`\bh5py\.File|\bdill\.loads?|\bcloudpickle\.loads?)\s*\(`)

// flaggedFileRules are the rules about a file itself (found malicious,
// malformed or unread) rather than about code that loads one: their fix is
// read by someone holding the suspect file.
func flaggedFileRules() []checks.Rule {
	var out []checks.Rule
	for _, r := range checks.Rules() {
		if r.Family == "model" || r.ID == "binary-lfs-pointer" || r.ID == checks.RuleNotRead {
			out = append(out, r)
		}
	}
	return out
}

func TestFixTextNeverLoadsTheFlaggedFile(t *testing.T) {
	all.Default()
	rs := flaggedFileRules()
	if len(rs) < 30 {
		t.Fatalf("only %d model rules in the catalogue", len(rs))
	}
	for _, r := range rs {
		for field, text := range map[string]string{"fix": r.Fix, "fix example": r.FixExample} {
			if m := loadsAModel.FindString(text); m != "" {
				t.Errorf("%s: %s calls %q: %q", r.ID, field, m, text)
			}
		}
	}
}

// Findings carry their own fix text (tailored to the library that wrote
// the file): none on any malicious fixture may tell the user to load it.
func TestFindingFixNeverLoadsTheFlaggedFile(t *testing.T) {
	set := all.Default()
	n := 0
	for _, dir := range []string{"../model/testdata/malicious", "../model/testdata/redteam/malicious",
		"../model/testdata/redteam-pickle/malicious"} {
		err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			for _, f := range checks.ScanFile(context.Background(), checks.NewBytesFile(filepath.ToSlash(p), b), set) {
				if !strings.HasPrefix(f.RuleID, "model-") {
					continue
				}
				n++
				texts := []string{f.Fix}
				if f.Suggestion != nil {
					texts = append(texts, f.Suggestion.Replacement)
				}
				for _, text := range texts {
					if m := loadsAModel.FindString(text); m != "" {
						t.Errorf("%s: %s finding's fix calls %q: %q", p, f.RuleID, m, text)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n < 100 {
		t.Fatalf("only %d model findings on the malicious fixtures", n)
	}
}
