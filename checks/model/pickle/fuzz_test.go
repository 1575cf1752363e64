package pickle

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzPickle runs the machine on arbitrary bytes: no panic, bounded work,
// and a result for every input.
func FuzzPickle(f *testing.F) {
	for _, dir := range []string{"../testdata/benign", "../testdata/malicious"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.pkl"))
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 1<<16 {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("\x80\x04\x95\x15\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93)R."))
	f.Add([]byte("(S'id'\nios\nsystem\n."))
	lim := Limits{MaxOpcodes: 100_000, MaxMemo: 10_000, MaxStack: 10_000, MaxStringBytes: 1 << 20, MaxDepth: 2}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := AnalyzeReaderAt(context.Background(), bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			t.Fatalf("error on in-memory input: %v", err)
		}
		if res == nil {
			t.Fatal("nil result")
		}
		for _, g := range res.Globals {
			Classify(g.Module, g.Name)
		}
		if _, err := Analyze(context.Background(), bytes.NewReader(data), lim); err != nil {
			t.Fatalf("streaming error on in-memory input: %v", err)
		}
	})
}
