package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ward-sec/ward/checks"
)

var update = flag.Bool("update", false, "rewrite docs/rules.md")

// elfBytes is the smallest ELF header debug/elf accepts: a real executable
// header, no code.
func elfBytes(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("/proc/self/exe")
	if err != nil {
		t.Skip("no /proc/self/exe to copy a real ELF file from")
	}
	return b[:4096]
}

func writeTree(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for p, b := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runWard(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestScanExitCodesAndFormats(t *testing.T) {
	dir := writeTree(t, map[string][]byte{"tools/helper": elfBytes(t), "README.md": []byte("hello\n")})
	clean := writeTree(t, map[string][]byte{"README.md": []byte("hello\n")})

	code, out, _ := runWard(t, "scan", "--root", dir, dir)
	if code != 1 || !strings.Contains(out, "tools/helper: HIGH") {
		t.Fatalf("text scan: exit %d, output:\n%s", code, out)
	}
	if code, _, _ := runWard(t, "scan", clean); code != 0 {
		t.Fatalf("clean tree: exit %d, want 0", code)
	}
	if code, _, _ := runWard(t, "scan", "--fail-on", "critical", dir); code != 0 {
		t.Fatalf("--fail-on critical with a high finding: exit %d, want 0", code)
	}
	if code, _, errs := runWard(t, "scan", "--format", "xml", dir); code != 2 || !strings.Contains(errs, "unknown format") {
		t.Fatalf("bad format: exit %d, %s", code, errs)
	}
	if code, _, _ := runWard(t, "scan", filepath.Join(dir, "missing")); code != 2 {
		t.Fatalf("missing path: exit %d, want 2", code)
	}

	code, out, _ = runWard(t, "scan", "--root", dir, "--format", "json", dir)
	var rep checks.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	if len(rep.Findings) != 1 || rep.Findings[0].Path != "tools/helper" || rep.Findings[0].RuleID != "binary-executable" {
		t.Fatalf("json findings: %+v", rep.Findings)
	}

	code, out, _ = runWard(t, "scan", "--root", dir, "--format", "sarif", dir)
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID     string            `json:"ruleId"`
				Level      string            `json:"level"`
				Properties map[string]string `json:"properties"`
				Locations  []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || code != 1 {
		t.Fatalf("sarif: exit %d, %v", code, err)
	}
	r := sarif.Runs[0].Results[0]
	if sarif.Version != "2.1.0" || r.RuleID != "binary-executable" || r.Level != "error" || r.Properties["severity"] != "high" ||
		r.Locations[0].PhysicalLocation.ArtifactLocation.URI != "tools/helper" || len(sarif.Runs[0].Tool.Driver.Rules) != 1 {
		t.Fatalf("sarif result: %+v", sarif)
	}
}

func TestScanConfigIgnores(t *testing.T) {
	elf := elfBytes(t)
	dir := writeTree(t, map[string][]byte{"tools/helper": elf})
	cfg := filepath.Join(t.TempDir(), "ward.yml")
	// A whole-file finding is accepted for the content the entry names.
	sum := sha256.Sum256(elf)
	os.WriteFile(cfg, []byte("ignore:\n  - rule: binary-executable\n    path: tools/**\n    reason: built by our release job\n    sha256: "+hex.EncodeToString(sum[:])+"\n"), 0o644)
	code, out, _ := runWard(t, "scan", "--root", dir, "--config", cfg, dir)
	if code != 0 || !strings.Contains(out, "1 suppressed") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

func TestRulesDocIsCurrent(t *testing.T) {
	checkSet(func(string) string { return "" }) // fills the catalogue even when this test runs alone
	want := RulesMarkdown(checks.Rules())
	path := filepath.Join("..", "..", "docs", "rules.md")
	if *update {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatal("docs/rules.md is stale: run go test ./cmd/ward -run TestRulesDocIsCurrent -update")
	}
	for _, r := range checks.Rules() {
		if r.ID == "" || r.Title == "" || r.Severity == 0 || r.Why == "" || r.Fix == "" || r.FixExample == "" || len(r.References) == 0 {
			t.Errorf("rule %q lacks documentation (id, title, severity, why, fix, example, references)", r.ID)
		}
	}
}
