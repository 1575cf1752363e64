package safetensors

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// zeroTail serves a header followed by size-len(head) zero bytes without
// allocating them: a multi-gigabyte checkpoint costs only its header.
type zeroTail struct {
	head  []byte
	reads int64
}

func (z *zeroTail) ReadAt(p []byte, off int64) (int, error) {
	z.reads += int64(len(p))
	n := 0
	if off < int64(len(z.head)) {
		n = copy(p, z.head[off:])
	}
	clear(p[n:])
	return len(p), nil
}

// BenchmarkHeader7B: a 10,000-tensor header over 14 GB of (virtual) data,
// the shape of a 7B-parameter checkpoint in one file.
func BenchmarkHeader7B(b *testing.B) {
	var hdr bytes.Buffer
	hdr.WriteString(`{"__metadata__":{"format":"pt"}`)
	var off uint64
	const per = 1_400_000 // bytes per tensor: 700k F16 values
	for i := 0; i < 10_000; i++ {
		fmt.Fprintf(&hdr, `,"model.layers.%d.weight":{"dtype":"F16","shape":[700,1000],"data_offsets":[%d,%d]}`, i, off, off+per)
		off += per
	}
	hdr.WriteString("}")
	head := append(make([]byte, 8), hdr.Bytes()...)
	n := uint64(hdr.Len())
	for i := 0; i < 8; i++ {
		head[i] = byte(n >> (8 * i))
	}
	size := int64(len(head)) + int64(off)
	b.SetBytes(int64(len(head)))
	b.ReportAllocs()
	var z *zeroTail
	for i := 0; i < b.N; i++ {
		z = &zeroTail{head: head}
		f := &checks.File{Path: "model.safetensors", Blob: checks.Blob{Size: size, Content: z}}
		res, err := check{}.Scan(context.Background(), f)
		if err != nil || !res.Analysed || len(res.Findings) != 0 {
			b.Fatalf("unexpected result %+v %v", res, err)
		}
	}
	b.ReportMetric(float64(z.reads), "bytes-read/op")
	b.ReportMetric(float64(size)/1e9, "GB-file")
}
