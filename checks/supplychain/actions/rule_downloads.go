package actions

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// pipeToShell matches downloads executed without being saved and verified.
var pipeToShell = regexp.MustCompile(`(?i)\b(curl|wget)\b[^|;&\n]*\|\s*(sudo\s+(-\S+\s+)*)?(env\s+\S+=\S+\s+)*(ba|z|da|k|fi)?sh\b|` +
	`\b(curl|wget)\b[^|;&\n]*\|\s*(sudo\s+)?(python3?|perl|ruby|node)\b|` +
	`\b(ba|z)?sh\s+(-\S+\s+)*<\(\s*(curl|wget)\b|` +
	`\b(ba|z)?sh\s+-c\s+["']?\$\(\s*(curl|wget)\b|` +
	`\b(iex|Invoke-Expression)\b[^\n]*\b(iwr|irm|Invoke-WebRequest|Invoke-RestMethod|DownloadString)\b`)

func (r *reporter) downloads() {
	r.allSteps(func(_ *job, _ int, s *step) {
		if s.Run == nil {
			return
		}
		for _, ll := range logicalLines(s.Run.Value) {
			if mayDownload(ll.text) && pipeToShell.MatchString(ll.text) {
				cmd := strings.TrimSpace(ll.text)
				r.add(RulePipeToShell, checks.SeverityMedium, s.Run.lineOf(ll.offset), cmd, fmt.Sprintf(
					"`%s` runs whatever the server returns, unverified, with this job's token and secrets.", truncate(cmd, 160)))
				continue
			}
			if what, ok := adHocInstall(ll.text); ok {
				r.add(RuleAdHocInstall, checks.SeverityMedium, s.Run.lineOf(ll.offset), what, fmt.Sprintf(
					"`%s` installs whatever version is newest when the job runs, and runs its code with this "+
						"job's secrets. Pin an exact version.", what))
			}
		}
	})
}

// mayDownload is a cheap pre-filter for pipeToShell.
func mayDownload(s string) bool {
	l := strings.ToLower(s)
	return strings.Contains(l, "curl") || strings.Contains(l, "wget") || strings.Contains(l, "iex") ||
		strings.Contains(l, "invoke-expression")
}

type logical struct {
	text   string
	offset int // of the first physical line in the script
}

// logicalLines joins backslash continuations and splits on newlines.
func logicalLines(s string) []logical {
	var out []logical
	var cur strings.Builder
	start, off := 0, 0
	for _, l := range strings.SplitAfter(s, "\n") {
		body := strings.TrimRight(l, "\r\n")
		if cur.Len() == 0 {
			start = off
		}
		off += len(l)
		if strings.HasSuffix(body, "\\") {
			cur.WriteString(strings.TrimSuffix(body, "\\") + " ")
			continue
		}
		cur.WriteString(body)
		out = append(out, logical{cur.String(), start})
		cur.Reset()
	}
	if cur.Len() > 0 {
		out = append(out, logical{cur.String(), start})
	}
	return out
}

var (
	pipInstall   = regexp.MustCompile(`\b(pip3?|python3?\s+-m\s+pip|uv\s+pip)\s+install\s+(.*)`)
	npmGlobal    = regexp.MustCompile(`\b(npm\s+(install|i|add)\s+(-g|--global)|yarn\s+global\s+add|pnpm\s+(add|install)\s+(-g|--global))\s+(.*)`)
	goInstall    = regexp.MustCompile(`\bgo\s+install\s+(\S+@(latest|master|main))`)
	cargoInstall = regexp.MustCompile(`\bcargo\s+install\s+(.*)`)
	gemInstall   = regexp.MustCompile(`\bgem\s+install\s+(.*)`)
)

// toolchainPackages are upgraded unpinned so often, and carry so little
// risk beyond the interpreter itself, that flagging them is noise.
var toolchainPackages = map[string]bool{"pip": true, "setuptools": true, "wheel": true}

// adHocInstall reports an install command that takes an unpinned version.
func adHocInstall(line string) (string, bool) {
	line = strings.SplitN(line, "#", 2)[0]
	cut := func(s string) string { // stop at the next shell operator
		if i := strings.IndexAny(s, ";&|"); i >= 0 {
			return s[:i]
		}
		return s
	}
	if m := pipInstall.FindStringSubmatch(line); m != nil {
		for _, a := range strings.Fields(cut(m[2])) {
			if strings.HasPrefix(a, "-") {
				if a == "-r" || a == "-c" || a == "-e" || a == "--requirement" || a == "--editable" {
					return "", false // installs from a file or the checkout: judged by the deps check
				}
				continue
			}
			a = strings.Trim(a, `"'`)
			name := strings.FieldsFunc(a, func(r rune) bool { return strings.ContainsRune("[<>=!~ ;@", r) })
			if len(name) == 0 || isPathArg(a) {
				continue // a path, a wheel or a URL
			}
			if toolchainPackages[strings.ToLower(name[0])] {
				continue
			}
			if !strings.Contains(a, "==") {
				return strings.TrimSpace(m[0]), true
			}
		}
		return "", false
	}
	if m := npmGlobal.FindStringSubmatch(line); m != nil {
		for _, a := range strings.Fields(cut(m[len(m)-1])) {
			if strings.HasPrefix(a, "-") {
				continue
			}
			a = strings.Trim(a, `"'`)
			if at := strings.LastIndex(a, "@"); at <= 0 || a[at+1:] == "latest" {
				return strings.TrimSpace(m[0]), true
			}
		}
		return "", false
	}
	if m := goInstall.FindStringSubmatch(line); m != nil {
		return strings.TrimSpace(m[0]), true
	}
	if m := cargoInstall.FindStringSubmatch(line); m != nil && !strings.Contains(m[1], "--version") &&
		!strings.Contains(m[1], "--vers ") && !strings.Contains(m[1], "@") && !strings.Contains(m[1], "--path") {
		return strings.TrimSpace(cut(m[0])), true
	}
	if m := gemInstall.FindStringSubmatch(line); m != nil && !strings.Contains(m[1], "-v") &&
		!strings.Contains(m[1], "--version") && !strings.Contains(m[1], ":") {
		return strings.TrimSpace(cut(m[0])), true
	}
	return "", false
}

// isPathArg reports a pip argument that names a directory, archive or URL
// rather than a project on the index.
func isPathArg(a string) bool {
	if a == "." || a == ".." || strings.Contains(a, "/") || strings.Contains(a, "\\") {
		return true
	}
	for _, ext := range []string{".whl", ".tar.gz", ".zip", ".tgz"} {
		if strings.HasSuffix(a, ext) {
			return true
		}
	}
	return false
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
