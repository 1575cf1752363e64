package onnx

import (
	"context"
	"testing"

	"github.com/ward-sec/ward/checks"
	"google.golang.org/protobuf/encoding/protowire"
)

// virtualModel serves a ModelProto whose last initializer's raw_data is
// zeros generated on read: a 2 GB model costs only its graph.
type virtualModel struct {
	head  []byte
	size  int64
	reads int64
}

func (v *virtualModel) ReadAt(p []byte, off int64) (int, error) {
	v.reads += int64(len(p))
	n := 0
	if off < int64(len(v.head)) {
		n = copy(p, v.head[off:])
	}
	clear(p[n:])
	return len(p), nil
}

func lenPrefix(num protowire.Number, n uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.BytesType), n)
}

func str(num protowire.Number, s string) []byte {
	return protowire.AppendString(protowire.AppendTag(nil, num, protowire.BytesType), s)
}

// BenchmarkLargeModel: 20,000 nodes and a 2 GB initializer.
func BenchmarkLargeModel(b *testing.B) {
	var nodes []byte
	for i := 0; i < 20_000; i++ {
		node := append(append(append(str(1, "x"), str(2, "y")...), str(3, "n")...), str(4, "MatMul")...)
		nodes = append(nodes, protowire.AppendBytes(protowire.AppendTag(nil, 1, protowire.BytesType), node)...)
	}
	const raw = 2 << 30
	tensorHead := append(protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), raw/4),
		protowire.AppendVarint(protowire.AppendTag(nil, 2, protowire.VarintType), 1)...)
	tensorHead = append(tensorHead, str(8, "W")...)
	tensorHead = append(tensorHead, lenPrefix(9, raw)...)
	tensorLen := uint64(len(tensorHead)) + raw
	graphBody := append(nodes, lenPrefix(5, tensorLen)...)
	graphLen := uint64(len(graphBody)) + tensorLen
	head := protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 8)
	head = append(head, lenPrefix(7, graphLen)...)
	head = append(head, graphBody...)
	head = append(head, tensorHead...)
	size := int64(len(head)) + raw
	b.ReportAllocs()
	var v *virtualModel
	for i := 0; i < b.N; i++ {
		v = &virtualModel{head: head, size: size}
		f := &checks.File{Path: "model.onnx", Blob: checks.Blob{Size: size, Content: v}}
		res, err := check{}.Scan(context.Background(), f)
		if err != nil || !res.Analysed || len(res.Findings) != 0 {
			b.Fatalf("unexpected result %+v %v", res, err)
		}
	}
	b.ReportMetric(float64(v.reads), "bytes-read/op")
	b.ReportMetric(float64(size)/1e9, "GB-file")
}
