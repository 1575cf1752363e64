package app

import (
	"fmt"
	"strings"
)

// Command is one slash command from a PR comment.
type Command struct {
	Name   string   // rescan, ignore, unignore, explain, help
	Args   []string // words after the name, before "--"
	Flags  []string // words starting with "--" before a bare "--"
	Reason string   // text after a bare "--"
	Raw    string
}

// knownCommands are what ward answers to; other slash words are left alone,
// since comments are full of paths like /usr/bin.
var knownCommands = map[string]bool{"rescan": true, "ignore": true, "unignore": true, "explain": true, "help": true}

// ParseCommands reads the commands in a comment body: one per line, each
// starting with "/name" (or "/ward name"). Text GitHub's Markdown shows as
// code or hides is not a command: quoted replies ("> /rescan"), fenced code
// blocks (``` or ~~~, any length), indented code blocks and HTML comments.
// Quoting or documenting a command does not run it.
func ParseCommands(body string) []Command {
	var out []Command
	fence := "" // the opening run of a fenced block we are in
	for _, raw := range strings.Split(stripHTMLComments(body), "\n") {
		raw = strings.TrimRight(raw, "\r")
		indent := indentColumns(raw)
		line := strings.TrimSpace(raw)
		if fence != "" {
			if indent < 4 && closesFence(line, fence) {
				fence = ""
			}
			continue
		}
		if indent < 4 {
			if f := openingFence(line); f != "" {
				fence = f
				continue
			}
		}
		if indent >= 4 || !strings.HasPrefix(line, "/") {
			continue // an indented code block (or a paragraph's continuation)
		}
		words := strings.Fields(line)
		name := strings.ToLower(strings.TrimPrefix(words[0], "/"))
		rest := words[1:]
		if name == "ward" {
			if len(rest) == 0 {
				out = append(out, Command{Name: "help", Raw: line})
				continue
			}
			name, rest = strings.ToLower(rest[0]), rest[1:]
		}
		if !knownCommands[name] {
			if words[0] == "/ward" {
				out = append(out, Command{Name: "unknown", Args: []string{name}, Raw: line})
			}
			continue
		}
		c := Command{Name: name, Raw: line}
		for i, w := range rest {
			if w == "--" {
				c.Reason = strings.TrimSpace(strings.Join(rest[i+1:], " "))
				break
			}
			if strings.HasPrefix(w, "--") {
				c.Flags = append(c.Flags, strings.TrimPrefix(w, "--"))
				continue
			}
			c.Args = append(c.Args, w)
		}
		out = append(out, c)
	}
	return out
}

// stripHTMLComments removes <!-- … --> (GitHub does not show them); an
// unclosed one hides the rest of the comment.
func stripHTMLComments(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "<!--")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i+4:], "-->")
		if j < 0 {
			return b.String()
		}
		s = s[i+4+j+3:]
	}
}

// indentColumns counts a line's leading whitespace in columns (tab stops of 4).
func indentColumns(s string) int {
	n := 0
	for _, r := range s {
		switch r {
		case ' ':
			n++
		case '\t':
			n += 4 - n%4
		default:
			return n
		}
	}
	return n
}

// openingFence returns the run of three or more backticks or tildes that
// opens a fenced code block, or "".
func openingFence(line string) string {
	if line == "" || (line[0] != '`' && line[0] != '~') {
		return ""
	}
	n := len(line) - len(strings.TrimLeft(line, line[:1]))
	if n < 3 || (line[0] == '`' && strings.Contains(line[n:], "`")) {
		return ""
	}
	return line[:n]
}

// closesFence reports whether line closes a block opened by fence: the same
// character, at least as many, nothing else.
func closesFence(line, fence string) bool {
	return len(line) >= len(fence) && strings.Trim(line, fence[:1]) == ""
}

// Validate checks a command's arguments and returns a usage message when
// they are wrong.
func (c Command) Validate() error {
	switch c.Name {
	case "rescan", "help":
		if len(c.Args) > 0 {
			return fmt.Errorf("`/%s` takes no arguments", c.Name)
		}
	case "ignore":
		if len(c.Args) < 1 || len(c.Args) > 2 || c.Reason == "" {
			return fmt.Errorf("usage: `/ignore RULE [PATH] -- REASON` (the reason is required)")
		}
	case "unignore":
		if len(c.Args) < 1 || len(c.Args) > 2 {
			return fmt.Errorf("usage: `/unignore RULE [PATH]`")
		}
	case "explain":
		if len(c.Args) != 1 {
			return fmt.Errorf("usage: `/explain RULE`")
		}
	}
	return nil
}

// HelpText lists the commands.
const HelpText = "**ward commands** (one per line in a PR comment):\n\n" +
	"- `/rescan` — review the current head again (`/rescan --second-opinion` also asks the model again, where the second opinion is on)\n" +
	"- `/ignore RULE [PATH] -- REASON` — accept a finding on this PR (write access; the reason is shown in the check run)\n" +
	"- `/unignore RULE [PATH]` — take an `/ignore` back\n" +
	"- `/explain RULE` — how a rule's problem arises and how to fix it\n" +
	"- `/help` — this list\n"

// inertCode shows text a user wrote as a code span, in which GitHub links
// no @mention, #reference or URL: echoing a comment must not ping a team or
// plant a link under ward's name. Backticks and line breaks are dropped so
// the span cannot be closed early, and the text is cut at 200 characters.
func inertCode(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '`', '\n', '\r':
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len([]rune(s)) > 200 {
		s = string([]rune(s)[:200]) + "…"
	}
	if s == "" {
		return "` `"
	}
	return "`" + s + "`"
}
