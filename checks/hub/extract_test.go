package hub

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestExtract(t *testing.T) {
	for _, tc := range []struct {
		file string
		want []Call
	}{
		{"loads.py", []Call{
			{Line: 6, Func: "AutoModel.from_pretrained", Source: "hf", Repo: "acme/evil"},
			{Line: 7, Func: "AutoTokenizer.from_pretrained", Source: "hf", Repo: "acme/good",
				Revision: "0123456789abcdef0123456789abcdef01234567", TrustRemoteCode: true},
			{Line: 12, Func: "pipeline", Source: "hf", Repo: "acme/sentiment", RevisionDynamic: true},
			{Line: 13, Func: "hf_hub_download", Source: "hf", Repo: "acme/weights", Filename: "model.pt"},
			{Line: 14, Func: "snapshot_download", Source: "hf", Repo: "acme/all", Snapshot: true},
			{Line: 15, Func: "SentenceTransformer", Source: "hf", Repo: "sentence-transformers/all-MiniLM-L6-v2"},
			{Line: 16, Func: "timm.create_model", Source: "hf", Repo: "timm/resnet50.a1_in1k"},
			{Line: 17, Func: "torch.hub.load", Source: "github", Repo: "pytorch/vision", Revision: "v0.10.0"},
		}},
		{"loads.ts", []Call{
			{Line: 3, Func: "pipeline", Source: "hf", Repo: "Xenova/distilbert-base-uncased", Revision: "main"},
			{Line: 4, Func: "AutoModel.from_pretrained", Source: "hf", Repo: "acme/evil"},
		}},
	} {
		src, err := os.ReadFile(filepath.Join("testdata", tc.file))
		if err != nil {
			t.Fatal(err)
		}
		got := Extract(tc.file, src)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.file, got, tc.want)
		}
	}
}

func FuzzExtract(f *testing.F) {
	for _, n := range []string{"loads.py", "loads.ts"} {
		b, _ := os.ReadFile(filepath.Join("testdata", n))
		f.Add(n, b)
	}
	f.Fuzz(func(t *testing.T, name string, src []byte) {
		for _, c := range Extract(name, src) {
			if c.Line < 1 || !looksLikeRepoID(c.Repo) {
				t.Fatalf("bad call %+v", c)
			}
		}
	})
}
