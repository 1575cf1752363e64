package review

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/bluekeyes/go-gitdiff/gitdiff"

	"github.com/ward-sec/ward/checks"
)

// Caps on the model's text, in characters.
const (
	maxTitle       = 120
	maxReason      = 300
	maxExplanation = 1000
)

var (
	mdLink     = regexp.MustCompile(`\[([^\[\]]*)\]\(\s*<?([^()\s<>]*)>?(?:\s+"[^"]*")?\s*\)`)
	mdRefDef   = regexp.MustCompile(`\[([^\[\]]*)\]:\s*\S+`)
	bareURL    = regexp.MustCompile(`(?i)\b(?:(?:https?|ftp|file|data|javascript|mailto):|www\.)[^\s<>()\[\]"'` + "`" + `]*`)
	mention    = regexp.MustCompile(`(^|[^\w` + "`" + `/@])@([A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9_.-]+)?)`)
	issueRef   = regexp.MustCompile(`(^|[^\w` + "`" + `&/])((?:[\w.-]+/[\w.-]+)?#\d+)\b`)
	fenceRun   = regexp.MustCompile("`{3,}|~{3,}")
	htmlOpener = strings.NewReplacer("<", "&lt;", ">", "&gt;")
	// wardMarkers are the words ward hides in comments to recognise its own.
	wardMarkers = strings.NewReplacer("ward:fingerprint", "ward fingerprint", "ward:advisory", "ward advisory", "ward:ignore", "ward ignore")
)

// allowedLinks are the only link targets a model's text may keep: the
// repository itself and ward's rule documentation.
func allowedLinks(repo string) []string {
	out := []string{checks.RulesDocURL}
	if repo != "" {
		out = append(out, "https://github.com/"+repo+"/")
	}
	return out
}

// sanitize makes a model's text safe to publish: one line, capped, no HTML
// (so no comment markers, <img> or <details>), no images, no links but
// allowed ones, no code fences (so no ```suggestion), no @mentions or issue
// references that would notify anyone, no heading that could pass for
// ward's own verdict.
func sanitize(s string, max int, allowed []string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) || unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1 // zero-width and bidi controls hide or reorder text
		}
		return r
	}, s)
	s = oneLine(s)
	if r := []rune(s); len(r) > max {
		s = strings.TrimSpace(string(r[:max])) + "…"
	}
	s = fenceRun.ReplaceAllString(s, "`")
	s = wardMarkers.Replace(s)
	s = noImages(s)
	s = stripLinks(s, allowed)
	s = mdRefDef.ReplaceAllString(s, "$1")
	s = bareURL.ReplaceAllStringFunc(s, func(u string) string {
		if linkAllowed(u, allowed) {
			return u
		}
		return "`" + u + "`"
	})
	s = mention.ReplaceAllString(s, "$1`@$2`")
	s = issueRef.ReplaceAllString(s, "$1`$2`")
	s = htmlOpener.Replace(s)
	s = stripLinks(s, allowed)            // escaping may have completed a link's syntax
	s = fenceRun.ReplaceAllString(s, "`") // wrapping in backticks may have made a run
	s = strings.TrimLeft(s, "#=-+*> ")
	return noImages(s)
}

// stripLinks keeps a markdown link's text and drops its target unless the
// target is allowed.
func stripLinks(s string, allowed []string) string {
	return mdLink.ReplaceAllStringFunc(s, func(m string) string {
		sub := mdLink.FindStringSubmatch(m)
		if linkAllowed(sub[2], allowed) {
			return m
		}
		return sub[1]
	})
}

// noImages turns every "![" into "[" until none is left ("!![" leaves one
// after a single pass).
func noImages(s string) string {
	for strings.Contains(s, "![") {
		s = strings.ReplaceAll(s, "![", "[")
	}
	return s
}

func linkAllowed(u string, allowed []string) bool {
	if strings.ContainsAny(u, "\\@") || strings.Contains(u, "..") {
		return false
	}
	for _, a := range allowed {
		if u == strings.TrimSuffix(a, "/") || strings.HasPrefix(u, a) || strings.HasPrefix(u, a+"#") {
			return true
		}
	}
	return false
}

// lineText maps head-side line numbers of a patch to their text.
func lineText(path, patch string) map[int]string {
	out := map[int]string{}
	if patch == "" {
		return out
	}
	text := "diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n" + patch
	if !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	files, _, err := gitdiff.Parse(strings.NewReader(text))
	if err != nil {
		return out
	}
	for _, f := range files {
		for _, frag := range f.TextFragments {
			n := int(frag.NewPosition)
			for _, l := range frag.Lines {
				if l.Op != gitdiff.OpDelete {
					out[n] = strings.TrimRight(l.Line, "\n")
					n++
				}
			}
		}
	}
	return out
}
