package deps

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// maxLogicalLines bounds how many requirement lines one file may hold.
const maxLogicalLines = 100_000

// logicalLine is one requirement line after joining "\" continuations.
type logicalLine struct {
	text string
	line int // where it starts, 1-based
}

// splitLogicalLines joins backslash continuations and strips comments. A "#"
// starts a comment only at the start of a line or after white space, so URL
// fragments such as "#egg=name" survive (pip's own rule).
func splitLogicalLines(src string) []logicalLine {
	var out []logicalLine
	var cur strings.Builder
	start := 0
	for i, raw := range strings.Split(src, "\n") {
		raw = strings.TrimRight(raw, "\r")
		if cur.Len() == 0 {
			start = i + 1
		}
		cont := strings.HasSuffix(raw, "\\") && !strings.HasSuffix(raw, "\\\\")
		if cont {
			raw = strings.TrimSuffix(raw, "\\")
		}
		cur.WriteString(stripComment(raw))
		if cont {
			cur.WriteByte(' ')
			continue
		}
		if t := strings.TrimSpace(cur.String()); t != "" {
			out = append(out, logicalLine{t, start})
		}
		cur.Reset()
	}
	if t := strings.TrimSpace(cur.String()); t != "" {
		out = append(out, logicalLine{t, start})
	}
	return out
}

func stripComment(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '#' && (i == 0 || s[i-1] == ' ' || s[i-1] == '\t') {
			return s[:i]
		}
	}
	return s
}

// ParseRequirements reads a pip requirements or constraints file, keeping
// what general-purpose extractors drop: index options, includes, direct
// URLs and VCS references.
func ParseRequirements(src string) (*Manifest, error) {
	m := &Manifest{Format: "requirements", App: true}
	lines := splitLogicalLines(src)
	if len(lines) > maxLogicalLines {
		return m, fmt.Errorf("%d lines, over the limit of %d", len(lines), maxLogicalLines)
	}
	for _, ll := range lines {
		parseRequirementLine(m, ll, PyPI)
	}
	return m, nil
}

// parseRequirementLine handles one logical line of a requirements file; the
// conda pip section reuses it.
func parseRequirementLine(m *Manifest, ll logicalLine, eco Ecosystem) {
	fields := strings.Fields(ll.text)
	if len(fields) == 0 {
		return
	}
	opt, val := splitOption(fields)
	switch opt {
	case "-r", "--requirement", "-c", "--constraint":
		if val != "" {
			m.Includes = append(m.Includes, val)
		}
		return
	case "-i", "--index-url":
		m.Indexes = append(m.Indexes, Index{Eco: eco, Kind: "index-url", URL: val, Primary: true,
			Insecure: strings.HasPrefix(strings.ToLower(val), "http://"), Line: ll.line, Text: ll.text})
		return
	case "--extra-index-url", "-f", "--find-links":
		kind := strings.TrimLeft(opt, "-")
		if opt == "-f" {
			kind = "find-links"
		}
		m.Indexes = append(m.Indexes, Index{Eco: eco, Kind: kind, URL: val, Confusable: isRemoteLocation(val),
			Insecure: strings.HasPrefix(strings.ToLower(val), "http://"), Line: ll.line, Text: ll.text})
		return
	case "--trusted-host":
		m.Indexes = append(m.Indexes, Index{Eco: eco, Kind: "trusted-host", URL: val, Insecure: true,
			Line: ll.line, Text: ll.text})
		return
	case "-e", "--editable":
		if d, ok := directRef(val, ll, eco); ok {
			m.Deps = append(m.Deps, d)
		}
		return
	case "":
	default:
		return // other pip options (--no-binary, --pre, --hash on its own line…)
	}
	// A requirement, optionally followed by per-requirement options (--hash).
	req := ll.text
	if i := strings.Index(req, " --"); i >= 0 {
		req = strings.TrimSpace(req[:i])
	}
	if r, ok := ParseRequirement(req); ok {
		d := Dep{Eco: eco, Name: r.Name, Spec: r.Spec, Version: exactPin(r.Spec), Line: ll.line, Text: ll.text}
		if r.URL != "" {
			d.URL = r.URL
			d.Source = sourceOfURL(r.URL)
			d.Spec, d.Version = "", ""
		}
		m.Deps = append(m.Deps, d)
		return
	}
	if d, ok := directRef(req, ll, eco); ok {
		m.Deps = append(m.Deps, d)
	}
}

// isRemoteLocation reports whether an index or find-links location is
// remote: a local wheel directory is not a second public namespace.
func isRemoteLocation(val string) bool {
	lv := strings.ToLower(val)
	return !(strings.HasPrefix(lv, "file:") || strings.HasPrefix(lv, "./") || strings.HasPrefix(lv, "../") ||
		strings.HasPrefix(lv, "/") || strings.HasPrefix(lv, "~") || lv == "." || lv == "")
}

// splitOption recognises "-x VALUE", "--opt VALUE", "--opt=VALUE" and "-xVALUE".
func splitOption(fields []string) (opt, val string) {
	f := fields[0]
	if !strings.HasPrefix(f, "-") {
		return "", ""
	}
	if k, v, ok := strings.Cut(f, "="); ok && strings.HasPrefix(f, "--") {
		return k, v
	}
	if len(fields) > 1 {
		return f, fields[1]
	}
	for _, short := range []string{"-r", "-c", "-i", "-f", "-e"} {
		if strings.HasPrefix(f, short) && len(f) > 2 {
			return short, f[2:]
		}
	}
	return f, ""
}

// directRef turns a bare URL or path line into a dependency, naming it from
// "#egg=" or the archive's file name.
func directRef(ref string, ll logicalLine, eco Ecosystem) (Dep, bool) {
	if ref == "" {
		return Dep{}, false
	}
	d := Dep{Eco: eco, URL: ref, Source: sourceOfURL(ref), Line: ll.line, Text: ll.text}
	if d.Source == FromURL && !strings.Contains(ref, "://") {
		d.Source = FromPath // "pkg/", "./wheels/x.whl", "."
	}
	d.Name = nameFromRef(ref)
	if d.Name == "" {
		d.Name = ref
	}
	return d, true
}

// nameFromRef extracts a project name from "#egg=name" or a wheel/sdist name.
func nameFromRef(ref string) string {
	if i := strings.Index(ref, "#"); i >= 0 {
		if q, err := url.ParseQuery(ref[i+1:]); err == nil {
			if egg := q.Get("egg"); egg != "" {
				if r, ok := ParseRequirement(egg); ok {
					return r.Name
				}
			}
		}
		ref = ref[:i]
	}
	base := path.Base(strings.TrimRight(ref, "/"))
	for _, ext := range []string{".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz"} {
		if strings.HasSuffix(base, ext) {
			name, _, _ := strings.Cut(strings.TrimSuffix(base, ext), "-")
			if validPyPIName.MatchString(name) {
				return name
			}
		}
	}
	return ""
}
