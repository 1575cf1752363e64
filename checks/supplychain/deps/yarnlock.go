package deps

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Bounds for the hand-written yarn.lock v1 parser.
const (
	maxYarnLines   = 2_000_000
	maxYarnKeyLine = 64 << 10
)

// ParseYarnLock reads a yarn.lock: the v1 format (yarn's own syntax, parsed
// here by hand) or the YAML format of yarn 2+ ("__metadata:").
func ParseYarnLock(src string) (*Manifest, error) {
	if strings.Contains(src, "\n__metadata:") || strings.HasPrefix(src, "__metadata:") {
		return parseYarnBerry(src)
	}
	return parseYarnV1(src)
}

func parseYarnV1(src string) (*Manifest, error) {
	m := &Manifest{Format: "yarn.lock"}
	lines := strings.Split(src, "\n")
	if len(lines) > maxYarnLines {
		return m, fmt.Errorf("%d lines, over the limit of %d", len(lines), maxYarnLines)
	}
	var name, version, resolved string
	start := 0
	flush := func() {
		if name != "" {
			addLockEntry(m, name, version, resolved, false, false, start)
		}
		name, version, resolved = "", "", ""
	}
	for i, raw := range lines {
		raw = strings.TrimRight(raw, "\r")
		if raw == "" || strings.HasPrefix(strings.TrimSpace(raw), "#") {
			continue
		}
		if raw[0] != ' ' && raw[0] != '\t' {
			flush()
			if len(raw) > maxYarnKeyLine || !strings.HasSuffix(raw, ":") {
				return m, fmt.Errorf("line %d: expected an entry header ending in ':'", i+1)
			}
			n, ok := yarnEntryName(strings.TrimSuffix(raw, ":"))
			if !ok {
				return m, fmt.Errorf("line %d: cannot read a package name from %q", i+1, truncate(raw, 80))
			}
			name, start = n, i+1
			continue
		}
		if name == "" {
			return m, fmt.Errorf("line %d: indented line outside an entry", i+1)
		}
		// Only the entry's own fields (two-space indent), not its dependencies.
		if strings.HasPrefix(raw, "  ") && !strings.HasPrefix(raw, "   ") {
			k, v, _ := strings.Cut(strings.TrimSpace(raw), " ")
			switch k {
			case "version":
				version = unquote(v)
			case "resolved":
				resolved = unquote(v)
			}
		}
	}
	flush()
	return m, nil
}

// yarnEntryName reads the package name from an entry header such as
// `"@babel/core@^7.0.0", "@babel/core@^7.1.0"`: the first specifier's name.
func yarnEntryName(header string) (string, bool) {
	first, _, _ := strings.Cut(header, ",")
	first = unquote(strings.TrimSpace(first))
	at := strings.LastIndex(first, "@")
	if at <= 0 {
		return "", false
	}
	name := first[:at]
	if strings.HasPrefix(name, "@") && !strings.Contains(name, "/") {
		return "", false
	}
	return name, name != ""
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// parseYarnBerry reads the YAML lock of yarn 2+. Each entry's "resolution"
// says where the package came from: "name@npm:1.2.3" is the registry.
func parseYarnBerry(src string) (*Manifest, error) {
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		return nil, fmt.Errorf("parse yarn.lock: %w", err)
	}
	m := &Manifest{Format: "yarn.lock"}
	doc := docMapping(&root)
	if doc == nil {
		return m, nil
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		if k.Value == "__metadata" || v.Kind != yaml.MappingNode {
			continue
		}
		res := scalar(mapValue(v, "resolution"))
		version := scalar(mapValue(v, "version"))
		name, proto := berryResolution(res)
		if name == "" {
			name, _ = yarnEntryName(k.Value)
		}
		d := Dep{Eco: Npm, Name: name, Spec: version, Version: npmExact(version), Lock: true,
			Line: k.Line, Text: name + "@" + version}
		switch {
		case strings.HasPrefix(proto, "npm:"):
		case strings.HasPrefix(proto, "workspace:"), strings.HasPrefix(proto, "file:"),
			strings.HasPrefix(proto, "link:"), strings.HasPrefix(proto, "portal:"), strings.HasPrefix(proto, "patch:"):
			d.Source, d.URL = FromPath, proto
		case proto != "":
			d.Source, d.URL = sourceOfURL(proto), proto
			if d.Source == FromURL {
				m.Resolved = append(m.Resolved, Resolved{Name: name, URL: proto, Line: k.Line, Foreign: true})
			}
		}
		if name != "" {
			m.Deps = append(m.Deps, d)
		}
	}
	return m, nil
}

// berryResolution splits "name@proto:rest" at the "@" after the name.
func berryResolution(res string) (name, proto string) {
	at := strings.Index(res[min(1, len(res)):], "@")
	if at < 0 {
		return "", ""
	}
	at++
	return res[:at], res[at+1:]
}

func scalar(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}
