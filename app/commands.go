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
// starting with "/name" (or "/ward name"). Quoted replies ("> /rescan") and
// fenced code blocks are skipped, so quoting a command does not run it.
func ParseCommands(body string) []Command {
	var out []Command
	inFence := false
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence || !strings.HasPrefix(line, "/") {
			continue
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
