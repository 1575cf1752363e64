package agent

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// hiddenKind classifies a character that renders as nothing (or reorders
// what is around it) in editors, diffs and GitHub's web view.
type hiddenKind int

const (
	notHidden hiddenKind = iota
	bidiControl
	zeroWidth
	tagChar
	variationSelector
)

func (k hiddenKind) String() string {
	switch k {
	case bidiControl:
		return "bidirectional control"
	case zeroWidth:
		return "zero-width character"
	case tagChar:
		return "Unicode tag character"
	case variationSelector:
		return "variation selector"
	}
	return "visible"
}

func classify(r rune) hiddenKind {
	switch {
	case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E, r == 0x200F, r == 0x061C:
		return bidiControl
	case r >= 0x200B && r <= 0x200D, r == 0x2060, r == 0xFEFF:
		return zeroWidth
	case r >= 0xE0000 && r <= 0xE007F:
		return tagChar
	case r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0100 && r <= 0xE01EF:
		return variationSelector
	}
	return notHidden
}

// hiddenRun is the hidden characters of one line.
type hiddenRun struct {
	Line    int    // 1-based
	Text    string // the line without its newline
	Clean   string // the line with the hidden characters removed
	Decoded string // what the hidden characters say, tags decoded to ASCII
	Kinds   []hiddenKind
	Count   int
	// noSuggestion: Clean is not the file's line (a notebook cell whose
	// characters are JSON-escaped), so no replacement is offered.
	noSuggestion bool
}

// findHidden reports, per line, the hidden characters in text. It skips
// the uses that are legitimate and common: a byte order mark at the start of
// the file, zero-width joiners inside emoji and non-joiners in scripts that
// need them, direction marks in lines of right-to-left text, and the tag
// sequences of subdivision flag emoji (🏴 + tags + cancel tag).
func findHidden(text string) []hiddenRun {
	var out []hiddenRun
	line := 1
	for len(text) > 0 {
		end := strings.IndexByte(text, '\n')
		var l string
		if end < 0 {
			l, text = text, ""
		} else {
			l, text = text[:end], text[end+1:]
		}
		if run, ok := scanLine(l, line, line == 1); ok {
			// Removing characters can make others adjacent (two lone
			// variation selectors become a run): clean until stable.
			for range 4 {
				again, dirty := scanLine(run.Clean, line, line == 1)
				if !dirty {
					break
				}
				run.Clean = again.Clean
			}
			out = append(out, run)
		}
		line++
	}
	return out
}

// maxDecoded bounds what a run's Decoded keeps: a line of megabytes of
// hidden characters would otherwise be spelt out in full.
const maxDecoded = 4 << 10

// hasHidden reports whether l holds a character classify counts, without
// allocating: a long line of other non-ASCII text (CJK, or bytes that are not
// UTF-8 at all) costs no copy.
func hasHidden(l string) bool {
	for _, r := range l {
		if classify(r) != notHidden {
			return true
		}
	}
	return false
}

func scanLine(l string, line int, fileStart bool) (hiddenRun, bool) {
	// Fast path: every character we look for is outside ASCII.
	ascii := true
	for i := 0; i < len(l); i++ {
		if l[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii || !hasHidden(l) {
		return hiddenRun{}, false
	}
	runes := []rune(l)
	rtl := hasRTL(runes)
	run := hiddenRun{Line: line, Text: strings.TrimSuffix(l, "\r")}
	var clean, decoded strings.Builder
	seen := map[hiddenKind]bool{}
	flagTags := 0 // tag characters left in a subdivision flag sequence
	for i, r := range runes {
		k := classify(r)
		if r == 0x1F3F4 {
			flagTags = flagSequence(runes[i+1:])
		}
		inFlag := k == tagChar && flagTags > 0
		if inFlag {
			flagTags--
		}
		skip := k == notHidden ||
			(r == 0xFEFF && i == 0 && fileStart) ||
			(k == tagChar && inFlag) ||
			((r == 0x200D || r == 0x200C) && legitJoiner(runes, i)) ||
			((r == 0x200E || r == 0x200F || r == 0x061C) && rtl) ||
			(k == variationSelector && legitVariation(runes, i))
		if skip {
			clean.WriteRune(r)
			continue
		}
		run.Count++
		if !seen[k] {
			seen[k] = true
			run.Kinds = append(run.Kinds, k)
		}
		switch {
		case decoded.Len() > maxDecoded:
			// enough to show; the finding shortens it further
		case k == tagChar && r >= 0xE0020 && r <= 0xE007E:
			decoded.WriteRune(r - 0xE0000)
		case k == variationSelector:
			// Smuggled bytes: FE00–FE0F carry 0–15, E0100–E01EF carry 16–255.
			b := r - 0xFE00
			if r >= 0xE0100 {
				b = r - 0xE0100 + 16
			}
			if b >= 0x20 && b <= 0x7E {
				decoded.WriteRune(b)
			} else {
				fmt.Fprintf(&decoded, "<0x%02X>", b)
			}
		default:
			fmt.Fprintf(&decoded, "<U+%04X>", r)
		}
	}
	if run.Count == 0 {
		return hiddenRun{}, false
	}
	run.Clean = strings.TrimSuffix(clean.String(), "\r")
	run.Decoded = decoded.String()
	return run, true
}

// legitVariation is true for a lone variation selector where fonts use one:
// FE00–FE0F after a character (emoji or text presentation, ❤️), E0100–E01EF
// after a CJK ideograph. Two or more in a row select nothing: they carry
// hidden bytes ("emoji smuggling").
func legitVariation(rs []rune, i int) bool {
	if (i > 0 && classify(rs[i-1]) == variationSelector) || (i+1 < len(rs) && classify(rs[i+1]) == variationSelector) {
		return false
	}
	if i == 0 {
		return false
	}
	if rs[i] <= 0xFE0F {
		return true
	}
	return unicode.Is(unicode.Han, rs[i-1])
}

// flagSequence returns how many tag characters after U+1F3F4 form a
// subdivision flag (2–6 tag letters or digits, then CANCEL TAG), else 0.
// Anything longer is text hidden behind a flag, not a flag.
func flagSequence(rs []rune) int {
	n := 0
	for n < len(rs) && n <= 6 && ((rs[n] >= 0xE0061 && rs[n] <= 0xE007A) || (rs[n] >= 0xE0030 && rs[n] <= 0xE0039)) {
		n++
	}
	if n >= 2 && n <= 6 && n < len(rs) && rs[n] == 0xE007F {
		return n + 1
	}
	return 0
}

// legitJoiner is true for a ZWJ/ZWNJ between two emoji (👩‍💻) or next to a
// letter of a script that uses joiners (Arabic, Persian, Indic scripts).
func legitJoiner(rs []rune, i int) bool {
	var prev, next rune
	if i > 0 {
		prev = rs[i-1]
	}
	if i+1 < len(rs) {
		next = rs[i+1]
	}
	if rs[i] == 0x200D && isEmojiPart(prev) && isEmojiPart(next) {
		return true
	}
	return joiningScript(prev) || joiningScript(next)
}

func isEmojiPart(r rune) bool {
	return (r >= 0x1F000 && r <= 0x1FAFF) || (r >= 0x2600 && r <= 0x27BF) || r == 0xFE0F || (r >= 0x1F3FB && r <= 0x1F3FF)
}

func joiningScript(r rune) bool {
	return unicode.In(r, unicode.Arabic, unicode.Syriac, unicode.Devanagari, unicode.Bengali, unicode.Gurmukhi,
		unicode.Gujarati, unicode.Oriya, unicode.Tamil, unicode.Telugu, unicode.Kannada, unicode.Malayalam,
		unicode.Sinhala, unicode.Mongolian)
}

func hasRTL(rs []rune) bool {
	for _, r := range rs {
		if classify(r) == notHidden && unicode.In(r, unicode.Hebrew, unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return true
		}
	}
	return false
}
