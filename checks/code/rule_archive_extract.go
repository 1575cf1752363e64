package code

import (
	"strings"

	"github.com/ward-sec/ward/checks"
)

// RuleArchiveExtract is archive extraction without a path check.
const RuleArchiveExtract = "code-archive-extract-unfiltered"

var _ = register(&rule{
	Rule: checks.Rule{
		ID: RuleArchiveExtract, Title: "Archive extracted without a path filter", Severity: checks.SeverityMedium,
		Why: "Archive members can be named ../../.bashrc or /etc/cron.d/x, or be links pointing outside the " +
			"target (\"zip slip\"). Extracting a downloaded dataset or model archive without a filter writes " +
			"files anywhere the process can.",
		Fix: "Python 3.12+: tar.extractall(dest, filter=\"data\"). Elsewhere, check each member's resolved path " +
			"stays under the destination (Go: filepath.IsLocal or a prefix check after filepath.Join).",
		FixExample: "with tarfile.open(path) as tar:\n    tar.extractall(dest, filter=\"data\")",
		References: []string{"CWE-22", "CWE-59"},
		Hygiene:    true,
	},
	onCall: func(c *ctx, call *node) {
		name := c.callee(call)
		switch c.u.lang {
		case python:
			isTar := strings.HasPrefix(name, "tarfile.") || call.obj != nil && call.obj.kind == kAttr &&
				call.obj.obj != nil && call.obj.obj.kind == kIdent && strings.Contains(strings.ToLower(call.obj.obj.name), "tar")
			isZip := strings.HasPrefix(name, "zipfile.")
			member := call.arg(0, "member")
			switch {
			case (isTar || isZip) && call.obj.kind == kAttr && call.obj.name == "extract" && member != nil && member.kind == kStr:
				// one member named in the code: its name cannot traverse
			case (isTar || isZip) && call.obj.kind == kAttr && (call.obj.name == "extractall" || call.obj.name == "extract"):
				f := call.kwarg("filter")
				if isZip || f == nil || f.kind == kStr && f.str == "fully_trusted" {
					h := c.report(call, name+" writes archive members wherever their names point: a member named "+
						"../something escapes the destination.")
					if isTar && f == nil && call.obj.name == "extractall" {
						if e, ok := c.addKeyword(call, "filter=\"data\""); ok {
							h.sugg = c.suggest(call, e)
						}
					}
				}
			case name == "shutil.unpack_archive" && call.kwarg("filter") == nil:
				c.report(call, "shutil.unpack_archive extracts without a filter on Python < 3.14: members can escape the destination.")
			}
		case golang:
			if name != "path/filepath.Join" || (c.u.imports["zip"] != "archive/zip" && c.u.imports["tar"] != "archive/tar") {
				return
			}
			usesMemberName := false
			for _, a := range call.args {
				if a.kind == kAttr && a.name == "Name" {
					usesMemberName = true
				}
			}
			writes := c.scopeCallsAny("os.Create", "os.OpenFile", "os.MkdirAll", "os.WriteFile", "os.Symlink", "os.Link",
				"io/ioutil.WriteFile", "os.Mkdir")
			if usesMemberName && writes && !c.scopeCallsAny("strings.HasPrefix", "path/filepath.IsLocal", "path/filepath.Rel", "strings.Contains") {
				c.report(call, "An archive member's name is joined to the destination without checking the result "+
					"stays inside it (zip slip).")
			}
		}
	},
})

// scopeCallsAny reports whether the current function calls any of names.
func (c *ctx) scopeCallsAny(names ...string) bool {
	if c.scopeCalls == nil {
		c.scopeCalls = map[string]bool{}
		for _, ev := range c.s.events {
			if ev.kind == evCall {
				c.scopeCalls[c.callee(ev.call)] = true
			}
		}
	}
	for _, n := range names {
		if c.scopeCalls[n] {
			return true
		}
	}
	return false
}
