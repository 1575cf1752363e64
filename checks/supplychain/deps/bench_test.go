package deps

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkRequirements scans a generated 2,000-line requirements file of
// unknown names (the slow path: each is compared with every target).
func BenchmarkRequirements(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 2000; i++ {
		fmt.Fprintf(&sb, "internal-package-%d==1.%d.0\n", i, i)
	}
	src := []byte(sb.String())
	c := New("", "")
	popular()
	squats()
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Scan(context.Background(), file("requirements.txt", src, nil)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPackageLock scans a generated lock file with 5,000 packages.
func BenchmarkPackageLock(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"demo\"}")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&sb, ",\n    \"node_modules/pkg-%d\": {\n      \"version\": \"1.0.%d\",\n      \"resolved\": \"https://registry.example.org/pkg-%d/-/pkg-%d-1.0.%d.tgz\"\n    }", i, i, i, i, i)
	}
	sb.WriteString("\n  }\n}\n")
	src := []byte(sb.String())
	c := New("", "")
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := c.Scan(context.Background(), file("package-lock.json", src, nil)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOSVExportLoad reads a generated all.zip of 20,000 MAL- records,
// the size class of a real per-ecosystem export's malicious-package part.
func BenchmarkOSVExportLoad(b *testing.B) {
	dir := b.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "npm"), 0o755); err != nil {
		b.Fatal(err)
	}
	zf, err := os.Create(filepath.Join(dir, "npm", "all.zip"))
	if err != nil {
		b.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for i := 0; i < 20000; i++ {
		w, err := zw.Create(fmt.Sprintf("MAL-2099-%d.json", i))
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(w, `{"id":"MAL-2099-%d","summary":"Malicious code in pkg-%d (npm)","details":"generated",`+
			`"affected":[{"package":{"ecosystem":"npm","name":"pkg-%d"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]}]}`, i, i, i)
	}
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	zf.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ix, n, err := readOSVEcosystem(filepath.Join(dir, "npm"))
		if err != nil || n != 20000 || len(ix[Npm]) != 20000 {
			b.Fatalf("%d records, %d names, %v", n, len(ix[Npm]), err)
		}
	}
}
