package deps

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// review compares head with base (nil when there is none) and reports.
func (c *Check) review(ctx context.Context, filePath, src string, hm, bm *Manifest) []checks.Finding {
	r := reviewer{path: filePath, lines: strings.Split(src, "\n"), head: hm, base: bm}
	r.indexBase()
	var osvCandidates []Dep
	for _, d := range hm.Deps {
		if !r.inScope(d) {
			continue
		}
		r.dependency(d)
		if d.Source == FromRegistry && (d.Eco == PyPI || d.Eco == Npm || d.Eco == Go) && d.Name != "" {
			osvCandidates = append(osvCandidates, d)
		}
	}
	r.indexes()
	r.scripts()
	r.replaces()
	r.resolved()
	c.knownBad(ctx, &r, osvCandidates)
	return r.out
}

type reviewer struct {
	path        string
	lines       []string
	head, base  *Manifest
	baseDeps    map[string]Dep
	baseLock    map[string]bool
	baseIndexes map[string]bool
	baseScripts map[string]string
	baseRepl    map[string]bool
	baseRes     map[string]bool
	out         []checks.Finding
}

func (r *reviewer) indexBase() {
	r.baseDeps, r.baseLock = map[string]Dep{}, map[string]bool{}
	r.baseIndexes, r.baseScripts = map[string]bool{}, map[string]string{}
	r.baseRepl, r.baseRes = map[string]bool{}, map[string]bool{}
	if r.base == nil {
		return
	}
	for _, d := range r.base.Deps {
		if d.Lock {
			r.baseLock[d.Key()+"@"+d.Spec] = true
		} else {
			r.baseDeps[d.Key()] = d
		}
	}
	for _, ix := range r.base.Indexes {
		r.baseIndexes[indexKey(ix)] = true
	}
	for _, s := range r.base.Scripts {
		r.baseScripts[s.Name] = s.Command
	}
	for _, rp := range r.base.Replaces {
		r.baseRepl[rp.Text] = true
	}
	for _, rs := range r.base.Resolved {
		r.baseRes[rs.Name+"\x00"+rs.URL] = true
	}
}

func indexKey(ix Index) string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%v\x00%v", ix.Kind, ix.Name, ix.URL, ix.Confusable, ix.Insecure)
}

// inScope: without a base everything is judged; with one, only what is new
// or changed (a lock entry by name and version).
func (r *reviewer) inScope(d Dep) bool {
	if r.base == nil {
		return true
	}
	if d.Lock {
		return !r.baseLock[d.Key()+"@"+d.Spec]
	}
	b, ok := r.baseDeps[d.Key()]
	return !ok || b.Spec != d.Spec || b.URL != d.URL || b.Source != d.Source || b.Name != d.Name
}

func (r *reviewer) add(f checks.Finding) { r.out = append(r.out, f) }

func (r *reviewer) lineText(n int) string {
	if n < 1 || n > len(r.lines) {
		return ""
	}
	return strings.TrimRight(r.lines[n-1], "\r")
}

// dependency applies the per-dependency rules.
func (r *reviewer) dependency(d Dep) {
	_, existed := r.baseDeps[d.Key()]
	unnamedLocal := d.Source == FromPath && d.Name == d.URL && localInsideRepo(r.path, d.URL) // "-e ."
	if r.base != nil && !d.Lock && !existed && r.head.Format != "constraints" && !unnamedLocal {
		r.add(checks.Finding{RuleID: RuleNewDependency, Severity: checks.SeverityInfo, StartLine: d.Line, EndLine: d.Line,
			Message:  fmt.Sprintf("New %s dependency %s%s. Confirm it is the package you meant.", d.Eco, d.Name, describeSpec(d)),
			Evidence: d.Name})
	}
	if d.Eco == Conda || d.Lock {
		return
	}
	if d.Source == FromRegistry {
		if sq, ok := Typosquat(d.Eco, d.Name); ok {
			r.add(checks.Finding{RuleID: RuleTyposquat, Severity: checks.SeverityHigh, StartLine: d.Line, EndLine: d.Line,
				Message: fmt.Sprintf("%s looks like the popular %s package %s (%s) but is not it. Typosquats run "+
					"the attacker's code on install; if you meant %s, use its exact name.", d.Name, d.Eco, sq.Target, sq.How, sq.Target),
				Evidence:   d.Name + " ~ " + sq.Target,
				Fix:        fmt.Sprintf("Replace %s with %s (check the registry page first).", d.Name, sq.Target),
				Suggestion: r.replaceOnLine(d.Line, d.Name, sq.Target)})
		} else if d.Alias != "" && Normalize(d.Eco, d.Alias) != Normalize(d.Eco, d.Name) && Known(d.Eco, d.Alias) {
			r.add(checks.Finding{RuleID: RuleTyposquat, Severity: checks.SeverityHigh, StartLine: d.Line, EndLine: d.Line,
				Message: fmt.Sprintf("%q is an alias: npm installs the package %s under the popular name %s, so code "+
					"that imports %s runs %s instead.", d.Alias, d.Name, d.Alias, d.Alias, d.Name),
				Evidence: d.Alias + " -> " + d.Name})
		} else if LooksHallucinated(d.Eco, d.Name) {
			r.add(checks.Finding{RuleID: RuleUnknownPackage, Severity: checks.SeverityLow, StartLine: d.Line, EndLine: d.Line,
				Message: fmt.Sprintf("%s is in none of ward's lists of popular %s packages and has the shape of names AI "+
					"assistants invent. Verify it exists and is the one you meant before installing it.", d.Name, d.Eco),
				Evidence: d.Name})
		}
		if r.head.App && d.Eco == PyPI && loosePEP440(d.Spec) {
			r.add(checks.Finding{RuleID: RuleLoosePin, Severity: checks.SeverityLow, StartLine: d.Line, EndLine: d.Line,
				Message: fmt.Sprintf("%s is not pinned (%s): every install takes the newest release, including a "+
					"compromised one published minutes ago.", d.Name, specOrNone(d.Spec)),
				Evidence: d.Name})
		}
		return
	}
	if d.Source == FromPath && localInsideRepo(r.path, d.URL) {
		return
	}
	r.add(checks.Finding{RuleID: RuleDirectSource, Severity: checks.SeverityMedium, StartLine: d.Line, EndLine: d.Line,
		Message: fmt.Sprintf("%s is installed from %s (%s), not from the registry: what gets installed is whatever "+
			"that location serves at install time, with no immutable version.", d.Name, d.Source.phrase(), d.URL),
		Evidence: d.Name + " " + d.URL})
}

func describeSpec(d Dep) string {
	switch {
	case d.Source != FromRegistry:
		return fmt.Sprintf(" from %s %s", d.Source, d.URL)
	case d.Spec != "":
		return " " + d.Spec
	}
	return ""
}

func specOrNone(s string) string {
	if s == "" {
		return "no version constraint"
	}
	return "constraint " + s
}

// replaceOnLine builds a suggestion replacing old with new when old appears
// exactly once on the line.
func (r *reviewer) replaceOnLine(line int, old, new string) *checks.Suggestion {
	t := r.lineText(line)
	if t == "" || strings.Count(t, old) != 1 {
		return nil
	}
	return &checks.Suggestion{StartLine: line, EndLine: line, Replacement: strings.Replace(t, old, new, 1)}
}

func (r *reviewer) indexes() {
	for _, ix := range r.head.Indexes {
		if r.base != nil && r.baseIndexes[indexKey(ix)] {
			continue
		}
		if ix.Confusable {
			r.add(checks.Finding{RuleID: RuleConfusion, Severity: checks.SeverityHigh, StartLine: ix.Line, EndLine: ix.Line,
				Message: confusionMessage(ix), Evidence: ix.Kind + " " + firstNonEmpty(ix.URL, ix.Name)})
		} else if ix.Primary && r.base != nil && !isPublicPyPI(ix.URL) {
			// A private mirror in a manifest is normal; a PR that switches
			// the index every package comes from is not.
			r.add(checks.Finding{RuleID: RuleConfusion, Severity: checks.SeverityHigh, StartLine: ix.Line, EndLine: ix.Line,
				Message: fmt.Sprintf("This change makes %s the index every package is installed from. Confirm it is "+
					"your organisation's index: whoever runs it controls every dependency, and if it merges public "+
					"and private packages a public name can shadow a private one.", ix.URL),
				Evidence: ix.Kind + " " + ix.URL})
		}
		if ix.Insecure {
			r.add(checks.Finding{RuleID: RuleInsecureIndex, Severity: checks.SeverityMedium, StartLine: ix.Line, EndLine: ix.Line,
				Message: fmt.Sprintf("%s (%s) fetches packages without TLS verification: anyone on the network path can "+
					"substitute them.", ix.Kind, firstNonEmpty(ix.URL, ix.Text)),
				Evidence: ix.Kind + " " + ix.URL})
		}
	}
}

func confusionMessage(ix Index) string {
	switch ix.Kind {
	case "extra-index-url", "find-links":
		return fmt.Sprintf("--%s %s makes pip pick the highest version of each package from this index and the "+
			"public one alike: anyone can publish one of your private names publicly and win (the torchtriton "+
			"attack on PyTorch nightly, December 2022).", ix.Kind, ix.URL)
	case "uv-index":
		return fmt.Sprintf("uv index %q (%s) is not explicit = true, so it is consulted for every package, not only "+
			"those [tool.uv.sources] pins to it.", ix.Name, ix.URL)
	case "uv-index-strategy":
		return fmt.Sprintf("index-strategy = %q lets uv take a package from any index, reopening dependency confusion.", ix.Name)
	case "poetry-source":
		return fmt.Sprintf("Poetry source %q (%s) is supplemental: it is searched for every package the primary "+
			"source lacks, so names can be confused between the two. Use priority = \"explicit\" and name it per package.", ix.Name, ix.URL)
	case "pdm-source":
		return fmt.Sprintf("PDM source %q (%s) has no include_packages, so every package may resolve from it or from PyPI.", ix.Name, ix.URL)
	case "pipfile-source":
		return fmt.Sprintf("install_search_all_sources = true makes Pipenv search source %q (%s) and the others for every package.", ix.Name, ix.URL)
	case "npm-registry":
		return fmt.Sprintf("registry=%s changes where npm resolves every package. If that registry merges public and "+
			"private packages, a public name can shadow a private one; pin private scopes with @scope:registry instead.", ix.URL)
	}
	return fmt.Sprintf("%s %s opens the project to dependency confusion.", ix.Kind, ix.URL)
}

func (r *reviewer) scripts() {
	for _, s := range r.head.Scripts {
		if old, ok := r.baseScripts[s.Name]; r.base != nil && ok && old == s.Command {
			continue
		}
		// Without a base, "prepare" (run on the project's own installs, as in
		// the ubiquitous `husky` setup) is too common to report; a PR that
		// adds or changes one is still reported.
		if r.base == nil && s.Name == "prepare" {
			continue
		}
		r.add(checks.Finding{RuleID: RuleInstallScript, Severity: checks.SeverityMedium, StartLine: s.Line, EndLine: s.Line,
			Message: fmt.Sprintf("The %q script runs automatically on npm install, on every machine and CI runner that "+
				"installs this package: %s", s.Name, truncate(s.Command, 200)),
			Evidence: s.Name + ": " + s.Command})
	}
	if r.base == nil {
		return
	}
	for _, d := range r.head.Deps {
		if d.Lock && d.InstallScript && r.inScope(d) {
			r.add(checks.Finding{RuleID: RuleInstallScript, Severity: checks.SeverityMedium, StartLine: d.Line, EndLine: d.Line,
				Message:  fmt.Sprintf("New lock entry %s runs an install script on npm install.", d.Text),
				Evidence: d.Text})
		}
	}
}

func (r *reviewer) replaces() {
	for _, rp := range r.head.Replaces {
		if r.base != nil && r.baseRepl[rp.Text] {
			continue
		}
		if rp.Local && localInsideRepo(r.path, rp.New) {
			continue
		}
		what := "a different module, " + rp.New + " " + rp.Version
		if rp.Local {
			what = "the directory " + rp.New + ", outside this repository"
		} else if rp.New == rp.Old {
			continue // a version pin of the same module, not a swap
		}
		r.add(checks.Finding{RuleID: RuleGoReplace, Severity: checks.SeverityMedium, StartLine: rp.Line, EndLine: rp.Line,
			Message: fmt.Sprintf("replace swaps %s for %s: every build compiles that code while imports still "+
				"read %s.", rp.Old, what, rp.Old),
			Evidence: rp.Text})
	}
}

// resolved flags lock entries from a host other than the lock's usual one,
// over plain HTTP, or from version control.
func (r *reviewer) resolved() {
	hosts := map[string]int{}
	for _, rs := range r.head.Resolved {
		hosts[hostOf(rs.URL)]++
	}
	main, best := "", 0
	for h, n := range hosts {
		if n > best || n == best && h < main {
			main, best = h, n
		}
	}
	for _, rs := range r.head.Resolved {
		if r.base != nil && r.baseRes[rs.Name+"\x00"+rs.URL] {
			continue
		}
		h := hostOf(rs.URL)
		var why string
		switch {
		case strings.HasPrefix(strings.ToLower(rs.URL), "http://"):
			why = "over plain HTTP"
		case sourceOfURL(rs.URL) == FromVCS:
			why = "from a git repository"
		case rs.Foreign:
			why = "from " + h + ", not from the registry"
		case len(hosts) > 1 && h != main:
			why = fmt.Sprintf("from %s while the rest of the lock file uses %s", h, main)
		default:
			continue
		}
		r.add(checks.Finding{RuleID: RuleNonRegistry, Severity: checks.SeverityMedium, StartLine: rs.Line, EndLine: rs.Line,
			Message:  fmt.Sprintf("%s is fetched %s (%s). An edited lock file can swap a package without touching the manifest.", rs.Name, why, rs.URL),
			Evidence: rs.Name + " " + rs.URL})
	}
	listed := map[string]bool{}
	for _, rs := range r.head.Resolved {
		listed[rs.Name] = true
	}
	for _, d := range r.head.Deps {
		if d.Lock && d.Source == FromVCS && r.inScope(d) && !listed[d.Name] {
			r.add(checks.Finding{RuleID: RuleNonRegistry, Severity: checks.SeverityMedium, StartLine: d.Line, EndLine: d.Line,
				Message:  fmt.Sprintf("%s is fetched from version control (%s), not from the registry.", d.Name, d.URL),
				Evidence: d.Name + " " + d.URL})
		}
	}
}

func hostOf(u string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Host == "" {
		return u
	}
	return strings.ToLower(pu.Host)
}

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
