package secrets

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
)

// loadRules reads gitleaks' default rules and ward's additions into one
// config, the way `[extend] useDefault = true` would, but without gitleaks'
// extension path: that path reads the defaults through the global viper
// instance and a package global that breaks a second build, and it compiles
// the generic rule's ~1,500 stop words into an aho-corasick trie of 2 KB per
// state (9 MB, more than everything else ward holds for a scan). Stop words
// are taken out of the rules here and applied by Detector.keep instead.
func loadRules() (config.Config, map[string][]string, error) {
	base, err := readRules("gitleaks default", config.DefaultConfig)
	if err != nil {
		return config.Config{}, nil, err
	}
	ours, err := readRules("ward", wardRulesTOML)
	if err != nil {
		return config.Config{}, nil, err
	}
	if !ours.Extend.UseDefault || ours.Extend.Path != "" || len(ours.Extend.DisabledRules) > 0 {
		return config.Config{}, nil, fmt.Errorf("ward secret rules: [extend] must be exactly useDefault = true")
	}
	merged := mergeRules(base, ours)
	stopWords := takeStopWords(&merged)
	cfg, err := merged.Translate()
	if err != nil {
		return config.Config{}, nil, fmt.Errorf("build secret rules: %w", err)
	}
	for _, r := range cfg.Rules {
		for _, req := range r.RequiredRules {
			if len(stopWords[req.RuleID]) > 0 {
				// A composite rule sees its required rule's findings before
				// any filter of ours; stop words must then stay in gitleaks.
				return config.Config{}, nil, fmt.Errorf("build secret rules: %s requires %s, whose stop words ward applies itself", r.RuleID, req.RuleID)
			}
		}
	}
	sort.Strings(cfg.OrderedRules) // as gitleaks' extend leaves them
	return cfg, stopWords, nil
}

// readRules decodes one gitleaks TOML config with a viper of its own.
func readRules(name, toml string) (config.ViperConfig, error) {
	v := viper.New()
	v.SetConfigType("toml")
	var vc config.ViperConfig
	if err := v.ReadConfig(strings.NewReader(toml)); err != nil {
		return vc, fmt.Errorf("read %s secret rules: %w", name, err)
	}
	if err := v.Unmarshal(&vc); err != nil {
		return vc, fmt.Errorf("decode %s secret rules: %w", name, err)
	}
	return vc, nil
}

// mergeRules adds ours to base as gitleaks' Config.extend does: a rule of
// ours with a new ID is added; one with a base rule's ID overrides the
// fields it sets and adds its keywords, tags and allowlists. Global
// allowlists are appended.
func mergeRules(base, ours config.ViperConfig) config.ViperConfig {
	out := base
	out.Title, out.Description, out.Extend = ours.Title, ours.Description, config.Extend{}
	out.Rules = slices.Clone(base.Rules)
	at := map[string]int{}
	for i, r := range out.Rules {
		at[r.ID] = i
	}
	for _, r := range ours.Rules {
		i, ok := at[r.ID]
		if !ok {
			at[r.ID] = len(out.Rules)
			out.Rules = append(out.Rules, r)
			continue
		}
		b := &out.Rules[i]
		if r.Description != "" {
			b.Description = r.Description
		}
		if r.Entropy != 0 {
			b.Entropy = r.Entropy
		}
		if r.SecretGroup != 0 {
			b.SecretGroup = r.SecretGroup
		}
		if r.Regex != "" {
			b.Regex = r.Regex
		}
		if r.Path != "" {
			b.Path = r.Path
		}
		b.Tags = append(b.Tags[:len(b.Tags):len(b.Tags)], r.Tags...)
		b.Keywords = append(b.Keywords[:len(b.Keywords):len(b.Keywords)], r.Keywords...)
		if r.AllowList != nil {
			b.Allowlists = append(b.Allowlists[:len(b.Allowlists):len(b.Allowlists)], r.AllowList)
		}
		b.Allowlists = append(b.Allowlists[:len(b.Allowlists):len(b.Allowlists)], r.Allowlists...)
	}
	if ours.AllowList != nil {
		out.Allowlists = append(out.Allowlists[:len(out.Allowlists):len(out.Allowlists)], ours.AllowList)
	}
	out.Allowlists = append(out.Allowlists[:len(out.Allowlists):len(out.Allowlists)], ours.Allowlists...)
	return out
}

// takeStopWords moves the stop words out of every rule allowlist whose
// conditions are ORed (gitleaks' default): there a stop word in the secret
// allows the finding whatever the other conditions say, so applying the
// words after detection decides the same. It returns them (lowercased, as
// gitleaks compares them) by rule ID; an allowlist left empty is dropped.
func takeStopWords(vc *config.ViperConfig) map[string][]string {
	out := map[string][]string{}
	for i := range vc.Rules {
		r := &vc.Rules[i]
		if r.AllowList != nil && len(r.Allowlists) == 0 {
			// gitleaks' deprecated single [rules.allowlist], moved the way
			// Translate would move it.
			r.Allowlists, r.AllowList = append(r.Allowlists, r.AllowList), nil
		}
		kept := r.Allowlists[:0:0]
		for _, a := range r.Allowlists {
			if len(a.StopWords) == 0 || !orCondition(a.Condition) {
				kept = append(kept, a)
				continue
			}
			for _, w := range a.StopWords {
				out[r.ID] = append(out[r.ID], strings.ToLower(w))
			}
			if len(a.Commits)+len(a.Paths)+len(a.Regexes) > 0 {
				rest := *a // a may be shared with the config merged from
				rest.StopWords = nil
				kept = append(kept, &rest)
			}
		}
		r.Allowlists = kept
	}
	for id, ws := range out {
		sort.Strings(ws)
		out[id] = slices.Compact(ws)
	}
	return out
}

// orCondition reports whether an allowlist's condition is OR, spelt as
// gitleaks' parseAllowlist accepts it.
func orCondition(c string) bool {
	switch strings.ToUpper(c) {
	case "", "OR", "||":
		return true
	}
	return false
}

// hasStopWord reports whether secret holds one of words, compared as
// gitleaks' Allowlist.ContainsStopWord does (lowercased, substring).
func hasStopWord(secret string, words []string) bool {
	if secret == "" || len(words) == 0 {
		return false
	}
	s := strings.ToLower(secret)
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
