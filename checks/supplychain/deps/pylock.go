package deps

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// lockPackage is the part of a uv.lock / poetry.lock [[package]] ward reads.
type lockPackage struct {
	Name    string         `toml:"name"`
	Version string         `toml:"version"`
	Source  map[string]any `toml:"source"`
}

var tomlNameLine = regexp.MustCompile(`(?m)^name\s*=\s*"([^"]*)"`)

// packageLines maps each top-level `name = "…"` line (one per [[package]])
// to its line number, first occurrence wins.
func packageLines(src string) map[string]int {
	loc := newLocator(src)
	out := map[string]int{}
	for _, m := range tomlNameLine.FindAllStringSubmatchIndex(src, -1) {
		n := src[m[2]:m[3]]
		if _, ok := out[n]; !ok {
			out[n] = loc.lineAt(m[0])
		}
	}
	return out
}

// ParseUVLock reads uv.lock: every package with its exact version and source
// (registry, git, url, path, directory, editable, virtual).
func ParseUVLock(src string) (*Manifest, error) {
	var doc struct {
		Package []lockPackage `toml:"package"`
	}
	if err := toml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, fmt.Errorf("parse uv.lock: %w", err)
	}
	m := &Manifest{Format: "uv.lock"}
	lines := packageLines(src)
	for _, p := range doc.Package {
		d := Dep{Eco: PyPI, Name: p.Name, Spec: p.Version, Version: p.Version, Lock: true,
			Line: lines[p.Name], Text: p.Name + "==" + p.Version}
		switch {
		case str(p.Source, "registry") != "":
			m.Resolved = append(m.Resolved, Resolved{Name: p.Name, URL: str(p.Source, "registry"), Line: d.Line})
		case str(p.Source, "git") != "":
			d.Source, d.URL = FromVCS, str(p.Source, "git")
		case str(p.Source, "url") != "":
			d.Source, d.URL = FromURL, str(p.Source, "url")
			m.Resolved = append(m.Resolved, Resolved{Name: p.Name, URL: d.URL, Line: d.Line, Foreign: true})
		default: // editable, virtual, path, directory: the project's own code
			d.Source = FromPath
			d.URL = firstNonEmpty(str(p.Source, "editable"), str(p.Source, "virtual"), str(p.Source, "path"), str(p.Source, "directory"))
		}
		m.Deps = append(m.Deps, d)
	}
	return m, nil
}

// ParsePoetryLock reads poetry.lock: packages from PyPI have no [package.source];
// others name a legacy index, a git repository, a URL, a file or a directory.
func ParsePoetryLock(src string) (*Manifest, error) {
	var doc struct {
		Package []lockPackage `toml:"package"`
	}
	if err := toml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, fmt.Errorf("parse poetry.lock: %w", err)
	}
	m := &Manifest{Format: "poetry.lock"}
	lines := packageLines(src)
	for _, p := range doc.Package {
		d := Dep{Eco: PyPI, Name: p.Name, Spec: p.Version, Version: p.Version, Lock: true,
			Line: lines[p.Name], Text: p.Name + "==" + p.Version}
		u := str(p.Source, "url")
		switch strings.ToLower(str(p.Source, "type")) {
		case "":
		case "legacy":
			m.Resolved = append(m.Resolved, Resolved{Name: p.Name, URL: u, Line: d.Line, Foreign: true})
		case "git":
			d.Source, d.URL = FromVCS, u
		case "url":
			d.Source, d.URL = FromURL, u
			m.Resolved = append(m.Resolved, Resolved{Name: p.Name, URL: u, Line: d.Line, Foreign: true})
		default: // file, directory
			d.Source, d.URL = FromPath, u
		}
		m.Deps = append(m.Deps, d)
	}
	return m, nil
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}
