package onnx

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/ward-sec/ward/checks"
)

const fixtures = "../testdata/formats"

// dirTree serves the fixtures folder as the snapshot, under "models/".
type dirTree struct{}

func (dirTree) Paths() []string { return nil }

func (dirTree) Open(_ context.Context, p string) (*checks.Blob, error) {
	rel, ok := cutPrefix(p, "models/")
	if !ok {
		return nil, fmt.Errorf("open %s: %w", p, fs.ErrNotExist)
	}
	b, err := os.ReadFile(filepath.Join(fixtures, rel))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", p, fs.ErrNotExist)
	}
	return &checks.Blob{Size: int64(len(b)), Content: bytes.NewReader(b)}, nil
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}

func scan(t testing.TB, name string, content []byte, tree checks.Tree) (checks.Result, []string) {
	t.Helper()
	f := checks.NewBytesFile(name, content)
	f.Tree = tree
	res, err := check{}.Scan(context.Background(), f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var got []string
	for _, x := range res.Findings {
		if x.Message == "" {
			t.Errorf("%s: finding %s without message", name, x.RuleID)
		}
		t.Logf("%s: %s %s: %s", name, x.RuleID, x.Severity, x.Message)
		got = append(got, x.RuleID+"/"+x.Severity.String())
	}
	sort.Strings(got)
	return res, got
}

func TestFixtures(t *testing.T) {
	for _, tc := range []struct {
		file string
		tree checks.Tree
		want []string
	}{
		{"onnx_benign.onnx", nil, nil},
		{"onnx_external.onnx", dirTree{}, nil},
		{"onnx_local_function.onnx", nil, nil},
		{"onnx_external_traversal.onnx", nil, []string{"model-onnx-external-data-path/high"}},
		{"onnx_external_absolute.onnx", dirTree{}, []string{"model-onnx-external-data-path/high"}},
		{"onnx_external_missing.onnx", dirTree{}, []string{"model-onnx-malformed/medium"}},
		{"onnx_external_missing.onnx", nil, nil}, // no snapshot to look in
		{"onnx_custom_op.onnx", nil, []string{"model-onnx-custom-op/medium"}},
		{"onnx_external_length.onnx", nil, []string{"model-onnx-malformed/medium"}},
		{"onnx_external_length.onnx", dirTree{}, []string{"model-onnx-malformed/medium", "model-onnx-malformed/medium"}}, // also past the data file
		{"onnx_if_subgraph.onnx", nil, []string{"model-onnx-custom-op/medium", "model-onnx-external-data-path/high"}},
		{"onnx_size_mismatch.onnx", nil, []string{"model-onnx-malformed/medium"}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(fixtures, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			res, got := scan(t, path.Join("models", tc.file), b, tc.tree)
			if !res.Analysed {
				t.Error("not analysed")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestExternalRangeOutsideDataFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "onnx_external.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	short := &shortTree{}
	_, got := scan(t, "models/onnx_external.onnx", b, short)
	if !reflect.DeepEqual(got, []string{"model-onnx-malformed/medium", "model-onnx-malformed/medium"}) {
		t.Errorf("findings = %v, want a range finding per tensor of the truncated data file", got)
	}
}

// shortTree serves a truncated external data file.
type shortTree struct{}

func (shortTree) Paths() []string { return nil }
func (shortTree) Open(context.Context, string) (*checks.Blob, error) {
	return &checks.Blob{Size: 10, Content: bytes.NewReader(make([]byte, 10))}, nil
}

func TestNotONNX(t *testing.T) {
	for _, in := range [][]byte{[]byte("\x08\x01hello"), []byte("plain text"), {0x08, 0x03, 0x12, 0x02, 'p', 't'}} {
		if res, _ := scan(t, "x.onnx", in, nil); res.Analysed {
			t.Errorf("%q claimed as ONNX", in)
		}
	}
}

func TestTruncated(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "onnx_if_subgraph.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	_, got := scan(t, "m.onnx", b[:len(b)-40], nil)
	if len(got) == 0 || got[len(got)-1] != "model-onnx-malformed/medium" {
		t.Errorf("findings = %v, want a malformed finding", got)
	}
}

func TestByteLimit(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "onnx_benign.onnx"))
	if err != nil {
		t.Fatal(err)
	}
	big := append(append([]byte{}, b...), bytes.Repeat([]byte{0x42, 0x00}, 80_000)...) // many empty field-8 entries after the graph
	f := checks.NewBytesFile("m.onnx", big)
	f.Limits.MaxFileBytes = 64 << 10
	res, err := check{}.Scan(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range res.Findings {
		found = found || x.RuleID == RuleNotAnalysed
	}
	if !found {
		t.Errorf("no %s finding: %+v", RuleNotAnalysed, res.Findings)
	}
}

func FuzzONNX(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtures, "onnx_*.onnx"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("ir_version: 8\ngraph { node { op_type: \"Relu\" } initializer { name: \"w\" external_data { key: \"location\" value: \"../x\" } } }"))
	f.Add([]byte(`{"irVersion": "8", "graph": {"node": [{"opType": "Relu"}], "initializer": [{"externalData": [{"key": "location", "value": "/x"}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file := checks.NewBytesFile("models/fuzz.onnx", data)
		file.Tree = dirTree{}
		file.Limits.MaxFileBytes = 1 << 20
		res, err := check{}.Scan(context.Background(), file)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range res.Findings {
			if x.RuleID == "" || x.Message == "" {
				t.Fatalf("finding without rule or message: %+v", x)
			}
		}
	})
}

func TestExternalDataFileOfSiblingModel(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(fixtures, "onnx_external.onnx.data"))
	if err != nil {
		t.Fatal(err)
	}
	if res, _ := scan(t, "models/onnx_external.onnx.data", b, dirTree{}); !res.Analysed {
		t.Error("the external data of a committed model was not recognised")
	}
	if res, _ := scan(t, "models/onnx_benign.onnx.data", b, dirTree{}); res.Analysed {
		t.Error("claimed a data file its sibling model does not reference")
	}
	if res, _ := scan(t, "models/onnx_external.onnx.data", b, nil); res.Analysed {
		t.Error("claimed a data file without a snapshot to check")
	}
}
