package deps

import (
	"regexp"
	"strings"
)

// locator finds the line of a declaration in source text for parsers whose
// library does not report positions (TOML, JSON, INI). It searches for the
// declaration as written, so the line is the one a reviewer sees.
type locator struct {
	src   string
	lines []int // byte offset where each line starts
}

func newLocator(src string) *locator {
	l := &locator{src: src, lines: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			l.lines = append(l.lines, i+1)
		}
	}
	return l
}

// lineAt returns the 1-based line of a byte offset.
func (l *locator) lineAt(off int) int {
	lo, hi := 0, len(l.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if l.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo + 1
}

// lineText returns the trimmed text of a 1-based line.
func (l *locator) lineText(n int) string {
	if n < 1 || n > len(l.lines) {
		return ""
	}
	end := len(l.src)
	if n < len(l.lines) {
		end = l.lines[n] - 1
	}
	return strings.TrimSpace(l.src[l.lines[n-1]:end])
}

// section returns the byte offset just after a TOML/INI section header such
// as "[tool.poetry.dependencies]", or 0 when it is not found.
func (l *locator) section(header string) int {
	re := regexp.MustCompile(`(?m)^\s*\[\s*` + regexp.QuoteMeta(header) + `\s*\]`)
	if loc := re.FindStringIndex(l.src); loc != nil {
		return loc[1]
	}
	return 0
}

// quoted finds a string literal holding s at or after offset from.
func (l *locator) quoted(s string, from int) int {
	for _, q := range []string{`"`, `'`} {
		if i := strings.Index(l.src[min(from, len(l.src)):], q+s+q); i >= 0 {
			return l.lineAt(from + i)
		}
	}
	if from > 0 {
		return l.quoted(s, 0)
	}
	return 0
}

// key finds a line declaring key (bare or quoted) as a TOML/INI/JSON key at
// or after offset from.
func (l *locator) key(k string, from int) int {
	re := regexp.MustCompile(`(?m)^[ \t]*["']?` + regexp.QuoteMeta(k) + `["']?[ \t]*[=:]`)
	if loc := re.FindStringIndex(l.src[min(from, len(l.src)):]); loc != nil {
		return l.lineAt(from + loc[0])
	}
	if from > 0 {
		return l.key(k, 0)
	}
	return 0
}

var jsonObjectKey = regexp.MustCompile(`(?m)^[ \t]*"((?:[^"\\]|\\.)*)"[ \t]*:[ \t]*\{`)

// objectKeyLines maps each JSON key that opens an object on its own line to
// the line of its first occurrence, in one pass (lock files hold thousands).
func (l *locator) objectKeyLines() map[string]int {
	out := map[string]int{}
	for _, m := range jsonObjectKey.FindAllStringSubmatchIndex(l.src, -1) {
		k := l.src[m[2]:m[3]]
		if _, seen := out[k]; !seen {
			out[k] = l.lineAt(m[0])
		}
	}
	return out
}
