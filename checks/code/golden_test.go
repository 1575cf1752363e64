package code

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/ward-sec/ward/checks"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestGoldenSARIF scans a mixed-language directory and compares the SARIF
// log with testdata/golden/mixed.sarif (go test -run TestGoldenSARIF -update).
func TestGoldenSARIF(t *testing.T) {
	checks.UseRules([]checks.Check{New()}) // the SARIF log describes each rule
	dir := filepath.Join("testdata", "golden", "mixed")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	var findings []checks.Finding
	var size int64
	for _, name := range names {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		size += int64(len(src))
		f := checks.NewBytesFile(name, src)
		findings = append(findings, checks.ScanFile(context.Background(), f, []checks.Check{Check{}})...)
	}
	checks.Sort(findings)
	var buf bytes.Buffer
	rep := checks.Report{Tool: "ward", Version: "golden", FailOn: checks.SeverityHigh, Files: len(names), Bytes: size, Findings: findings}
	if err := checks.WriteSARIF(&buf, rep); err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "golden", "mixed.sarif")
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("SARIF differs from %s; run go test -run TestGoldenSARIF -update and review the diff.\ngot:\n%s", golden, buf.String())
	}
}
