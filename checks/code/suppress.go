package code

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Suppression is one inline `ward:ignore RULE reason` comment.
type Suppression struct {
	Line   int    // 1-based line of the comment
	RuleID string // the rule it silences ("*" for every rule)
	Reason string // empty when the author gave none
	// Standalone is true when the comment is alone on its line: it then
	// also covers the next line. A trailing comment covers its own line.
	Standalone bool
}

var ignoreRe = regexp.MustCompile(`(?:#|//)\s*ward:ignore\s+([A-Za-z0-9_.,*-]+)\s*(.*)$`)

// InlineSuppressions finds `# ward:ignore RULE reason` and
// `// ward:ignore RULE reason` comments. One comment may name several rules
// separated by commas. The review layer can use it on any text file.
func InlineSuppressions(content []byte) []Suppression {
	if !bytes.Contains(content, []byte("ward:ignore")) {
		return nil
	}
	var out []Suppression
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 64*1024), len(content)+1)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		loc := ignoreRe.FindStringSubmatchIndex(text)
		if loc == nil {
			continue
		}
		m := ignoreRe.FindStringSubmatch(text)
		standalone := strings.TrimSpace(text[:loc[0]]) == "" || strings.TrimSpace(text[:loc[0]]) == "{/*"
		reason := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m[2]), "*/"))
		reason = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(reason, "--"), ":"))
		for _, id := range strings.Split(m[1], ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, Suppression{Line: line, RuleID: id, Reason: reason, Standalone: standalone})
			}
		}
	}
	return out
}

// ApplyInlineSuppressions marks findings silenced by an inline comment
// (MarkSuppressed) and returns a low finding for every suppression without
// a reason. Such a suppression silences nothing: a reason is what makes a
// suppression reviewable.
func ApplyInlineSuppressions(path string, sups []Suppression, findings []checks.Finding) []checks.Finding {
	MarkSuppressed(sups, findings)
	var extra []checks.Finding
	for _, s := range sups {
		if s.Reason == "" {
			extra = append(extra, checks.Finding{
				RuleID: checks.RuleBadSuppression, Severity: checks.SeverityLow, Path: path,
				StartLine: s.Line, EndLine: s.Line,
				Message: fmt.Sprintf("`ward:ignore %s` has no reason, so it is not honoured. Say why the finding "+
					"does not apply (for example, where the file comes from).", s.RuleID),
				Evidence: "ward:ignore " + s.RuleID,
			})
		}
	}
	return append(findings, extra...)
}

// MarkSuppressed sets Suppressed and SuppressedBy ("inline: <reason>") on
// findings silenced by a suppression with a reason: on the finding's first
// line, or alone on the line above it. The same semantics as the review
// layer's review.ApplyInline, which also reports reasonless suppressions
// for every file (so Scan only marks, and does not report them twice).
func MarkSuppressed(sups []Suppression, findings []checks.Finding) {
	for i := range findings {
		f := &findings[i]
		if f.Suppressed || f.StartLine == 0 {
			continue
		}
		for _, s := range sups {
			if s.Reason == "" || (s.RuleID != f.RuleID && s.RuleID != "*") {
				continue
			}
			if s.Line == f.StartLine || s.Standalone && s.Line == f.StartLine-1 {
				f.Suppressed = true
				f.SuppressedBy = "inline: " + s.Reason
				break
			}
		}
	}
}
