package review

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ward-sec/ward/checks"
	"github.com/ward-sec/ward/config"
)

// MaxSummary is GitHub's limit for a check run summary, in characters.
const MaxSummary = 65535

// fingerprintMarker hides a finding's fingerprint in a comment so the next
// review can tell which comments still apply.
var fingerprintMarker = regexp.MustCompile(`<!-- ward:fingerprint:([0-9a-f]+) -->`)

var severityIcon = map[checks.Severity]string{
	checks.SeverityCritical: "🔴",
	checks.SeverityHigh:     "🟠",
	checks.SeverityMedium:   "🟡",
	checks.SeverityLow:      "🔵",
	checks.SeverityInfo:     "⚪",
}

// renderCheckRun writes the check run's title and markdown summary: what was
// scanned, what was found, what could not be analysed and why.
func renderCheckRun(pr *PullRequest, cfg config.Config, cfgNote string, res *Result) CheckRunOutput {
	var active, silenced []checks.Finding
	counts := map[checks.Severity]int{}
	for _, f := range res.Findings {
		if f.Suppressed {
			silenced = append(silenced, f)
			continue
		}
		active = append(active, f)
		counts[f.Severity]++
	}
	title := "No findings"
	switch {
	case res.Conclusion == "neutral":
		title = "Nothing to review"
	case len(active) > 0:
		var parts []string
		for s := checks.SeverityCritical; s >= checks.SeverityInfo; s-- {
			if counts[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
			}
		}
		title = fmt.Sprintf("%d finding(s): %s", len(active), strings.Join(parts, ", "))
	}

	var b strings.Builder
	verdict := map[string]string{"success": "passed", "failure": "failed", "neutral": "had nothing to review"}[res.Conclusion]
	fmt.Fprintf(&b, "## ward %s\n\n", verdict)
	gate := fmt.Sprintf("fails on `%s` and above", cfg.FailOn)
	if cfg.FailOn == checks.SeverityNone {
		gate = "is off (`fail_on: none`)"
	}
	fmt.Fprintf(&b, "Reviewed %d changed file(s) at %s. The gate %s (from the base branch's `%s`, or the default).\n\n",
		res.Files, short(pr.HeadSHA), gate, config.Path)
	if cfgNote != "" {
		fmt.Fprintf(&b, "> **Note:** %s\n\n", strings.TrimSpace(cfgNote))
	}

	var notAnalysed []string
	for _, s := range res.Skipped {
		notAnalysed = append(notAnalysed, fmt.Sprintf("- `%s`: %s", s.Path, s.Reason))
	}
	if len(active) > 0 {
		b.WriteString("### Findings\n\n| | Severity | Rule | Location | Finding |\n|---|---|---|---|---|\n")
		for _, f := range active {
			msg := cell(f.Message)
			if note := res.Advisory[f.Fingerprint]; note != "" {
				msg += " <br>_" + cell(note) + "_"
			}
			fmt.Fprintf(&b, "| %s | %s | [`%s`](%s#%s) | `%s` | %s |\n", severityIcon[f.Severity], f.Severity,
				f.RuleID, checks.RulesDocURL, f.RuleID, location(f), msg)
			if f.RuleID == checks.RuleNotAnalysed || checks.IsFailClosed(f.RuleID) {
				notAnalysed = append(notAnalysed, fmt.Sprintf("- `%s`: %s", f.Path, oneLine(f.Message)))
			}
		}
		b.WriteString("\n")
	}
	if len(notAnalysed) > 0 {
		b.WriteString("### Not analysed\n\n" + strings.Join(notAnalysed, "\n") + "\n\n")
	}
	if len(silenced) > 0 {
		b.WriteString("### Ignored, with reasons\n\n| Rule | Location | Reason |\n|---|---|---|\n")
		for _, f := range silenced {
			fmt.Fprintf(&b, "| `%s` | `%s` | %s |\n", f.RuleID, location(f), cell(f.SuppressedBy))
		}
		b.WriteString("\n")
	}
	if len(res.Exceptions) > 0 {
		b.WriteString("### Exceptions that do not apply\n\n")
		for _, n := range res.Exceptions {
			b.WriteString("- " + n + "\n")
		}
		b.WriteString("\n")
	}
	b.WriteString(renderCoverage(res))
	switch {
	case pr.MergeGroup:
		b.WriteString("This is a merge queue group: the combined change of the queued pull requests, checked against its base.")
	default:
		for _, d := range res.DataSources {
			fmt.Fprintf(&b, "<sub>Data: %s</sub>\n\n", d)
		}
		fmt.Fprintf(&b, "Inline comments: %d new, %d kept", res.Posted, res.Kept)
		if res.Held > 0 {
			fmt.Fprintf(&b, ", %d held until the pull request is ready for review", res.Held)
		}
		if res.Removed > 0 {
			fmt.Fprintf(&b, "; %d fixed since the last push", res.Removed)
		}
		b.WriteString(".")
		if res.Overflow > 0 {
			fmt.Fprintf(&b, " %d more finding(s) are over the limit of inline comments a review and are listed in the findings table only.", res.Overflow)
		}
	}
	b.WriteString(" Comment `/rescan` to review again, `/help` for commands.\n")
	return CheckRunOutput{Title: title, Summary: truncate(b.String(), MaxSummary)}
}

// truncate cuts s at a line break so that it is under max characters AND
// max bytes (GitHub checks both), and says so.
func truncate(s string, max int) string {
	if len(s) <= max { // bytes ≥ runes: under in bytes is under in both
		return s
	}
	const note = "\n\n… the summary was cut here: it is over GitHub's 65,535-character limit. " +
		"Run `ward scan` locally or see the annotations for the rest.\n"
	limit := max - len(note)
	if limit < 0 {
		limit = 0
	}
	cut := s[:limit]
	for len(cut) > 0 && !utf8.ValidString(cut[len(cut)-min(len(cut), 3):]) {
		cut = cut[:len(cut)-1] // do not split a multi-byte character
	}
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	return cut + note
}

// annotations turns unsuppressed findings into check run annotations.
// Whole-file findings are annotated on line 1.
func annotations(fs []checks.Finding) []Annotation {
	var out []Annotation
	for _, f := range fs {
		if f.Suppressed {
			continue
		}
		start, end := f.StartLine, f.EndLine
		if start == 0 {
			start, end = 1, 1
		}
		if end < start {
			end = start
		}
		level := "notice"
		switch {
		case f.Severity >= checks.SeverityHigh:
			level = "failure"
		case f.Severity == checks.SeverityMedium:
			level = "warning"
		}
		title := f.RuleID
		if r, ok := checks.LookupRule(f.RuleID); ok {
			title = fmt.Sprintf("%s (%s)", r.Title, f.RuleID)
		}
		out = append(out, Annotation{Path: f.Path, StartLine: start, EndLine: end, Level: level,
			Title: truncate(title, 255), Message: truncate(f.Message, 64000)})
	}
	return out
}

// CommentBody renders one finding as an inline review comment that teaches
// the fix, carrying a suggestion where the fix is mechanical.
func CommentBody(f checks.Finding, withSuggestion bool) string {
	return commentBody(f, withSuggestion, nil)
}

// commentBody is CommentBody for a comment that also stands for further
// findings of the same rule in the same file, listed by line.
func commentBody(f checks.Finding, withSuggestion bool, also []checks.Finding) string {
	var b strings.Builder
	r, _ := checks.LookupRule(f.RuleID)
	if r.Title == "" {
		r.Title = f.RuleID
	}
	fmt.Fprintf(&b, "%s **%s · %s** ([`%s`](%s#%s))\n\n%s\n", severityIcon[f.Severity], strings.ToUpper(f.Severity.String()),
		r.Title, f.RuleID, checks.RulesDocURL, f.RuleID, f.Message)
	if r.Why != "" {
		fmt.Fprintf(&b, "\n**Why it matters:** %s\n", r.Why)
	}
	fix := f.Fix
	if fix == "" {
		fix = r.Fix
	}
	if fix != "" {
		fmt.Fprintf(&b, "\n**How to fix:** %s\n", fix)
	}
	if withSuggestion && f.Suggestion != nil {
		fmt.Fprintf(&b, "\n```suggestion\n%s\n```\n", strings.TrimSuffix(f.Suggestion.Replacement, "\n"))
	} else if r.FixExample != "" {
		fmt.Fprintf(&b, "\n<details><summary>Example</summary>\n\n```\n%s\n```\n</details>\n", r.FixExample)
	}
	if len(also) > 0 {
		lines := make([]string, len(also))
		for i, a := range also {
			lines[i] = strings.TrimPrefix(location(a), a.Path+":")
		}
		fmt.Fprintf(&b, "\n**The same problem on %d more line(s) of this file:** %s. "+
			"They share this comment; the check run lists each one.\n", len(also), strings.Join(lines, ", "))
	}
	fmt.Fprintf(&b, "\n<sub>If this does not apply, a maintainer can reply `/ignore %s %s -- <reason>`.</sub>\n", f.RuleID, f.Path)
	fmt.Fprintf(&b, "<!-- ward:fingerprint:%s -->", f.Fingerprint)
	return b.String()
}

// CommentFingerprint extracts the fingerprint ward hid in a comment.
func CommentFingerprint(body string) (string, bool) {
	m := fingerprintMarker.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return m[1], true
}

func location(f checks.Finding) string {
	switch {
	case f.StartLine > 0 && f.EndLine > f.StartLine:
		return fmt.Sprintf("%s:%d-%d", f.Path, f.StartLine, f.EndLine)
	case f.StartLine > 0:
		return fmt.Sprintf("%s:%d", f.Path, f.StartLine)
	case f.Offset > 0:
		return fmt.Sprintf("%s@%d", f.Path, f.Offset)
	}
	return f.Path
}

// cell makes text safe inside a markdown table cell.
func cell(s string) string {
	s = oneLine(s)
	s = strings.ReplaceAll(s, "|", "\\|")
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func hashBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:12])
}
