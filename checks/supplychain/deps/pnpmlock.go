package deps

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"
)

// ParsePnpmLock reads pnpm-lock.yaml (lock versions 5, 6 and 9): every
// package and its resolution (registry integrity, tarball URL, git or
// directory).
func ParsePnpmLock(src string) (*Manifest, error) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		return nil, fmt.Errorf("parse pnpm-lock.yaml: %w", err)
	}
	m := &Manifest{Format: "pnpm-lock.yaml"}
	pkgs := mapValue(docMapping(&root), "packages")
	if pkgs == nil || pkgs.Kind != yaml.MappingNode {
		return m, nil
	}
	for i := 0; i+1 < len(pkgs.Content); i += 2 {
		k, v := pkgs.Content[i], pkgs.Content[i+1]
		name, version := pnpmKey(k.Value)
		if name == "" {
			continue
		}
		d := Dep{Eco: Npm, Name: name, Spec: version, Version: npmExact(version), Lock: true,
			Line: k.Line, Text: name + "@" + version}
		if b := scalar(mapValue(v, "requiresBuild")); b == "true" {
			d.InstallScript = true
		}
		res := mapValue(v, "resolution")
		switch {
		case scalar(mapValue(res, "type")) == "git" || scalar(mapValue(res, "repo")) != "":
			d.Source, d.URL = FromVCS, scalar(mapValue(res, "repo"))
		case scalar(mapValue(res, "type")) == "directory" || scalar(mapValue(res, "directory")) != "":
			d.Source, d.URL = FromPath, scalar(mapValue(res, "directory"))
		case scalar(mapValue(res, "tarball")) != "":
			u := scalar(mapValue(res, "tarball"))
			if strings.HasPrefix(u, "file:") {
				d.Source, d.URL = FromPath, u
			} else {
				m.Resolved = append(m.Resolved, Resolved{Name: name, URL: u, Line: k.Line, Foreign: true})
			}
		}
		m.Deps = append(m.Deps, d)
	}
	return m, nil
}

// pnpmKey reads a packages key: "/name/1.0.0_peer" (v5), "/name@1.0.0(peer@2)"
// (v6) or "name@1.0.0" (v9), scoped names included.
func pnpmKey(key string) (name, version string) {
	key = strings.TrimPrefix(key, "/")
	scope := ""
	if strings.HasPrefix(key, "@") {
		i := strings.IndexByte(key, '/')
		if i < 0 {
			return "", ""
		}
		scope, key = key[:i+1], key[i+1:]
	}
	slash, at := strings.IndexByte(key, '/'), strings.IndexByte(key, '@')
	switch {
	case slash > 0 && (at < 0 || slash < at): // v5: name/version[_peers]
		name, version = key[:slash], key[slash+1:]
		if i := strings.IndexByte(version, '_'); i >= 0 {
			version = version[:i]
		}
	case at > 0: // v6 and v9: name@version[(peers)]
		name, version = key[:at], key[at+1:]
		if i := strings.IndexByte(version, '('); i >= 0 {
			version = version[:i]
		}
	default:
		return "", ""
	}
	return scope + name, version
}
