package deps

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ward-sec/ward/checks"
)

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
	case "yarn-registry":
		return fmt.Sprintf("npmRegistryServer: %s changes where Yarn resolves every package. If that registry merges "+
			"public and private packages, a public name can shadow a private one; pin private scopes with "+
			"npmScopes.<scope>.npmRegistryServer instead.", ix.URL)
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
