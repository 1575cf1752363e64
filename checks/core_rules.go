package checks

import "strings"

// Rule IDs that the framework itself reports.
const (
	RuleNotAnalysed    = "file-not-analysed"
	RuleCheckFailed    = "file-check-failed"
	RuleBadSuppression = "suppression-without-reason"
	// RuleNotRead: the file's bytes could not be read (GitHub failed to
	// serve them, a ranged read broke off): nothing in it was reviewed.
	RuleNotRead = "file-not-read"
	// RuleSubmodulePin: a submodule link (git mode 160000) was added or
	// moved to another commit; ward does not review the pinned code.
	RuleSubmodulePin = "supplychain-submodule-pin"
)

// FailClosedSeverity is the severity a "could not be read or fully
// analysed" finding gets at least (invariant 8): a file nobody reviewed must
// not pass a gate that fails on high. A repository's ward.yml may lower it
// (`fail_closed:`), and the check run then says so.
const FailClosedSeverity = SeverityHigh

// IsFailClosed reports whether a rule says "ward did not finish reviewing
// this content": a file it could not read (file-not-read), a check that
// errored or ran out of time (file-check-failed), and a bound that was hit
// (every family's *-not-fully-analysed). A binary in a format no check
// knows (file-not-analysed, medium) is not one of them: ward read it and
// says what it is; images and fonts are such files.
func IsFailClosed(ruleID string) bool {
	switch ruleID {
	case RuleCheckFailed, RuleNotRead:
		return true
	}
	return strings.HasSuffix(ruleID, "-not-fully-analysed")
}

var coreRules = []Rule{
	{
		ID:       RuleNotAnalysed,
		Title:    "File could not be analysed",
		Severity: SeverityMedium,
		Family:   "ward",
		Why: "The file is binary or over a size limit and no ward check understands its format, so " +
			"nobody — neither ward nor a human reading the diff — has reviewed what it contains.",
		Fix: "Replace the opaque file with a reviewable source (code, a text format, or a model in " +
			"safetensors), or add it to `paths.ignore` in the base branch's `.github/ward.yml` with a " +
			"comment saying where it comes from.",
		FixExample: "# .github/ward.yml\npaths:\n  ignore:\n    - \"assets/fonts/**\"   # vendored fonts, checked by hash in CI",
		References: []string{"CWE-1104"},
	},
	{
		ID:       RuleCheckFailed,
		Title:    "A check failed on this file",
		Severity: SeverityHigh,
		Family:   "ward",
		Why: "ward could not finish analysing the file (an internal error or a time limit). The file " +
			"may contain something ward would otherwise report.",
		Fix:        "Re-run ward with `/rescan`. If it keeps failing, report the file to the ward maintainers.",
		FixExample: "/rescan",
		References: []string{"CWE-754"},
	},
	{
		ID:       RuleBadSuppression,
		Title:    "Suppression comment without a reason",
		Severity: SeverityLow,
		Family:   "ward",
		Why: "A `ward:ignore` comment silences a security finding. Without a reason, the next reader " +
			"cannot tell whether it was a judged false positive or a way to get the check green.",
		Fix:        "Add the reason after the rule ID.",
		FixExample: "data = torch.load(path)  # ward:ignore code-torch-load-unsafe file is produced by our own trainer in this job",
		References: []string{"CWE-1078"},
	},
	{
		ID:       RuleNotRead,
		Title:    "File could not be read",
		Severity: SeverityHigh,
		Family:   "ward",
		Why: "ward could not read all of the file's bytes (GitHub did not serve the blob, or a read broke " +
			"off), so its content was not reviewed. A file nobody reviewed fails closed: it could hold anything.",
		Fix:        "Re-run ward with `/rescan` once GitHub serves the file again. If one file keeps failing, check that it is a regular file under GitHub's 100 MB blob limit (larger files belong in Git LFS).",
		FixExample: "/rescan",
		References: []string{"CWE-636"},
	},
	{
		ID:       RuleSubmodulePin,
		Title:    "Submodule added or moved to another commit",
		Severity: SeverityHigh,
		Family:   "supplychain",
		Why: "A submodule link pins a commit of another repository. Its code is checked out with this " +
			"repository (`git clone --recursive`, `actions/checkout` with `submodules: true`) and can run in " +
			"builds and on developers' machines, but neither ward nor the diff shows what changed in it: " +
			"one line here can bring in any amount of unreviewed code.",
		Fix: "Review the pinned repository's changes between the old and the new commit (and its URL in " +
			"`.gitmodules`), then accept this pin with `/ignore supplychain-submodule-pin PATH -- REASON`: " +
			"the exception holds for this commit only, so moving the pin again asks again.",
		FixExample: "git -C third_party/lib log --oneline OLD..NEW   # what the new pin brings\n" +
			"/ignore supplychain-submodule-pin third_party/lib -- reviewed v2.3.1..v2.4.0",
		References: []string{"CWE-829", "CWE-1357"},
	},
}
