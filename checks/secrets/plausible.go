package secrets

import (
	"hash/crc32"
	"math"
	"regexp"
	"strings"
)

// A match is only worth reporting when it could be a working credential.
// Documentation, OpenAPI examples and templates are full of values in a
// key's place that are not keys: `Bearer YOUR_API_TOKEN`, `<your-key>`,
// `${API_KEY}`, `{{ token }}`, `sk-...`, `xxxxxxxx`, `REPLACE_ME`. Where a
// provider gives its keys a verifiable structure (GitHub's CRC32 checksum)
// the structure is checked; a generic "token" must look random.

// placeholderMarks never occur in a real key: template syntax, ellipses,
// masked or counted-out characters.
var placeholderMarks = []string{
	"<", ">", "${", "{{", "}}", "$(", "%s", "%(", "...", "…", "****", "xxxx", "XXXX", "1234567", "abcdefg", "ABCDEFG",
}

// placeholderWords are the words template values are made of. A word counts
// when it starts or ends the value or a part of it (YOUR_API_TOKEN,
// sk-your-key, <key-here>) or when the value is in one case (yourapikey):
// a random mixed-case key holds one at such a place with negligible odds.
var placeholderWords = []string{
	"your", "replace", "changeme", "placeholder", "example", "dummy", "sample", "redacted",
	"insert", "here", "fake", "todo", "notreal", "foobar",
}

// identifierLike is a value that is a name, not a secret: an environment
// variable or constant written where the value goes (YOUR_CREW_TOKEN,
// OPENAI_API_KEY), or a lower-case word chain (my-secret-token).
var identifierLike = regexp.MustCompile(`^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}|[a-z]+(?:[-_.][a-z]+)*)$`)

// genericRules are gitleaks rules with no provider structure to check: the
// value only has to follow a header or a key-like name.
var genericRules = map[string]bool{
	"curl-auth-header": true, "curl-auth-user": true, "generic-api-key": true,
}

// isPlaceholder reports whether a matched secret is a template value.
func isPlaceholder(secret string) bool {
	for _, m := range placeholderMarks {
		if strings.Contains(secret, m) {
			return true
		}
	}
	low := strings.ToLower(secret)
	oneCase := low == secret || strings.ToUpper(secret) == secret
	for _, w := range placeholderWords {
		for from := 0; ; {
			i := strings.Index(low[from:], w)
			if i < 0 {
				break
			}
			i += from
			end := i + len(w)
			if oneCase || i == 0 || end == len(low) || !isAlnum(low[i-1]) || !isAlnum(low[end]) {
				return true
			}
			from = i + 1
		}
	}
	// One character repeated (aaaaaaaa, 00000000) or nearly so.
	return distinct(secret) <= 3
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// looksRandom reports whether a generic token has the shape of a real one:
// a run of at least 16 letters and digits that mixes letters with digits or
// with both cases, at an entropy no word or name reaches.
func looksRandom(secret string) bool {
	if identifierLike.MatchString(secret) {
		return false
	}
	best := ""
	for _, run := range alnumRuns.FindAllString(secret, -1) {
		if len(run) > len(best) {
			best = run
		}
	}
	if len(best) < 16 {
		return false
	}
	var upper, lowerCase, digit bool
	for _, c := range best {
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lowerCase = true
		case c >= '0' && c <= '9':
			digit = true
		}
	}
	mixed := digit && (upper || lowerCase) || upper && lowerCase
	return mixed && shannon(best) >= 3.0
}

var alnumRuns = regexp.MustCompile(`[A-Za-z0-9+/]+`)

// shannon is the entropy of s in bits per character.
func shannon(s string) float64 {
	counts := map[rune]int{}
	n := 0
	for _, c := range s {
		counts[c]++
		n++
	}
	var h float64
	for _, k := range counts {
		p := float64(k) / float64(n)
		h -= p * math.Log2(p)
	}
	return h
}

func distinct(s string) int {
	seen := map[rune]bool{}
	for _, c := range s {
		seen[c] = true
	}
	return len(seen)
}

// githubChecksummed are the GitHub token prefixes whose last six characters
// are the base62 CRC32 of the 30 characters before them
// (https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/).
var githubChecksummed = map[string]bool{"ghp_": true, "gho_": true, "ghu_": true, "ghs_": true, "ghr_": true}

const base62Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// githubChecksumOK reports whether a ghp_/gho_/ghu_/ghs_/ghr_ token of the
// classic 40-character form carries a valid checksum; ok is false when the
// token is not of that form (and so has no checksum to verify).
func githubChecksumOK(token string) (valid, ok bool) {
	if len(token) != 40 || !githubChecksummed[token[:4]] {
		return false, false
	}
	body, sum := token[4:34], token[34:]
	want := base62(crc32.ChecksumIEEE([]byte(body)), 6)
	return sum == want, true
}

// base62 encodes v in GitHub's alphabet, left-padded with '0' to width.
func base62(v uint32, width int) string {
	b := make([]byte, width)
	for i := width - 1; i >= 0; i-- {
		b[i] = base62Digits[v%62]
		v /= 62
	}
	return string(b)
}

// judge decides what a match is: drop is true for a template value or a
// generic token without a real one's shape; doubt, when set, says why a
// provider-shaped token cannot be a working one (it is then reported low).
func judge(m Match) (drop bool, doubt string) {
	if isPlaceholder(m.Secret) {
		return true, ""
	}
	if genericRules[m.GitleaksRule] && !looksRandom(m.Secret) {
		return true, ""
	}
	if valid, ok := githubChecksumOK(m.Secret); ok && !valid {
		return false, "its last six characters are not the CRC32 checksum every GitHub token carries, so GitHub " +
			"would reject it: probably a made-up sample"
	}
	return false, ""
}
