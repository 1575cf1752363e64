package deps

import (
	"context"
	"fmt"
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
