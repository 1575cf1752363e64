package code

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspy "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// grammar is a tree-sitter language with its node-kind names cached, so that
// walking a tree compares small integers instead of allocating strings.
type grammar struct {
	lang   *sitter.Language
	raw    unsafe.Pointer // the C TSLanguage, for parseFlat
	kinds  []string
	fields map[string]uint16
	facts  []fact // by symbol: which event a node of that kind starts
}

// fact is the kind of event a syntax node starts: the nodes every rule and
// the data-flow step work from.
type fact uint8

const (
	factNone fact = iota
	factCall
	factAssign
	factWith // a with_item whose value is an as_pattern
	factFor
	factImport
	factFunc
	factReturn
	factJSX
	factCompare // a comparison: `x in ALLOWED` is an allow-list guard
)

// factKinds names, per language, the node kinds that start each fact.
var factKinds = map[lang]map[string]fact{
	python: {
		"call": factCall, "assignment": factAssign, "augmented_assignment": factAssign, "with_item": factWith,
		"for_statement": factFor, "import_statement": factImport, "import_from_statement": factImport,
		"function_definition": factFunc, "return_statement": factReturn, "comparison_operator": factCompare,
	},
	javascript: jsFactKinds(true),
	typescript: jsFactKinds(false),
	tsx:        jsFactKinds(true),
}

func jsFactKinds(jsx bool) map[string]fact {
	m := map[string]fact{
		"call_expression": factCall, "new_expression": factCall, "variable_declarator": factAssign,
		"assignment_expression": factAssign, "augmented_assignment_expression": factAssign,
		"for_in_statement": factFor, "import_statement": factImport, "function_declaration": factFunc,
		"function_expression": factFunc, "arrow_function": factFunc, "method_definition": factFunc,
		"generator_function_declaration": factFunc, "return_statement": factReturn,
	}
	if jsx {
		m["jsx_attribute"] = factJSX
	}
	return m
}

var (
	grammarsOnce sync.Once
	grammars     map[lang]*grammar
	grammarsErr  error
)

func loadGrammars() (map[lang]*grammar, error) {
	grammarsOnce.Do(func() {
		grammars = map[lang]*grammar{}
		for l, raw := range map[lang]unsafe.Pointer{
			python:     tspy.Language(),
			javascript: tsjs.Language(),
			typescript: tsts.LanguageTypescript(),
			tsx:        tsts.LanguageTSX(),
		} {
			ptr := sitter.NewLanguage(raw)
			g := &grammar{lang: ptr, raw: raw, fields: map[string]uint16{}}
			n := ptr.NodeKindCount()
			g.kinds = make([]string, n)
			g.facts = make([]fact, n)
			for i := uint32(0); i < n; i++ {
				g.kinds[i] = ptr.NodeKindForId(uint16(i))
				if ptr.NodeKindIsNamed(uint16(i)) {
					g.facts[i] = factKinds[l][g.kinds[i]]
				}
			}
			for i := uint32(1); i <= ptr.FieldCount(); i++ {
				g.fields[ptr.FieldNameForId(uint16(i))] = uint16(i)
			}
			grammars[l] = g
		}
	})
	return grammars, grammarsErr
}

// langFor picks the language from the file name; "" means not source code.
func langFor(path string) lang {
	p := strings.ToLower(path)
	switch {
	case strings.HasSuffix(p, ".py"), strings.HasSuffix(p, ".pyw"), strings.HasSuffix(p, ".pyi"):
		return python
	case strings.HasSuffix(p, ".js"), strings.HasSuffix(p, ".mjs"), strings.HasSuffix(p, ".cjs"), strings.HasSuffix(p, ".jsx"):
		return javascript
	case strings.HasSuffix(p, ".ts"), strings.HasSuffix(p, ".mts"), strings.HasSuffix(p, ".cts"):
		if strings.HasSuffix(p, ".d.ts") {
			return langNone // declarations carry no code
		}
		return typescript
	case strings.HasSuffix(p, ".tsx"):
		return tsx
	case strings.HasSuffix(p, ".go"):
		return golang
	}
	return langNone
}

// parseTS parses Python or JS/TS source into a unit.
func parseTS(ctx context.Context, path string, l lang, src []byte) (*unit, error) {
	gs, err := loadGrammars()
	if err != nil {
		return nil, err
	}
	g := gs[l]
	ft, err := parseFlat(ctx, g, src)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	defer ft.release()
	t := ft.nodes
	b := &tsBuilder{g: g, src: src, t: t, u: &unit{path: path, lang: l, src: src, imports: map[string]string{}},
		memo: make([]*node, len(t))}
	b.u.module = &scope{sb: 0, eb: len(src) + 1, isModule: true}
	b.u.broken = brokenTree(t, len(src))

	// Functions first, so that every event finds its scope; the tree is in
	// pre-order, so events come in source order.
	var events []tn
	for i := range t {
		if t[i].flags&fNamed == 0 || int(t[i].sym) >= len(g.facts) {
			continue
		}
		switch g.facts[t[i].sym] {
		case factNone:
		case factFunc:
			b.function(tn(i))
		default:
			events = append(events, tn(i))
		}
		if i&4095 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	sortScopes(b.u)
	linkScopes(b.u)
	for _, n := range events {
		switch g.facts[t[n].sym] {
		case factCall:
			b.callEvent(n)
		case factAssign:
			b.assignEvent(n)
		case factWith:
			if b.kindOf(b.field(n, "value")) == "as_pattern" {
				b.withEvent(n)
			}
		case factFor:
			b.forEvent(n)
		case factImport:
			b.importStmt(n)
		case factReturn:
			if kids := b.named(n); len(kids) > 0 {
				b.add(int(t[n].sb), event{kind: evReturn, value: b.expr(kids[0], 0)})
			}
		case factJSX:
			b.jsxEvent(n)
		case factCompare:
			b.membershipEvent(n)
		}
	}
	b.flagStrings()
	b.entryPoints()
	registeredTools(b.u)
	for _, s := range append([]*scope{b.u.module}, b.u.scopes...) {
		sortEvents(s)
	}
	return b.u, nil
}

// brokenTree decides whether a tree is too damaged to analyse: the parser
// recovers from small errors (a half-written line) and the rest of the file
// is still meaningful, but when error nodes cover more than a quarter of
// the file, or the top level is itself one error, findings (and their
// absence) would mean nothing.
func brokenTree(t []fnode, size int) bool {
	if t[0].flags&fError != 0 {
		return true
	}
	errBytes := 0
	for c := t[0].first; c >= 0; c = t[c].next {
		if t[c].flags&fNamed != 0 && t[c].flags&(fError|fMissing) != 0 {
			errBytes += int(t[c].eb - t[c].sb)
		}
	}
	return size > 0 && errBytes*4 > size
}

// linkScopes sets each function scope's parent (the innermost enclosing one).
func linkScopes(u *unit) {
	var stack []*scope
	for _, s := range u.scopes {
		for len(stack) > 0 && stack[len(stack)-1].eb <= s.sb {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			s.parent = stack[len(stack)-1]
		} else {
			s.parent = u.module
		}
		stack = append(stack, s)
	}
}

// scopeAt returns the innermost scope containing byte offset sb.
func (u *unit) scopeAt(sb int) *scope {
	i := sort.Search(len(u.scopes), func(i int) bool { return u.scopes[i].sb > sb })
	if i > 0 {
		// The innermost scope starting at or before sb, or one of its parents.
		for p := u.scopes[i-1]; p != nil && !p.isModule; p = p.parent {
			if p.sb <= sb && sb < p.eb {
				return p
			}
		}
	}
	return u.module
}

func sortScopes(u *unit) {
	sort.Slice(u.scopes, func(i, j int) bool { return u.scopes[i].sb < u.scopes[j].sb })
}

func sortEvents(s *scope) {
	sort.SliceStable(s.events, func(i, j int) bool { return s.events[i].sb < s.events[j].sb })
}

// lineStarts returns the byte offset at which each line starts.
func lineStarts(src []byte) []int {
	out := make([]int, 1, len(src)/30+1)
	for i, c := range src {
		if c == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// flagStrings finds string literals that contain --trust-remote-code by a
// byte search first: most files have none. A string that declares the
// option (parser.add_argument("--trust-remote-code", action="store_true"),
// click.option, typer.Option) or sits in a help= text passes nothing: the
// opt-in flag is what the rule's fix recommends.
func (b *tsBuilder) flagStrings() {
	needle := []byte("--trust-remote-code")
	for off := 0; ; {
		i := bytes.Index(b.src[off:], needle)
		if i < 0 {
			return
		}
		at := uint32(off + i)
		off += i + len(needle)
		// The innermost string literal around the match: the last one in
		// pre-order that contains it; and the innermost call around it.
		best, call, help := none, none, false
		for j := range b.t {
			if b.t[j].sb > at {
				break
			}
			if b.t[j].eb >= at+uint32(len(needle)) {
				switch b.kindOf(tn(j)) {
				case "string", "template_string":
					best = tn(j)
				case "call", "call_expression":
					call, help = tn(j), false
				case "keyword_argument", "pair":
					help = help || b.text(b.field(tn(j), "name")) == "help" || b.text(b.field(tn(j), "key")) == "help"
				}
			}
		}
		if best >= 0 && !help && !declaresFlag(b.text(b.field(call, "function"))) {
			b.u.flagStrings = append(b.u.flagStrings, b.expr(best, 0))
		}
	}
}

// declaresFlag: callee is an option parser's declaration call.
func declaresFlag(callee string) bool {
	for _, suffix := range []string{"add_argument", "add_option", "click.option", "typer.Option", ".option", ".Option"} {
		if strings.HasSuffix(callee, suffix) {
			return true
		}
	}
	return callee == "option" || callee == "Option"
}
