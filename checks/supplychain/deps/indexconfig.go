package deps

import (
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v4"
)

// maxConfigBytes bounds a package-manager configuration file (.yarnrc.yml,
// pip.conf, uv.toml): they hold a few settings, never megabytes.
const maxConfigBytes = 1 << 20

func configTooLarge(name, src string) error {
	if len(src) > maxConfigBytes {
		return fmt.Errorf("%s is %d bytes, over the %d-byte limit for configuration files", name, len(src), maxConfigBytes)
	}
	return nil
}

// isPublicNpm reports whether a registry URL is the public npm registry
// (npm's own host or Yarn's alias of it).
func isPublicNpm(u string) bool {
	switch hostOf(strings.TrimSpace(u)) {
	case "registry.npmjs.org", "registry.npmjs.com", "registry.yarnpkg.com":
		return true
	}
	return false
}

// ParseYarnrc reads the registry settings of a Yarn 2+ .yarnrc.yml:
// npmRegistryServer (every package), npmScopes.<scope>.npmRegistryServer (one
// scope), unsafeHttpWhitelist and enableStrictSsl. Auth tokens are left to
// the secrets check.
func ParseYarnrc(src string) (*Manifest, error) {
	m := &Manifest{Format: ".yarnrc.yml"}
	if err := configTooLarge(".yarnrc.yml", src); err != nil {
		return m, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal([]byte(src), &root); err != nil {
		return nil, fmt.Errorf("parse .yarnrc.yml: %w", err)
	}
	loc := newLocator(src)
	doc := docMapping(&root)
	if u, line, ok := yamlScalar(mapValue(doc, "npmRegistryServer")); ok {
		// Like registry= in .npmrc: the whole install resolves from there.
		m.Indexes = append(m.Indexes, Index{Eco: Npm, Kind: "yarn-registry", URL: u, Confusable: !isPublicNpm(u),
			Insecure: isHTTP(u), Line: line, Text: loc.lineText(line)})
	}
	if scopes := derefYAML(mapValue(doc, "npmScopes")); scopes != nil && scopes.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(scopes.Content); i += 2 {
			u, line, ok := yamlScalar(mapValue(derefYAML(scopes.Content[i+1]), "npmRegistryServer"))
			if !ok {
				continue
			}
			scope := "@" + strings.TrimPrefix(scopes.Content[i].Value, "@")
			// A scoped registry is the defence against confusion, not a
			// risk, unless it is reached over plain HTTP.
			m.Indexes = append(m.Indexes, Index{Eco: Npm, Kind: "yarn-scope-registry", Name: scope, URL: u,
				Insecure: isHTTP(u), Line: line, Text: loc.lineText(line)})
		}
	}
	if hosts := derefYAML(mapValue(doc, "unsafeHttpWhitelist")); hosts != nil && hosts.Kind == yaml.SequenceNode {
		for _, h := range hosts.Content {
			if host, line, ok := yamlScalar(h); ok && host != "" {
				m.Indexes = append(m.Indexes, Index{Eco: Npm, Kind: "yarn-unsafe-http", URL: host, Insecure: true,
					Line: line, Text: loc.lineText(line)})
			}
		}
	}
	if v, line, ok := yamlScalar(mapValue(doc, "enableStrictSsl")); ok && strings.EqualFold(v, "false") {
		m.Indexes = append(m.Indexes, Index{Eco: Npm, Kind: "yarn-strict-ssl", URL: v, Insecure: true,
			Line: line, Text: loc.lineText(line)})
	}
	return m, nil
}

// maxYAMLAliasHops bounds following an alias to its anchor.
const maxYAMLAliasHops = 8

func derefYAML(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxYAMLAliasHops; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// yamlScalar returns a scalar's value (through an alias) and the line
// where it is written.
func yamlScalar(n *yaml.Node) (string, int, bool) {
	if n == nil {
		return "", 0, false
	}
	v := derefYAML(n)
	if v == nil || v.Kind != yaml.ScalarNode {
		return "", 0, false
	}
	return v.Value, n.Line, true
}

// pipIndexSections are the pip.conf sections whose index settings apply to
// installs: [global] and those of the commands that resolve packages.
var pipIndexSections = map[string]bool{"global": true, "install": true, "download": true, "wheel": true, "lock": true}

// ParsePipConf reads the index settings of a pip.conf / pip.ini: index-url,
// extra-index-url, find-links and trusted-host, judged as the same options
// in a requirements file are.
func ParsePipConf(src string) (*Manifest, error) {
	m := &Manifest{Format: "pip.conf"}
	if err := configTooLarge("pip.conf", src); err != nil {
		return m, err
	}
	entries, err := readINI(src)
	for _, e := range entries {
		if !pipIndexSections[e.section] {
			continue
		}
		switch e.key {
		case "index-url":
			// A single value: pip takes the option as written.
			if len(e.values) > 0 {
				addPipOption(m, e.key, e.values[0])
			}
		case "extra-index-url", "find-links", "trusted-host":
			// Lists: pip splits the value on white space.
			for _, v := range e.values {
				addPipOption(m, e.key, v)
			}
		}
	}
	return m, err
}

// addPipOption records a pip.conf index setting through the requirements
// file's reading of the same option, so both are judged alike.
func addPipOption(m *Manifest, key string, v iniValue) {
	n := len(m.Indexes)
	parseRequirementLine(m, logicalLine{text: "--" + key + " " + v.text, line: v.line}, PyPI)
	for i := n; i < len(m.Indexes); i++ {
		m.Indexes[i].Text = key + " = " + v.text
	}
}

// iniValue is one white-space separated word of an INI value and its line.
type iniValue struct {
	text string
	line int
}

// iniEntry is one key of an INI file with the words of its value.
type iniEntry struct {
	section, key string
	values       []iniValue
}

// readINI reads the subset of Python's configparser format that pip uses:
// [section] headers, "key = value" or "key: value", whole-line # and ;
// comments, and indented continuation lines. Keys are normalised as pip
// does (lower case, "_" as "-", a leading "--" dropped). Lines it cannot
// read are skipped; only the line count is an error.
func readINI(src string) ([]iniEntry, error) {
	lines := strings.Split(src, "\n")
	if len(lines) > maxLogicalLines {
		return nil, fmt.Errorf("%d lines, over the limit of %d", len(lines), maxLogicalLines)
	}
	var out []iniEntry
	section := ""
	cur := -1 // index in out of the key a continuation line extends
	addWords := func(s string, line int) {
		for _, w := range strings.Fields(s) {
			out[cur].values = append(out[cur].values, iniValue{w, line})
		}
	}
	for i, raw := range lines {
		raw = strings.TrimRight(raw, "\r")
		t := strings.TrimSpace(raw)
		if t == "" {
			continue // configparser keeps a value open across blank lines
		}
		if t[0] == '#' || t[0] == ';' {
			continue
		}
		if raw[0] == ' ' || raw[0] == '\t' {
			if cur >= 0 {
				addWords(t, i+1)
			}
			continue
		}
		if t[0] == '[' {
			if end := strings.IndexByte(t, ']'); end > 0 {
				section, cur = strings.TrimSpace(t[1:end]), -1
				continue
			}
		}
		k, v, ok := cutINI(t)
		if !ok {
			cur = -1
			continue
		}
		out = append(out, iniEntry{section: section, key: normalizePipKey(k)})
		cur = len(out) - 1
		addWords(v, i+1)
	}
	return out, nil
}

// cutINI splits "key = value" or "key: value" at the first delimiter.
func cutINI(t string) (k, v string, ok bool) {
	i := strings.IndexAny(t, "=:")
	if i <= 0 {
		return "", "", false
	}
	return strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:]), strings.TrimSpace(t[:i]) != ""
}

func normalizePipKey(k string) string {
	k = strings.ReplaceAll(strings.ToLower(strings.TrimSpace(k)), "_", "-")
	return strings.TrimPrefix(k, "--")
}

// ParseUVToml reads a uv.toml: the settings of pyproject.toml's [tool.uv]
// at the top level (index-url, extra-index-url, [[index]], find-links,
// index-strategy, allow-insecure-host and the same keys under [pip]).
func ParseUVToml(src string) (*Manifest, error) {
	m := &Manifest{Format: "uv.toml"}
	if err := configTooLarge("uv.toml", src); err != nil {
		return m, err
	}
	var doc map[string]any
	if err := toml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, fmt.Errorf("parse uv.toml: %w", err)
	}
	parseUV(m, newLocator(src), doc, "")
	return m, nil
}
