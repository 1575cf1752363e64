package deps

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// installScripts run on `npm install` of the package or of a project that
// depends on it ("prepare" runs for git dependencies and local installs).
var installScripts = []string{"preinstall", "install", "postinstall", "prepare"}

// ParsePackageJSON reads the dependency sections and install scripts of a
// package.json.
func ParsePackageJSON(src string) (*Manifest, error) {
	// Loosely typed on purpose: npm tolerates odd values ("private": "true"),
	// and one of them must not hide every dependency from review.
	var doc struct {
		Scripts              map[string]any `json:"scripts"`
		Dependencies         map[string]any `json:"dependencies"`
		DevDependencies      map[string]any `json:"devDependencies"`
		OptionalDependencies map[string]any `json:"optionalDependencies"`
		PeerDependencies     map[string]any `json:"peerDependencies"`
	}
	if err := json.Unmarshal([]byte(src), &doc); err != nil {
		return nil, fmt.Errorf("parse package.json: %w", err)
	}
	m := &Manifest{Format: "package.json"}
	loc := newLocator(src)
	sections := []struct {
		key  string
		deps map[string]any
	}{
		{"dependencies", doc.Dependencies}, {"devDependencies", doc.DevDependencies},
		{"optionalDependencies", doc.OptionalDependencies}, {"peerDependencies", doc.PeerDependencies},
	}
	for _, sec := range sections {
		from := jsonKeyOffset(src, sec.key)
		for _, name := range sortedKeysOf(sec.deps) {
			spec, ok := sec.deps[name].(string)
			if !ok {
				continue
			}
			d := npmDep(name, spec)
			d.Line = loc.quotedKey(name, from)
			d.Text = fmt.Sprintf("%q: %q", name, spec)
			m.Deps = append(m.Deps, d)
		}
	}
	from := jsonKeyOffset(src, "scripts")
	for _, s := range installScripts {
		if cmd, ok := doc.Scripts[s].(string); ok {
			m.Scripts = append(m.Scripts, Script{Name: s, Command: cmd, Line: loc.quotedKey(s, from)})
		}
	}
	return m, nil
}

var npmGitHubShorthand = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*/[A-Za-z0-9._-]+(#.*)?$`)

// npmDep classifies one package.json dependency value: a semver range, an
// alias ("npm:other@1"), a git/GitHub reference, a URL or a local path.
func npmDep(name, spec string) Dep {
	d := Dep{Eco: Npm, Name: name, Spec: spec}
	s := strings.TrimSpace(spec)
	switch {
	case strings.HasPrefix(s, "npm:"):
		d.Alias = name
		alias := strings.TrimPrefix(s, "npm:")
		at := strings.LastIndex(alias, "@")
		if at > 0 {
			d.Name, d.Spec = alias[:at], alias[at+1:]
		} else {
			d.Name, d.Spec = alias, ""
		}
	case strings.HasPrefix(s, "file:"), strings.HasPrefix(s, "link:"), strings.HasPrefix(s, "./"),
		strings.HasPrefix(s, "../"), strings.HasPrefix(s, "/"), strings.HasPrefix(s, "~/"):
		d.Source, d.URL = FromPath, s
	case strings.HasPrefix(s, "workspace:"):
		d.Source, d.URL = FromPath, s
	case strings.Contains(s, "://") || strings.HasPrefix(s, "git@"):
		d.Source, d.URL = sourceOfURL(s), s
	case strings.HasPrefix(s, "github:"), strings.HasPrefix(s, "gitlab:"), strings.HasPrefix(s, "bitbucket:"),
		strings.HasPrefix(s, "gist:"), npmGitHubShorthand.MatchString(s):
		d.Source, d.URL = FromVCS, s
	}
	if d.Source == FromRegistry {
		d.Version = npmExact(d.Spec)
	} else {
		d.Spec = ""
	}
	return d
}

var npmExactRe = regexp.MustCompile(`^[=v]*(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?)$`)

// npmExact returns the version an npm spec pins exactly, or "".
func npmExact(spec string) string {
	if m := npmExactRe.FindStringSubmatch(strings.TrimSpace(spec)); m != nil {
		return m[1]
	}
	return ""
}

// jsonKeyOffset returns the offset just after the first `"key":`, or 0.
func jsonKeyOffset(src, key string) int {
	re := regexp.MustCompile(`"` + regexp.QuoteMeta(key) + `"\s*:`)
	if loc := re.FindStringIndex(src); loc != nil {
		return loc[1]
	}
	return 0
}

// quotedKey finds the line of a JSON object key at or after offset from.
func (l *locator) quotedKey(k string, from int) int {
	re := regexp.MustCompile(`"` + regexp.QuoteMeta(k) + `"\s*:`)
	if loc := re.FindStringIndex(l.src[min(from, len(l.src)):]); loc != nil {
		return l.lineAt(from + loc[0])
	}
	if from > 0 {
		return l.quotedKey(k, 0)
	}
	return 0
}

// ParseNpmrc reads registry settings from an .npmrc (INI-style key=value).
// Auth tokens are left to the secrets check.
func ParseNpmrc(src string) (*Manifest, error) {
	m := &Manifest{Format: ".npmrc"}
	for i, raw := range strings.Split(src, "\n") {
		t := strings.TrimSpace(raw)
		if t == "" || t[0] == '#' || t[0] == ';' {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"'`)
		switch {
		case k == "registry":
			// The public registry spelt out is the default, not a switch.
			m.Indexes = append(m.Indexes, Index{Eco: Npm, Kind: "npm-registry", URL: v, Confusable: !isPublicNpm(v),
				Insecure: isHTTP(v), Line: i + 1, Text: t})
		case strings.HasPrefix(k, "@") && strings.HasSuffix(k, ":registry"):
			// A scoped registry is the defence against confusion, not a risk,
			// unless it is reached over plain HTTP.
			m.Indexes = append(m.Indexes, Index{Eco: Npm, Kind: "npm-scope-registry", Name: strings.TrimSuffix(k, ":registry"),
				URL: v, Insecure: isHTTP(v), Line: i + 1, Text: t})
		case k == "strict-ssl" && strings.EqualFold(v, "false"):
			m.Indexes = append(m.Indexes, Index{Eco: Npm, Kind: "strict-ssl", URL: v, Insecure: true, Line: i + 1, Text: t})
		}
	}
	return m, nil
}
