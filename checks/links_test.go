package checks_test

import (
	"context"
	"io/fs"
	"sort"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// linkTree is a snapshot with symbolic links, as a git tree holds them.
type linkTree struct {
	files map[string]string // path → content
	links map[string]string // path → target
}

func (t linkTree) Paths() []string {
	var out []string
	for p := range t.files {
		out = append(out, p)
	}
	for p := range t.links {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func (t linkTree) Open(context.Context, string) (*checks.Blob, error) { return nil, fs.ErrNotExist }

func (t linkTree) Readlink(_ context.Context, p string) (string, bool, error) {
	target, ok := t.links[p]
	return target, ok, nil
}

func TestFollowLinks(t *testing.T) {
	tree := linkTree{
		files: map[string]string{"models/m.onnx": "", "models/real.bin": "", "other/w.bin": ""},
		links: map[string]string{
			"models/abs.bin":      "/etc/passwd",
			"models/up.bin":       "../../secret",
			"models/sibling.bin":  "real.bin",
			"models/dot.bin":      "./real.bin",
			"models/chain.bin":    "hop.bin",
			"models/hop.bin":      "/root/.ssh/id_rsa",
			"models/chain2.bin":   "hop2.bin",
			"models/hop2.bin":     "../../x",
			"models/other.bin":    "../other/w.bin",
			"models/dir":          "/etc",
			"models/reldir":       "../..",
			"models/loop.bin":     "loop2.bin",
			"models/loop2.bin":    "loop.bin",
			"models/win.bin":      "C:\\Windows\\win.ini",
			"models/backslash.bn": "..\\..\\secret",
			"models/inside.bin":   "sub/../real.bin",
		},
	}
	tests := []struct {
		path, within  string
		link, resolve string // "" when nothing escapes
		err           bool
	}{
		{"models/real.bin", "models", "", "", false},
		{"models/abs.bin", "models", "models/abs.bin", "/etc/passwd", false},
		{"models/up.bin", "models", "models/up.bin", "../secret", false},
		{"models/up.bin", "", "models/up.bin", "../secret", false},
		{"models/sibling.bin", "models", "", "", false},
		{"models/dot.bin", "models", "", "", false},
		{"models/inside.bin", "models", "", "", false},
		{"models/chain.bin", "models", "models/hop.bin", "/root/.ssh/id_rsa", false},
		{"models/chain2.bin", "models", "models/hop2.bin", "../x", false},
		{"models/other.bin", "models", "models/other.bin", "other/w.bin", false},
		{"models/other.bin", "", "", "", false}, // inside the repository
		{"models/dir/passwd", "models", "models/dir", "/etc", false},
		{"models/reldir/etc/passwd", "", "models/reldir", "../etc/passwd", false},
		{"models/loop.bin", "models", "", "", true},
		{"models/win.bin", "models", "models/win.bin", "C:\\Windows\\win.ini", false},
		{"models/backslash.bn", "", "models/backslash.bn", "../secret", false},
		{"../outside", "", "", "", false}, // the path itself climbs: its own check says so
	}
	for _, tt := range tests {
		esc, err := checks.FollowLinks(context.Background(), tree, tt.path, tt.within)
		if (err != nil) != tt.err {
			t.Errorf("%s: err = %v", tt.path, err)
			continue
		}
		got, res := "", ""
		if esc != nil {
			got, res = esc.Link, esc.Resolved
		}
		if got != tt.link || res != tt.resolve {
			t.Errorf("FollowLinks(%q, %q) = %q → %q, want %q → %q", tt.path, tt.within, got, res, tt.link, tt.resolve)
		}
	}
	// a tree that is not a LinkTree has no links
	if esc, err := checks.FollowLinks(context.Background(), plainTree{}, "models/abs.bin", "models"); esc != nil || err != nil {
		t.Errorf("plain tree: %v %v", esc, err)
	}
}

type plainTree struct{}

func (plainTree) Paths() []string                                    { return nil }
func (plainTree) Open(context.Context, string) (*checks.Blob, error) { return nil, fs.ErrNotExist }

// FollowLinks over link targets a PR chooses: it ends (loops are errors),
// never panics, and reports an escape only through a link.
func FuzzFollowLinks(f *testing.F) {
	f.Add("a/b.bin", "../../x", "b/../../c", "a")
	f.Add("a/b.bin", "/etc/passwd", "c", "")
	f.Add("a/l/x", "../a/l", "l/../l", "a")
	f.Fuzz(func(t *testing.T, p, t1, t2, within string) {
		tree := linkTree{files: map[string]string{}, links: map[string]string{"a/b.bin": t1, "a/l": t2, "c": t1}}
		esc, err := checks.FollowLinks(context.Background(), tree, p, within)
		if err == nil && esc != nil && tree.links[esc.Link] != esc.Target {
			t.Fatalf("escape names link %q with target %q", esc.Link, esc.Target)
		}
	})
}
