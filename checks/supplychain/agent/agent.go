// Package agent checks what AI coding agents read and run from a repository:
// hidden Unicode in any text file (high in agent instruction files such as
// AGENTS.md or .cursorrules), and MCP server configurations (unpinned
// packages, plain-HTTP remotes, shell commands, inline credentials).
package agent

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/checks/notebook"
	"github.com/ward-sec/ward/checks/secrets"
)

const (
	// maxScanBytes bounds the text read per file (the secrets check reports
	// text files over the same size as not fully scanned).
	maxScanBytes = 16 << 20
	// maxHiddenFindings bounds the findings per file; the rest are summed up.
	maxHiddenFindings = 50
	// maxShown bounds decoded hidden text and commands quoted in messages.
	maxShown = 300
)

// New returns the check.
func New() checks.Check { return Check{} }

// Check is the agent-configuration check.
type Check struct{}

// Name implements checks.Check.
func (Check) Name() string { return "agent" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (Check) Version() string { return "1" }

// Rules implements checks.Check.
func (Check) Rules() []checks.Rule { return rules() }

// Scan implements checks.Check.
func (Check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	if f.Binary {
		return checks.Result{}, nil
	}
	content, err := readPrefix(f, maxScanBytes)
	if err != nil {
		return checks.Result{}, fmt.Errorf("read %s: %w", f.Path, err)
	}
	runs := findHidden(string(content))
	if notebook.Is(f.Path) {
		runs = notebookHidden(ctx, content, runs)
	}
	out := hiddenFindings(f.Path, runs)
	if err := ctx.Err(); err != nil {
		return checks.Result{}, err
	}
	if looksLikeMCPConfig(f.Path, content) {
		mf, err := mcpFindings(ctx, f.Path, content)
		if err != nil {
			return checks.Result{}, err
		}
		out = append(out, mf...)
	}
	return checks.Result{Findings: out}, nil
}

func readPrefix(f *checks.File, max int64) ([]byte, error) {
	if f.Size <= max {
		return f.ReadAll(max)
	}
	buf := make([]byte, max)
	n, err := f.Content.ReadAt(buf, 0)
	if int64(n) < max && err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// notebookHidden keeps the hidden characters of a notebook's cell sources.
// Outputs and widget state are written by the kernel and by libraries (tqdm
// progress bars pad with zero-width spaces), not read as instructions, so
// hidden characters there are data. rawRuns are the runs of the whole file,
// kept as they are when the notebook cannot be read as one.
func notebookHidden(ctx context.Context, content []byte, rawRuns []hiddenRun) []hiddenRun {
	cells, err := notebook.Cells(ctx, content)
	if err != nil {
		return rawRuns
	}
	raw := map[int]hiddenRun{}
	for _, r := range rawRuns {
		raw[r.Line] = r
	}
	var out []hiddenRun
	for _, c := range cells {
		for _, r := range findHidden(c.Source) {
			r.Line = c.Line(r.Line)
			if r.Line == 0 {
				continue
			}
			// The suggestion replaces the notebook's line: offer it only when
			// the characters are written raw there (not as \u escapes).
			r.Clean, r.noSuggestion = raw[r.Line].Clean, raw[r.Line].Line == 0
			out = append(out, r)
		}
	}
	return out
}

// hiddenFindings reports each line with hidden characters.
func hiddenFindings(p string, runs []hiddenRun) []checks.Finding {
	if len(runs) == 0 {
		return nil
	}
	rule, sev, where := RuleHiddenUnicode, checks.SeverityMedium, "this file"
	if isInstructionFile(p) {
		rule, sev, where = RuleHiddenUnicodeInstructions, checks.SeverityHigh, "this agent instruction file"
	}
	var out []checks.Finding
	for i, r := range runs {
		if i == maxHiddenFindings {
			out = append(out, checks.Finding{
				RuleID: rule, Severity: sev, StartLine: r.Line, EndLine: r.Line,
				Message: fmt.Sprintf("%d more lines of %s also contain hidden characters (only the first %d are listed).",
					len(runs)-maxHiddenFindings, where, maxHiddenFindings),
				Evidence: "more hidden characters",
			})
			break
		}
		decoded := secrets.MaskText(shorten(r.Decoded))
		kinds := make([]string, len(r.Kinds))
		for j, k := range r.Kinds {
			kinds[j] = k.String() + "s"
		}
		msg := fmt.Sprintf("This line of %s holds %d invisible character(s) (%s). Editors and GitHub's diff show "+
			"nothing, but an AI agent or compiler reading the file sees them. Hidden content, decoded: %q.",
			where, r.Count, strings.Join(kinds, ", "), decoded)
		if hasKind(r.Kinds, tagChar) {
			msg += " Unicode tag characters spell out ASCII text that models read as instructions."
		}
		fd := checks.Finding{
			RuleID: rule, Severity: sev, StartLine: r.Line, EndLine: r.Line,
			Message:  msg,
			Evidence: "hidden: " + decoded,
		}
		if !r.noSuggestion {
			fd.Suggestion = &checks.Suggestion{StartLine: r.Line, EndLine: r.Line, Replacement: r.Clean}
		}
		out = append(out, fd)
	}
	return out
}

func hasKind(ks []hiddenKind, k hiddenKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func shorten(s string) string {
	if r := []rune(s); len(r) > maxShown {
		return string(r[:maxShown]) + "…"
	}
	return s
}

// looksLikeMCPConfig is true for the known MCP config names and for any JSON
// file that mentions a server map at all (parsed to be sure).
func looksLikeMCPConfig(p string, content []byte) bool {
	if isKnownMCPConfig(p) {
		return true
	}
	if !strings.EqualFold(path.Ext(p), ".json") {
		return false
	}
	return bytes.Contains(content, []byte(`"mcpServers"`)) || bytes.Contains(content, []byte(`"servers"`))
}

// lineOf returns the text of a 1-based line.
func lineOf(content []byte, line int) string {
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(content, '\n')
		if j < 0 {
			return ""
		}
		content = content[j+1:]
	}
	if j := bytes.IndexByte(content, '\n'); j >= 0 {
		content = content[:j]
	}
	return strings.TrimSuffix(string(content), "\r")
}
