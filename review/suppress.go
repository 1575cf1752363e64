package review

import "github.com/ward-sec/ward/checks"

// ApplyInline applies the `ward:ignore RULE reason` comments of a file's
// content to its findings (checks.ApplyInlineSuppressions); the review and
// `ward scan` run it on every text file with findings.
func ApplyInline(path string, content []byte, fs []checks.Finding) []checks.Finding {
	return checks.ApplyInlineSuppressions(path, content, fs)
}
