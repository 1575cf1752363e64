package checks

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// Suppression is one inline `ward:ignore RULE reason` comment. The review
// layer, `ward scan` and the source rules all read them through this file.
type Suppression struct {
	Line   int    // 1-based line of the comment
	RuleID string // the rule it silences ("*" for every rule)
	Reason string // empty when the author gave none
	// Standalone is true when the comment is alone on its line: it then
	// also covers the next line. A trailing comment covers its own line.
	Standalone bool
}

// The rule is optional in the pattern so that a bare `ward:ignore` is seen,
// and reported, rather than skipped as if it were not there.
var ignoreRe = regexp.MustCompile(`ward:ignore(?:\s+([A-Za-z0-9*][A-Za-z0-9_.,*-]*))?[ \t]*(.*)$`)

// InlineSuppressions finds `ward:ignore RULE reason` in a comment of any
// language (#, //, /* */, <!-- -->, --, JSX {/* */}). One comment may name
// several rules separated by commas.
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
		// Alone on its line (only comment markers before it): it covers the next line too.
		standalone := strings.Trim(text[:loc[0]], " \t#/*-<!;%{") == ""
		reason := strings.TrimSpace(m[2])
		for _, end := range []string{"-->", "*/}", "*/"} { // closing comment markers
			reason = strings.TrimSpace(strings.TrimSuffix(reason, end))
		}
		reason = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(reason, "--"), ":"))
		if m[1] == "" {
			// A bare `ward:ignore` names no rule: it silences nothing, and is
			// reported. Followed by other text (prose about ward:ignore,
			// say), it is not a suppression at all.
			if reason == "" {
				out = append(out, Suppression{Line: line, Standalone: standalone})
			}
			continue
		}
		for _, id := range strings.Split(m[1], ",") {
			if id = strings.TrimSpace(id); id != "" {
				out = append(out, Suppression{Line: line, RuleID: id, Reason: reason, Standalone: standalone})
			}
		}
	}
	return out
}

// ApplyInlineSuppressions marks findings silenced by an inline comment in
// content (MarkSuppressed), adds a low finding for every suppression without
// a reason — such a suppression silences nothing: a reason is what makes it
// reviewable — and fingerprints the additions.
func ApplyInlineSuppressions(path string, content []byte, findings []Finding) []Finding {
	sups := InlineSuppressions(content)
	if len(sups) == 0 {
		return findings
	}
	MarkSuppressed(sups, findings)
	var extra []Finding
	for _, s := range sups {
		if s.RuleID == "" {
			extra = append(extra, Finding{
				RuleID: RuleBadSuppression, Severity: SeverityLow, Path: path,
				StartLine: s.Line, EndLine: s.Line,
				Message: "`ward:ignore` names no rule and gives no reason, so it silences nothing. Write " +
					"`ward:ignore RULE reason`: the rule it silences and why it does not apply here.",
				Evidence: "ward:ignore",
			})
			continue
		}
		if s.Reason == "" {
			extra = append(extra, Finding{
				RuleID: RuleBadSuppression, Severity: SeverityLow, Path: path,
				StartLine: s.Line, EndLine: s.Line,
				Message: fmt.Sprintf("`ward:ignore %s` has no reason, so it is not honoured. Say why the finding "+
					"does not apply (for example, where the file comes from).", s.RuleID),
				Evidence: "ward:ignore " + s.RuleID,
			})
		}
	}
	findings = append(findings, extra...)
	Fingerprint(findings)
	return findings
}

// MarkSuppressed sets Suppressed and SuppressedBy ("inline: <reason>") on
// findings silenced by a suppression with a reason: on the finding's first
// line, or alone on the line above it. Checks may call it on their own
// findings; ApplyInlineSuppressions, which the review and `ward scan` run on
// every file, also reports reasonless ones, so they are not reported twice.
func MarkSuppressed(sups []Suppression, findings []Finding) {
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
