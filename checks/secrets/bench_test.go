package secrets

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// benchCorpus generates ~total bytes of mixed text as files of ~64 KB: Python,
// Markdown, JSON, YAML, CSV and base64 blobs, with one generated key about
// every 200 KB. Deterministic, so runs compare.
func benchCorpus(total int) []*checks.File {
	g := newKeyGen(42)
	keys := g.providerKeys()
	kinds := []struct {
		ext  string
		line func(i int) string
	}{
		{".py", func(i int) string {
			return fmt.Sprintf("    result_%d = model.generate(input_ids=batch[%d], max_new_tokens=%d)  # step %d", i, i%32, 64+i%512, i)
		}},
		{".md", func(i int) string {
			return fmt.Sprintf("The evaluation in section %d compares the fine-tuned checkpoint with the base model on %d held-out prompts.", i, 100+i)
		}},
		{".json", func(i int) string {
			return fmt.Sprintf(`  {"id": %d, "name": "layer.%d.attention", "shape": [%d, %d], "dtype": "float16"},`, i, i%48, 4096, 128+i%64)
		}},
		{".yaml", func(i int) string {
			return fmt.Sprintf("  - name: job-%d\n    image: registry.example.com/train:%d\n    env: {BATCH: \"%d\"}", i, i%20, i%256)
		}},
		{".csv", func(i int) string {
			return fmt.Sprintf("%d,%s,%0.4f,%0.4f,%s", i, g.chars(lower, 8), float64(i%1000)/1000, float64(i%777)/777, g.chars(hexChars, 12))
		}},
		{".txt", func(i int) string {
			raw := []byte(g.chars(alnum, 57))
			return base64.StdEncoding.EncodeToString(raw)
		}},
	}
	var files []*checks.File
	written, nextKey, n := 0, 200<<10, 0
	for written < total {
		k := kinds[len(files)%len(kinds)]
		var b strings.Builder
		for b.Len() < 64<<10 {
			b.WriteString(k.line(n))
			b.WriteByte('\n')
			n++
			if written+b.Len() >= nextKey {
				b.WriteString(keys[(nextKey>>10)%len(keys)].line + "\n")
				nextKey += 200 << 10
			}
		}
		files = append(files, checks.NewBytesFile(fmt.Sprintf("corpus/f%04d%s", len(files), k.ext), []byte(b.String())))
		written += b.Len()
	}
	return files
}

// benchSize is the corpus size; tests may lower it to profile.
var benchSize = 50 << 20

// BenchmarkSecretScan50MB measures single-goroutine secret scanning
// throughput over 50 MB of mixed text, file by file as checks.Run does.
//
//	go test -run XXX -bench SecretScan50MB -benchmem ./checks/secrets/
//
// WARD_BENCH_DUMP=DIR also writes the corpus to DIR, to run the gitleaks CLI
// on the same input (`gitleaks dir DIR`).
func BenchmarkSecretScan50MB(b *testing.B) {
	files := benchCorpus(benchSize)
	var size int64
	for _, f := range files {
		size += f.Size
	}
	if dir := os.Getenv("WARD_BENCH_DUMP"); dir != "" {
		for _, f := range files {
			buf, _ := f.ReadAll(0)
			p := filepath.Join(dir, filepath.FromSlash(f.Path))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(p, buf, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	if _, err := Default(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(size)
	cpu0 := cpuTime()
	b.ResetTimer()
	found := 0
	for range b.N {
		found = 0
		for _, f := range files {
			res, err := (Check{}).Scan(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			found += len(res.Findings)
		}
	}
	b.StopTimer()
	// MB per CPU-second does not depend on how loaded the machine is.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
	b.ReportMetric(float64(found), "findings")
}

// BenchmarkSecretsBinaryLikeText: 16 MB of one line of non-UTF-8 bytes (a
// pickle of MEMOIZE opcodes, say) and no keyword. gitleaks' lowering of the
// whole text cost 110 MB per file here before the multi-line pass was
// skipped for text without its keywords.
// go test ./checks/secrets -run XXX -bench SecretsBinaryLikeText -benchmem
func BenchmarkSecretsBinaryLikeText(b *testing.B) {
	d, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	text := strings.Repeat("N\x94", 8<<20)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for range b.N {
		if ms := d.Find(context.Background(), "x.pkl", text); len(ms) != 0 {
			b.Fatalf("%d matches", len(ms))
		}
	}
}
