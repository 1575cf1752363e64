// Package config reads a repository's .github/ward.yml: parsing and
// validation, merging with the organisation's defaults and its `enforce:`
// floor, and applying the result to findings. The review and `ward scan`
// both use it, so one file means the same thing in a PR and on a laptop.
package config

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/ward-sec/ward/checks"
)

// Path is where a repository keeps its ward configuration. It is read
// from the base branch only: a PR cannot weaken its own review.
const Path = ".github/ward.yml"

// Config is the parsed .github/ward.yml.
type Config struct {
	// FailOn is the severity at or above which the check fails.
	FailOn checks.Severity `yaml:"fail_on"`
	Paths  struct {
		Ignore []string `yaml:"ignore"`
		// fromRepo are the globs of Ignore that the repository's own
		// ward.yml added (Merge): under an organisation floor they do not
		// cover the rules it enforces.
		fromRepo []string
	} `yaml:"paths"`
	Rules map[string]RuleConfig `yaml:"rules"`
	// Ignore entries silence one rule, optionally on one path glob, with a reason.
	Ignore        []IgnoreEntry `yaml:"ignore"`
	SecondOpinion Toggle        `yaml:"second_opinion"`
	// CodeScanning also uploads each review's SARIF to GitHub code scanning.
	CodeScanning Toggle `yaml:"code_scanning"`
	// HubCheck looks up the models that added code loads by name on the
	// Hub (off by default: it sends model names to the Hub).
	HubCheck Toggle `yaml:"hub_check"`
	// Drafts: "hold" (default) holds inline comments back on draft PRs.
	Drafts string `yaml:"drafts"`
	// FailClosed is the severity of "could not be read or fully analysed"
	// findings (default high). Set below fail_on, the check run says that
	// unread files no longer fail it.
	FailClosed checks.Severity `yaml:"fail_closed"`
	// Enforce is read from the organisation's .github repository only: the
	// floor its repositories may tighten but not lower.
	Enforce *Enforce `yaml:"enforce"`
}

// Enforce is an organisation's floor.
type Enforce struct {
	// FailOn is the most lenient fail_on a repository may set.
	FailOn checks.Severity `yaml:"fail_on"`
	// Rules a repository may neither disable nor set below their default
	// severity ("*" for every rule).
	Rules []string `yaml:"rules"`
	// IgnoreCritical says who may /ignore a critical finding: "admins", or
	// teams as "@org/team-slug". Empty: anyone with write access.
	IgnoreCritical []string `yaml:"ignore_critical"`
}

// RuleConfig changes one rule's severity or turns it off.
type RuleConfig struct {
	Severity checks.Severity `yaml:"severity"`
	Disabled bool            `yaml:"disabled"`
}

// IgnoreEntry is a reviewed exception: a rule (or "*"), a path glob, a
// reason, and the content it was granted for. In ward.yml, SHA256 names the
// accepted bytes (the file's sha256, which is a Git LFS object's oid) and
// Expires the last day it applies; an /ignore record carries who granted it
// and the head commit they saw.
type IgnoreEntry struct {
	Rule    string `yaml:"rule"`
	Path    string `yaml:"path"`
	Reason  string `yaml:"reason"`
	SHA256  string `yaml:"sha256"`
	Expires string `yaml:"expires"` // YYYY-MM-DD, inclusive
	// Author and HeadSHA: an /ignore's maintainer and the head commit of
	// the PR when they wrote it (what they accepted).
	Author  string `yaml:"-"`
	HeadSHA string `yaml:"-"`
	// fromRepo marks an entry of the repository's own ward.yml (not the
	// organisation's); except lists rules the organisation's floor keeps
	// out of a repository's "*" entry.
	fromRepo bool
	except   []string
}

// expiresLayout is the date format of `expires:`.
const expiresLayout = "2006-01-02"

// Expired reports whether the entry's last day is before now (UTC).
func (e IgnoreEntry) Expired(now time.Time) bool {
	if e.Expires == "" {
		return false
	}
	d, err := time.Parse(expiresLayout, e.Expires)
	return err != nil || now.UTC().After(d.Add(24*time.Hour))
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

// Default fails the gate on high and critical findings.
func Default() Config {
	return Config{FailOn: checks.SeverityHigh, FailClosed: checks.FailClosedSeverity, Drafts: "hold"}
}

// Parse reads a ward.yml. Unknown keys are errors: a typo in a
// security configuration should not silently do nothing.
func Parse(data []byte) (Config, error) {
	c := Default()
	if len(bytes.TrimSpace(data)) == 0 {
		return c, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Default(), fmt.Errorf("parse %s: %w", Path, ownDecodeError(err))
	}
	if c.FailOn == 0 {
		c.FailOn = checks.SeverityHigh
	}
	if c.FailClosed == 0 {
		c.FailClosed = checks.FailClosedSeverity
	}
	for i, e := range c.Ignore {
		if e.Rule == "" {
			return Default(), fmt.Errorf("parse %s: ignore entry %d has no rule", Path, i+1)
		}
		if strings.TrimSpace(e.Reason) == "" {
			return Default(), fmt.Errorf("parse %s: ignore entry %d (%s) has no reason", Path, i+1, e.Rule)
		}
		if e.SHA256 != "" {
			h := strings.ToLower(strings.TrimPrefix(e.SHA256, "sha256:"))
			if _, err := hex.DecodeString(h); err != nil || len(h) != 64 {
				return Default(), fmt.Errorf("parse %s: ignore entry %d (%s): sha256 must be 64 hex digits", Path, i+1, e.Rule)
			}
			c.Ignore[i].SHA256 = h
		}
		if e.Expires != "" {
			if _, err := time.Parse(expiresLayout, e.Expires); err != nil {
				return Default(), fmt.Errorf("parse %s: ignore entry %d (%s): expires must be a date YYYY-MM-DD, not %q", Path, i+1, e.Rule, e.Expires)
			}
		}
	}
	for _, g := range c.Paths.Ignore {
		if _, err := path.Match(g, ""); err != nil {
			return Default(), fmt.Errorf("parse %s: bad glob %q in paths.ignore: %w", Path, g, err)
		}
	}
	if c.Drafts == "" {
		c.Drafts = "hold"
	}
	return c, nil
}

// yamlTypeErrors start the messages of yaml's own type errors (a value of
// the wrong kind, a duplicate or unknown key).
var yamlTypeErrors = []string{"cannot unmarshal ", "mapping key ", "field "}

// ownDecodeError keeps the message users see when ward's own decoders
// (Toggle, checks.Severity) refuse a value: that error alone, as ward words
// it. yaml v4 lists it among its type errors, prefixed with its line.
func ownDecodeError(err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return err
	}
	for _, e := range te.Errors {
		msg := e.Err.Error()
		if !slices.ContainsFunc(yamlTypeErrors, func(p string) bool { return strings.HasPrefix(msg, p) }) {
			return e.Err
		}
	}
	return err
}

// Merge layers a repository's config over the organisation's defaults:
// scalar settings the repository sets win, lists are concatenated. The
// organisation's `enforce:` floor then holds whatever the repository says;
// the returned notes say what it overrode.
func Merge(org, repo Config, repoRaw []byte) (Config, []string) {
	out := org
	var set map[string]any
	_ = yaml.Unmarshal(repoRaw, &set)
	if _, ok := set["fail_on"]; ok {
		out.FailOn = repo.FailOn
	}
	if _, ok := set["fail_closed"]; ok {
		out.FailClosed = repo.FailClosed
	}
	if _, ok := set["second_opinion"]; ok {
		out.SecondOpinion = repo.SecondOpinion
	}
	if _, ok := set["code_scanning"]; ok {
		out.CodeScanning = repo.CodeScanning
	}
	if _, ok := set["hub_check"]; ok {
		out.HubCheck = repo.HubCheck
	}
	if _, ok := set["drafts"]; ok {
		out.Drafts = repo.Drafts
	}
	out.Paths.Ignore = append(append([]string(nil), org.Paths.Ignore...), repo.Paths.Ignore...)
	out.Paths.fromRepo = append([]string(nil), repo.Paths.Ignore...)
	out.Ignore = append([]IgnoreEntry(nil), org.Ignore...)
	for _, e := range repo.Ignore {
		e.fromRepo = true
		out.Ignore = append(out.Ignore, e)
	}
	if len(repo.Rules) > 0 {
		out.Rules = map[string]RuleConfig{}
		for k, v := range org.Rules {
			out.Rules[k] = v
		}
		for k, v := range repo.Rules {
			out.Rules[k] = v
		}
	}
	var notes []string
	if repo.Enforce != nil {
		notes = append(notes, "`enforce:` in a repository's ward.yml has no effect: it is read from the organisation's `.github` repository only.")
	}
	out.Enforce = org.Enforce
	return out, append(notes, out.ApplyFloor()...)
}

// ApplyFloor holds c to its Enforce floor: a fail_on no more lenient than the
// floor's, fail_closed no lower than it, and enforced rules neither disabled
// nor lowered. It returns what it changed.
func (c *Config) ApplyFloor() []string {
	e := c.Enforce
	if e == nil {
		return nil
	}
	var notes []string
	if e.FailOn != 0 && c.FailOn > e.FailOn {
		notes = append(notes, fmt.Sprintf("ward.yml sets `fail_on: %s`, more lenient than the organisation's floor; `fail_on: %s` applies.", c.FailOn, e.FailOn))
		c.FailOn = e.FailOn
	}
	if e.FailOn != 0 && c.FailClosed != 0 && c.FailClosed < e.FailOn {
		notes = append(notes, fmt.Sprintf("ward.yml sets `fail_closed: %s`, below the organisation's floor; `%s` applies.", c.FailClosed, e.FailOn))
		c.FailClosed = e.FailOn
	}
	ids := make([]string, 0, len(c.Rules))
	for id := range c.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		rc := c.Rules[id]
		if !e.enforces(id) {
			continue
		}
		def := checks.SeverityNone
		if r, ok := checks.LookupRule(id); ok {
			def = r.Severity
		}
		switch {
		case rc.Disabled:
			notes = append(notes, fmt.Sprintf("ward.yml disables `%s`, which the organisation enforces; it stays on.", id))
			rc.Disabled = false
		case rc.Severity != 0 && rc.Severity < def:
			notes = append(notes, fmt.Sprintf("ward.yml lowers `%s` to %s, below what the organisation enforces; it stays %s.", id, rc.Severity, def))
			rc.Severity = 0
		}
		c.Rules[id] = rc
	}
	// A repository's own `ignore:` entries cannot accept what the floor
	// protects: an entry naming an enforced rule is dropped, and a "*"
	// entry no longer covers enforced rules (maintainers' /ignore remains,
	// under ignore_critical).
	if e.enforcesAny() && len(c.Paths.fromRepo) > 0 {
		notes = append(notes, fmt.Sprintf("ward.yml's `paths.ignore` (%s) does not cover the rules the organisation enforces: "+
			"those files are still checked for them.", quoteList(c.Paths.fromRepo)))
	}
	kept := c.Ignore[:0]
	for _, ie := range c.Ignore {
		switch {
		case !ie.fromRepo:
		case ie.Rule != "*" && e.enforces(ie.Rule):
			notes = append(notes, fmt.Sprintf("ward.yml's `ignore:` entry for `%s` does not apply: the organisation enforces that rule.", ie.Rule))
			continue
		case ie.Rule == "*" && len(e.Rules) > 0:
			ie.except = append([]string(nil), e.Rules...)
			notes = append(notes, "ward.yml's `ignore:` entry for `*` does not cover the rules the organisation enforces.")
		}
		kept = append(kept, ie)
	}
	c.Ignore = kept
	return notes
}

// enforcesAny reports whether the floor protects any rule.
func (e *Enforce) enforcesAny() bool { return e != nil && len(e.Rules) > 0 }

// enforces reports whether the floor protects a rule.
func (e *Enforce) enforces(id string) bool {
	if e == nil {
		return false
	}
	for _, r := range e.Rules {
		if r == "*" || r == id {
			return true
		}
	}
	return false
}

// Warnings says what in the config has no effect: rule ids ward does not
// know (a typo silences nothing and enforces nothing), and a fail_closed
// below fail_on (unread files then pass the gate).
func (c Config) Warnings() []string {
	var out []string
	unknown := func(id, where string) {
		if id == "*" {
			return
		}
		if _, ok := checks.LookupRule(id); !ok {
			out = append(out, fmt.Sprintf("ward.yml names the unknown rule `%s` in `%s`; it has no effect (`ward rules` lists the rules).", id, where))
		}
	}
	ids := make([]string, 0, len(c.Rules))
	for id := range c.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		unknown(id, "rules")
	}
	for _, e := range c.Ignore {
		unknown(e.Rule, "ignore")
	}
	if c.Enforce != nil {
		for _, id := range c.Enforce.Rules {
			unknown(id, "enforce.rules")
		}
	}
	if c.FailClosed != 0 && c.FailClosed < c.FailOn && c.FailOn != checks.SeverityNone {
		out = append(out, fmt.Sprintf("`fail_closed: %s` is below `fail_on: %s`: files ward could not read or fully analyse do not fail this check.", c.FailClosed, c.FailOn))
	}
	return out
}

// PathIgnored reports whether paths.ignore excludes a file from every rule,
// so that it need not be read. A glob of the repository's own ward.yml does
// not exclude a file from the rules an organisation floor enforces: such a
// file is analysed, and ApplyRules keeps only those rules' findings.
func (c Config) PathIgnored(p string) bool {
	org := c.Paths.Ignore[:len(c.Paths.Ignore)-len(c.Paths.fromRepo)]
	if matchAny(org, p) {
		return true
	}
	return !c.Enforce.enforcesAny() && matchAny(c.Paths.fromRepo, p)
}

func matchAny(globs []string, p string) bool {
	for _, g := range globs {
		if MatchGlob(g, p) {
			return true
		}
	}
	return false
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
}

// Apply adjusts severities, drops disabled rules and marks the findings
// that config ignore entries accept, without access to file content: an
// entry accepts line findings on its path; a whole-file finding only through
// ApplyIgnores with the content's sha256. Findings are kept (marked) so the
// summary can list what was silenced and why.
func (c Config) Apply(fs []checks.Finding) []checks.Finding {
	out, _ := c.ApplyIgnores(c.ApplyRules(fs), time.Now(), nil)
	return out
}

// ApplyIgnores marks the findings the `ignore:` entries accept, judged by
// IgnoreEntry.Judge with contentSHA256 (nil: content unknown), and returns
// the notes that say why an entry on a finding's path did not apply.
func (c Config) ApplyIgnores(fs []checks.Finding, now time.Time, contentSHA256 func(path string) (string, error)) ([]checks.Finding, []string) {
	var notes []string
	said := map[string]bool{}
	for i := range fs {
		f := &fs[i]
		if f.Suppressed {
			continue
		}
		for _, e := range c.Ignore {
			if !e.Matches(*f) {
				continue
			}
			ok, note := e.Judge(*f, now, contentSHA256)
			if note != "" && !said[note] {
				said[note] = true
				notes = append(notes, note)
			}
			if ok {
				f.Suppressed, f.SuppressedBy = true, "config: "+e.Reason
				break
			}
		}
	}
	return fs, notes
}

// Judge decides whether the entry accepts a finding it matches, and says
// why when it does not. An expired entry accepts nothing. Without sha256 it
// accepts line findings (the diff shows what is accepted) but not a finding
// about a whole file — an artifact, a binary, a file not read — whose content
// the entry never named. With sha256 it accepts only that content (a Git LFS
// pointer's oid counts as the content). contentSHA256 may be nil.
func (e IgnoreEntry) Judge(f checks.Finding, now time.Time, contentSHA256 func(path string) (string, error)) (bool, string) {
	if e.Expired(now) {
		return false, fmt.Sprintf("The exception for `%s` in ward.yml (%s) expired on %s; it no longer applies.", f.Path, e.name(), e.Expires)
	}
	sum, err := "", errors.New("file content is not available here")
	if contentSHA256 != nil && (e.SHA256 != "" || f.WholeFile()) {
		sum, err = contentSHA256(f.Path)
	}
	if e.SHA256 == "" {
		if !f.WholeFile() {
			return true, ""
		}
		now := ""
		if err == nil {
			now = fmt.Sprintf(" This file's content has `sha256: %s`.", sum)
		}
		return false, fmt.Sprintf("The exception for `%s` in ward.yml (%s) does not apply: it names no `sha256:`, and a "+
			"finding about a whole file (an artifact, a binary, a file not read) is accepted only for the content an "+
			"entry names.%s", f.Path, e.name(), now)
	}
	if err != nil {
		return false, fmt.Sprintf("The exception for `%s` in ward.yml (%s) could not be checked against the file's content (%v); it does not apply.", f.Path, e.name(), err)
	}
	if !strings.EqualFold(sum, e.SHA256) {
		return false, fmt.Sprintf("Exception for `%s` no longer applies: content changed since ward.yml accepted it (`sha256: %s` accepted, `%s` now).",
			f.Path, short12(e.SHA256), short12(sum))
	}
	return true, ""
}

// name is how notes refer to an entry.
func (e IgnoreEntry) name() string {
	if e.Path != "" {
		return fmt.Sprintf("`%s` on `%s`", e.Rule, e.Path)
	}
	return fmt.Sprintf("`%s`", e.Rule)
}

func short12(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	return s
}

// ApplyRules adjusts severities (per rule, and fail_closed for findings
// that say content was not reviewed) and drops disabled rules.
func (c Config) ApplyRules(fs []checks.Finding) []checks.Finding {
	out := fs[:0]
	for _, f := range fs {
		if !c.Enforce.enforces(f.RuleID) && matchAny(c.Paths.fromRepo, f.Path) {
			continue // analysed only for the floor's rules (see PathIgnored)
		}
		if c.FailClosed != 0 && checks.IsFailClosed(f.RuleID) {
			f.Severity = c.FailClosed
		}
		if rc, ok := c.Rules[f.RuleID]; ok {
			if rc.Disabled {
				continue
			}
			if rc.Severity != 0 {
				f.Severity = rc.Severity
			}
		}
		out = append(out, f)
	}
	return out
}

// Matches reports whether the entry names the finding's rule and path.
func (e IgnoreEntry) Matches(f checks.Finding) bool {
	if slices.Contains(e.except, f.RuleID) || slices.Contains(e.except, "*") {
		return false
	}
	return (e.Rule == "*" || e.Rule == f.RuleID) && (e.Path == "" || MatchGlob(e.Path, f.Path))
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
