package aibom

import (
	"bytes"
	"os"
	"testing"
)

// FuzzClassify: any bytes under any model-like name are classified or not,
// never a panic, reading at most the zip directory.
func FuzzClassify(f *testing.F) {
	for _, p := range fixtures {
		if p == "" {
			continue
		}
		if data, err := os.ReadFile(p); err == nil && len(data) < 64<<10 {
			f.Add(data, "model.pt")
		}
	}
	f.Add([]byte("GGUF"), "x.gguf")
	f.Add([]byte("PK\x05\x06"), "x.keras")
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		classify(name, bytes.NewReader(data), int64(len(data)))
	})
}
