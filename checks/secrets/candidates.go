package secrets

import (
	"strings"

	"github.com/zricethezav/gitleaks/v8/detect"
)

// minEncodedRun is the shortest run of base64/hex characters worth handing
// to gitleaks' decoder: the shortest key any rule matches, encoded, is longer.
const minEncodedRun = 24

// candidateFragments returns the parts of text a single-line rule can match
// in: runs of lines that hold a keyword, the line after each such line (a
// value written on the next line), and lines holding encoded text (long
// base64 or hex runs, percent or backslash escapes) that gitleaks decodes
// before matching. Each fragment carries its 0-based start line.
func candidateFragments(text string, lower []byte, keywords *keywordIndex) []detect.Fragment {
	if text == "" {
		return nil
	}
	starts := []int{0} // byte offset of each line
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' && i+1 < len(text) {
			starts = append(starts, i+1)
		}
	}
	lineOf := func(off int) int {
		lo, hi := 0, len(starts)
		for lo+1 < hi {
			mid := (lo + hi) / 2
			if starts[mid] <= off {
				lo = mid
			} else {
				hi = mid
			}
		}
		return lo
	}
	marked := make([]bool, len(starts)+1)
	keywords.each(lower, func(end int) bool { marked[lineOf(end)] = true; return true })
	markEncoded(text, starts, marked)

	// One fragment per candidate line: gitleaks then runs a rule only on the
	// lines that hold its keyword, not on every line of a run. A line that
	// ends in an assignment carries the next line, where its value is.
	lineText := func(l int) string {
		end := len(text)
		if l+1 < len(starts) {
			end = starts[l+1] - 1
		}
		return text[starts[l]:end]
	}
	var out []detect.Fragment
	for l := 0; l < len(starts); l++ {
		if !marked[l] {
			continue
		}
		raw := lineText(l)
		if l+1 < len(starts) && endsInAssignment(raw) {
			raw = text[starts[l] : starts[l]+len(raw)+1+len(lineText(l+1))]
		}
		out = appendChunks(out, raw, l)
	}
	return out
}

// Long lines (minified code, data URIs, embedded images) are cut into
// overlapping chunks. gitleaks runs every rule whose keyword occurs in a
// fragment over all of it, and a line of a megabyte of base64 holds by chance
// the keyword of nearly every rule: its cost grew with the line's length
// times the rules it woke. In chunks, each rule runs only where its keyword
// is. A match shorter than the overlap lies whole in some chunk; a cut one is
// contained in it and dropped by dedupe.
const (
	chunkSize    = 16 << 10
	chunkOverlap = 2 << 10
)

func appendChunks(out []detect.Fragment, raw string, line int) []detect.Fragment {
	if len(raw) <= chunkSize {
		return append(out, detect.Fragment{Raw: raw, StartLine: line})
	}
	for at := 0; at < len(raw); at += chunkSize - chunkOverlap {
		end := min(at+chunkSize, len(raw))
		out = append(out, detect.Fragment{Raw: raw[at:end], StartLine: line})
		if end == len(raw) {
			break
		}
	}
	return out
}

// endsInAssignment is true when a line's last visible character leaves its
// value to the next line ("api_key =", "token:", a lone quote).
func endsInAssignment(line string) bool {
	for i := len(line) - 1; i >= 0; i-- {
		switch c := line[i]; c {
		case ' ', '\t', '\r':
			continue
		case '=', ':', '>', ',', '|', '\'', '"', '`':
			return true
		default:
			return false
		}
	}
	return false
}

// markEncoded marks lines with text gitleaks' decoders would decode.
func markEncoded(text string, starts []int, marked []bool) {
	line, run := 0, 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if line+1 < len(starts) && i >= starts[line+1] {
			line++
			run = 0
		}
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/', c == '-', c == '_':
			run++
			if run == minEncodedRun {
				marked[line] = true
			}
		case c == '%' && i+2 < len(text) && isHex(text[i+1]) && isHex(text[i+2]):
			marked[line] = true
			run = 0
		case c == '\\' && i+1 < len(text) && (text[i+1] == 'u' || text[i+1] == 'x' || text[i+1] == 'U'):
			marked[line] = true
			run = 0
		default:
			run = 0
		}
	}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// asciiLower lowers text's ASCII letters only, which keeps byte offsets
// (keywords are ASCII). It matches the keywords gitleaks finds in its
// strings.ToLower of the text except where a rune lowers to ASCII (see
// lowersToASCII).
func asciiLower(text string) []byte {
	lower := make([]byte, len(text))
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	return lower
}

// lowersToASCII reports whether text holds one of the two runes that Go's
// strings.ToLower turns into an ASCII letter (İ → i, the Kelvin sign → k),
// which asciiLower leaves alone.
func lowersToASCII(text string) bool {
	return strings.ContainsRune(text, '\u0130') || strings.ContainsRune(text, '\u212a')
}
