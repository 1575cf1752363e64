package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const fixtures = "../../testdata/formats"

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// denseRoot checks that the root group of b really keeps its attributes in
// dense storage: an Attribute Info message with a heap, no attribute message.
func denseRoot(t testing.TB, b []byte) {
	t.Helper()
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := f.messages(f.rootAddr)
	if err != nil {
		t.Fatal(err)
	}
	heaps := 0
	for _, m := range msgs {
		switch m.typ {
		case msgAttribute:
			t.Error("root group has an attribute message in its header")
		case msgAttrInfo:
			ai, err := f.attrInfo(m.data)
			if err != nil {
				t.Fatal(err)
			}
			if ai.heap != undefined(f.offSize) {
				heaps++
			}
		}
	}
	if heaps != 1 {
		t.Fatalf("%d attribute info messages with a fractal heap, want 1", heaps)
	}
}

func rootAttributes(t testing.TB, b []byte) ([]Attribute, error) {
	t.Helper()
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	f.MaxValueBytes = 1 << 20
	return f.RootAttributes()
}

// The fixtures were written by h5py (HDF5 1.10) with libver="latest";
// gen_formats.py builds them.
func TestDenseAttributes(t *testing.T) {
	for _, tc := range []struct {
		file      string
		attrs     int
		layer     string // in model_config
		minConfig int
		class     int // of model_config
	}{
		// more than 8 attributes, managed objects in the heap's root direct block
		{"keras_benign_dense.h5", 11, `"Conv2D"`, 0, 9},
		{"keras_lambda_dense.h5", 11, `"Lambda"`, 0, 9},
		// a 6 KB fixed-length model_config: a huge object, found through the
		// heap's huge-object B-tree
		{"keras_lambda_dense_huge.h5", 11, `"Lambda"`, 4 << 10, 3},
		// an 85 KB model_config does not fit an object header: dense storage
		// with only four attributes
		{"keras_benign_dense_large.h5", 4, `"Dense"`, 64 << 10, 3},
		// 211 attributes: the heap's root is an indirect block over eleven
		// direct blocks, the name index has an internal node over eight leaves
		{"keras_lambda_dense_many.h5", 211, `"Lambda"`, 0, 9},
	} {
		t.Run(tc.file, func(t *testing.T) {
			b := readFixture(t, tc.file)
			denseRoot(t, b)
			as, err := rootAttributes(t, b)
			if err != nil {
				t.Fatal(err)
			}
			if len(as) != tc.attrs {
				t.Errorf("%d attributes, want %d", len(as), tc.attrs)
			}
			byName := map[string]Attribute{}
			for _, a := range as {
				byName[a.Name] = a
			}
			if len(byName) != len(as) {
				t.Errorf("%d distinct names among %d attributes", len(byName), len(as))
			}
			if v := byName["keras_version"].Strings; len(v) != 1 || v[0] != "2.11.0" {
				t.Errorf("keras_version = %q", v)
			}
			mc := byName["model_config"]
			if len(mc.Strings) != 1 || mc.Class != tc.class {
				t.Fatalf("model_config: class %d, %d strings", mc.Class, len(mc.Strings))
			}
			s := mc.Strings[0]
			if !strings.HasPrefix(s, `{"class_name": "Sequential"`) || !strings.HasSuffix(s, "}") ||
				!strings.Contains(s, tc.layer) || len(s) < tc.minConfig {
				t.Errorf("model_config (%d bytes) = %.80q…", len(s), s)
			}
		})
	}
}

// patch returns a copy of b with data written at the n-th occurrence of sig
// plus at.
func patch(t *testing.T, b []byte, sig string, n, at int, data []byte) []byte {
	t.Helper()
	out := bytes.Clone(b)
	p := -1
	for i := 0; i <= n; i++ {
		q := bytes.Index(out[p+1:], []byte(sig))
		if q < 0 {
			t.Fatalf("no occurrence %d of %s", n, sig)
		}
		p += 1 + q
	}
	copy(out[p+at:], data)
	return out
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// Damaged dense storage is reported, wrapping ErrDenseAttributes, and what
// could be read is kept.
func TestDenseDamaged(t *testing.T) {
	many := readFixture(t, "keras_lambda_dense_many.h5")
	huge := readFixture(t, "keras_lambda_dense_huge.h5")
	btin := bytes.Index(many, []byte("BTIN"))
	firstLeaf := bytes.Index(many, []byte("BTLF"))
	for _, tc := range []struct {
		name     string
		data     []byte
		want     string // in the error
		minAttrs int    // still read
		limit    bool
	}{
		{"heap signature", patch(t, many, "FRHP", 0, 0, []byte("XXXX")), "no FRHP signature", 0, false},
		{"heap version", patch(t, many, "FRHP", 0, 4, []byte{1}), "version 1: unsupported", 0, false},
		{"heap filters", patch(t, many, "FRHP", 0, 7, le16(12)), "I/O filters", 0, false},
		{"heap ID length", patch(t, many, "FRHP", 0, 5, le16(1000)), "heap IDs of 1000 bytes", 0, false},
		{"table width", patch(t, many, "FRHP", 0, 14+8+8+8+8+8*8, le16(3)), "not a power of two", 0, false},
		{"index signature", patch(t, many, "BTHD", 0, 0, []byte("XXXX")), "no BTHD signature", 0, false},
		{"index record type", patch(t, many, "BTHD", 0, 5, []byte{9}), "record type 9, expected 8", 0, false},
		{"index depth", patch(t, many, "BTHD", 0, 12, le16(40)), "depth 40: limit", 0, true},
		{"index node size", patch(t, many, "BTHD", 0, 6, le32(1<<30)), "limit", 0, true},
		{"internal node signature", patch(t, many, "BTIN", 0, 0, []byte("XXXX")), "not a version 0 BTIN node", 0, false},
		{"leaf signature", patch(t, many, "BTLF", 3, 0, []byte("XXXX")), "not a version 0 BTLF node", 100, false},
		{"node cycle", cycle(t, many, btin, firstLeaf), "reached twice", 20, false},
		{"indirect block signature", patch(t, many, "FHIB", 0, 0, []byte("XXXX")), "no FHIB signature", 0, false},
		{"direct block signature", patch(t, many, "FHDB", 4, 0, []byte("XXXX")), "no FHDB signature", 150, false},
		{"direct block offset", patch(t, many, "FHDB", 4, 13, []byte{0xff}), "heap offset", 150, false},
		{"direct block of another heap", patch(t, many, "FHDB", 4, 5, []byte{0x01}), "belongs to the heap at", 150, false},
		{"cut in the direct blocks", many[:20000], "outside the file", 50, false},
		{"cut in the indirect block", many[:14690], "indirect block", 0, false},
		{"huge object tree signature", patch(t, huge, "BTHD", 1, 0, []byte("XXXX")), "no BTHD signature", 10, false},
		{"huge object tree type", patch(t, huge, "BTHD", 1, 5, []byte{2}), "filtered huge objects: unsupported", 10, false},
		{"huge object outside the file", patch(t, huge, "BTLF", 1, 6, le32(1<<31)), "huge heap object", 10, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			as, err := rootAttributes(t, tc.data)
			if err == nil {
				t.Fatalf("no error, %d attributes", len(as))
			}
			if !errors.Is(err, ErrDenseAttributes) || !errors.Is(err, ErrUnsupported) {
				t.Errorf("error does not wrap ErrDenseAttributes and ErrUnsupported: %v", err)
			}
			if errors.Is(err, ErrLimit) != tc.limit {
				t.Errorf("limit = %v, want %v: %v", errors.Is(err, ErrLimit), tc.limit, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not mention %q", err, tc.want)
			}
			if len(as) < tc.minAttrs {
				t.Errorf("%d attributes kept, want at least %d", len(as), tc.minAttrs)
			}
		})
	}
}

// cycle points the first child of the internal node at btin back at itself.
func cycle(t *testing.T, b []byte, btin, leaf int) []byte {
	t.Helper()
	out := bytes.Clone(b)
	child := binary.LittleEndian.AppendUint64(nil, uint64(leaf))
	p := bytes.Index(out[btin:btin+512], child)
	if p < 0 {
		t.Fatal("first leaf not referenced by the internal node")
	}
	binary.LittleEndian.PutUint64(out[btin+p:], uint64(btin))
	return out
}

// Every heap ID form: tiny IDs (short and extended lengths), huge IDs that
// hold the address themselves (HDF5 writes them for wide IDs), IDs of an
// unknown version or type, managed IDs of zero length.
func TestHeapIDs(t *testing.T) {
	b := readFixture(t, "keras_lambda_dense.h5")
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	h, err := f.fractalHeap(uint64(bytes.Index(b, []byte("FRHP"))))
	if err != nil {
		t.Fatal(err)
	}
	long := append([]byte{0x20, 0x02}, bytes.Repeat([]byte("x"), 20)...)
	// a huge ID wide enough to hold the object's address and length
	hugeDirect := binary.LittleEndian.AppendUint64([]byte{0x10}, uint64(bytes.Index(b, []byte("FRHP"))))
	hugeDirect = binary.LittleEndian.AppendUint64(hugeDirect, 4)
	for _, tc := range []struct {
		name string
		id   []byte
		want string // object, or error text after "!"
	}{
		{"tiny", []byte{0x22, 'a', 'b', 'c', 0, 0, 0, 0}, "abc"},
		{"tiny overrun", []byte{0x2f, 'a', 'b', 'c', 0, 0, 0, 0}, "!tiny heap object of 16 bytes"},
		{"tiny extended", long, "xxx"},
		{"version 1", []byte{0x40, 0, 0, 0, 0, 0, 0, 0}, "!heap ID version 1"},
		{"type 3", []byte{0x30, 0, 0, 0, 0, 0, 0, 0}, "!heap ID type 3"},
		{"managed of zero bytes", []byte{0x00, 0x10, 0, 0, 0, 0, 0, 0}, "!managed heap object of 0 bytes"},
		{"managed outside its block", []byte{0x00, 0xff, 0xff, 0, 0, 0, 0x10, 0}, "!heap object of 16 bytes at heap offset 65535 outside the direct block"},
		{"huge not in its tree", []byte{0x10, 0xff, 0, 0, 0, 0, 0, 0}, "!huge heap object 255"},
		{"huge in the ID", hugeDirect, "FRHP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj, err := h.object(tc.id, 1<<20)
			got := string(obj)
			if err != nil {
				got = "!" + err.Error()
			}
			if !strings.HasPrefix(got, tc.want) {
				t.Errorf("got %q, want %q…", got, tc.want)
			}
		})
	}
}

// A managed object larger than what is left of the value budget is a limit.
func TestDenseBudget(t *testing.T) {
	b := readFixture(t, "keras_lambda_dense_huge.h5")
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	f.MaxValueBytes = 1 << 10
	as, err := f.RootAttributes()
	if !errors.Is(err, ErrLimit) || !errors.Is(err, ErrDenseAttributes) {
		t.Fatalf("want a limit error, got %v (%d attributes)", err, len(as))
	}
}

// FuzzDenseStorage overwrites bytes of the dense-storage fixtures, so that
// mutations land in the heap, its blocks and the B-trees rather than
// anywhere in the file.
func FuzzDenseStorage(f *testing.F) {
	bases := seedPatches(f, []string{filepath.Join(fixtures, "keras_lambda_dense_many.h5"),
		filepath.Join(fixtures, "keras_lambda_dense_huge.h5"), filepath.Join(fixtures, "keras_benign_dense.h5")},
		[]string{"FRHP", "BTHD", "BTIN", "BTLF", "FHIB", "FHDB"}, 5, 16)
	f.Fuzz(func(t *testing.T, which uint8, at uint32, patch []byte) {
		b := patched(bases, which, at, patch)
		h, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		h.MaxValueBytes = 1 << 20
		_, _ = h.RootAttributes()
	})
}

// seedPatches reads the base files and seeds f with two patches after each
// signature found in them (at +first and +second): mutations then land in
// the structures those signatures open, not anywhere in the file.
func seedPatches(f *testing.F, files, sigs []string, first, second int) [][]byte {
	f.Helper()
	var bases [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		bases = append(bases, b)
		for _, sig := range sigs {
			if i := bytes.Index(b, []byte(sig)); i >= 0 {
				f.Add(uint8(len(bases)-1), uint32(i+first), []byte{0xff, 0x7f})
				f.Add(uint8(len(bases)-1), uint32(i+second), []byte{0, 0, 0, 0, 0x40})
			}
		}
	}
	return bases
}

// patched is a copy of one base with patch written at an offset.
func patched(bases [][]byte, which uint8, at uint32, patch []byte) []byte {
	b := bytes.Clone(bases[int(which)%len(bases)])
	copy(b[int(at%uint32(len(b))):], patch)
	return b
}
