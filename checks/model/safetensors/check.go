package safetensors

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/ward-sec/ward/checks"
)

// New returns the check.
func New() checks.Check { return check{} }

type check struct{}

func (check) Name() string { return "safetensors" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (check) Version() string { return "1" }

func (check) Rules() []checks.Rule { return rules }

// Scan recognises safetensors by content (a header length followed by a
// JSON object) and validates the header; the tensor data is never read.
func (check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Size < 10 || f.Content == nil || !Sniff(f.Head(64)) {
		return checks.Result{}, nil
	}
	if err := ctx.Err(); err != nil {
		return checks.Result{}, err
	}
	lim := f.Limits.Effective()
	h, probs, err := Parse(f.Content, f.Size, min(lim.MaxFileBytes, maxHeaderBytes))
	if errors.Is(err, ErrHeaderLimit) {
		return checks.Result{Analysed: true, Findings: []checks.Finding{{
			RuleID: RuleNotAnalysed, Severity: checks.SeverityMedium,
			Message:  fmt.Sprintf("safetensors file not fully analysed: header size limit (%v). Its tensor table was not checked.", err),
			Evidence: "header limit",
		}}}, nil
	}
	if err != nil {
		return checks.Result{Analysed: true}, err
	}
	name := contextName(f.Path)
	var out []checks.Finding
	for _, p := range probs {
		sev := checks.SeverityMedium
		if p.Rule == RuleHiddenData {
			sev = checks.SeverityHigh
		}
		out = append(out, checks.Finding{RuleID: p.Rule, Severity: sev, Offset: p.Offset,
			Message: name + p.Message, Evidence: p.Detail})
	}
	out = append(out, metadataCode(h, name)...)
	return checks.Result{Analysed: true, Findings: out}, nil
}

// contextName prefixes messages when the name hides the format.
func contextName(p string) string {
	if path.Ext(p) == ".safetensors" {
		return ""
	}
	return fmt.Sprintf("%s is a safetensors file by content. ", path.Base(p))
}
