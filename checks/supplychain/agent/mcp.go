package agent

import (
	"net"
	"net/url"
	"path"
	"regexp"
	"strings"
)

// mcpServer is one entry of an MCP client configuration.
type mcpServer struct {
	Name    string
	Line    int // line of the entry's name
	Command *node
	Args    []*node
	URL     *node // url, serverUrl or httpUrl
	Env     *node // object of environment variables
	Headers *node // object of HTTP headers
}

// mcpServers returns the server entries of an MCP configuration: the
// "mcpServers" map (Claude, Cursor, Windsurf, Gemini) or the "servers" map
// (VS Code) at the top level. ok is false when the document is not one.
func mcpServers(root *node) (servers []mcpServer, ok bool) {
	for _, key := range []string{"mcpServers", "servers"} {
		m := root.get(key)
		if m == nil || m.Kind != kindObject {
			continue
		}
		for _, e := range m.Members {
			v := e.Value
			if v.Kind != kindObject {
				continue
			}
			s := mcpServer{Name: e.Key, Line: e.KeyLine, Command: v.get("command"), Env: v.get("env"), Headers: v.get("headers")}
			for _, k := range []string{"url", "serverUrl", "httpUrl"} {
				if u := v.get(k); u != nil && u.Kind == kindString {
					s.URL = u
					break
				}
			}
			if a := v.get("args"); a != nil && a.Kind == kindArray {
				s.Args = a.Items
			}
			if s.Command == nil && s.URL == nil {
				continue
			}
			servers = append(servers, s)
			ok = true
		}
	}
	return servers, ok
}

// argv is the command line of a stdio server: command then args. A command
// written as one string with spaces ("npx -y pkg") is split, as clients that
// run it through a shell would.
func (s mcpServer) argv() []string {
	var out []string
	if c := s.Command.str(); c != "" {
		if len(s.Args) == 0 && strings.ContainsAny(c, " \t") {
			out = append(out, strings.Fields(c)...)
		} else {
			out = append(out, c)
		}
	}
	for _, a := range s.Args {
		out = append(out, a.Str)
	}
	return out
}

var shells = map[string]bool{"sh": true, "bash": true, "zsh": true, "dash": true, "ksh": true, "fish": true,
	"cmd": true, "cmd.exe": true, "powershell": true, "powershell.exe": true, "pwsh": true, "pwsh.exe": true}

// shellScript returns the script when argv runs a shell with an inline
// script (sh -c '…', cmd /c …, pwsh -Command …).
func shellScript(argv []string) (string, bool) {
	if len(argv) < 2 || !shells[strings.ToLower(path.Base(strings.ReplaceAll(argv[0], `\`, "/")))] {
		return "", false
	}
	for i, a := range argv[1:] {
		switch strings.ToLower(a) {
		case "-c", "/c", "/k", "-command", "-encodedcommand", "-lc", "-ic":
			return strings.Join(argv[i+2:], " "), true
		}
	}
	return "", false
}

// shellMeta matches shell syntax that only means something to a shell:
// command separators, pipes, substitution, redirection.
var shellMeta = regexp.MustCompile("(;|&&|\\|\\||\\||`|\\$\\(|>|<|\\s&\\s|&$)")

// unpinnedPackage finds a package runner that downloads and runs the latest
// release of a package: npx/bunx/pnpm dlx/yarn dlx/npm exec, uvx/uv tool
// run/pipx run. It returns the runner and the package spec as written.
func unpinnedPackage(argv []string) (runner, spec string, found bool) {
	if len(argv) == 0 {
		return "", "", false
	}
	bin := strings.ToLower(path.Base(strings.ReplaceAll(argv[0], `\`, "/")))
	bin = strings.TrimSuffix(strings.TrimSuffix(bin, ".cmd"), ".exe")
	rest := argv[1:]
	var eco string
	switch {
	case bin == "npx" || bin == "bunx" || bin == "pnpx":
		eco, runner = "npm", bin
	case (bin == "pnpm" || bin == "yarn" || bin == "bun") && len(rest) > 0 && (rest[0] == "dlx" || rest[0] == "x"):
		eco, runner, rest = "npm", bin+" "+rest[0], rest[1:]
	case bin == "npm" && len(rest) > 0 && (rest[0] == "exec" || rest[0] == "x"):
		eco, runner, rest = "npm", "npm "+rest[0], rest[1:]
	case bin == "uvx":
		eco, runner = "pypi", "uvx"
	case bin == "uv" && len(rest) > 1 && rest[0] == "tool" && rest[1] == "run":
		eco, runner, rest = "pypi", "uv tool run", rest[2:]
	case bin == "pipx" && len(rest) > 0 && rest[0] == "run":
		eco, runner, rest = "pypi", "pipx run", rest[1:]
	default:
		return "", "", false
	}
	spec = packageSpec(eco, rest)
	if spec == "" || isLocalSpec(spec) {
		return "", "", false
	}
	if eco == "npm" && npmPinned(spec) || eco == "pypi" && pypiPinned(spec) {
		return "", "", false
	}
	return runner, spec, true
}

// packageSpec picks the package out of a runner's arguments: the value of
// --package/-p/--from/--spec if given, else the first positional argument.
func packageSpec(eco string, args []string) string {
	valueFlags := map[string]bool{"-p": true, "--package": true, "--from": true, "--spec": true, "--with": false}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		}
		if k, v, ok := strings.Cut(a, "="); ok && strings.HasPrefix(a, "-") {
			if valueFlags[k] {
				return v
			}
			continue
		}
		if valueFlags[a] && i+1 < len(args) {
			return args[i+1]
		}
		if strings.HasPrefix(a, "-") {
			// Flags that take a value the package is not: skip it too.
			switch a {
			case "--python", "--index-url", "--registry", "--cache", "--userconfig", "--with", "-w", "--pip-args":
				i++
			}
			continue
		}
		return a
	}
	return ""
}

func isLocalSpec(s string) bool {
	return strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") ||
		strings.HasPrefix(s, "file:") || strings.Contains(s, `\`) || strings.HasPrefix(s, "$")
}

var exactVersion = regexp.MustCompile(`^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.+-]+)?$`)

// npmPinned is true for name@1.2.3 and @scope/name@1.2.3, and for a git
// URL pinned to a full commit.
func npmPinned(spec string) bool {
	if strings.Contains(spec, "://") || strings.HasPrefix(spec, "github:") {
		_, ref, _ := strings.Cut(spec, "#")
		return fullSHA.MatchString(ref)
	}
	name := spec
	name = strings.TrimPrefix(name, "@")
	_, version, ok := strings.Cut(name, "@")
	return ok && exactVersion.MatchString(version)
}

var fullSHA = regexp.MustCompile(`^[0-9a-f]{40}$`)

// pypiPinned is true for name==1.2.3 and name@1.2.3 (uvx), and for a VCS URL
// pinned to a full commit.
func pypiPinned(spec string) bool {
	if i := strings.Index(spec, "://"); i >= 0 {
		rest := spec[i+3:]
		at := strings.LastIndex(rest, "@")
		if at < 0 {
			return false
		}
		return fullSHA.MatchString(strings.SplitN(rest[at+1:], "#", 2)[0])
	}
	if _, v, ok := strings.Cut(spec, "=="); ok {
		return exactVersion.MatchString(strings.TrimSpace(strings.SplitN(v, ";", 2)[0]))
	}
	if _, v, ok := strings.Cut(spec, "@"); ok {
		return exactVersion.MatchString(v)
	}
	return false
}

// insecureRemote reports whether u is plain HTTP to a host other than this
// machine: requests, tool results and any bearer token travel in clear text
// and can be altered on the way.
func insecureRemote(raw string) (host string, insecure bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.EqualFold(u.Scheme, "http") || u.Host == "" {
		return "", false
	}
	h := u.Hostname()
	if strings.EqualFold(h, "localhost") || strings.HasSuffix(strings.ToLower(h), ".localhost") {
		return h, false
	}
	if ip := net.ParseIP(h); ip != nil && ip.IsLoopback() {
		return h, false
	}
	return h, true
}

// credentialName is a header or variable name that holds a credential.
var credentialName = regexp.MustCompile(`(?i)(token|secret|passw(or)?d|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth|bearer|session|cookie)`)

// credentialPart drops an HTTP auth scheme ("Bearer ") from a value.
func credentialPart(v string) string {
	v = strings.TrimSpace(v)
	for _, p := range []string{"Bearer ", "bearer ", "Basic ", "Token ", "token "} {
		v = strings.TrimPrefix(v, p)
	}
	return v
}

// literalCredential reports whether v looks like a real value rather than a
// reference to one (${env:X}, ${input:x}, $X, %X%) or a placeholder.
func literalCredential(v string) bool {
	v = credentialPart(v)
	if len(v) < 8 || strings.Contains(v, "${") || strings.HasPrefix(v, "$") ||
		(strings.HasPrefix(v, "%") && strings.HasSuffix(v, "%")) || strings.HasPrefix(v, "<") {
		return false
	}
	// Paths, URLs and prose are settings, not credentials: a credential is
	// one token with digits in it, or a long one.
	if strings.ContainsAny(v, " \t") || strings.HasPrefix(v, "/") || strings.HasPrefix(v, ".") ||
		strings.HasPrefix(v, "~") || strings.Contains(v, "://") ||
		(!strings.ContainsAny(v, "0123456789") && len(v) < 20) {
		return false
	}
	lv := strings.ToLower(v)
	for _, p := range []string{"your", "xxxx", "****", "changeme", "placeholder", "example", "replace", "todo", "redacted", "..."} {
		if strings.Contains(lv, p) {
			return false
		}
	}
	return true
}
