package deps

import (
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// ParsePipfile reads a Pipenv Pipfile: [[source]], [packages], [dev-packages].
func ParsePipfile(src string) (*Manifest, error) {
	var doc map[string]any
	if err := toml.Unmarshal([]byte(src), &doc); err != nil {
		return nil, fmt.Errorf("parse Pipfile: %w", err)
	}
	m := &Manifest{Format: "Pipfile"} // Pipfile.lock pins; loose ranges are normal here
	loc := newLocator(src)
	for _, sec := range []string{"packages", "dev-packages"} {
		from := loc.section(sec)
		pkgs := table(doc, sec)
		for _, name := range sortedKeys(pkgs) {
			d := Dep{Eco: PyPI, Name: name, Line: loc.key(name, from)}
			d.Text = loc.lineText(d.Line)
			switch v := pkgs[name].(type) {
			case string:
				d.Spec = v
			case map[string]any:
				d.Spec, _ = v["version"].(string)
				for _, k := range []string{"git", "file", "path"} {
					if u, ok := v[k].(string); ok {
						d.URL = u
						d.Source = map[string]SourceKind{"git": FromVCS, "file": sourceOfURL(u), "path": FromPath}[k]
						if k == "file" && d.Source == FromURL && !strings.Contains(u, "://") {
							d.Source = FromPath
						}
					}
				}
			}
			if d.Spec == "*" {
				d.Spec = ""
			}
			d.Version = exactPin(d.Spec)
			m.Deps = append(m.Deps, d)
		}
	}
	sources := tableList(doc["source"])
	searchAll, _ := table(doc, "pipenv")["install_search_all_sources"].(bool)
	from := loc.section("[source]")
	for _, s := range sources {
		name, _ := s["name"].(string)
		u, _ := s["url"].(string)
		verify, hasVerify := s["verify_ssl"].(bool)
		m.Indexes = append(m.Indexes, Index{Eco: PyPI, Kind: "pipfile-source", Name: name, URL: u,
			// Pipenv looks only at the first source unless a package names
			// its index, or install_search_all_sources turns that off.
			Confusable: searchAll && len(sources) > 1 && !isPublicPyPI(u),
			Insecure:   isHTTP(u) || (hasVerify && !verify),
			Line:       loc.quoted(u, from), Text: sourceText(name, u, "")})
	}
	return m, nil
}

// isPublicPyPI reports whether an index URL is the public PyPI index itself.
func isPublicPyPI(u string) bool {
	h := hostOf(u)
	return h == "pypi.org" || h == "pypi.python.org"
}
