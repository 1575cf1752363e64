package secrets

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
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
	// line is the text of the line, kept for masking encoded secrets.
	line string
}

// Detector finds secrets in text. It is safe for concurrent use.
type Detector struct {
	gl *detect.Detector
}

var (
	buildOnce   sync.Once
	shared      *Detector
	sharedError error
)

// Default returns the process-wide detector, built on first use.
//
// It is built exactly once because gitleaks' config.Translate keeps a package
// global (extendDepth) that is never reset and reads the default rules through
// the global viper instance: a third Translate in one process silently loses
// the default rules, and two at once race. Our own rules come from our own
// viper.New() instance; everything after the build is read-only.
func Default() (*Detector, error) {
	buildOnce.Do(func() { shared, sharedError = build() })
	return shared, sharedError
}

func build() (*Detector, error) {
	// gitleaks logs findings (with the raw secret) at trace level; ward never
	// wants them in its logs, whatever the level is set to later.
	logging.Logger = zerolog.Nop()

	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(strings.NewReader(wardRulesTOML)); err != nil {
		return nil, fmt.Errorf("read ward secret rules: %w", err)
	}
	var vc config.ViperConfig
	if err := v.Unmarshal(&vc); err != nil {
		return nil, fmt.Errorf("decode ward secret rules: %w", err)
	}
	cfg, err := vc.Translate()
	if err != nil {
		return nil, fmt.Errorf("build secret rules: %w", err)
	}
	for _, must := range []string{"generic-api-key", "openai-api-key", "groq-api-key"} {
		if _, ok := cfg.Rules[must]; !ok {
			return nil, fmt.Errorf("build secret rules: rule %s missing (gitleaks default rules not loaded)", must)
		}
	}
	// detectRule appends decoding tags to rule.Tags for every finding in
	// encoded text; with spare capacity two goroutines would write the same
	// backing array. A clipped slice makes every append copy.
	for id, r := range cfg.Rules {
		r.Tags = slices.Clip(r.Tags)
		cfg.Rules[id] = r
	}
	gl := detect.NewDetector(cfg)
	gl.MaxDecodeDepth = maxDecodeDepth
	return &Detector{gl: gl}, nil
}

// RuleCount is the number of gitleaks rules loaded (defaults plus ward's).
func (d *Detector) RuleCount() int { return len(d.gl.Config.Rules) }

// Find returns the secrets in text, one Match per secret occurrence, in text
// order. path (slash-separated, may be empty) lets gitleaks apply its path
// allowlists (lock files, vendored dependencies) and path-only rules.
func (d *Detector) Find(ctx context.Context, path, text string) []Match {
	fs := d.gl.DetectContext(ctx, detect.Fragment{Raw: text, FilePath: path})
	out := make([]Match, 0, len(fs))
	for _, f := range fs {
		secret := f.Secret
		if secret == "" {
			secret = f.Match // path-only rules
		}
		out = append(out, Match{
			GitleaksRule: f.RuleID,
			Secret:       secret,
			Line:         f.StartLine + 1, // gitleaks lines are 0-based
			EndLine:      f.EndLine + 1,
			line:         f.Line,
		})
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
