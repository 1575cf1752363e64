package secrets

import (
	"context"

	_ "embed"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
	glregexp "github.com/zricethezav/gitleaks/v8/regexp"
	"github.com/zricethezav/gitleaks/v8/report"
)

//go:embed ward_rules.toml
var wardRulesTOML string

// maxDecodeDepth is how many rounds of base64/hex/percent decoding gitleaks
// applies to find encoded secrets (its CLI default is 5; two rounds catch a
// base64-encoded key in a Kubernetes Secret or a .npmrc and keep the cost low).
const maxDecodeDepth = 2

// Match is one secret found in a text.
type Match struct {
	// GitleaksRule is the gitleaks (or ward-added) rule that matched.
	GitleaksRule string
	// Secret is the raw secret. It never leaves this package unmasked.
	Secret string
	// Line and EndLine are 1-based lines of the scanned text.
	Line, EndLine int
	// Doubt, when set, says why a token in a provider's shape cannot be a
	// working one (a GitHub token whose checksum is wrong); it is reported low.
	Doubt string
	// line and match are gitleaks' context of the secret: its line (kept
	// for masking encoded secrets) and the whole regex match.
	line, match string
}

// Detector finds secrets in text. It is safe for concurrent use.
//
// gitleaks runs a rule over a whole fragment as soon as one of the rule's
// keywords occurs anywhere in it; with keywords as common as "key", "token"
// and "ey" (jwt) nearly every rule runs over nearly every file. Detector
// instead hands gitleaks only the lines that can match: lines holding a
// keyword (and the line after, for values written on the next line) and
// lines holding something encoded that gitleaks would decode. The few rules
// whose matches span lines run over the whole text, without decoding.
type Detector struct {
	cfg   config.Config    // every rule: the reference for findAll
	lines *detect.Detector // single-line rules, run on candidate lines
	whole *detect.Detector // multi-line rules, run on the whole text
	// keywords and wholeKeywords find the lowercase keywords of the lines
	// and whole detectors' rules.
	keywords, wholeKeywords *keywordIndex
	// pathLists are the lines rules' path-bearing allowlists, by rule ID.
	pathLists map[string][]*config.Allowlist
	// stopWords are the rules' stop words (see takeStopWords), by rule ID.
	stopWords map[string][]string

	fullOnce sync.Once
	full     *detect.Detector // every rule at once, built for findAll only
}

// multiLineRules are the default rules whose matches can span lines.
var multiLineRules = map[string]bool{
	"private-key": true, "curl-auth-header": true, "curl-auth-user": true, "kubernetes-secret-yaml": true,
}

var (
	buildOnce   sync.Once
	shared      *Detector
	sharedError error
)

// Default returns the process-wide detector, built on first use.
//
// It is built once: reading and compiling the rules takes milliseconds and
// a few megabytes, and everything after the build is read-only.
func Default() (*Detector, error) {
	buildOnce.Do(func() { shared, sharedError = build() })
	return shared, sharedError
}

func build() (*Detector, error) {
	// gitleaks logs findings (with the raw secret) at trace level; ward never
	// wants them in its logs, whatever the level is set to later.
	logging.Logger = zerolog.Nop()

	cfg, stopWords, err := loadRules()
	if err != nil {
		return nil, err
	}
	for _, must := range []string{"generic-api-key", "openai-api-key", "groq-api-key"} {
		if _, ok := cfg.Rules[must]; !ok {
			return nil, fmt.Errorf("build secret rules: rule %s missing (gitleaks default rules not loaded)", must)
		}
	}
	// gitleaks' generic rule matches any high-entropy right-hand side of a
	// key-like name, code included; its own allowlist drops what is code or
	// a name, so every detector built from cfg agrees.
	generic := cfg.Rules["generic-api-key"]
	notSecret := &config.Allowlist{
		Description: "ward: property accesses and digitless slash-separated names are not secrets",
		Regexes:     []*glregexp.Regexp{glregexp.MustCompile(memberChain), glregexp.MustCompile(wordPath)},
	}
	if err := notSecret.Validate(); err != nil {
		return nil, fmt.Errorf("build secret rules: %w", err)
	}
	generic.Allowlists = append(slices.Clip(generic.Allowlists), notSecret)
	cfg.Rules["generic-api-key"] = generic
	// detectRule appends decoding tags to rule.Tags for every finding in
	// encoded text; with spare capacity two goroutines would write the same
	// backing array. A clipped slice makes every append copy.
	for id, r := range cfg.Rules {
		r.Tags = slices.Clip(r.Tags)
		cfg.Rules[id] = r
	}
	lineCfg, wholeCfg, pathLists := splitConfig(cfg)
	lines := detect.NewDetector(lineCfg)
	lines.MaxDecodeDepth = maxDecodeDepth
	whole := detect.NewDetector(wholeCfg)
	for id, r := range wholeCfg.Rules {
		if r.Regex != nil && len(r.Keywords) == 0 {
			// Find skips the whole detector on text without its keywords.
			return nil, fmt.Errorf("build secret rules: multi-line rule %s has no keywords", id)
		}
	}
	return &Detector{cfg: cfg, lines: lines, whole: whole, keywords: keywordIndexOf(lineCfg.Keywords),
		wholeKeywords: keywordIndexOf(wholeCfg.Keywords), pathLists: pathLists, stopWords: stopWords}, nil
}

// keywordIndexOf indexes a config's keyword set (lowercased by splitConfig).
func keywordIndexOf(set map[string]struct{}) *keywordIndex {
	return newKeywordIndex(slices.Sorted(maps.Keys(set)))
}

// fullDetector is gitleaks' detector over every rule, built on first use:
// only findAll (the reference Find is tested against, and files a rule's
// path allowlist covers) needs it.
func (d *Detector) fullDetector() *detect.Detector {
	d.fullOnce.Do(func() {
		d.full = detect.NewDetector(d.cfg)
		d.full.MaxDecodeDepth = maxDecodeDepth
	})
	return d.full
}

// withoutPathAllowlists moves a lines rule's path-bearing allowlists out of
// the rule (its fragments carry no path) into pathLists, applied by Find.
func withoutPathAllowlists(r config.Rule, pathLists map[string][]*config.Allowlist) config.Rule {
	var keep []*config.Allowlist
	for _, a := range r.Allowlists {
		if len(a.Paths) > 0 {
			pathLists[r.RuleID] = append(pathLists[r.RuleID], a)
		} else {
			keep = append(keep, a)
		}
	}
	r.Allowlists = keep
	return r
}

// pathListApplies reports whether any lines rule's path allowlist names path.
func (d *Detector) pathListApplies(path string) bool {
	if path == "" {
		return false
	}
	for _, lists := range d.pathLists {
		for _, a := range lists {
			if a.PathAllowed(path) {
				return true
			}
		}
	}
	return false
}

// allowedByPathList applies a rule's path-bearing allowlists to a match the
// way gitleaks' checkFindingAllowed does (OR: any condition; AND: all).
func allowedByPathList(m Match, path string, lists []*config.Allowlist) bool {
	for _, a := range lists {
		target := m.Secret
		switch a.RegexTarget {
		case "match":
			target = m.match
		case "line":
			target = m.line
		}
		pathOK := a.PathAllowed(path)
		regexOK := a.RegexAllowed(target)
		stopOK, _ := a.ContainsStopWord(m.Secret)
		if a.MatchCondition == config.AllowlistMatchAnd {
			ok := len(a.Commits) == 0 && pathOK
			if len(a.Regexes) > 0 {
				ok = ok && regexOK
			}
			if len(a.StopWords) > 0 {
				ok = ok && stopOK
			}
			if ok {
				return true
			}
		} else if pathOK || regexOK || stopOK {
			return true
		}
	}
	return false
}

// pathAllowed applies gitleaks' global path allowlists (lock files, vendored
// code, images) once per file, as checkCommitOrPathAllowed would per fragment.
func (d *Detector) pathAllowed(path string) bool {
	if path == "" {
		return false
	}
	for _, a := range d.cfg.Allowlists {
		allowed := a.PathAllowed(path)
		if a.MatchCondition == config.AllowlistMatchAnd {
			if len(a.Regexes) > 0 || len(a.StopWords) > 0 || len(a.Commits) > 0 || len(a.Paths) == 0 {
				continue
			}
		}
		if allowed {
			return true
		}
	}
	return false
}

// splitConfig divides the rules: single-line rules with keywords, and the
// rest (multi-line rules, rules without keywords). Allowlists are shared.
func splitConfig(cfg config.Config) (lines, whole config.Config, pathLists map[string][]*config.Allowlist) {
	pathLists = map[string][]*config.Allowlist{}
	lines, whole = cfg, cfg
	lines.Rules, whole.Rules = map[string]config.Rule{}, map[string]config.Rule{}
	lines.Keywords, whole.Keywords = map[string]struct{}{}, map[string]struct{}{}
	lines.OrderedRules, whole.OrderedRules = nil, nil
	for _, id := range cfg.OrderedRules {
		r, ok := cfg.Rules[id]
		if !ok {
			continue
		}
		dst := &lines
		// Rules that depend on the file's path (a path filter, or a path
		// allowlist such as a vendored README) run where the path is known.
		if multiLineRules[id] || len(r.Keywords) == 0 || r.Path != nil {
			dst = &whole
		}
		if dst == &lines {
			r = withoutPathAllowlists(r, pathLists)
		}
		dst.Rules[id] = r
		dst.OrderedRules = append(dst.OrderedRules, id)
		for _, k := range r.Keywords {
			dst.Keywords[strings.ToLower(k)] = struct{}{}
		}
	}
	return lines, whole, pathLists
}

// RuleCount is the number of gitleaks rules loaded (defaults plus ward's).
func (d *Detector) RuleCount() int { return len(d.cfg.Rules) }

// Find returns the secrets in text, one Match per secret occurrence, in text
// order. path (slash-separated, may be empty) lets gitleaks apply its path
// allowlists (lock files, vendored dependencies) and path-only rules.
func (d *Detector) Find(ctx context.Context, path, text string) []Match {
	var out []Match
	collect := func(fs []report.Finding, pathLists map[string][]*config.Allowlist) {
		for _, f := range fs {
			secret := f.Secret
			if secret == "" {
				secret = f.Match // path-only rules
			}
			m := Match{
				GitleaksRule: f.RuleID,
				Secret:       secret,
				Line:         f.StartLine + 1, // gitleaks lines are 0-based
				EndLine:      f.EndLine + 1,
				line:         f.Line,
				match:        f.Match,
			}
			if lists := pathLists[f.RuleID]; len(lists) > 0 && allowedByPathList(m, path, lists) {
				continue
			}
			if d.keep(&m) {
				out = append(out, m)
			}
		}
	}
	// gitleaks lowers a fragment before it looks for keywords, at several
	// times the text's size when it is not ASCII (16 MB of a binary-looking
	// pickle cost 110 MB). The multi-line rules all have keywords, so a text
	// without any runs only the path rules, which need no text.
	lower := asciiLower(text)
	wholeText := text
	if !lowersToASCII(text) && !d.wholeKeywords.any(lower) {
		wholeText = ""
	}
	collect(d.whole.DetectContext(ctx, detect.Fragment{Raw: wholeText, FilePath: path}), nil)
	if d.pathAllowed(path) {
		return dedupe(out)
	}
	if d.pathListApplies(path) {
		// A rule's path allowlist covers this file (a vendored README with
		// sample tokens, say). gitleaks then drops that rule before it
		// de-duplicates against generic-api-key; only a full scan keeps
		// that order, and such files are rare.
		return d.findAll(ctx, path, text)
	}
	// The lines detector has no path-dependent rules: its fragments carry no
	// path, which spares gitleaks the path allowlists on every line.
	for _, fr := range candidateFragments(text, lower, d.keywords) {
		if ctx.Err() != nil {
			break
		}
		collect(d.lines.DetectContext(ctx, fr), d.pathLists)
	}
	return dedupe(out)
}

// keep applies the rule's stop words and judge to a match: false drops a
// match whose secret holds a stop word, or a template value; a doubt is
// recorded on the match.
func (d *Detector) keep(m *Match) bool {
	if hasStopWord(m.Secret, d.stopWords[m.GitleaksRule]) {
		return false
	}
	drop, doubt := judge(*m)
	m.Doubt = doubt
	return !drop
}

// findAll runs every rule over the whole text the way gitleaks does; the
// tests compare Find with it.
func (d *Detector) findAll(ctx context.Context, path, text string) []Match {
	var out []Match
	for _, f := range d.fullDetector().DetectContext(ctx, detect.Fragment{Raw: text, FilePath: path}) {
		m := Match{GitleaksRule: f.RuleID, Secret: f.Secret, Line: f.StartLine + 1, EndLine: f.EndLine + 1, line: f.Line}
		if d.keep(&m) {
			out = append(out, m)
		}
	}
	return dedupe(out)
}

// dedupe drops matches that another match on the same line covers: the same
// secret found by two rules, a JWT inside a ghs_ token, a generic key around a
// provider key. The more specific rule wins, then the longer secret.
func dedupe(ms []Match) []Match {
	sort.SliceStable(ms, func(i, j int) bool {
		if ms[i].Line != ms[j].Line {
			return ms[i].Line < ms[j].Line
		}
		if pi, pj := priority(ms[i].GitleaksRule), priority(ms[j].GitleaksRule); pi != pj {
			return pi > pj
		}
		return len(ms[i].Secret) > len(ms[j].Secret)
	})
	out := ms[:0]
	for _, m := range ms {
		covered := false
		for k := len(out) - 1; k >= 0 && out[k].Line == m.Line; k-- {
			if strings.Contains(out[k].Secret, m.Secret) || strings.Contains(m.Secret, out[k].Secret) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, m)
		}
	}
	return out
}

// priority ranks gitleaks rules from vague to specific.
func priority(gitleaksRule string) int {
	switch gitleaksRule {
	case "generic-api-key":
		return 0
	case "jwt", "jwt-base64", "curl-auth-header", "curl-auth-user":
		return 1
	}
	return 2
}

// Values of the generic rule that are not secrets (see build).
const (
	// memberChain is a property access written as the "value": `_ref3.allOwnKeys`,
	// `this.config.apiKey`, `settings.SECRET_KEY`.
	memberChain = `^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)+$`
	// wordPath is a slash-separated name without a digit: `effect/ScheduleInterval`,
	// `@scope/package-name`. Keys and tokens carry digits.
	wordPath = `^@?[A-Za-z_-]+(/[A-Za-z_.-]+)+$`
)
