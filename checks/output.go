package checks

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report"
	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

// RulesDocURL is where each rule's documentation lives; "#<rule id>" is appended.
const RulesDocURL = "https://github.com/ward-sec/ward/blob/main/docs/rules.md"

// Report is one run's findings plus what is needed to render them.
type Report struct {
	Tool     string    `json:"tool"`
	Version  string    `json:"version"`
	FailOn   Severity  `json:"fail_on"`
	Files    int       `json:"files"`
	Bytes    int64     `json:"bytes"`
	Findings []Finding `json:"findings"`
	// Excerpt, when set, gives the text output the finding's lines (already
	// masked), numbered from the finding's StartLine.
	Excerpt func(f Finding) []string `json:"-"`
}

// Failing returns the unsuppressed findings at or above the threshold.
func (r Report) Failing() []Finding { return Failing(r.Findings, r.FailOn) }

// Failing returns the unsuppressed findings of fs at or above failOn: the
// verdict, the same for `ward scan`'s exit code and the review's check run.
func Failing(fs []Finding, failOn Severity) []Finding {
	var out []Finding
	for _, f := range fs {
		if !f.Suppressed && f.Severity >= failOn {
			out = append(out, f)
		}
	}
	return out
}

// WriteText writes a human-readable report.
func WriteText(w io.Writer, r Report) error {
	ew := &errWriter{w: w}
	shown := 0
	for _, f := range r.Findings {
		if f.Suppressed {
			continue
		}
		shown++
		loc := f.Path
		if f.StartLine > 0 {
			loc = fmt.Sprintf("%s:%d", f.Path, f.StartLine)
		} else if f.Offset > 0 {
			loc = fmt.Sprintf("%s@%d", f.Path, f.Offset)
		}
		title := f.RuleID
		if rule, ok := LookupRule(f.RuleID); ok {
			title = rule.Title + " [" + f.RuleID + "]"
		}
		ew.printf("%s: %s: %s\n", loc, strings.ToUpper(f.Severity.String()), title)
		if r.Excerpt != nil && f.StartLine > 0 {
			for i, line := range r.Excerpt(f) {
				ew.printf("  %5d | %s\n", f.StartLine+i, line)
			}
		}
		ew.printf("    %s\n", indent(f.Message, "    "))
		if fix := fixText(f); fix != "" {
			ew.printf("    fix: %s\n", indent(fix, "    "))
		}
		ew.printf("    docs: %s#%s\n", RulesDocURL, f.RuleID)
	}
	suppressed := len(r.Findings) - shown
	failing := len(r.Failing())
	ew.printf("\n%d file(s), %d finding(s)", r.Files, shown)
	if suppressed > 0 {
		ew.printf(", %d suppressed", suppressed)
	}
	if r.FailOn == SeverityNone {
		ew.printf("; the gate is off (fail on none)\n")
	} else {
		ew.printf("; %d at or above %s\n", failing, r.FailOn)
	}
	return ew.err
}

// WriteJSON writes the report as one JSON document.
func WriteJSON(w io.Writer, r Report) error {
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteSARIF writes a SARIF 2.1.0 log with one run, as GitHub code scanning
// reads it: rule metadata, levels, severity property, fingerprints, and
// suppressions for suppressed findings.
func WriteSARIF(w io.Writer, r Report) error {
	rep := report.NewV210Report()
	run := sarif.NewRunWithInformationURI(r.Tool, "https://github.com/ward-sec/ward")
	run.Tool.Driver.WithVersion(r.Version)
	for _, f := range r.Findings {
		rule, ok := LookupRule(f.RuleID)
		if !ok {
			rule = Rule{ID: f.RuleID, Title: f.RuleID, Severity: f.Severity}
		}
		if run.GetRuleIndex(rule.ID) < 0 {
			props := sarif.NewPropertyBag()
			props.Add("security-severity", securityScore(rule.Severity))
			props.Add("severity", rule.Severity.String())
			props.Add("tags", append([]string{"security", rule.Family}, rule.References...))
			run.AddRule(rule.ID).
				WithName(ruleName(rule.ID)).
				WithShortDescription(sarif.NewMultiformatMessageString().WithText(rule.Title)).
				WithFullDescription(sarif.NewMultiformatMessageString().WithText(rule.Why)).
				WithHelpURI(RulesDocURL + "#" + rule.ID).
				WithHelp(sarif.NewMultiformatMessageString().
					WithText(rule.Fix).
					WithMarkdown(RuleMarkdownHelp(rule))).
				WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(rule.Severity.SARIFLevel())).
				WithProperties(props)
		}
		msg := f.Message
		if fix := fixText(f); fix != "" {
			msg += "\nFix: " + fix
		}
		loc := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(f.Path))
		if f.StartLine > 0 {
			end := f.EndLine
			if end < f.StartLine {
				end = f.StartLine
			}
			loc.WithRegion(sarif.NewRegion().WithStartLine(f.StartLine).WithEndLine(end))
		} else {
			// A whole-file finding: code scanning places an alert only where
			// a region has a startLine, so it points at the file's top (and
			// at the byte offset a binary finding names).
			reg := sarif.NewRegion().WithStartLine(1)
			if f.Offset > 0 {
				reg.WithByteOffset(int(f.Offset))
			}
			loc.WithRegion(reg)
		}
		props := sarif.NewPropertyBag()
		props.Add("severity", f.Severity.String())
		res := run.CreateResultForRule(f.RuleID).
			WithLevel(f.Severity.SARIFLevel()).
			WithMessage(sarif.NewTextMessage(msg)).
			AddLocation(sarif.NewLocationWithPhysicalLocation(loc)).
			WithPartialFingerprints(map[string]string{"wardFingerprint/v1": f.Fingerprint}).
			WithProperties(props)
		if f.Suppressed {
			res.AddSuppression(sarif.NewSuppression().WithKind("external").WithJustification(f.SuppressedBy))
		}
	}
	rep.AddRun(run)
	return rep.PrettyWrite(w)
}

// RuleMarkdownHelp renders a rule's documentation as markdown.
func RuleMarkdownHelp(r Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s** (%s)\n\n%s\n\n**How to fix:** %s\n", r.Title, r.Severity, r.Why, r.Fix)
	if r.FixExample != "" {
		fmt.Fprintf(&b, "\n```\n%s\n```\n", r.FixExample)
	}
	if len(r.References) > 0 {
		fmt.Fprintf(&b, "\nReferences: %s\n", strings.Join(r.References, ", "))
	}
	return b.String()
}

func fixText(f Finding) string {
	if f.Fix != "" {
		return f.Fix
	}
	if rule, ok := LookupRule(f.RuleID); ok {
		return rule.Fix
	}
	return ""
}

// securityScore maps severities onto GitHub code scanning's 0–10 scale.
func securityScore(s Severity) string {
	switch s {
	case SeverityCritical:
		return "9.5"
	case SeverityHigh:
		return "8.0"
	case SeverityMedium:
		return "5.5"
	case SeverityLow:
		return "3.0"
	default:
		return "0.0"
	}
}

// ruleName turns "code-torch-load-unsafe" into "CodeTorchLoadUnsafe", as SARIF
// rule names are conventionally written.
func ruleName(id string) string {
	var b strings.Builder
	for _, p := range strings.FieldsFunc(id, func(r rune) bool { return r == '-' || r == '.' || r == '_' }) {
		b.WriteString(strings.ToUpper(p[:1]) + p[1:])
	}
	return b.String()
}

func indent(s, pad string) string { return strings.ReplaceAll(s, "\n", "\n"+pad) }

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

// WriteMarkdown writes a short report for a CI job summary (GitHub's
// $GITHUB_STEP_SUMMARY): the verdict, then a table of the findings.
func WriteMarkdown(w io.Writer, r Report) error {
	ew := &errWriter{w: w}
	var shown []Finding
	for _, f := range r.Findings {
		if !f.Suppressed {
			shown = append(shown, f)
		}
	}
	failing := len(r.Failing())
	verdict := "✅ passed"
	if failing > 0 {
		verdict = fmt.Sprintf("❌ failed: %d finding(s) at or above %s", failing, r.FailOn)
	}
	ew.printf("## ward: %s\n\n%d file(s) scanned, %d finding(s)", verdict, r.Files, len(shown))
	if n := len(r.Findings) - len(shown); n > 0 {
		ew.printf(", %d suppressed", n)
	}
	ew.printf(".\n")
	if len(shown) == 0 {
		return ew.err
	}
	ew.printf("\n| Severity | Rule | Location | Finding |\n|---|---|---|---|\n")
	const maxRows = 200 // a job summary holds at most 1 MiB
	for i, f := range shown {
		if i == maxRows {
			ew.printf("\n%d more finding(s) are in the SARIF and JSON output.\n", len(shown)-maxRows)
			break
		}
		loc := f.Path
		if f.StartLine > 0 {
			loc = fmt.Sprintf("%s:%d", f.Path, f.StartLine)
		}
		ew.printf("| %s | [`%s`](%s#%s) | `%s` | %s |\n", f.Severity, f.RuleID, RulesDocURL, f.RuleID,
			strings.ReplaceAll(loc, "`", "'"), markdownCell(f.Message))
	}
	return ew.err
}

// markdownCell keeps a message on one table row: no pipes or line breaks.
func markdownCell(s string) string {
	s = strings.ReplaceAll(s, "|", "\\|")
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", "<br>")
}
