package secrets

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// maxScanBytes bounds the text scanned per file. Secrets live in source,
// config and notebooks, all far below it; the rest of a bigger file is
// reported as not scanned.
var maxScanBytes int64 = 16 << 20

// New returns the secrets check.
func New() checks.Check { return Check{} }

// Masker returns the masker every finding passes through
// (checks.SetMasker): gitleaks rules plus credential-looking assignments.
func Masker() checks.Masker { return textMasker{} }

// Check reports secrets in text files, notebooks (cell sources and outputs),
// JSON string values and committed .env files.
type Check struct{}

// Name implements checks.Check.
func (Check) Name() string { return "secrets" }

// Version implements checks.Versioned: bump it when this check may report
// something different for the same bytes, so cached results are redone.
func (Check) Version() string { return "1" }

// Rules implements checks.Check.
func (Check) Rules() []checks.Rule { return rules() }

// Scan implements checks.Check.
func (c Check) Scan(ctx context.Context, f *checks.File) (checks.Result, error) {
	d, err := Default()
	if err != nil {
		return checks.Result{}, err
	}
	var out []checks.Finding
	if isEnvFile(f.Path) {
		out = append(out, envFileFinding(f.Path))
	}
	if f.Binary {
		// Only gitleaks' path rules (PKCS#12 key stores) apply to binaries.
		for _, m := range d.Find(ctx, f.Path, "") {
			out = append(out, secretFinding(m, 0))
		}
		return checks.Result{Findings: out, Analysed: len(out) > 0}, nil
	}
	content, truncated, err := readPrefix(f, maxScanBytes)
	if err != nil {
		return checks.Result{}, fmt.Errorf("read %s: %w", f.Path, err)
	}
	found, incomplete := FindInFile(ctx, d, f.Path, content)
	if err := ctx.Err(); err != nil {
		return checks.Result{}, err
	}
	for _, m := range found {
		out = append(out, secretFinding(m, m.Line))
	}
	if truncated {
		incomplete = fmt.Sprintf("only the first %d MB of this %d-byte file were scanned (size limit)", maxScanBytes>>20, f.Size)
	}
	if incomplete != "" {
		out = append(out, checks.Finding{
			RuleID: RuleScanIncomplete, Severity: checks.SeverityMedium,
			Message: "This file was not fully scanned for secrets: " + incomplete + ". A key in the " +
				"unscanned part would not be reported.",
			Evidence: incomplete,
		})
	}
	return checks.Result{Findings: out}, nil
}

// FindInFile finds the secrets in one file's content, with lines of that
// content. Notebooks and JSON files are also read as JSON so that escaped
// strings and notebook outputs are decoded; incomplete says why a notebook
// could only be read as plain text.
func FindInFile(ctx context.Context, d *Detector, filePath string, content []byte) (found []Match, incomplete string) {
	ext := strings.ToLower(path.Ext(filePath))
	if ext != ".ipynb" && ext != ".json" {
		return d.Find(ctx, filePath, string(content)), ""
	}
	doc, err := walkJSON(ctx, content)
	if err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) && ext == ".ipynb" {
		// Plain JSON files are often JSONC (comments), which the text scan
		// covers; a notebook that is not JSON is worth a note.
		incomplete = "the notebook is not valid JSON (" + err.Error() + "), so its cells were only scanned as plain text"
	}
	// The plain-text pass skips what the JSON pass skips: embedded images are
	// most of a notebook's bytes, and a megabyte-long base64 line holds by
	// chance the keyword of nearly every rule.
	found = d.Find(ctx, filePath, without(content, doc.Skipped))
	seen := map[string]bool{}
	for _, m := range found {
		seen[dedupeKey(m)] = true
	}
	for _, m := range d.Find(ctx, filePath, doc.Text) {
		m.Line, m.EndLine = doc.Line(m.Line), doc.Line(m.EndLine)
		if m.Line == 0 {
			continue
		}
		if m.EndLine < m.Line {
			m.EndLine = m.Line
		}
		if k := dedupeKey(m); !seen[k] {
			seen[k] = true
			found = append(found, m)
		}
	}
	return dedupe(found), incomplete
}

func dedupeKey(m Match) string { return fmt.Sprintf("%d\x00%s", m.Line, m.Secret) }

// secretFinding turns a match into a finding; the secret appears only masked.
func secretFinding(m Match, line int) checks.Finding {
	p := providerFor(m.GitleaksRule)
	masked := Mask(m.Secret)
	msg := fmt.Sprintf("%s `%s` is committed in plain text. Anyone who can read this repository, "+
		"a fork or a clone of it — and scrapers that watch public pushes — can use it until it is revoked; "+
		"deleting it in a later commit does not remove it from the history.", p.Name, masked)
	if m.GitleaksRule == "generic-api-key" {
		msg = fmt.Sprintf("A high-entropy value `%s` is assigned to a name that suggests a credential. "+
			"If it is one, it is readable by everyone with access to the repository and its history.", masked)
	}
	sev := severityFor(m.GitleaksRule)
	if m.Doubt != "" {
		sev = checks.SeverityLow
		msg = fmt.Sprintf("`%s` has the shape of a %s, but %s.", masked, p.Name, m.Doubt)
	}
	end := m.EndLine
	if line == 0 {
		end = 0
	} else if end < line {
		end = line
	}
	return checks.Finding{
		RuleID:    p.Rule,
		Severity:  sev,
		StartLine: line,
		EndLine:   end,
		Message:   msg,
		Evidence:  m.GitleaksRule + " " + masked,
		Fix:       p.Revoke + ". " + historyFix,
	}
}

// readPrefix reads at most max bytes of the head content.
func readPrefix(f *checks.File, max int64) ([]byte, bool, error) {
	if f.Size <= max {
		b, err := f.ReadAll(max)
		return b, false, err
	}
	buf := make([]byte, max)
	n, err := f.Content.ReadAt(buf, 0)
	if int64(n) < max && err != nil {
		return nil, false, err
	}
	return buf[:n], true, nil
}
