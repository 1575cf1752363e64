// Package chattemplate analyses a Jinja chat template (GGUF's
// tokenizer.chat_template, tokenizer_config.json's chat_template) for
// server-side template injection: the attribute chains, filters and string
// tricks that escape Jinja's sandbox to reach Python (CVE-2024-34359 in
// llama-cpp-python rendered GGUF templates without a sandbox).
//
// Templates are parsed with ward's own Jinja parser (lex.go, parse.go),
// which accepts what Jinja2 with transformers' extensions accepts, and the
// whole tree is judged (judge.go); a template that does not parse is
// refused by Jinja, so it is only searched for unambiguous signs, and the
// report says it did not parse. Real chat templates (Llama, Mistral, ChatML, Gemma…)
// only read message fields, loop variables and call string methods; they
// never touch underscore attributes, Python builtins or escaped ASCII.
package chattemplate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// MaxParseBytes bounds the template handed to the parser (the parser is
// linear); larger ones are reported as not fully analysed.
const MaxParseBytes = 16 << 20

// maxVisits bounds the AST walk.
const maxVisits = 20_000_000

// Indicator is one sign of a sandbox escape.
type Indicator struct {
	Severity checks.Severity
	What     string // for the message: "reads the Python attribute __globals__"
	Evidence string // the offending name or string
}

// Report is what the analysis found.
type Report struct {
	Indicators []Indicator
	Parsed     bool   // the template parsed; false: only the text was searched
	ParseError string // why parsing failed
	Truncated  bool   // a bound was hit (size, visits)
}

// Summary describes the indicators in one sentence for a finding: what
// the template does, then why it matters.
func (r Report) Summary(max int) string {
	var whats []string
	for i, ind := range r.Indicators {
		if i == max {
			whats = append(whats, fmt.Sprintf("and %d more", len(r.Indicators)-max))
			break
		}
		whats = append(whats, ind.What)
	}
	return "The template " + strings.Join(whats, "; ") + ". Python internals (dunder attributes, __globals__, " +
		"__builtins__), private attributes, OS and interpreter names and disguised strings are what Jinja " +
		"sandbox escapes are made of; real chat templates only read message fields."
}

// Worst is the highest indicator severity (0 when none).
func (r Report) Worst() checks.Severity {
	var w checks.Severity
	for _, i := range r.Indicators {
		w = max(w, i.Severity)
	}
	return w
}

// dangerousAttrs are attribute or item names that reach the interpreter,
// the operating system or frames. Chat templates have no use for them.
var dangerousAttrs = map[string]bool{
	"os": true, "popen": true, "system": true, "eval": true, "exec": true, "subprocess": true,
	"import_module": true, "builtins": true, "getattr": true, "open": true, "check_output": true,
	"spawn": true, "environ": true, "getenv": true, "modules": true, "mro": true, "f_globals": true,
	"func_globals": true, "gi_frame": true, "gi_code": true, "f_back": true, "f_builtins": true,
	"tb_frame": true, "co_code": true, "load_module": true, "_module": true, "communicate": true,
	"Popen": true, "run_path": true, "run_module": true, "socket": true, "urlopen": true, "remove": true,
	"rmtree": true, "unlink": true, "listdir": true, "walk": true, "scandir": true, "write_text": true,
	"read_text": true, "write_bytes": true, "read_bytes": true,
}

// dangerousCalls are Python builtins that do not exist in Jinja; calling
// them only makes sense after an escape (or in an unsandboxed renderer).
var dangerousCalls = map[string]bool{
	"eval": true, "exec": true, "__import__": true, "open": true, "getattr": true, "compile": true,
	"globals": true, "locals": true, "vars": true, "setattr": true, "delattr": true, "breakpoint": true,
	"input": true, "os": true, "subprocess": true, "__builtins__": true, "importlib": true,
}

var dunder = regexp.MustCompile(`__[A-Za-z0-9_]+__`)

// spells reports whether s names something a template must not reach.
func spells(s string) bool {
	t := strings.TrimSpace(s)
	return dunder.MatchString(t) || dangerousAttrs[t] || dangerousCalls[t] ||
		strings.Contains(t, "import ") || strings.Contains(t, "os.system") || strings.Contains(t, "os.popen") ||
		strings.Contains(t, "subprocess")
}

type collector struct {
	seen map[string]bool
	out  []Indicator
}

func (c *collector) add(sev checks.Severity, ev, format string, a ...any) {
	ev = clip(ev)
	key := fmt.Sprint(sev) + "\x00" + ev
	if c.seen[key] {
		return
	}
	c.seen[key] = true
	c.out = append(c.out, Indicator{Severity: sev, Evidence: ev, What: fmt.Sprintf(format, a...)})
}

// access judges one attribute, item or attr() name.
func (c *collector) access(name, how string) { c.accessIn(name, how, true) }

// ambiguousAttrs are dangerous names that are also ordinary data keys
// ({'system': …}[role], conversation.system): they count only on an
// object already reached through Python internals.
var ambiguousAttrs = map[string]bool{"system": true, "open": true, "remove": true, "walk": true, "os": true,
	"modules": true, "spawn": true, "communicate": true, "socket": true}

// accessIn judges a name read from an object; internals says the object
// was reached through Python internals or a Jinja helper, where every
// dangerous name counts.
func (c *collector) accessIn(name, how string, internals bool) {
	switch {
	case dunder.MatchString(name) && strings.HasPrefix(name, "__"):
		c.add(checks.SeverityCritical, name, "%s %s", how, name)
	case dangerousAttrs[name] && (internals || !ambiguousAttrs[name]):
		c.add(checks.SeverityCritical, name, "%s %s", how, name)
	case strings.HasPrefix(name, "_"):
		c.add(checks.SeverityHigh, name, "%s the private attribute %s", how, name)
	}
}

// literal judges one string literal: its decoded value and how it was written.
func (c *collector) literal(value, raw string) {
	if esc := asciiEscapes(raw); esc != "" {
		sev := checks.SeverityHigh
		if spells(value) {
			sev = checks.SeverityCritical
		}
		c.add(sev, raw, "writes the string %q with escape sequences (%s) that hide plain ASCII, a way to smuggle names past filters", clip(value), esc)
	}
	if m := dunder.FindString(value); m != "" {
		c.add(checks.SeverityHigh, value, "contains the string %q, which names the Python internal %s", clip(value), m)
	}
}

// assembled judges a string built at render time from pieces.
func (c *collector) assembled(value, how string) {
	if spells(value) {
		c.add(checks.SeverityCritical, value, "assembles the string %q from pieces (%s), hiding a Python name from simple scanners", clip(value), how)
	}
}

var escapeRe = regexp.MustCompile(`\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[0-7]{1,3})`)

// asciiEscapes lists the escapes in raw that encode printable ASCII
// (letters, digits, '_', '.'), which no honest template needs to escape.
func asciiEscapes(raw string) string {
	var found []string
	for _, m := range escapeRe.FindAllString(raw, 8) {
		r := decodeEscape(m)
		if r >= 0x20 && r < 0x7f && r != '\\' && r != '\'' && r != '"' {
			found = append(found, m)
		}
	}
	return strings.Join(found, " ")
}

func decodeEscape(m string) rune {
	var v rune
	body := m[1:]
	base := rune(8)
	if body[0] == 'x' || body[0] == 'u' || body[0] == 'U' {
		body, base = body[1:], 16
	}
	for _, ch := range body {
		d := rune(0)
		switch {
		case ch >= '0' && ch <= '9':
			d = ch - '0'
		case ch >= 'a' && ch <= 'f':
			d = ch - 'a' + 10
		case ch >= 'A' && ch <= 'F':
			d = ch - 'A' + 10
		}
		v = v*base + d
	}
	return v
}

func clip(s string) string {
	s = strings.ReplaceAll(s, "\n", "\\n")
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}
