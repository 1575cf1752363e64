package onnx

import (
	"bytes"
	"context"
	"io/fs"
	"reflect"
	"testing"

	"github.com/ward-sec/ward/checks"

	"google.golang.org/protobuf/encoding/protowire"
)

func pbBytes(num protowire.Number, b []byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), b)
}

func pbVarint(num protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), v)
}

func join(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// externalTensor is a TensorProto whose data lives at each of locs.
func externalTensor(name string, locs ...string) []byte {
	t := join(pbVarint(1, 4), pbVarint(2, 1), pbBytes(8, []byte(name)), pbVarint(14, 1))
	for _, l := range locs {
		t = append(t, pbBytes(13, join(pbBytes(1, []byte("location")), pbBytes(2, []byte(l))))...)
	}
	return t
}

func TestFieldOrderAndForms(t *testing.T) {
	node := join(pbBytes(1, []byte("X")), pbBytes(2, []byte("Y")), pbBytes(4, []byte("Relu")))
	graph := join(pbBytes(1, node), pbBytes(2, []byte("g")), pbBytes(5, externalTensor("w", "../../../../etc/passwd")))
	for _, tc := range []struct {
		name, file string
		content    []byte
		want       []string
	}{
		// graph first, ir_version last: protobuf and onnx.load accept any order
		{"graph first", "model.onnx", join(pbBytes(7, graph), pbBytes(8, join(pbVarint(2, 17))), pbVarint(1, 8)),
			[]string{"model-onnx-external-data-path/high"}},
		{"producer first", "weights.bin", join(pbBytes(2, []byte("pytorch")), pbVarint(1, 8), pbBytes(7, graph)),
			[]string{"model-onnx-external-data-path/high"}},
		{"two locations", "model.onnx", join(pbVarint(1, 8), pbBytes(7, join(pbBytes(1, node),
			pbBytes(5, externalTensor("w", "/root/.ssh/id_rsa", "w.bin"))))),
			[]string{"model-onnx-external-data-path/high"}},
		{"text proto", "model.txt", []byte(`ir_version: 8
graph {
  node { input: "X" output: "Y" op_type: "Relu" }
  initializer { name: "w" dims: 4 data_type: 1 data_location: EXTERNAL
    external_data { key: "location" value: "..\\..\\secrets.txt" } }
}
opset_import { version: 17 }`), []string{"model-onnx-external-data-path/high"}},
		{"json", "model.json", []byte(`{"irVersion": "8", "graph": {"node": [{"input": ["X"], "output": ["Y"], "opType": "Custom", "domain": "evil.ops"}],
 "initializer": [{"name": "w", "dims": ["4"], "dataType": 1, "dataLocation": "EXTERNAL", "externalData": [{"key": "location", "value": "/etc/shadow"}]}]},
 "opsetImport": [{"version": "17"}]}`), []string{"model-onnx-custom-op/medium", "model-onnx-external-data-path/high"}},
		{"benign json", "model.json", []byte(`{"irVersion": "8", "graph": {"node": [{"opType": "Relu"}]}, "opsetImport": [{"version": "17"}]}`), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, got := scan(t, tc.file, tc.content, nil)
			if !res.Analysed {
				t.Fatal("not analysed")
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("findings = %v, want %v", got, tc.want)
			}
		})
	}
}

// memTree is a snapshot held in memory.
type memTree map[string][]byte

func (m memTree) Paths() []string {
	var out []string
	for p := range m {
		out = append(out, p)
	}
	return out
}

func (m memTree) Open(_ context.Context, p string) (*checks.Blob, error) {
	b, ok := m[p]
	if !ok {
		return nil, fs.ErrNotExist
	}
	return &checks.Blob{Size: int64(len(b)), Content: bytes.NewReader(b)}, nil
}

// model.onnx + weights.bin: the data file's name says nothing of the
// model, which is found in the same folder.
func TestExternalDataNamedFreely(t *testing.T) {
	node := join(pbBytes(1, []byte("X")), pbBytes(2, []byte("Y")), pbBytes(4, []byte("Add")))
	model := join(pbVarint(1, 8), pbBytes(7, join(pbBytes(1, node), pbBytes(5, externalTensor("w", "weights.bin")))))
	data := make([]byte, 16)
	tree := memTree{"m/model.onnx": model, "m/weights.bin": data}
	f := checks.NewBytesFile("m/weights.bin", data)
	f.Tree = tree
	if res, err := (check{}).Scan(context.Background(), f); err != nil || !res.Analysed {
		t.Errorf("weights.bin of m/model.onnx not recognised (%v)", err)
	}
	f = checks.NewBytesFile("other/weights.bin", data)
	f.Tree = tree
	if res, _ := (check{}).Scan(context.Background(), f); res.Analysed {
		t.Error("claimed a data file no model in its folder names")
	}
}
