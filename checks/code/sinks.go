package code

import (
	"regexp"
	"strings"
)

// Sinks shared by the LLM-output rules and the classic injection rules.

// evalSink returns the code argument of a call that evaluates code:
// eval/exec/compile, new Function, vm.runIn*.
func (c *ctx) evalSink(call *node) *node {
	if call.obj == nil {
		return nil
	}
	name := c.callee(call)
	switch c.u.lang {
	case python:
		if call.obj.kind == kIdent && hasAny(name, "eval", "exec", "compile") || hasAny(name, "builtins.eval", "builtins.exec") {
			return call.arg(0, "source")
		}
	case golang:
		return nil
	default:
		switch {
		case name == "eval" || name == "Function" || name == "globalThis.eval" || name == "window.eval":
			if name == "Function" && len(call.args) > 0 {
				return call.args[len(call.args)-1] // the body is the last argument
			}
			return call.arg(0, "")
		case hasAny(name, "vm.runInNewContext", "vm.runInThisContext", "vm.runInContext", "vm.Script",
			"vm.compileFunction", "vm2.VM().run", "vm2.NodeVM().run"):
			return call.arg(0, "")
		}
	}
	return nil
}

// shellSink returns the command of a call that runs it through a shell.
func (c *ctx) shellSink(call *node) *node {
	name := c.callee(call)
	switch c.u.lang {
	case python:
		switch name {
		case "os.system", "os.popen", "os.popen2", "os.popen3", "os.popen4", "commands.getoutput",
			"commands.getstatusoutput", "subprocess.getoutput", "subprocess.getstatusoutput",
			"asyncio.create_subprocess_shell", "os.popen().read":
			return call.arg(0, "cmd")
		case "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
			"asyncio.create_subprocess_exec":
			if shellOn(call.kwarg("shell")) {
				return call.arg(0, "args")
			}
			if a := call.arg(0, "args"); a != nil && a.kind == kList {
				return shellDashC(a.args) // ["bash", "-c", cmd]
			}
			return shellDashC(call.args)
		}
	case golang:
		if !hasAny(name, "os/exec.Command", "os/exec.CommandContext") {
			return nil
		}
		args := call.args
		if name == "os/exec.CommandContext" && len(args) > 0 {
			args = args[1:]
		}
		if len(args) >= 3 && args[0].kind == kStr && args[1].kind == kStr {
			sh := args[0].str
			if (strings.HasSuffix(sh, "sh") || strings.HasSuffix(sh, "bash") || strings.HasSuffix(sh, "zsh")) && args[1].str == "-c" ||
				strings.HasSuffix(strings.ToLower(sh), "cmd") && strings.EqualFold(args[1].str, "/c") ||
				strings.Contains(strings.ToLower(sh), "powershell") && strings.EqualFold(args[1].str, "-command") {
				return args[2]
			}
		}
	default:
		switch name {
		case "child_process.exec", "child_process.execSync":
			return call.arg(0, "")
		case "child_process.spawn", "child_process.spawnSync", "child_process.execFile", "child_process.execFileSync",
			"execa", "execa.execa", "execa.execaSync":
			if shellOn(call.kwarg("shell")) {
				// With shell: true Node joins the command and its
				// arguments with spaces and hands the line to /bin/sh.
				words := &node{kind: kList, sb: call.sb, eb: call.eb}
				for _, a := range call.args {
					if a != nil && a.kind == kList {
						words.args = append(words.args, a.args...)
					} else if a != nil && a.kind != kDict {
						words.args = append(words.args, a)
					}
				}
				return words
			}
			if len(call.args) > 1 && call.args[1] != nil && call.args[1].kind == kList {
				return shellDashC(append([]*node{call.args[0]}, call.args[1].args...)) // spawn("sh", ["-c", cmd])
			}
		}
	}
	return nil
}

// shellDashC returns the script of an argument list that starts a shell
// with -c: ["bash", "-c", script], ("sh", "-c", script).
func shellDashC(args []*node) *node {
	if len(args) < 3 || args[0] == nil || args[1] == nil || args[0].kind != kStr || args[1].kind != kStr {
		return nil
	}
	sh := args[0].str
	if i := strings.LastIndexByte(sh, '/'); i >= 0 {
		sh = sh[i+1:]
	}
	if hasAny(sh, "sh", "bash", "zsh", "dash", "ksh") && hasAny(args[1].str, "-c", "-lc", "-ec") {
		return args[2]
	}
	return nil
}

// programSink returns the program (and its argument list) of a call that
// runs a program without a shell: subprocess.run([prog, ...]),
// spawn(prog, args), exec.Command(prog, args...).
func (c *ctx) programSink(call *node) (prog *node, all []*node) {
	name := c.callee(call)
	switch c.u.lang {
	case python:
		if hasAny(name, "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
			"subprocess.Popen", "os.execv", "os.execvp", "os.execl", "os.execlp", "os.spawnv", "os.spawnl",
			"asyncio.create_subprocess_exec", "os.execve", "os.execvpe") && !shellOn(call.kwarg("shell")) {
			a := call.arg(0, "args")
			if a != nil && a.kind == kList && len(a.args) > 0 {
				return a.args[0], a.args
			}
			return a, call.args
		}
	case golang:
		if hasAny(name, "os/exec.Command", "os/exec.CommandContext") && c.shellSink(call) == nil {
			args := call.args
			if name == "os/exec.CommandContext" && len(args) > 0 {
				args = args[1:]
			}
			if len(args) > 0 {
				return args[0], args
			}
		}
	default:
		if hasAny(name, "child_process.spawn", "child_process.spawnSync", "child_process.execFile",
			"child_process.execFileSync", "child_process.fork", "execa", "execa.execa") && !call.kwarg("shell").isTrue() {
			if len(call.args) > 0 {
				return call.args[0], call.args
			}
		}
	}
	return nil, nil
}

var sqlText = regexp.MustCompile(`(?is)\b(select\s.*\bfrom\b|insert\s+into\b|update\s+\S+\s+set\b|delete\s+from\b|create\s+(table|index|view)\b|drop\s+(table|database)\b|alter\s+table\b|\bwhere\s.*[=<>])`)

var sqlMethods = set("execute", "executemany", "executescript", "raw", "query", "exec", "$queryRawUnsafe",
	"$executeRawUnsafe", "Query", "QueryRow", "Exec", "QueryContext", "ExecContext", "QueryRowContext",
	"Raw", "read_sql", "read_sql_query", "mogrify", "unsafe", "fetch", "fetchrow", "fetchval")

// sqlSink returns the query argument of a call that runs SQL.
func (c *ctx) sqlSink(call *node) *node {
	if call.obj == nil {
		return nil
	}
	name := c.callee(call)
	if hasAny(name, "sqlalchemy.text", "sqlalchemy.sql.text", "pandas.read_sql", "pandas.read_sql_query") {
		return call.arg(0, "sql")
	}
	if call.obj.kind != kAttr || !sqlMethods[call.obj.name] || c.isLLMCall(call) {
		return nil
	}
	if strings.HasSuffix(call.obj.name, "Context") && len(call.args) > 1 {
		return call.args[1]
	}
	return call.arg(0, "sql")
}

// builtSQL reports whether a query argument is SQL text built by formatting
// or concatenation with non-literal parts (directly or through a variable
// assigned in this function), and returns the built expression.
func (c *ctx) builtSQL(q *node) (*node, bool) {
	for i := 0; i < 4 && q != nil && q.kind == kIdent; i++ {
		v, ok := c.lookup(q.name)
		if !ok || v.value == nil {
			break
		}
		q = v.value
	}
	if q == nil || (q.kind != kFormat && q.kind != kConcat) || c.konst(q) {
		return q, false
	}
	return q, sqlText.MatchString(q.str)
}

// htmlSinkCall returns the markup argument of a call that emits raw HTML.
func (c *ctx) htmlSinkCall(call *node) *node {
	name := c.callee(call)
	switch {
	case hasAny(name, "document.write", "document.writeln"):
		return call.arg(0, "")
	case call.obj != nil && call.obj.kind == kAttr && call.obj.name == "insertAdjacentHTML":
		return call.arg(1, "")
	case suffixAny(name, "markupsafe.Markup", "flask.Markup", "jinja2.Markup", "django.utils.safestring.mark_safe",
		"flask.render_template_string", "html/template.HTML", "html/template.JS"):
		return call.arg(0, "source")
	case c.u.lang == python && call.obj != nil && call.obj.kind == kIdent && hasAny(call.obj.name, "mark_safe", "Markup", "render_template_string"):
		return call.arg(0, "")
	}
	return nil
}

// htmlSinkAssign reports an assignment of raw HTML into the page.
func htmlSinkAssign(target *node) bool {
	return target.kind == kAttr && hasAny(target.name, "innerHTML", "outerHTML", "dangerouslySetInnerHTML")
}

// shellOn reports a shell= argument that may be true: True, any truthy
// literal ("True", 1, [True]) or a value that is not visibly false.
func shellOn(v *node) bool {
	if v == nil {
		return false
	}
	switch v.kind {
	case kTrue:
		return true
	case kFalse, kNone:
		return false
	case kStr:
		return v.str != ""
	case kNum:
		return strings.Trim(strings.ToLower(v.str), "0._xobj") != "" // 0, 0.0, 0x0 are false
	case kList, kDict:
		return len(v.args)+len(v.kw) > 0
	}
	return true
}
