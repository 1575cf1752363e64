package secrets

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
)

// gitleaksExtendConfig builds the rules the way gitleaks itself extends its
// defaults ([extend] useDefault = true through the global viper). gitleaks
// can do that once per process (a package global counts extensions), so only
// this test calls it.
func gitleaksExtendConfig(t *testing.T) config.Config {
	t.Helper()
	viper.SetConfigType("toml")
	if err := viper.ReadConfig(strings.NewReader(wardRulesTOML)); err != nil {
		t.Fatal(err)
	}
	var vc config.ViperConfig
	if err := viper.Unmarshal(&vc); err != nil {
		t.Fatal(err)
	}
	cfg, err := vc.Translate()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// loadRules holds the same rules as gitleaks' own extension, with the stop
// words moved out of the allowlists, and a detector over them finds what
// gitleaks' detector finds, stop words included.
func TestLoadRulesMatchesGitleaksExtend(t *testing.T) {
	ref := gitleaksExtendConfig(t)
	got, stopWords, err := loadRules()
	if err != nil {
		t.Fatal(err)
	}
	if a, b := slices.Sorted(maps.Keys(ref.Rules)), slices.Sorted(maps.Keys(got.Rules)); !slices.Equal(a, b) {
		t.Fatalf("rule IDs differ: gitleaks %d, ward %d", len(a), len(b))
	}
	if !slices.Equal(ref.OrderedRules, got.OrderedRules) {
		t.Errorf("rule order differs")
	}
	if a, b := slices.Sorted(maps.Keys(ref.Keywords)), slices.Sorted(maps.Keys(got.Keywords)); !slices.Equal(a, b) {
		t.Errorf("keywords differ: gitleaks %d, ward %d", len(a), len(b))
	}
	if len(ref.Allowlists) != len(got.Allowlists) {
		t.Errorf("global allowlists: gitleaks %d, ward %d", len(ref.Allowlists), len(got.Allowlists))
	}
	for id, r := range ref.Rules {
		g := got.Rules[id]
		if fmt.Sprint(r.Regex) != fmt.Sprint(g.Regex) || fmt.Sprint(r.Path) != fmt.Sprint(g.Path) ||
			r.Entropy != g.Entropy || r.SecretGroup != g.SecretGroup || !slices.Equal(r.Keywords, g.Keywords) ||
			len(r.RequiredRules) != len(g.RequiredRules) || r.SkipReport != g.SkipReport {
			t.Errorf("%s differs", id)
		}
		var words []string
		for _, a := range r.Allowlists {
			words = append(words, a.StopWords...)
		}
		sort.Strings(words)
		if !slices.Equal(slices.Compact(words), stopWords[id]) {
			t.Errorf("%s: %d stop words in gitleaks' allowlists, %d taken", id, len(words), len(stopWords[id]))
		}
		for _, a := range g.Allowlists {
			if len(a.StopWords) > 0 {
				t.Errorf("%s: stop words left in an allowlist", id)
			}
		}
	}
	if len(stopWords["generic-api-key"]) < 1000 {
		t.Errorf("generic-api-key: only %d stop words taken", len(stopWords["generic-api-key"]))
	}

	// Generic keys whose value holds a stop word ("example", "password",
	// "aaaaaa") are allowed by gitleaks; the same values without one are not.
	var doc strings.Builder
	for i, v := range []string{"Xq7exampleZ9kLmN4pR8sT1v", "k9Vb2password7QzXw4LmN8", "aaaaaaQ7zX9kLmN4pR8sT1vW", "Xq7Zv9kLmN4pR8sT1vW3yB6c", "P4nX8cQ2zL7mK9vR3tW6yB1d"} {
		fmt.Fprintf(&doc, "service_%d_api_key = \"%s\"\n", i, v)
	}
	for _, f := range benchCorpus(128 << 10) {
		b, _ := f.ReadAll(0)
		doc.Write(b)
	}
	d, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	refDet := detect.NewDetector(ref)
	refDet.MaxDecodeDepth = maxDecodeDepth
	var want []string
	for _, f := range refDet.DetectContext(context.Background(), detect.Fragment{Raw: doc.String(), FilePath: "f.txt"}) {
		if f.RuleID == "generic-api-key" && (memberOrPath(f.Secret)) {
			continue // ward's own generic allowlist (see build)
		}
		m := Match{GitleaksRule: f.RuleID, Secret: f.Secret, Line: f.StartLine + 1}
		if drop, _ := judge(m); !drop {
			want = append(want, fmt.Sprintf("%d %s %s", m.Line, m.GitleaksRule, Mask(m.Secret)))
		}
	}
	var gotKeys []string
	for _, m := range d.findAll(context.Background(), "f.txt", doc.String()) {
		gotKeys = append(gotKeys, fmt.Sprintf("%d %s %s", m.Line, m.GitleaksRule, Mask(m.Secret)))
	}
	sort.Strings(want)
	sort.Strings(gotKeys)
	// findAll de-duplicates overlapping matches; compare the sets it keeps.
	for _, k := range gotKeys {
		if !slices.Contains(want, k) {
			t.Errorf("ward finds %s; gitleaks does not", k)
		}
	}
	if len(gotKeys) < 2 {
		t.Fatalf("only %d findings: %v", len(gotKeys), gotKeys)
	}
	onLine := func(keys []string, line string) bool {
		return slices.ContainsFunc(keys, func(k string) bool { return strings.HasPrefix(k, line+" ") })
	}
	for _, line := range []string{"1", "2", "3"} {
		if onLine(want, line) || onLine(gotKeys, line) {
			t.Errorf("line %s holds a stop word: gitleaks reports it %v, ward %v", line, onLine(want, line), onLine(gotKeys, line))
		}
	}
	for _, line := range []string{"4", "5"} {
		if !onLine(want, line) || !onLine(gotKeys, line) {
			t.Errorf("line %s: gitleaks reports it %v, ward %v", line, onLine(want, line), onLine(gotKeys, line))
		}
	}
}

// memberOrPath is ward's addition to the generic rule's allowlist.
func memberOrPath(s string) bool {
	for _, re := range []string{memberChain, wordPath} {
		if regexp.MustCompile(re).MatchString(s) {
			return true
		}
	}
	return false
}

// A rule of ours that reuses a default rule's ID overrides what it sets and
// adds its keywords, as gitleaks' extend does.
func TestMergeRulesOverridesByID(t *testing.T) {
	base, err := readRules("base", `
[[rules]]
id = "a"
description = "base a"
regex = '''a[0-9]{8}'''
entropy = 2
keywords = ["a"]
[[rules.allowlists]]
stopwords = ["aaaa"]
[[rules]]
id = "b"
regex = '''b[0-9]{8}'''
keywords = ["b"]
`)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := readRules("ours", `
[extend]
useDefault = true
[[rules]]
id = "a"
regex = '''a[0-9]{9}'''
keywords = ["aa"]
[[rules.allowlists]]
stopwords = ["zzzz"]
[[rules]]
id = "c"
regex = '''c[0-9]{8}'''
keywords = ["c"]
`)
	if err != nil {
		t.Fatal(err)
	}
	m := mergeRules(base, ours)
	stop := takeStopWords(&m)
	cfg, err := m.Translate()
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Rules["a"]
	if a.Description != "base a" || a.Regex.String() != "a[0-9]{9}" || a.Entropy != 2 ||
		!slices.Equal(a.Keywords, []string{"a", "aa"}) || len(a.Allowlists) != 0 {
		t.Errorf("merged a: %+v", a)
	}
	if !slices.Equal(stop["a"], []string{"aaaa", "zzzz"}) {
		t.Errorf("stop words of a: %v", stop["a"])
	}
	if len(cfg.Rules) != 3 || len(base.Rules) != 2 || base.Rules[0].Regex != "a[0-9]{8}" {
		t.Errorf("rules %d (want 3), base changed: %d %q", len(cfg.Rules), len(base.Rules), base.Rules[0].Regex)
	}
}
