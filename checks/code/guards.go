package code

import (
	"regexp"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Guards and inert values: what separates an injection a reviewer wants to
// hear about from code that merely builds a command, query or path.

// guard is what a check on a variable vouches for.
type guard uint8

const (
	// gValue: the value was matched against a pattern or an allow-list,
	// or checked to be a number or an identifier: safe for every sink.
	gValue guard = 1 << iota
	// gPath: the path was checked to stay inside a directory
	// (startswith after join/realpath, commonpath, relative_to): safe as
	// a file path only.
	gPath
	// gOff as a mask asks for the taint with every guard ignored.
	gOff guard = 0xff
)

// guarded reports whether key was validated earlier in this function for
// the sink class being asked about.
func (c *ctx) guarded(key string) bool {
	if c.guards == nil || key == "" || c.guardMask == gOff {
		return false
	}
	return c.guards[key]&(c.guardMask|gValue) != 0
}

// validatorName matches functions written to vet a value before use.
var validatorName = regexp.MustCompile(`(?i)^_*(validate|sanitize|sanitise|verify|is_?safe|is_?valid|is_?allowed|ensure_?safe|assert_?safe|check_?(path|url|command|cmd|query|sql|input|name|file_?name|safe|allowed|expression|code))`)

// taintFor is taintOf for a sink that also trusts the guards in mask.
func (c *ctx) taintFor(n *node, mask guard) taint {
	old := c.guardMask
	c.guardMask = mask
	t := c.taintOf(n)
	c.guardMask = old
	return t
}

// noteGuard records the variables a call validates: re.fullmatch(p, x),
// PATTERN.match(x), /re/.test(x), x.isdigit(), ALLOWED.includes(x),
// x.startswith(base), os.path.commonpath([base, x]), path.relative(b, x).
func (c *ctx) noteGuard(call *node) {
	if call.obj == nil {
		return
	}
	name := c.callee(call)
	if c.u.lang == python && hasAny(name, "re.match", "re.fullmatch", "re.search", "regex.match", "regex.fullmatch") {
		c.addGuard(call.arg(1, "string"), gValue)
		return
	}
	if hasAny(name, "os.path.commonpath", "os.path.commonprefix") {
		if l := call.arg(0, "paths"); l != nil {
			for _, a := range l.args {
				c.addGuard(a, gPath)
			}
		}
		return
	}
	if name == "path.relative" {
		c.addGuard(call.arg(1, ""), gPath)
		return
	}
	if validatorName.MatchString(call.obj.lastName()) {
		for _, a := range call.args {
			c.addGuard(a, gValue) // validate_query(q), is_safe_url(u), self._check_path(p)
		}
		return
	}
	if call.obj.kind != kAttr {
		return
	}
	recv := call.obj.obj
	switch m := call.obj.name; {
	case c.u.lang == python && hasAny(m, "match", "fullmatch", "search"):
		c.addGuard(call.arg(0, "string"), gValue) // compiled pattern
	case c.u.lang.isJS() && hasAny(m, "test", "exec"):
		c.addGuard(call.arg(0, ""), gValue) // /re/.test(x)
	case c.u.lang.isJS() && m == "match":
		c.addGuard(recv, gValue) // x.match(/re/)
	case hasAny(m, "isdigit", "isnumeric", "isdecimal", "isalnum", "isidentifier", "isalpha"):
		c.addGuard(recv, gValue)
	case hasAny(m, "startswith", "startsWith", "is_relative_to", "relative_to"):
		c.addGuard(recv, gPath)
	case hasAny(m, "includes", "has", "__contains__"):
		if a := call.arg(0, ""); a != nil && a.kind == kStr {
			if strings.Contains(a.str, "..") {
				c.addGuard(recv, gPath) // name.includes("..") rejects traversal
			}
		} else if c.konst(recv) || recv != nil && c.taintOf(recv) == 0 {
			c.addGuard(a, gValue) // ALLOWED.includes(x)
		}
	}
}

// noteMembership records `x in ALLOWED` / `x not in {...}` (Python).
func (c *ctx) noteMembership(x, set *node) {
	if set == nil || set.kind == kStr || set.kind == kFormat || c.taintOf(set) != 0 {
		return // "a" in text is a substring test, not an allow-list
	}
	c.addGuard(x, gValue)
}

func (c *ctx) addGuard(x *node, g guard) {
	if x == nil {
		return
	}
	keys := []*node{x}
	// os.path.realpath(p).startswith(base) checks p; so does
	// urlparse(url).hostname in ALLOWED_HOSTS, new URL(u).host.
	inner := x
	for inner != nil && (inner.kind == kAttr || inner.kind == kIndex) && inner.obj != nil && inner.obj.kind != kIdent {
		inner = inner.obj
	}
	if inner != nil && inner.kind == kCall {
		keys = append(keys, inner.args...)
	}
	for _, k := range keys {
		if key := dotted(k); key != "" {
			if c.guards == nil {
				c.guards = map[string]guard{}
			}
			c.guards[key] |= g
		}
	}
}

// inertCalls return values nobody outside can shape: numbers, quoted
// shell words, the platform, directories the program makes for itself.
var inertCalls = set("int", "float", "len", "bool", "round", "abs", "hex", "ord", "Number", "parseInt", "parseFloat",
	"Math.floor", "Math.round", "Math.ceil", "Math.max", "Math.min",
	"shlex.quote", "shlex.join", "pipes.quote", "shell-quote.quote", "shell-escape", "shellescape",
	"os.getpid", "os.getcwd", "process.cwd", "os.cpu_count", "multiprocessing.cpu_count", "os.tmpdir", "os.homedir",
	"tempfile.mkdtemp", "tempfile.gettempdir", "tempfile.mktemp", "tempfile.mkstemp", "platform.system",
	"platform.machine", "platform.python_version", "os.path.expanduser", "uuid.uuid4", "time.time", "Date.now",
	"shutil.which", "sysconfig.get_path", "site.getsitepackages", "fs.mkdtempSync", "fs.mkdtemp", "fs.promises.mkdtemp",
	"fs/promises.mkdtemp", "fs.realpathSync")

// inertPathCalls keep their arguments' inertness (a path joined from
// inert parts is inert).
var inertPathCalls = set("os.path.join", "os.path.abspath", "os.path.dirname", "os.path.realpath", "os.path.normpath",
	"os.path.basename", "pathlib.Path", "path.join", "path.resolve", "path.dirname", "path.basename", "str", "String",
	"path/filepath.Join", "os.fspath", "fileURLToPath", "url.fileURLToPath")

// inertAttrs are facts about the platform and the program itself.
var inertAttrs = set("process.platform", "process.arch", "process.pid", "process.execPath", "sys.platform",
	"sys.executable", "sys.prefix", "os.name", "os.sep", "os.pathsep", "os.linesep", "os.curdir", "os.devnull",
	"runtime.GOOS", "runtime.GOARCH", "import.meta.url", "import.meta.dirname")

// lastSegments are the last dotted segments of names, so that inert can
// rule most calls and attributes out before resolving their full name.
func lastSegments(sets ...map[string]bool) map[string]bool {
	out := map[string]bool{}
	for _, m := range sets {
		for k := range m {
			out[k[strings.LastIndexAny(k, "./")+1:]] = true
		}
	}
	return out
}

var (
	inertCallLast = lastSegments(inertCalls, inertPathCalls)
	inertAttrLast = lastSegments(inertAttrs)
)

// inert reports a value built only from literals, numbers, quoting and
// platform facts: a shell command, query or code string made of these
// carries nothing anyone outside chose, so it is not reported at all.
func (c *ctx) inert(n *node) bool { return c.inertDepth(n, 0) }

func (c *ctx) inertDepth(n *node, d int) bool {
	if n == nil || d > 32 {
		return false
	}
	switch n.kind {
	case kStr, kNum, kTrue, kFalse, kNone:
		return true
	case kIdent:
		if hasAny(n.name, "__file__", "__dirname", "__filename") || c.guarded(n.name) {
			return true
		}
		v, ok := c.lookup(n.name)
		return ok && (v.konst || v.inert)
	case kAttr:
		if inertAttrLast[n.name] && inertAttrs[c.name(n)] || c.guards != nil && c.guarded(dotted(n)) {
			return true
		}
		if v, ok := c.lookup(dotted(n)); ok && (v.konst || v.inert) {
			return true
		}
		return n.obj != nil && n.obj.kind == kCall && c.inertDepth(n.obj, d+1) // Path(__file__).parent
	case kCall:
		name := ""
		if inertCallLast[n.obj.lastName()] {
			name = c.callee(n)
		}
		if inertCalls[name] {
			return true
		}
		if inertPathCalls[name] || n.obj != nil && n.obj.kind == kAttr && c.inertDepth(n.obj.obj, d+1) {
			for _, a := range n.args {
				if !c.inertDepth(a, d+1) {
					return false
				}
			}
			return len(n.kw) == 0
		}
		return c.konstDepth(n, d)
	case kConcat, kFormat, kList:
		for _, a := range n.args {
			if !c.inertDepth(a, d+1) {
				return false
			}
		}
		return true
	case kDict:
		for _, k := range n.kw {
			if !c.inertDepth(k.val, d+1) {
				return false
			}
		}
		return len(n.args) == 0
	}
	return false
}

// injectionLevel decides how an injection rule reports a value reaching
// its sink: high when input from outside reaches it unguarded; low when it
// is merely not a constant (hygiene: ward cannot show who controls it);
// not at all when it is inert or model output (the code-llm-output-*
// rules report those, at critical or high). ok is false for no finding.
func (c *ctx) injectionLevel(v *node, mask guard) (sev checks.Severity, t taint, ok bool) {
	t = c.taintFor(v, mask)
	switch {
	case t&tLLM != 0:
		return 0, t, false
	case t&untrusted != 0:
		return checks.SeverityHigh, t, true
	case c.inert(v):
		return 0, t, false
	case c.guards != nil && c.taintFor(v, gOff)&(untrusted|tLLM) != 0:
		return 0, t, false // a source, checked before use: the guard is the fix
	}
	return checks.SeverityLow, t, true
}

// sourceWords names the untrusted source in a message.
func sourceWords(t taint) string {
	switch {
	case t&tRequest != 0:
		return "Input from outside (a request, webhook or message payload)"
	case t&tRemote != 0:
		return "Content fetched over the network"
	}
	return "An untrusted value"
}
