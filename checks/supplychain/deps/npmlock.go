package deps

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ParsePackageLock reads package-lock.json / npm-shrinkwrap.json, versions 1
// ("dependencies", nested) and 2–3 ("packages" keyed by node_modules path).
func ParsePackageLock(src string) (*Manifest, error) {
	type entry struct {
		Version          string          `json:"version"`
		Resolved         string          `json:"resolved"`
		Name             string          `json:"name"`
		Link             bool            `json:"link"`
		HasInstallScript bool            `json:"hasInstallScript"`
		Dependencies     json.RawMessage `json:"dependencies"`
	}
	var doc struct {
		LockfileVersion int                        `json:"lockfileVersion"`
		Packages        map[string]entry           `json:"packages"`
		Dependencies    map[string]json.RawMessage `json:"dependencies"`
	}
	if err := json.Unmarshal([]byte(src), &doc); err != nil {
		return nil, fmt.Errorf("parse package-lock.json: %w", err)
	}
	m := &Manifest{Format: "package-lock.json"}
	lines := newLocator(src).objectKeyLines()
	if len(doc.Packages) > 0 {
		for _, key := range sortedKeysOf(doc.Packages) {
			if key == "" {
				continue // the root project
			}
			e := doc.Packages[key]
			name := e.Name
			if name == "" {
				i := strings.LastIndex(key, "node_modules/")
				if i < 0 {
					continue // a workspace folder, not an installed package
				}
				name = key[i+len("node_modules/"):]
			}
			line := lines[key]
			addLockEntry(m, name, e.Version, e.Resolved, e.Link, e.HasInstallScript, line)
		}
		return m, nil
	}
	// v1: nested "dependencies" objects.
	var walk func(deps map[string]json.RawMessage, depth int) error
	walk = func(deps map[string]json.RawMessage, depth int) error {
		if depth > 64 {
			return fmt.Errorf("dependencies nested deeper than 64")
		}
		for _, name := range sortedKeysOf(deps) {
			var e entry
			if err := json.Unmarshal(deps[name], &e); err != nil {
				return fmt.Errorf("parse package-lock.json entry %s: %w", name, err)
			}
			addLockEntry(m, name, e.Version, e.Resolved, false, false, lines[name])
			if len(e.Dependencies) > 0 {
				var sub map[string]json.RawMessage
				if err := json.Unmarshal(e.Dependencies, &sub); err == nil {
					if err := walk(sub, depth+1); err != nil {
						return err
					}
				}
			}
		}
		return nil
	}
	return m, walk(doc.Dependencies, 0)
}

// addLockEntry records a resolved package and where it came from.
func addLockEntry(m *Manifest, name, version, resolved string, link, script bool, line int) {
	d := Dep{Eco: Npm, Name: name, Spec: version, Version: npmExact(version), Lock: true,
		InstallScript: script, Line: line, Text: name + "@" + version}
	switch {
	case link:
		d.Source = FromPath
	case strings.HasPrefix(version, "file:"), strings.HasPrefix(resolved, "file:"):
		d.Source, d.URL = FromPath, resolved
	case resolved != "" && sourceOfURL(resolved) == FromVCS,
		strings.HasPrefix(version, "git"), strings.HasPrefix(version, "github:"):
		d.Source, d.URL = FromVCS, firstNonEmpty(resolved, version)
	}
	m.Deps = append(m.Deps, d)
	if resolved != "" && d.Source != FromPath {
		m.Resolved = append(m.Resolved, Resolved{Name: name, URL: resolved, Line: line})
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
