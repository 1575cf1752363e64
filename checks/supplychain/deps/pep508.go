package deps

import (
	"path"
	"strings"
)

// Requirement is one PEP 508 dependency specifier.
type Requirement struct {
	Name   string
	Extras string
	Spec   string // version specifiers, e.g. ">=1.0,<2"
	URL    string // after "@"
	Marker string // after ";"
}

// ParseRequirement reads a PEP 508 string such as
// `torch[cuda]>=2.1,<3 ; python_version >= "3.9"` or `pkg @ https://…`.
// It reports ok=false when the string does not start with a valid name.
func ParseRequirement(s string) (Requirement, bool) {
	var r Requirement
	s = strings.TrimSpace(s)
	if i := markerStart(s); i >= 0 {
		r.Marker = strings.TrimSpace(s[i+1:])
		s = strings.TrimSpace(s[:i])
	}
	n := 0
	for n < len(s) && isNameByte(s[n]) {
		n++
	}
	r.Name = s[:n]
	if !validPyPIName.MatchString(r.Name) {
		return Requirement{}, false
	}
	rest := strings.TrimSpace(s[n:])
	if strings.HasPrefix(rest, "[") {
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return Requirement{}, false
		}
		r.Extras = strings.TrimSpace(rest[1:end])
		rest = strings.TrimSpace(rest[end+1:])
	}
	if strings.HasPrefix(rest, "@") {
		r.URL = strings.TrimSpace(rest[1:])
		if r.URL == "" {
			return Requirement{}, false
		}
		return r, true
	}
	rest = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(rest, "("), ")"))
	if rest != "" && !strings.ContainsAny(rest[:1], "<>=!~") {
		return Requirement{}, false
	}
	r.Spec = strings.Join(strings.Fields(rest), "")
	return r, true
}

// markerStart finds the ";" that starts environment markers. In a URL form
// the marker separator must be preceded by white space (PEP 508).
func markerStart(s string) int {
	if strings.Contains(s, "@") {
		if i := strings.Index(s, " ;"); i >= 0 {
			return i + 1
		}
		if i := strings.Index(s, "\t;"); i >= 0 {
			return i + 1
		}
		return -1
	}
	return strings.IndexByte(s, ';')
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// exactPin returns the version a PEP 440 specifier pins exactly ("==1.2.3",
// "===1.2.3"), or "" for ranges and wildcards.
func exactPin(spec string) string {
	if strings.Contains(spec, ",") {
		for _, part := range strings.Split(spec, ",") {
			if v := exactPin(part); v != "" {
				return v
			}
		}
		return ""
	}
	v, ok := strings.CutPrefix(spec, "===")
	if !ok {
		v, ok = strings.CutPrefix(spec, "==")
	}
	if !ok || v == "" || strings.Contains(v, "*") {
		return ""
	}
	return v
}

// loosePEP440 reports whether a specifier leaves the version open-ended: no
// pin, no upper bound and no compatible-release clause.
func loosePEP440(spec string) bool {
	if spec == "" {
		return true
	}
	for _, op := range []string{"==", "~=", "<"} {
		if strings.Contains(spec, op) {
			return false
		}
	}
	return true
}

// sourceOfURL classifies a direct reference.
func sourceOfURL(u string) SourceKind {
	l := strings.ToLower(u)
	switch {
	case strings.HasPrefix(l, "git+"), strings.HasPrefix(l, "hg+"), strings.HasPrefix(l, "svn+"),
		strings.HasPrefix(l, "bzr+"), strings.HasPrefix(l, "git://"), strings.HasPrefix(l, "git@"),
		strings.HasPrefix(l, "github:"), strings.HasPrefix(l, "gitlab:"), strings.HasPrefix(l, "bitbucket:"),
		strings.HasSuffix(l, ".git"):
		return FromVCS
	case strings.HasPrefix(l, "file:"), strings.HasPrefix(l, "link:"), strings.HasPrefix(l, "./"),
		strings.HasPrefix(l, "../"), strings.HasPrefix(l, "/"), l == ".", l == "..", strings.HasPrefix(l, "~/"):
		return FromPath
	}
	return FromURL
}

// localInsideRepo reports whether a path source, relative to the manifest
// at manifestPath, stays within the repository (reviewed code), as opposed
// to absolute paths, home directories or paths that climb out of it.
func localInsideRepo(manifestPath, p string) bool {
	for _, pre := range []string{"file:", "link:", "workspace:", "portal:"} {
		p = strings.TrimPrefix(p, pre)
	}
	if p == "" || p == "*" || p == "^" || p == "~" {
		return true // workspace:* and friends name a workspace member
	}
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || strings.Contains(p, "://") {
		return false
	}
	j := path.Join(path.Dir(manifestPath), p)
	return j != ".." && !strings.HasPrefix(j, "../")
}
