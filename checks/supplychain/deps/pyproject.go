package deps

import (
	"fmt"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// ParsePyproject reads a pyproject.toml: PEP 621 [project], PEP 735
// [dependency-groups], Poetry, uv (sources and indexes) and PDM.
func ParsePyproject(src string) (*Manifest, error) {
	var doc map[string]any
	if err := toml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, fmt.Errorf("parse pyproject.toml: %w", err)
	}
	m := &Manifest{Format: "pyproject"}
	loc := newLocator(src)
	project := table(doc, "project")
	addPEP508List(m, loc, strList(project["dependencies"]), loc.section("project"))
	for _, g := range sortedKeys(table(project, "optional-dependencies")) {
		addPEP508List(m, loc, strList(table(project, "optional-dependencies")[g]), loc.section("project.optional-dependencies"))
	}
	groups := table(doc, "dependency-groups")
	for _, g := range sortedKeys(groups) {
		addPEP508List(m, loc, strList(groups[g]), loc.section("dependency-groups"))
	}
	tool := table(doc, "tool")
	parsePoetry(m, loc, table(tool, "poetry"))
	parseUV(m, loc, table(tool, "uv"), "tool.uv")
	parsePDM(m, loc, table(tool, "pdm"))
	return m, nil
}

func addPEP508List(m *Manifest, loc *locator, reqs []string, from int) {
	for _, s := range reqs {
		r, ok := ParseRequirement(s)
		if !ok {
			continue
		}
		d := Dep{Eco: PyPI, Name: r.Name, Spec: r.Spec, Version: exactPin(r.Spec), Line: loc.quoted(s, from), Text: s}
		if r.URL != "" {
			d.URL, d.Source, d.Spec, d.Version = r.URL, sourceOfURL(r.URL), "", ""
		}
		m.Deps = append(m.Deps, d)
	}
}

func parsePoetry(m *Manifest, loc *locator, poetry map[string]any) {
	if poetry == nil {
		return
	}
	addPoetryDeps(m, loc, table(poetry, "dependencies"), "tool.poetry.dependencies")
	addPoetryDeps(m, loc, table(poetry, "dev-dependencies"), "tool.poetry.dev-dependencies")
	groups := table(poetry, "group")
	for _, g := range sortedKeys(groups) {
		addPoetryDeps(m, loc, table(table(groups, g), "dependencies"), "tool.poetry.group."+g+".dependencies")
	}
	sec := loc.section("tool.poetry.source")
	for _, s := range tableList(poetry["source"]) {
		name, _ := s["name"].(string)
		u, _ := s["url"].(string)
		prio, _ := s["priority"].(string)
		secondary, _ := s["secondary"].(bool)
		// Supplemental (and the legacy secondary) sources are searched for
		// every package that the primary ones lack: a public name wins.
		conf := prio == "supplemental" || secondary
		m.Indexes = append(m.Indexes, Index{Eco: PyPI, Kind: "poetry-source", Name: name, URL: u,
			Confusable: conf, Insecure: isHTTP(u), Line: loc.quoted(u, sec), Text: sourceText(name, u, "priority = "+prio)})
	}
}

func addPoetryDeps(m *Manifest, loc *locator, deps map[string]any, header string) {
	from := loc.section(header)
	for _, name := range sortedKeys(deps) {
		if strings.EqualFold(name, "python") {
			continue
		}
		d := Dep{Eco: PyPI, Name: name, Line: loc.key(name, from)}
		d.Text = loc.lineText(d.Line)
		switch v := deps[name].(type) {
		case string:
			d.Spec = v
		case map[string]any:
			d.Spec, _ = v["version"].(string)
			for _, k := range []string{"git", "url", "path"} {
				if u, ok := v[k].(string); ok {
					d.URL = u
					d.Source = map[string]SourceKind{"git": FromVCS, "url": FromURL, "path": FromPath}[k]
				}
			}
		case []any: // multiple-constraints form
			d.Spec = "(multiple constraints)"
		}
		d.Version = poetryPin(d.Spec)
		m.Deps = append(m.Deps, d)
	}
}

// poetryPin returns the exact version of a Poetry constraint: a bare version
// ("1.2.3") or "==1.2.3" pins; "^", "~", ranges and "*" do not.
func poetryPin(spec string) string {
	s := strings.TrimSpace(spec)
	if v := exactPin(s); v != "" {
		return v
	}
	if s == "" || strings.ContainsAny(s, "^~<>=!*, |") {
		return ""
	}
	return s
}

// parseUV reads uv's settings: pyproject.toml's [tool.uv] (prefix
// "tool.uv") or a uv.toml, where the same keys sit at the top level
// (prefix "").
func parseUV(m *Manifest, loc *locator, uv map[string]any, prefix string) {
	if uv == nil {
		return
	}
	sec := func(name string) int {
		h := strings.TrimPrefix(prefix+"."+name, ".")
		if h == "" {
			return 0
		}
		return loc.section(h)
	}
	addPEP508List(m, loc, strList(uv["dev-dependencies"]), sec(""))
	idxSec := sec("index")
	named := map[string]bool{}
	sources := table(uv, "sources")
	srcSec := sec("sources")
	for _, name := range sortedKeys(sources) {
		s := table(sources, name)
		if idx, ok := s["index"].(string); ok {
			named[idx] = true
		}
		for _, k := range []string{"git", "url", "path"} {
			u, ok := s[k].(string)
			if !ok {
				continue
			}
			line := loc.key(name, srcSec)
			m.Deps = append(m.Deps, Dep{Eco: PyPI, Name: name, URL: u, Line: line, Text: loc.lineText(line),
				Source: map[string]SourceKind{"git": FromVCS, "url": FromURL, "path": FromPath}[k]})
		}
	}
	for _, ix := range tableList(uv["index"]) {
		name, _ := ix["name"].(string)
		u, _ := ix["url"].(string)
		explicit, _ := ix["explicit"].(bool)
		isDefault, _ := ix["default"].(bool)
		// A non-explicit index is consulted for every package, not only for
		// those that [tool.uv.sources] pins to it.
		m.Indexes = append(m.Indexes, Index{Eco: PyPI, Kind: "uv-index", Name: name, URL: u,
			Confusable: !explicit && !isDefault, Primary: isDefault, Insecure: isHTTP(u), Line: loc.quoted(u, idxSec),
			Text: sourceText(name, u, fmt.Sprintf("explicit = %v", explicit))})
	}
	uvIndexKeys(m, loc, uv, sec(""))
	// uv's pip interface ([tool.uv.pip], or [pip] in uv.toml) takes pip's
	// index options.
	uvIndexKeys(m, loc, table(uv, "pip"), sec("pip"))
	if s, ok := uv["index-strategy"].(string); ok && strings.HasPrefix(s, "unsafe-") {
		line := loc.key("index-strategy", sec(""))
		m.Indexes = append(m.Indexes, Index{Eco: PyPI, Kind: "uv-index-strategy", Name: s, Confusable: true,
			Line: line, Text: loc.lineText(line)})
	}
}

// uvIndexKeys reads uv's pip-style index keys from one table: index-url,
// extra-index-url, find-links and allow-insecure-host, judged as the same
// options of pip are.
func uvIndexKeys(m *Manifest, loc *locator, t map[string]any, from int) {
	if t == nil {
		return
	}
	for _, u := range strList(t["extra-index-url"]) {
		m.Indexes = append(m.Indexes, Index{Eco: PyPI, Kind: "extra-index-url", URL: u, Confusable: true,
			Insecure: isHTTP(u), Line: loc.quoted(u, from), Text: "extra-index-url = " + u})
	}
	if u, ok := t["index-url"].(string); ok {
		m.Indexes = append(m.Indexes, Index{Eco: PyPI, Kind: "index-url", URL: u, Primary: true, Insecure: isHTTP(u),
			Line: loc.quoted(u, from), Text: "index-url = " + u})
	}
	for _, u := range strList(t["find-links"]) {
		m.Indexes = append(m.Indexes, Index{Eco: PyPI, Kind: "find-links", URL: u, Confusable: isRemoteLocation(u),
			Insecure: isHTTP(u), Line: loc.quoted(u, from), Text: "find-links = " + u})
	}
	for _, h := range strList(t["allow-insecure-host"]) {
		m.Indexes = append(m.Indexes, Index{Eco: PyPI, Kind: "allow-insecure-host", URL: h, Insecure: true,
			Line: loc.quoted(h, from), Text: "allow-insecure-host = " + h})
	}
}

func parsePDM(m *Manifest, loc *locator, pdm map[string]any) {
	if pdm == nil {
		return
	}
	dev := table(pdm, "dev-dependencies")
	for _, g := range sortedKeys(dev) {
		addPEP508List(m, loc, strList(dev[g]), loc.section("tool.pdm.dev-dependencies"))
	}
	sec := loc.section("tool.pdm.source")
	for _, s := range tableList(pdm["source"]) {
		name, _ := s["name"].(string)
		u, _ := s["url"].(string)
		_, scoped := s["include_packages"]
		m.Indexes = append(m.Indexes, Index{Eco: PyPI, Kind: "pdm-source", Name: name, URL: u,
			Confusable: !scoped && name != "pypi", Insecure: isHTTP(u), Line: loc.quoted(u, sec),
			Text: sourceText(name, u, "")})
	}
}

func sourceText(name, u, extra string) string {
	s := fmt.Sprintf("name = %q, url = %q", name, u)
	if extra != "" && !strings.HasSuffix(extra, "= ") {
		s += ", " + extra
	}
	return s
}

func isHTTP(u string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(u)), "http://")
}

func table(m map[string]any, k string) map[string]any {
	if m == nil {
		return nil
	}
	t, _ := m[k].(map[string]any)
	return t
}

func tableList(v any) []map[string]any {
	var out []map[string]any
	switch l := v.(type) {
	case []any:
		for _, e := range l {
			if t, ok := e.(map[string]any); ok {
				out = append(out, t)
			}
		}
	case []map[string]any:
		out = l
	}
	return out
}

func strList(v any) []string {
	l, _ := v.([]any)
	var out []string
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
