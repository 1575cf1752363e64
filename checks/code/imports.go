package code

import (
	"strings"
)

// importStmt records the names an import binds, so that rules match the
// canonical name whatever the alias: `import torch as t` binds t to
// "torch", `from pickle import loads as l` binds l to "pickle.loads",
// `import { exec as run } from "node:child_process"` binds run to
// "child_process.exec".
func (b *tsBuilder) importStmt(n tn) {
	if b.u.lang == python {
		b.pyImport(n)
		return
	}
	src := b.field(n, "source")
	if src < 0 {
		return
	}
	mod := normaliseModule(strings.Trim(b.text(src), "\"'`"))
	for _, c := range b.named(n) {
		if b.kindOf(c) != "import_clause" {
			continue
		}
		for _, d := range b.named(c) {
			switch b.kindOf(d) {
			case "identifier": // default import
				b.u.imports[b.text(d)] = mod
			case "namespace_import":
				for _, id := range b.named(d) {
					b.u.imports[b.text(id)] = mod
				}
			case "named_imports":
				for _, spec := range b.named(d) {
					if b.kindOf(spec) != "import_specifier" {
						continue
					}
					name := b.text(b.field(spec, "name"))
					local := name
					if a := b.field(spec, "alias"); a >= 0 {
						local = b.text(a)
					}
					b.u.imports[local] = mod + "." + strings.Trim(name, "\"'")
				}
			}
		}
	}
}

func (b *tsBuilder) pyImport(n tn) {
	if b.kindOf(n) == "import_statement" {
		for _, c := range b.named(n) {
			switch b.kindOf(c) {
			case "dotted_name": // import os.path binds os
				full := b.text(c)
				root, _, _ := strings.Cut(full, ".")
				if _, seen := b.u.imports[root]; !seen {
					b.u.imports[root] = root
				}
			case "aliased_import":
				b.u.imports[b.text(b.field(c, "alias"))] = b.text(b.field(c, "name"))
			}
		}
		return
	}
	modNode := b.field(n, "module_name")
	if modNode < 0 || b.kindOf(modNode) == "relative_import" {
		return
	}
	mod := b.text(modNode)
	for _, c := range b.named(n) {
		if c == modNode {
			continue
		}
		switch b.kindOf(c) {
		case "dotted_name":
			name := b.text(c)
			b.u.imports[name] = mod + "." + name
		case "aliased_import":
			b.u.imports[b.text(b.field(c, "alias"))] = mod + "." + b.text(b.field(c, "name"))
		}
	}
}

// requireImport records `const x = require("m")`, `const {a, b: c} =
// require("m")` and `const x = require("m").y`; it reports whether the
// declaration was such an import.
func (b *tsBuilder) requireImport(left tn, val *node) bool {
	mod, member := "", ""
	switch {
	case isRequire(val):
		mod = val.args[0].str
	case val.kind == kAttr && isRequire(val.obj):
		mod, member = val.obj.args[0].str, val.name
	default:
		return false
	}
	mod = normaliseModule(mod)
	if member != "" {
		mod += "." + member
	}
	switch b.kindOf(left) {
	case "identifier":
		b.u.imports[b.text(left)] = mod
	case "object_pattern":
		for _, p := range b.named(left) {
			switch b.kindOf(p) {
			case "shorthand_property_identifier_pattern":
				b.u.imports[b.text(p)] = mod + "." + b.text(p)
			case "pair_pattern":
				key := strings.Trim(b.text(b.field(p, "key")), "\"'")
				if v := b.field(p, "value"); v >= 0 && b.kindOf(v) == "identifier" {
					b.u.imports[b.text(v)] = mod + "." + key
				}
			}
		}
	}
	return true
}

func isRequire(n *node) bool {
	return n != nil && n.kind == kCall && n.obj != nil && n.obj.kind == kIdent && n.obj.name == "require" &&
		len(n.args) == 1 && n.args[0].kind == kStr
}

// normaliseModule folds JS module spellings: "node:fs" and "fs/promises"
// are fs for the rules.
func normaliseModule(m string) string {
	m = strings.TrimPrefix(m, "node:")
	switch m {
	case "fs/promises":
		return "fs"
	case "child_process/promises":
		return "child_process"
	}
	return m
}
