package review

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// inlineSuppressionPrefix marks findings silenced by a `ward:ignore` comment
// in the reviewed content (see checks.ApplyInlineSuppressions).
const inlineSuppressionPrefix = "inline: "

// distrustForkSuppressions re-enables findings that a `ward:ignore` comment
// in a fork's own content silenced: nothing from a fork is trusted, or an
// outside contributor could wave their own payload through. It returns how
// many it re-enabled, for the summary.
func distrustForkSuppressions(pr *PullRequest, fs []checks.Finding) int {
	if !pr.Fork {
		return 0
	}
	n := 0
	for i := range fs {
		if fs[i].Suppressed && strings.HasPrefix(fs[i].SuppressedBy, inlineSuppressionPrefix) {
			fs[i].Suppressed, fs[i].SuppressedBy = false, ""
			n++
		}
	}
	return n
}

// forkNote explains the re-enabled findings in the summary's note.
func forkNote(n int) string {
	if n == 0 {
		return ""
	}
	return "This pull request comes from a fork: `ward:ignore` comments in its own changes are not trusted, " +
		"so they silenced nothing here (a maintainer can `/ignore RULE [PATH] -- REASON`). "
}
