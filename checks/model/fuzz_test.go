package model

import (
	"bytes"
	"context"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"

	"github.com/ward-sec/ward/checks"
)

var fuzzLimits = checks.Limits{MaxDecompressedBytes: 8 << 20, MaxMembers: 1000, MaxOpcodes: 100_000,
	MaxMemo: 10_000, MaxDepth: 3}

func seed(f *testing.F, patterns ...string) {
	for _, pat := range patterns {
		files, _ := filepath.Glob(pat)
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil && len(b) < 1<<16 {
				f.Add(b)
			}
		}
	}
}

func fuzzScan(t *testing.T, data []byte) {
	fs, _ := Analyse(context.Background(), "fuzz", bytes.NewReader(data), int64(len(data)), fuzzLimits)
	for _, x := range fs {
		if x.RuleID == "" || x.Message == "" {
			t.Fatalf("finding without rule or message: %+v", x)
		}
	}
}

// FuzzZip exercises the central directory reader, local header checks and
// member dispatch (the fixtures include LZMA members with end markers).
func FuzzZip(f *testing.F) {
	seed(f, "testdata/*/*.pt", "testdata/*/*.npz", "testdata/*/*.zip", "testdata/redteam/*/code/*.pt", "testdata/redteam/benign/archives/*.zip")
	// an LZMA member ended by its size, not by a marker
	p := []byte("\x80\x02cos\nsystem\n(X\x02\x00\x00\x00idtR.")
	f.Add(rawZip(f, rawMember{"archive/data.pkl", 14, 0, uint64(len(p)), crc32.ChecksumIEEE(p), lzmaMember(f, p, false)}))
	f.Fuzz(fuzzScan)
}

// FuzzTar exercises tar and compressed-stream paths.
func FuzzTar(f *testing.F) {
	seed(f, "testdata/*/*.tar", "testdata/*/*.tgz", "testdata/*/*.joblib*", "testdata/redteam/*/code/*.nemo")
	f.Fuzz(fuzzScan)
}

// FuzzNPY exercises the .npy header parser and object-array pickles.
func FuzzNPY(f *testing.F) {
	seed(f, "testdata/*/*.npy")
	f.Fuzz(func(t *testing.T, data []byte) {
		parseNpy(bytes.NewReader(data), int64(len(data)))
		fuzzScan(t, data)
	})
}
