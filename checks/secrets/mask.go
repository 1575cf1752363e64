package secrets

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Mask hides a secret for display: its first 4 characters and its length,
// "sk-p…(164 chars)". Secrets shorter than 16 characters show a quarter of
// their characters at most, so that a short password is not half revealed.
func Mask(s string) string {
	n := utf8.RuneCountInString(s)
	show := 4
	if n < 16 {
		show = n / 4
	}
	prefix := string([]rune(s)[:show])
	return fmt.Sprintf("%s…(%d chars)", prefix, n)
}

// MaskText returns text with every secret ward can find in it masked: what
// the detector reports (including base64- or hex-encoded secrets, whose
// encoded form is masked), and values assigned to credential-like names
// (PASSWORD=…, "api_key": "…") even when they are too short or too plain to
// count as a finding. Use it on anything that leaves ward: diffs sent to an
// LLM, log lines, comment bodies built from file content.
func MaskText(text string) string {
	d, err := Default()
	if err != nil {
		// Without a detector, hide every credential-looking assignment and
		// every long token rather than risk leaking one.
		return maskLongTokens(maskAssignments(text))
	}
	return maskMatches(text, d.Find(context.Background(), "", text))
}

// maskMatches replaces each match's secret in text by its mask.
func maskMatches(text string, ms []Match) string {
	var pairs []string
	seen := map[string]bool{}
	for _, m := range ms {
		if m.Secret == "" {
			continue
		}
		if !seen[m.Secret] && strings.Contains(text, m.Secret) {
			seen[m.Secret] = true
			pairs = append(pairs, m.Secret, Mask(m.Secret))
		}
		if strings.Contains(m.line, m.Secret) {
			continue
		}
		// Found only after decoding: mask the encoded tokens on its line.
		for _, tok := range longToken.FindAllString(m.line, -1) {
			if !seen[tok] {
				seen[tok] = true
				pairs = append(pairs, tok, Mask(tok))
			}
		}
	}
	// Longest first, so a secret that contains another is replaced whole.
	sortPairsLongestFirst(pairs)
	if len(pairs) > 0 {
		text = strings.NewReplacer(pairs...).Replace(text)
	}
	return maskAssignments(text)
}

func sortPairsLongestFirst(pairs []string) {
	type pr struct{ old, new string }
	ps := make([]pr, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		ps = append(ps, pr{pairs[i], pairs[i+1]})
	}
	sort.SliceStable(ps, func(i, j int) bool { return len(ps[i].old) > len(ps[j].old) })
	for i, p := range ps {
		pairs[2*i], pairs[2*i+1] = p.old, p.new
	}
}

// longToken is a run of characters that base64, hex, URL or key encodings use.
var longToken = regexp.MustCompile(`[A-Za-z0-9+/=_\-%.]{16,}`)

// credentialAssignment matches NAME = value, NAME: value, "name": "value"
// where the name says it holds a credential. Group 2 is the value.
var credentialAssignment = regexp.MustCompile(
	`(?i)([\w.-]*(?:passw(?:or)?d|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth)[\w.-]*["']?\s*(?:=|:=|:)\s*["']?)([^\s"'…,;]{6,})`)

// maskAssignments masks values assigned to credential-like names, leaving
// references to other variables (${VAR}, $VAR, os.environ[...]) readable.
func maskAssignments(text string) string {
	return credentialAssignment.ReplaceAllStringFunc(text, func(s string) string {
		sub := credentialAssignment.FindStringSubmatch(s)
		name, value := sub[1], sub[2]
		if looksLikeReference(value) || strings.Contains(value, "…(") {
			return s
		}
		return name + Mask(value)
	})
}

func maskLongTokens(text string) string {
	return longToken.ReplaceAllStringFunc(text, func(s string) string {
		if strings.Contains(s, "…(") {
			return s
		}
		return Mask(s)
	})
}

// looksLikeReference is true for values that name a secret instead of holding
// it: environment references, template placeholders, function calls.
func looksLikeReference(v string) bool {
	switch strings.ToLower(v) {
	case "bearer", "basic", "token", "required", "optional", "none", "null", "true", "false":
		return true
	}
	switch {
	case strings.HasPrefix(v, "$"), strings.HasPrefix(v, "{{"), strings.HasPrefix(v, "%"),
		strings.HasPrefix(v, "<"), strings.Contains(v, "("), strings.Contains(v, "["),
		strings.HasPrefix(v, "os.") || strings.HasPrefix(v, "process.env"):
		return true
	}
	// Code identifiers (access_token, self.api_key, config.secret) name a
	// value; a credential has digits or no separators.
	return identifier.MatchString(v) && strings.ContainsAny(v, "_.")
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z_.]*$`)

// textMasker is MaskText as a checks.Masker: the boundary every finding
// crosses (checks.MaskFinding) masks with the same rules as this package.
type textMasker struct{}

func (textMasker) MaskText(text string) string { return MaskText(text) }
