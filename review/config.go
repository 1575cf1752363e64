package review

import (
	"bytes"
	"fmt"
	"path"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ward-sec/ward/checks"
)

// ConfigPath is where a repository keeps its ward configuration. It is read
// from the base branch only: a PR cannot weaken its own review.
const ConfigPath = ".github/ward.yml"

// Config is the parsed .github/ward.yml.
type Config struct {
	// FailOn is the severity at or above which the check fails.
	FailOn checks.Severity `yaml:"fail_on"`
	Paths  struct {
		Ignore []string `yaml:"ignore"`
	} `yaml:"paths"`
	Rules map[string]RuleConfig `yaml:"rules"`
	// Ignore entries silence one rule, optionally on one path glob, with a reason.
	Ignore        []IgnoreEntry `yaml:"ignore"`
	SecondOpinion Toggle        `yaml:"second_opinion"`
	// CodeScanning also uploads each review's SARIF to GitHub code scanning.
	CodeScanning Toggle `yaml:"code_scanning"`
	// Drafts: "hold" (default) holds inline comments back on draft PRs.
	Drafts string `yaml:"drafts"`
}

// RuleConfig changes one rule's severity or turns it off.
type RuleConfig struct {
	Severity checks.Severity `yaml:"severity"`
	Disabled bool            `yaml:"disabled"`
}

// IgnoreEntry is a reviewed exception: a rule (or "*"), a path glob, a reason.
type IgnoreEntry struct {
	Rule   string `yaml:"rule"`
	Path   string `yaml:"path"`
	Reason string `yaml:"reason"`
}

// Toggle is on/off in YAML (also true/false).
type Toggle bool

// UnmarshalYAML accepts on/off/true/false/yes/no.
func (t *Toggle) UnmarshalYAML(n *yaml.Node) error {
	switch strings.ToLower(n.Value) {
	case "on", "true", "yes":
		*t = true
	case "off", "false", "no", "":
		*t = false
	default:
		return fmt.Errorf("line %d: must be on or off, not %q", n.Line, n.Value)
	}
	return nil
}

// DefaultConfig fails the gate on high and critical findings.
func DefaultConfig() Config {
	return Config{FailOn: checks.SeverityHigh, Drafts: "hold"}
}

// ParseConfig reads a ward.yml. Unknown keys are errors: a typo in a
// security configuration should not silently do nothing.
func ParseConfig(data []byte) (Config, error) {
	c := DefaultConfig()
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return DefaultConfig(), fmt.Errorf("parse %s: %w", ConfigPath, err)
	}
	if c.FailOn == 0 {
		c.FailOn = checks.SeverityHigh
	}
	for i, e := range c.Ignore {
		if e.Rule == "" {
			return DefaultConfig(), fmt.Errorf("parse %s: ignore entry %d has no rule", ConfigPath, i+1)
		}
		if strings.TrimSpace(e.Reason) == "" {
			return DefaultConfig(), fmt.Errorf("parse %s: ignore entry %d (%s) has no reason", ConfigPath, i+1, e.Rule)
		}
	}
	for _, g := range c.Paths.Ignore {
		if _, err := path.Match(g, ""); err != nil {
			return DefaultConfig(), fmt.Errorf("parse %s: bad glob %q in paths.ignore: %w", ConfigPath, g, err)
		}
	}
	if c.Drafts == "" {
		c.Drafts = "hold"
	}
	return c, nil
}

// Merge layers a repository's config over the organisation's defaults:
// scalar settings the repository sets win, lists are concatenated.
func Merge(org, repo Config, repoRaw []byte) Config {
	out := org
	var set map[string]any
	_ = yaml.Unmarshal(repoRaw, &set)
	if _, ok := set["fail_on"]; ok {
		out.FailOn = repo.FailOn
	}
	if _, ok := set["second_opinion"]; ok {
		out.SecondOpinion = repo.SecondOpinion
	}
	if _, ok := set["code_scanning"]; ok {
		out.CodeScanning = repo.CodeScanning
	}
	if _, ok := set["drafts"]; ok {
		out.Drafts = repo.Drafts
	}
	out.Paths.Ignore = append(append([]string(nil), org.Paths.Ignore...), repo.Paths.Ignore...)
	out.Ignore = append(append([]IgnoreEntry(nil), org.Ignore...), repo.Ignore...)
	if len(repo.Rules) > 0 {
		out.Rules = map[string]RuleConfig{}
		for k, v := range org.Rules {
			out.Rules[k] = v
		}
		for k, v := range repo.Rules {
			out.Rules[k] = v
		}
	}
	return out
}

// PathIgnored reports whether paths.ignore excludes a file.
func (c Config) PathIgnored(p string) bool {
	for _, g := range c.Paths.Ignore {
		if MatchGlob(g, p) {
			return true
		}
	}
	return false
}

// Apply adjusts severities, drops disabled rules and marks findings that
// config ignore entries silence. Findings are kept (marked) so the summary
// can list what was silenced and why.
func (c Config) Apply(fs []checks.Finding) []checks.Finding {
	out := fs[:0]
	for _, f := range fs {
		if rc, ok := c.Rules[f.RuleID]; ok {
			if rc.Disabled {
				continue
			}
			if rc.Severity != 0 {
				f.Severity = rc.Severity
			}
		}
		if !f.Suppressed {
			for _, e := range c.Ignore {
				if (e.Rule == "*" || e.Rule == f.RuleID) && (e.Path == "" || MatchGlob(e.Path, f.Path)) {
					f.Suppressed, f.SuppressedBy = true, "config: "+e.Reason
					break
				}
			}
		}
		out = append(out, f)
	}
	return out
}

// MatchGlob matches a slash path against a glob where "**" spans folders and
// a pattern without a slash matches the base name anywhere (as .gitignore).
func MatchGlob(glob, p string) bool {
	if !strings.Contains(glob, "/") {
		ok, _ := path.Match(glob, path.Base(p))
		return ok
	}
	return matchParts(strings.Split(strings.TrimPrefix(glob, "/"), "/"), strings.Split(p, "/"))
}

func matchParts(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			for i := 0; i <= len(p); i++ {
				if matchParts(g[1:], p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, _ := path.Match(g[0], p[0]); !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	return len(p) == 0
}
