package hdf5

import (
	"bytes"
	"os"
	"slices"
	"testing"
)

// TestWalk: every group and dataset is visited with its attributes, in
// old-style (symbol table) groups and new-style dense ones alike.
func TestWalk(t *testing.T) {
	for file, want := range map[string]string{
		"../../testdata/redteam2/malicious/hdf5/deep_group.h5":        "/store/frames/train",
		"../../testdata/redteam2/malicious/hdf5/dense_links.h5":       "/df/g7/values",
		"../../testdata/redteam2/malicious/hdf5/pandas_tz_swapped.h5": "/df/axis1",
		"../../testdata/redteam2/benign/pandas_table_categorical.h5":  "/df/table",
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var paths []string
		attrs := 0
		if err := f.Walk(func(o Object) {
			paths = append(paths, o.Path)
			attrs += len(o.Attributes)
		}); err != nil {
			t.Errorf("%s: %v", file, err)
		}
		if !slices.Contains(paths, want) || attrs == 0 {
			t.Errorf("%s: visited %v (%d attributes), want %s among them", file, paths, attrs, want)
		}
	}
}

// FuzzWalk patches the group structures of real files (symbol tables,
// local heaps, link storage, object headers): Walk never panics, visits
// each object at most once and stays within its bounds.
func FuzzWalk(f *testing.F) {
	bases := seedPatches(f, []string{"../../testdata/redteam2/malicious/hdf5/deep_group.h5",
		"../../testdata/redteam2/malicious/hdf5/dense_links.h5", "../../testdata/redteam2/benign/pandas_fixed_utc.h5"},
		[]string{"TREE", "SNOD", "HEAP", "OHDR", "FRHP", "BTHD", "BTLF"}, 6, 8)
	f.Fuzz(func(t *testing.T, which uint8, at uint32, patch []byte) {
		b := patched(bases, which, at, patch)
		h, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		h.MaxValueBytes = 1 << 20
		n := 0
		_ = h.Walk(func(Object) { n++ })
		if n > maxObjects+1 {
			t.Fatalf("visited %d objects", n)
		}
	})
}
