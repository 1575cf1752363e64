package review

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Coverage is how much of a PR's change the review saw. A required check
// must never pass over files it did not read without saying so.
type Coverage struct {
	Total    int // files the PR changes (GitHub's changed_files when larger than its list)
	Listed   int // files GitHub's files API listed
	Deleted  int // removed files: nothing to analyse
	NoPatch  int // reviewed files GitHub shows no patch for: findings cannot go inline
	Reviewed int
	// CompareCapped: a merge group's file list hit the compare API's 300
	// files, so more may have changed than were listed.
	CompareCapped bool
}

// maxCompareFiles is how many files GitHub's compare API lists at most.
const maxCompareFiles = 300

// coverageOf counts what the review could see.
func coverageOf(pr *PullRequest, changed []ChangedFile, files []*reviewedFile) Coverage {
	c := Coverage{Listed: len(changed), Total: max(len(changed), pr.ChangedFiles), Reviewed: len(files)}
	c.CompareCapped = pr.MergeGroup && len(changed) >= maxCompareFiles
	for _, f := range changed {
		if f.Status == "removed" {
			c.Deleted++
		}
	}
	for _, f := range files {
		if f.Patch == "" {
			c.NoPatch++
		}
	}
	return c
}

// renderCoverage writes the footer: "reviewed 2,870 of 3,000 changed files;
// skipped 130: …". It says nothing when every file was reviewed whole.
func renderCoverage(res *Result) string {
	c := res.Coverage
	if c.Total == 0 {
		return ""
	}
	reasons := map[string]int{}
	for _, s := range res.Skipped {
		reasons[s.Reason]++
	}
	unlisted := c.Total - c.Listed
	partly := map[string]bool{}
	for _, f := range res.Findings {
		if f.RuleID == checks.RuleNotAnalysed || checks.IsFailClosed(f.RuleID) {
			partly[f.Path] = true
		}
	}
	skipped := len(res.Skipped) + unlisted
	if skipped == 0 && c.NoPatch == 0 && len(partly) == 0 && !c.CompareCapped {
		return ""
	}
	var parts []string
	keys := make([]string, 0, len(reasons))
	for r := range reasons {
		keys = append(keys, r)
	}
	sort.Slice(keys, func(i, j int) bool {
		return reasons[keys[i]] > reasons[keys[j]] || reasons[keys[i]] == reasons[keys[j]] && keys[i] < keys[j]
	})
	for _, r := range keys {
		parts = append(parts, fmt.Sprintf("%s: %s", thousands(reasons[r]), r))
	}
	if unlisted > 0 {
		parts = append(parts, fmt.Sprintf("%s: never listed by GitHub (its files API stops at %s files; this change has %s)",
			thousands(unlisted), thousands(c.Listed), thousands(c.Total)))
	}
	var b strings.Builder
	b.WriteString("### Coverage\n\n")
	reviewable := c.Total - c.Deleted
	fmt.Fprintf(&b, "Reviewed %s of %s files", thousands(c.Reviewed), thousands(reviewable))
	if c.Deleted > 0 {
		fmt.Fprintf(&b, " (%s deleted files need no review)", thousands(c.Deleted))
	}
	if skipped > 0 {
		fmt.Fprintf(&b, "; skipped %s: %s", thousands(skipped), strings.Join(parts, "; "))
	}
	b.WriteString(".")
	if c.CompareCapped {
		fmt.Fprintf(&b, " GitHub's compare API lists at most %d files and this merge group reached that: "+
			"files beyond them were not reviewed here (each queued pull request's own review covered its files).", maxCompareFiles)
	}
	if len(partly) > 0 {
		fmt.Fprintf(&b, " %s file(s) were not read or only partly analysed (see “Not analysed”).", thousands(len(partly)))
	}
	if c.NoPatch > 0 {
		fmt.Fprintf(&b, " %s file(s) have no patch on GitHub (binary, or a diff too large to show): they were analysed whole, "+
			"and their findings are reported here, not as inline comments.", thousands(c.NoPatch))
	}
	b.WriteString("\n\n")
	return b.String()
}

// thousands writes n with comma separators: 2,870.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
