package review

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// subprojectLine is how git writes a submodule link (mode 160000) in a
// patch: the pinned commit, not file content. GitHub's files API gives no
// mode, and its blob API has no blob for the pinned commit.
var subprojectLine = regexp.MustCompile(`(?m)^([+-])Subproject commit ([0-9a-f]{40})(-dirty)?$`)

// submodulePin recognises a submodule link among a PR's changed files and
// reports the new pin (supplychain-submodule-pin): ward cannot review the
// pinned code, and a one-line change can bring in any amount of it.
func submodulePin(c ChangedFile) (checks.Finding, bool) {
	ms := subprojectLine.FindAllStringSubmatch(c.Patch, -1)
	if len(ms) == 0 || len(ms) > 2 || !onlySubprojectLines(c.Patch) {
		return checks.Finding{}, false
	}
	var old, cur string
	for _, m := range ms {
		if m[1] == "+" {
			cur = m[2]
		} else {
			old = m[2]
		}
	}
	if cur == "" || c.BlobSHA != "" && c.BlobSHA != cur {
		return checks.Finding{}, false // removed, or a text file that only reads like a link
	}
	msg := fmt.Sprintf("Submodule `%s` added, pinned at %s: the code at that commit of another repository was not reviewed by ward.", c.Path, cur[:12])
	if old != "" {
		msg = fmt.Sprintf("Submodule `%s` moved from %s to %s: what changed in the other repository between the two commits was not reviewed by ward.", c.Path, old[:12], cur[:12])
	}
	f := checks.Finding{RuleID: checks.RuleSubmodulePin, Severity: checks.SeverityHigh, Path: c.Path,
		Message: msg, Evidence: "Subproject commit " + cur}
	return checks.Finish([]checks.Finding{f})[0], true
}

// onlySubprojectLines reports whether every changed line of the patch is a
// "Subproject commit" line (a file that merely mentions one is not a link).
func onlySubprojectLines(patch string) bool {
	n := 0
	for _, line := range strings.Split(patch, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" || line[0] == '@' || line[0] == '\\' {
			continue
		}
		if !subprojectLine.MatchString(line) {
			return false
		}
		n++
	}
	return n > 0
}
