package review

import (
	"bufio"
	"bytes"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// inlineIgnore matches "ward:ignore RULE reason" in a comment of any language.
var inlineIgnore = regexp.MustCompile(`ward:ignore\s+([A-Za-z0-9_.\-*]+)[ \t]*(.*)$`)

// InlineSuppression is one `ward:ignore RULE reason` comment.
type InlineSuppression struct {
	Line   int
	Rule   string
	Reason string
	// Standalone is true when the comment is alone on its line: it then
	// covers the next line. A trailing comment covers only its own line.
	Standalone bool
}

// ParseInlineSuppressions finds ward:ignore comments in text content.
func ParseInlineSuppressions(content []byte) []InlineSuppression {
	var out []InlineSuppression
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		text := sc.Text()
		loc := inlineIgnore.FindStringSubmatchIndex(text)
		if loc == nil {
			continue
		}
		m := inlineIgnore.FindStringSubmatch(text)
		reason := strings.TrimSpace(strings.TrimRight(strings.TrimSpace(m[2]), "*/->#"))
		before := strings.Trim(text[:loc[0]], " \t#/*-<!;%")
		out = append(out, InlineSuppression{Line: n, Rule: m[1], Reason: reason, Standalone: before == ""})
	}
	return out
}

// ApplyInline marks findings silenced by a ward:ignore comment on their first
// line or the line above. A comment without a reason silences nothing and is
// reported itself, so a suppression is always a judgement someone wrote down.
func ApplyInline(path string, content []byte, fs []checks.Finding) []checks.Finding {
	sups := ParseInlineSuppressions(content)
	if len(sups) == 0 {
		return fs
	}
	for _, s := range sups {
		if s.Reason == "" {
			fs = append(fs, checks.Finding{
				RuleID: checks.RuleBadSuppression, Severity: checks.SeverityLow, Path: path,
				StartLine: s.Line, EndLine: s.Line,
				Message:  "`ward:ignore " + s.Rule + "` has no reason, so it silences nothing. Write why the finding does not apply.",
				Evidence: "ward:ignore " + s.Rule,
			})
			continue
		}
		for i := range fs {
			f := &fs[i]
			if f.Suppressed || f.Path != path || f.StartLine == 0 {
				continue
			}
			if (s.Rule == f.RuleID || s.Rule == "*") && (s.Line == f.StartLine || s.Standalone && s.Line == f.StartLine-1) {
				f.Suppressed, f.SuppressedBy = true, "inline: "+s.Reason
			}
		}
	}
	checks.Fingerprint(fs)
	return fs
}
