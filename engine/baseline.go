package engine

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"

	"github.com/ward-sec/ward/checks"
)

// Baseline is the set of findings a repository accepted when it adopted
// ward: later scans report only findings not in it. Findings are matched by
// fingerprint (rule, path and offending text, never the line), so moving
// code does not bring a finding back, and changing the offending text does.
type Baseline struct {
	Tool     string          `json:"tool"`
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`
}

// BaselineEntry is one accepted finding; rule and path are for the reader.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"rule_id"`
	Path        string `json:"path"`
}

const baselineVersion = 1

// NewBaseline holds the unsuppressed findings.
func NewBaseline(fs []checks.Finding) Baseline {
	b := Baseline{Tool: "ward", Version: baselineVersion, Findings: []BaselineEntry{}}
	for _, f := range fs {
		if !f.Suppressed {
			b.Findings = append(b.Findings, BaselineEntry{Fingerprint: f.Fingerprint, RuleID: f.RuleID, Path: f.Path})
		}
	}
	sort.Slice(b.Findings, func(i, j int) bool { return b.Findings[i].Fingerprint < b.Findings[j].Fingerprint })
	return b
}

// WriteBaseline writes the baseline file.
func WriteBaseline(path string, b Baseline) error {
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}

// ReadBaseline reads a file WriteBaseline wrote.
func ReadBaseline(path string) (Baseline, error) {
	var b Baseline
	data, err := os.ReadFile(path)
	if err != nil {
		return b, fmt.Errorf("read baseline: %w", err)
	}
	if err := json.Unmarshal(data, &b); err != nil {
		return b, fmt.Errorf("read baseline %s: %w", path, err)
	}
	if b.Tool != "ward" || b.Version != baselineVersion {
		return b, fmt.Errorf("read baseline %s: not a ward baseline (version %d)", path, baselineVersion)
	}
	return b, nil
}

// Filter drops the findings in the baseline and returns how many it dropped.
func (b Baseline) Filter(fs []checks.Finding) ([]checks.Finding, int) {
	known := make(map[string]bool, len(b.Findings))
	for _, e := range b.Findings {
		known[e.Fingerprint] = true
	}
	out := fs[:0:0]
	for _, f := range fs {
		if !known[f.Fingerprint] {
			out = append(out, f)
		}
	}
	return out, len(fs) - len(out)
}
