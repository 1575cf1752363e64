package deps

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
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

// pnpmKey reads a packages key: "/name/1.0.0" (v5), "/name@1.0.0(peer@2)"
// (v6) or "name@1.0.0" (v9), scoped names included.
func pnpmKey(key string) (name, version string) {
	key = strings.TrimPrefix(key, "/")
	if i := strings.IndexByte(key, '('); i >= 0 {
		key = key[:i]
	}
	at := strings.LastIndex(key, "@")
	if at > 0 {
		return key[:at], key[at+1:]
	}
	// v5: the version is the last path segment.
	slash := strings.LastIndex(key, "/")
	if slash <= 0 {
		return "", ""
	}
	name, version = key[:slash], key[slash+1:]
	if i := strings.IndexByte(version, '_'); i >= 0 {
		version = version[:i]
	}
	return name, version
}
