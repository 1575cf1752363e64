package deps

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// knownBad checks dependencies against the embedded floor and the configured
// OSV sources, and reports malicious and vulnerable versions.
func (c *Check) knownBad(ctx context.Context, r *reviewer, deps []Dep) {
	if len(deps) == 0 {
		return
	}
	dir, api := c.sources()
	type hit struct {
		mal, vuln            []string
		summary, vulnSummary string
	}
	hits := make([]hit, len(deps))
	record := func(i int, id string, malicious bool, summary string) {
		h := &hits[i]
		for _, x := range append(append([]string{}, h.mal...), h.vuln...) {
			if x == id {
				return
			}
		}
		if malicious {
			h.mal = append(h.mal, id)
			if h.summary == "" {
				h.summary = summary
			}
		} else {
			h.vuln = append(h.vuln, id)
			if h.vulnSummary == "" {
				h.vulnSummary = summary
			}
		}
	}
	var failures []string
	for i, d := range deps {
		for _, a := range floorIndex.lookup(d.Eco, d.Name, d.Version) {
			record(i, a.ID, a.Malicious, a.Summary)
		}
		if dir != nil {
			ix, err := dir.load(ctx, d.Eco)
			if err != nil {
				failures = appendOnce(failures, err.Error())
			}
			for _, a := range ix.lookup(d.Eco, d.Name, d.Version) {
				record(i, a.ID, a.Malicious, a.Summary)
			}
		}
	}
	if api != nil {
		ids, err := api.query(ctx, deps)
		if err != nil {
			failures = appendOnce(failures, err.Error())
		}
		for i, l := range ids {
			for _, id := range l {
				record(i, id, strings.HasPrefix(id, "MAL-"), "")
			}
		}
	}
	for i, d := range deps {
		h := hits[i]
		ver := d.Version
		if ver == "" {
			ver = "any version"
		}
		if len(h.mal) > 0 {
			msg := fmt.Sprintf("%s (%s) is known malware (%s).", d.Name, ver, strings.Join(h.mal, ", "))
			if h.summary != "" {
				msg += " " + strings.TrimSuffix(h.summary, ".") + "."
			}
			msg += " Installing it runs the attacker's code."
			r.add(checks.Finding{RuleID: RuleMalicious, Severity: checks.SeverityCritical, StartLine: d.Line, EndLine: d.Line,
				Message: msg, Evidence: d.Name + "@" + ver})
		}
		if len(h.vuln) > 0 {
			sev := checks.SeverityMedium
			if IsMLPackage(d.Eco, d.Name) {
				sev = checks.SeverityHigh
			}
			sort.Strings(h.vuln)
			detail := ""
			if h.vulnSummary != "" {
				detail = " (" + strings.TrimSuffix(h.vulnSummary, ".") + ")"
			}
			r.add(checks.Finding{RuleID: RuleVulnerable, Severity: sev, StartLine: d.Line, EndLine: d.Line,
				Message: fmt.Sprintf("%s %s is affected by %s%s. Upgrade to a version outside the advisory's affected ranges.",
					d.Name, ver, strings.Join(h.vuln, ", "), detail),
				Evidence: d.Name + "@" + ver})
		}
	}
	for _, f := range failures {
		r.add(checks.Finding{RuleID: RuleOSVUnavailable, Severity: checks.SeverityMedium,
			Message:  "OSV data could not be read (" + f + "): known-malicious and vulnerable versions were checked only partly.",
			Evidence: f})
	}
	if dir == nil && api == nil {
		r.add(checks.Finding{RuleID: RuleOSVFloorOnly, Severity: checks.SeverityInfo,
			Message: fmt.Sprintf("No OSV source is configured: %d dependencies were checked for known-malicious versions "+
				"against ward's embedded list of %d incidents only. Set WARD_OSV_DIR or WARD_OSV_URL.", len(deps), len(floorAdvisories)),
			Evidence: "embedded floor only"})
	}
}

func appendOnce(l []string, s string) []string {
	for _, x := range l {
		if x == s {
			return l
		}
	}
	return append(l, s)
}
