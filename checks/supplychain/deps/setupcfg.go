package deps

import (
	"fmt"
	"strings"
)

// ParseSetupCfg reads the dependency keys of a setuptools setup.cfg:
// [options] install_requires, setup_requires, tests_require, dependency_links
// and every key of [options.extras_require]. setup.cfg is INI with indented
// continuation lines, which is all this parser needs to understand.
func ParseSetupCfg(src string) (*Manifest, error) {
	m := &Manifest{Format: "setup.cfg"}
	section, key := "", ""
	lines := strings.Split(src, "\n")
	if len(lines) > maxLogicalLines {
		return m, fmt.Errorf("%d lines, over the limit of %d", len(lines), maxLogicalLines)
	}
	for i, raw := range lines {
		raw = strings.TrimRight(raw, "\r")
		t := strings.TrimSpace(raw)
		if t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";") {
			continue
		}
		if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
			section, key = strings.TrimSpace(t[1:len(t)-1]), ""
			continue
		}
		value := t
		if raw[0] != ' ' && raw[0] != '\t' {
			k, v, ok := strings.Cut(t, "=")
			if !ok {
				k, v, ok = strings.Cut(t, ":")
			}
			if !ok {
				key = ""
				continue
			}
			key, value = strings.TrimSpace(k), strings.TrimSpace(v)
		}
		if !depKey(section, key) || value == "" {
			continue
		}
		if key == "dependency_links" {
			m.Deps = append(m.Deps, Dep{Eco: PyPI, Name: nameFromRef(value), URL: value, Source: sourceOfURL(value),
				Line: i + 1, Text: value})
			continue
		}
		if r, ok := ParseRequirement(value); ok {
			d := Dep{Eco: PyPI, Name: r.Name, Spec: r.Spec, Version: exactPin(r.Spec), Line: i + 1, Text: t}
			if r.URL != "" {
				d.URL, d.Source, d.Spec, d.Version = r.URL, sourceOfURL(r.URL), "", ""
			}
			m.Deps = append(m.Deps, d)
		}
	}
	return m, nil
}

func depKey(section, key string) bool {
	switch section {
	case "options":
		switch key {
		case "install_requires", "setup_requires", "tests_require", "dependency_links":
			return true
		}
	case "options.extras_require":
		return key != ""
	}
	return false
}
