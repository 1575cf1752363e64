package model_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/family"
)

// redTeam is testdata/redteam: files built by gen_redteam.py from the
// 2025–26 public record (chat templates, Keras, TensorFlow, ONNX,
// torch.package, NeMo, Hugging Face configs), and benign files of the same
// kinds. manifest.json says what each malicious file must be reported as.
const redTeam = "testdata/redteam"

type redTeamEntry struct {
	File, Format, Technique, Source, Loader, Rule, Evidence string
}

// dirTree is a checks.Tree over a folder, as a PR snapshot would hold it.
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
	b, err := os.ReadFile(filepath.Join(d.root, filepath.FromSlash(path.Clean(p))))
	if err != nil {
		return nil, err
	}
	return &checks.Blob{Size: int64(len(b)), Content: strings.NewReader(string(b))}, nil
}

func scanRedTeam(t *testing.T, root, rel string) []checks.Finding {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	f := checks.NewBytesFile(rel, b)
	f.Tree = dirTree{root}
	return checks.ScanFile(context.Background(), f, family.New(nil))
}

func loadManifest(t *testing.T) (mal []redTeamEntry, benign []string) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(redTeam, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Malicious []redTeamEntry
		Benign    []string
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m.Malicious, m.Benign
}

// TestRedTeam: every malicious file fails the gate (high or critical) with
// a finding of the expected rule that names the payload.
func TestRedTeam(t *testing.T) {
	mal, _ := loadManifest(t)
	if len(mal) < 35 {
		t.Fatalf("only %d red-team files", len(mal))
	}
	perFormat := map[string][2]int{}
	for _, e := range mal {
		t.Run(e.File, func(t *testing.T) {
			fs := scanRedTeam(t, filepath.Join(redTeam, "malicious"), e.File)
			c := perFormat[e.Format]
			c[0]++
			ok := false
			for _, f := range fs {
				if f.RuleID == e.Rule && f.Severity >= checks.SeverityHigh &&
					(strings.Contains(f.Evidence, e.Evidence) || strings.Contains(f.Message, e.Evidence)) {
					ok = true
				}
			}
			if ok {
				c[1]++
			} else {
				t.Errorf("%s (%s) not reported as %s ≥ high naming %q: %s", e.File, e.Technique, e.Rule, e.Evidence, summary(fs))
			}
			perFormat[e.Format] = c
		})
	}
	for k, v := range perFormat {
		t.Logf("%s: %d/%d fail the gate", k, v[1], v[0])
	}
}

// TestRedTeamBenign: the benign files of the same kinds give nothing at
// high or above.
func TestRedTeamBenign(t *testing.T) {
	_, benign := loadManifest(t)
	for _, rel := range benign {
		fs := scanRedTeam(t, filepath.Join(redTeam, "benign"), rel)
		for _, f := range fs {
			if f.Severity >= checks.SeverityHigh {
				t.Errorf("benign %s: %s %s: %s", rel, f.Severity, f.RuleID, f.Message)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(redTeam, "benign", "archives", "docs.zip")); errors.Is(err, fs.ErrNotExist) {
		t.Error("the ordinary zip with a header quirk is missing")
	}
}
