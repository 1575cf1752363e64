package checks

// Rule IDs that the framework itself reports.
const (
	RuleNotAnalysed    = "file-not-analysed"
	RuleCheckFailed    = "file-check-failed"
	RuleBadSuppression = "suppression-without-reason"
)

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
		Severity: SeverityMedium,
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
}
