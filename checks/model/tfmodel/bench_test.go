package tfmodel

import (
	"context"
	"fmt"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// BenchmarkSavedModel100k: a SavedModel with 50,000 graph nodes and 500
// library functions of 100 nodes each.
func BenchmarkSavedModel100k(b *testing.B) {
	var nodes [][]byte
	for i := 0; i < 50_000; i++ {
		nodes = append(nodes, node(fmt.Sprintf("n%d", i), "MatMul", []string{"a", "b"}, attrString("T", "float")))
	}
	var fns [][]byte
	for i := 0; i < 500; i++ {
		var body [][]byte
		for j := 0; j < 100; j++ {
			body = append(body, node(fmt.Sprintf("f%d", j), "AddV2", []string{"x", "y"}))
		}
		fns = append(fns, function(fmt.Sprintf("fn%d", i), body...))
	}
	data := savedModel(graphDef(nodes, fns...))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		res, err := check{}.Scan(context.Background(), checks.NewBytesFile("saved_model.pb", data))
		if err != nil || !res.Analysed || len(res.Findings) != 0 {
			b.Fatalf("unexpected result %+v %v", res, err)
		}
	}
}
