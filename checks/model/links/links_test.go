package links

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

type tree struct{ links map[string]string }

func (t tree) Paths() []string {
	out := []string{"models/model.onnx", "models/config.json", "docs/guide.md"}
	for p := range t.links {
		out = append(out, p)
	}
	return out
}
func (tree) Open(context.Context, string) (*checks.Blob, error) { return nil, fs.ErrNotExist }
func (t tree) Readlink(_ context.Context, p string) (string, bool, error) {
	s, ok := t.links[p]
	return s, ok, nil
}

func TestScan(t *testing.T) {
	tr := tree{links: map[string]string{
		"models/w.bin":             "/etc/passwd",
		"models/up.json":           "../../../home/u/.netrc",
		"models/ok.bin":            "model.onnx",
		"docs/hosts":               "/etc/hosts",
		"lone/model.weights.h5":    "/root/.ssh/id_rsa",
		"models/multi\nline.bin":   "/etc/passwd",
		"models/chain.safetensors": "w.bin",
	}}
	for _, tt := range []struct {
		path string
		sev  checks.Severity // 0: no finding
		want string
	}{
		{"models/w.bin", checks.SeverityHigh, "next to model.onnx"},
		{"models/up.json", checks.SeverityHigh, "a path outside the repository"},
		{"models/ok.bin", 0, ""},
		{"models/model.onnx", 0, ""}, // not a link
		{"docs/hosts", checks.SeverityMedium, "No model file"},
		{"lone/model.weights.h5", checks.SeverityHigh, "keras.saving.load_model"},
		{"models/chain.safetensors", checks.SeverityHigh, "through the link models/w.bin"},
	} {
		content := tr.links[tt.path]
		if content == "" {
			content = "binary\x00model"
		}
		f := checks.NewBytesFile(tt.path, []byte(content))
		f.Tree = tr
		res, err := New().Scan(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if tt.sev == 0 {
			if len(res.Findings) != 0 {
				t.Errorf("%s: %+v", tt.path, res.Findings)
			}
			continue
		}
		if len(res.Findings) != 1 || res.Findings[0].Severity != tt.sev || !strings.Contains(res.Findings[0].Message, tt.want) {
			t.Errorf("%s: want %s naming %q, got %+v", tt.path, tt.sev, tt.want, res.Findings)
		}
	}
}

type failingTree struct{ tree }

func (failingTree) Readlink(context.Context, string) (string, bool, error) {
	return "", true, errors.New("blob unavailable")
}

// A link whose target cannot be read fails closed (the check errors, which
// the framework reports high); a loop is refused by every loader: nothing.
func TestScanFailsClosed(t *testing.T) {
	f := checks.NewBytesFile("models/w.bin", []byte("/etc/passwd"))
	f.Tree = failingTree{}
	if _, err := New().Scan(context.Background(), f); err == nil {
		t.Error("unreadable link: no error")
	}
	f.Tree = tree{links: map[string]string{"models/w.bin": "x.bin", "models/x.bin": "w.bin"}}
	res, err := New().Scan(context.Background(), f)
	if err != nil || len(res.Findings) != 0 {
		t.Errorf("loop: %v %+v", err, res.Findings)
	}
}
