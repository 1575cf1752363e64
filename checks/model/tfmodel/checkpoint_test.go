package tfmodel

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io/fs"
	"testing"

	"github.com/ward-sec/ward/checks"
	"google.golang.org/protobuf/encoding/protowire"
)

type mapTree map[string][]byte

func (m mapTree) Paths() []string { return nil }
func (m mapTree) Open(_ context.Context, p string) (*checks.Blob, error) {
	b, ok := m[p]
	if !ok {
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	}
	return &checks.Blob{Size: int64(len(b)), Content: bytes.NewReader(b)}, nil
}

func TestSavedModelFolderFiles(t *testing.T) {
	index := make([]byte, 64)
	binary.LittleEndian.PutUint64(index[56:], tableMagic)
	shard := bytes.Repeat([]byte{0, 1, 2, 0xff}, 100)
	var fp []byte
	for i := 1; i <= 5; i++ {
		fp = protowire.AppendVarint(protowire.AppendTag(fp, protowire.Number(i), protowire.VarintType), uint64(1e18)+uint64(i))
	}
	fp = append(fp, lenField(6, protowire.AppendVarint(protowire.AppendTag(nil, 1, protowire.VarintType), 1))...)
	tree := mapTree{"m/variables/variables.index": index}
	for _, tc := range []struct {
		path string
		in   []byte
		tree checks.Tree
		want bool
	}{
		{"m/variables/variables.index", index, tree, true},
		{"m/variables/variables.data-00000-of-00001", shard, tree, true},
		{"m/variables/variables.data-00000-of-00001", shard, nil, false},
		{"m/other/variables.data-00000-of-00001", shard, tree, false},
		{"m/fingerprint.pb", fp, nil, true},
		{"m/blob.bin", shard, tree, false},
	} {
		f := checks.NewBytesFile(tc.path, tc.in)
		f.Tree = tc.tree
		res, err := check{}.Scan(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if res.Analysed != tc.want || len(res.Findings) != 0 {
			t.Errorf("%s (tree %v): analysed=%v findings=%v, want analysed=%v", tc.path, tc.tree != nil, res.Analysed, res.Findings, tc.want)
		}
	}
}
