package code

import "github.com/ward-sec/ward/checks"

// RulePathTraversal is request input used as a file path.
const RulePathTraversal = "code-path-traversal"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RulePathTraversal, Title: "Untrusted input used as a file path", Severity: checks.SeverityHigh,
		Why: "A file name from a request, webhook or message payload can contain ../ " +
			"or be absolute, reading or overwriting any file the process can reach (configuration, keys, " +
			"source). Only such sources are reported (high); a path checked to stay inside its directory " +
			"(startswith or commonpath after join/realpath, relative_to, a \"..\" test) or reduced to a base " +
			"name is not.",
		Fix: "Reduce the name to a base name (secure_filename, path.basename, filepath.Base), join it to a " +
			"fixed directory and check the result stays inside it.",
		FixExample: "name = secure_filename(request.args[\"name\"])\nreturn send_from_directory(UPLOAD_DIR, name)",
		References: []string{"CWE-22", "CWE-73"},
	},
	onCall: func(c *ctx, call *node) {
		p := c.pathSink(call)
		if p == nil {
			return
		}
		if t := c.taintFor(p, gPath); t&tRequest != 0 {
			c.report(call, sourceWords(t)+" is used as a file path in "+c.callee(call)+": ../ in it reaches files "+
				"outside the intended directory.")
		}
	},
})

func init() {
	for _, f := range []string{"os.path.join", "posixpath.join", "path.join", "path.resolve", "path/filepath.Join",
		"pathlib.Path", "path.normalize", "os.path.abspath", "os.path.normpath", "path/filepath.Clean"} {
		argPropagatingFuncs[f] = true
	}
}

// pathSink returns the path argument of a call that opens, reads, writes or
// serves a file.
func (c *ctx) pathSink(call *node) *node {
	name := c.callee(call)
	switch c.u.lang {
	case python:
		switch name {
		case "open", "io.open", "codecs.open", "os.open", "os.remove", "os.unlink", "shutil.rmtree",
			"flask.send_file", "aiofiles.open", "shutil.copyfile":
			return call.arg(0, "file")
		}
		if call.obj != nil && call.obj.kind == kAttr && hasAny(call.obj.name, "read_text", "read_bytes", "write_text", "write_bytes", "open") {
			if r := call.obj.obj; r != nil && r.kind == kCall && hasAny(c.callee(r), "pathlib.Path") {
				return r.arg(0, "")
			}
		}
	case golang:
		switch name {
		case "os.Open", "os.OpenFile", "os.ReadFile", "os.WriteFile", "os.Create", "os.Remove", "os.RemoveAll",
			"io/ioutil.ReadFile", "io/ioutil.WriteFile":
			return call.arg(0, "")
		case "net/http.ServeFile":
			return call.arg(2, "")
		}
	default:
		switch name {
		case "fs.readFile", "fs.readFileSync", "fs.createReadStream", "fs.writeFile", "fs.writeFileSync",
			"fs.createWriteStream", "fs.unlink", "fs.unlinkSync", "fs.rm", "fs.rmSync", "fs.appendFile", "fs.open", "fs.openSync":
			return call.arg(0, "")
		}
		if call.obj != nil && call.obj.kind == kAttr && hasAny(call.obj.name, "sendFile", "download") && call.obj.obj != nil &&
			call.obj.obj.kind == kIdent && hasAny(call.obj.obj.name, "res", "response", "reply") {
			if opts := call.arg(1, ""); opts != nil && opts.kind == kDict && opts.kwarg("root") != nil {
				return nil // res.sendFile(name, {root}) refuses to leave root
			}
			return call.arg(0, "")
		}
	}
	return nil
}
