package gguf

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/model/gguf/chattemplate"
)

// NewChecks returns the family's checks: GGUF metadata, Hugging Face
// auto_map entries, sharded-checkpoint indexes and tokenizer chat
// templates.
func NewChecks() []checks.Check {
	return []checks.Check{autoMapCheck{}, shardIndexCheck{}, check{}, templateCheck{}}
}

type check struct{}

func (check) Name() string { return "gguf" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (check) Version() string { return "1" }

func (check) Rules() []checks.Rule { return rules }

func (check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Size < 4 || f.Content == nil || !Sniff(f.Head(4)) {
		return checks.Result{}, nil
	}
	prefix := ""
	if strings.ToLower(path.Ext(f.Path)) != ".gguf" {
		prefix = fmt.Sprintf("%s is a GGUF model by content. ", path.Base(f.Path))
	}
	gf, err := Parse(ctx, f.Content, f.Size, f.Limits.Effective().MaxFileBytes)
	var out []checks.Finding
	keys := make([]string, 0, len(gf.Strings))
	for k := range gf.Strings {
		if strings.HasPrefix(k, "tokenizer.chat_template") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		out = append(out, templateFindings(k, gf.Strings[k], prefix)...)
	}
	switch {
	case err == nil:
		if probs := tensorProblems(gf, f.Size); len(probs) > 0 {
			out = append(out, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityMedium,
				Message:  prefix + "The tensor table does not match the file: " + strings.Join(probs, "; ") + ". Loaders written in C read out of bounds on such files.",
				Evidence: "tensor table"})
		}
	case errors.Is(err, errLimit), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		out = append(out, checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message:  prefix + fmt.Sprintf("GGUF metadata not fully analysed: %v. A chat template after that point was not checked.", err),
			Evidence: "limit"})
	default:
		out = append(out, checks.Finding{RuleID: RuleMalformed, Severity: checks.SeverityMedium,
			Message:  prefix + fmt.Sprintf("Malformed GGUF file (version %d): %v. Metadata after that point was not read; loaders written in C have had out-of-bounds bugs on such files.", gf.Version, err),
			Evidence: "malformed"})
	}
	return checks.Result{Analysed: true, Findings: out}, nil
}

// templateFindings analyses one chat template.
func templateFindings(key, src, prefix string) []checks.Finding {
	r := chattemplate.Analyse(src)
	var out []checks.Finding
	if len(r.Indicators) > 0 {
		var evs []string
		for _, ind := range r.Indicators {
			evs = append(evs, ind.Evidence)
		}
		out = append(out, checks.Finding{RuleID: RuleTemplateInjection, Severity: r.Worst(),
			Message: prefix + fmt.Sprintf("%s: %s Servers render this template on every chat request: outside a sandbox "+
				"(llama-cpp-python before 0.2.72, custom servers) it runs commands on the serving machine.", key, r.Summary(8)),
			Evidence: key + ": " + strings.Join(evs, " | ")})
	}
	if !r.Parsed {
		out = append(out, checks.Finding{RuleID: RuleTemplateUnparsed, Severity: checks.SeverityLow,
			Message:  prefix + fmt.Sprintf("%s is not valid Jinja (%s): Jinja refuses to render it, and only its unambiguous signs (underscore attributes, dunder strings) were checked.", key, clipErr(r.ParseError)),
			Evidence: key})
	}
	if r.Truncated && r.Parsed {
		out = append(out, checks.Finding{RuleID: RuleNotAnalysed, Severity: checks.SeverityHigh,
			Message: prefix + fmt.Sprintf("%s not fully analysed: template size or nesting limit.", key), Evidence: key + " limit"})
	}
	return out
}

func clipErr(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
