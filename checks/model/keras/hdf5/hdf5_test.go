package hdf5

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func rootAttrs(t testing.TB, path string) map[string]Attribute {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	as, err := f.RootAttributes()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]Attribute{}
	for _, a := range as {
		out[a.Name] = a
	}
	return out
}

// The fixtures were written by h5py with the earliest (superblock 0, object
// header v1) and latest (superblock 3, object header v2) formats; Keras
// stores model_config as a fixed-length string and keras_version as a
// variable-length one (global heap).
func TestKerasRootAttributes(t *testing.T) {
	for _, name := range []string{"keras_benign.h5", "keras_benign_latest.h5", "keras_lambda.h5"} {
		t.Run(name, func(t *testing.T) {
			as := rootAttrs(t, filepath.Join("../../testdata/formats", name))
			if v := as["keras_version"].Strings; len(v) != 1 || v[0] != "2.11.0" {
				t.Errorf("keras_version = %q", v)
			}
			if v := as["backend"].Strings; len(v) != 1 || v[0] != "tensorflow" {
				t.Errorf("backend = %q", v)
			}
			if v := as["model_config"].Strings; len(v) != 1 || !strings.HasPrefix(v[0], `{"class_name": "Sequential"`) || !strings.HasSuffix(v[0], "}") {
				t.Errorf("model_config = %.80q", v)
			}
		})
	}
}

func TestNotHDF5(t *testing.T) {
	if _, err := Open(strings.NewReader("hello"), 5); err == nil {
		t.Error("opened a text file")
	}
}

func FuzzHDF5(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/formats/*.h5")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := Open(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		h.MaxValueBytes = 1 << 20
		_, _ = h.RootAttributes()
	})
}
