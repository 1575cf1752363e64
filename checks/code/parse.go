package code

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	sitter "github.com/tree-sitter/go-tree-sitter"
	tsjs "github.com/tree-sitter/tree-sitter-javascript/bindings/go"
	tspy "github.com/tree-sitter/tree-sitter-python/bindings/go"
	tsts "github.com/tree-sitter/tree-sitter-typescript/bindings/go"
)

// grammar is a tree-sitter language with its node-kind names cached, so that
// walking a tree compares small integers instead of allocating strings.
type grammar struct {
	lang   *sitter.Language
	kinds  []string
	fields map[string]uint16
	facts  *sitter.Query // the events every rule works from; see factsQuery
	capIdx map[string]uint32
}

// factsQuery finds, in one pass of the tree-sitter query engine, every node
// the rules and the data-flow step start from.
var factsQuery = map[lang]string{
	python: `
(call) @call
(assignment) @assign
(augmented_assignment) @assign
(with_item value: (as_pattern)) @with
(for_statement) @for
(import_statement) @import
(import_from_statement) @import
(function_definition) @func
(return_statement) @return
`,
	javascript: jsFacts + `(jsx_attribute) @jsx
`,
	typescript: jsFacts,
	tsx: jsFacts + `(jsx_attribute) @jsx
`,
}

const jsFacts = `
(call_expression) @call
(new_expression) @call
(variable_declarator) @assign
(assignment_expression) @assign
(augmented_assignment_expression) @assign
(for_in_statement) @for
(import_statement) @import
(function_declaration) @func
(function_expression) @func
(arrow_function) @func
(method_definition) @func
(generator_function_declaration) @func
(return_statement) @return
`

var (
	grammarsOnce sync.Once
	grammars     map[lang]*grammar
	grammarsErr  error
)

func loadGrammars() (map[lang]*grammar, error) {
	grammarsOnce.Do(func() {
		grammars = map[lang]*grammar{}
		for l, ptr := range map[lang]*sitter.Language{
			python:     sitter.NewLanguage(tspy.Language()),
			javascript: sitter.NewLanguage(tsjs.Language()),
			typescript: sitter.NewLanguage(tsts.LanguageTypescript()),
			tsx:        sitter.NewLanguage(tsts.LanguageTSX()),
		} {
			g := &grammar{lang: ptr, fields: map[string]uint16{}, capIdx: map[string]uint32{}}
			n := ptr.NodeKindCount()
			g.kinds = make([]string, n)
			for i := uint32(0); i < n; i++ {
				g.kinds[i] = ptr.NodeKindForId(uint16(i))
			}
			for i := uint32(1); i <= ptr.FieldCount(); i++ {
				g.fields[ptr.FieldNameForId(uint16(i))] = uint16(i)
			}
			q, qerr := sitter.NewQuery(ptr, factsQuery[l])
			if qerr != nil {
				grammarsErr = fmt.Errorf("facts query for %s: %s", l, qerr.Error())
				return
			}
			g.facts = q
			for i, name := range q.CaptureNames() {
				g.capIdx[name] = uint32(i)
			}
			grammars[l] = g
		}
	})
	return grammars, grammarsErr
}

func (g *grammar) kind(n *sitter.Node) string {
	id := n.KindId()
	if int(id) < len(g.kinds) {
		return g.kinds[id]
	}
	return ""
}

func (g *grammar) field(n *sitter.Node, name string) *sitter.Node {
	id, ok := g.fields[name]
	if !ok {
		return nil
	}
	return n.ChildByFieldId(id)
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

// parseTS parses Python or JS/TS source into a unit. The tree-sitter parser,
// tree and query cursor are C memory: all are closed before returning.
func parseTS(ctx context.Context, path string, l lang, src []byte) (*unit, error) {
	gs, err := loadGrammars()
	if err != nil {
		return nil, err
	}
	g := gs[l]
	p := sitter.NewParser()
	defer p.Close()
	if err := p.SetLanguage(g.lang); err != nil {
		return nil, fmt.Errorf("set language %s: %w", l, err)
	}
	// ParseCtx's watcher goroutine can write to the parser's cancellation
	// flag after Close when the context ends late (a crash seen under load);
	// the progress callback checks ctx on the parsing goroutine instead.
	tree := p.ParseWithOptions(func(i int, _ sitter.Point) []byte {
		if i < len(src) {
			return src[i:]
		}
		return nil
	}, nil, &sitter.ParseOptions{ProgressCallback: func(sitter.ParseState) bool { return ctx.Err() != nil }})
	if tree == nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("parse %s: parser returned no tree", path)
	}
	defer tree.Close()
	root := tree.RootNode()
	b := &tsBuilder{g: g, src: src, u: &unit{path: path, lang: l, src: src, imports: map[string]string{}},
		memo: map[uintptr]*node{}, lineStarts: lineStarts(src)}
	b.u.module = &scope{sb: 0, eb: len(src) + 1, isModule: true}
	b.u.broken = brokenTree(root, g, len(src))

	qc := sitter.NewQueryCursor()
	defer qc.Close()
	type pending struct {
		cap  uint32
		node sitter.Node
	}
	var nodes []pending
	matches := qc.Matches(g.facts, root, src)
	for m := matches.Next(); m != nil; m = matches.Next() {
		for _, c := range m.Captures {
			nodes = append(nodes, pending{c.Index, c.Node})
		}
		if len(nodes)&1023 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	// Functions first, so that every event finds its scope.
	for _, pn := range nodes {
		if pn.cap == g.capIdx["func"] {
			b.function(&pn.node)
		}
	}
	sort.Slice(b.u.scopes, func(i, j int) bool { return b.u.scopes[i].sb < b.u.scopes[j].sb })
	linkScopes(b.u)
	for i := range nodes {
		pn := &nodes[i]
		n := &pn.node
		switch pn.cap {
		case g.capIdx["call"]:
			b.callEvent(n)
		case g.capIdx["assign"]:
			b.assignEvent(n)
		case g.capIdx["with"]:
			b.withEvent(n)
		case g.capIdx["for"]:
			b.forEvent(n)
		case g.capIdx["import"]:
			b.importStmt(n)
		case g.capIdx["return"]:
			if kids := b.named(n); len(kids) > 0 {
				b.add(int(n.StartByte()), event{kind: evReturn, value: b.expr(kids[0], 0)})
			}
		case g.capIdx["jsx"]:
			b.jsxEvent(n)
		}
	}
	b.flagStrings(root)
	for _, s := range append([]*scope{b.u.module}, b.u.scopes...) {
		sort.SliceStable(s.events, func(i, j int) bool { return s.events[i].sb < s.events[j].sb })
	}
	return b.u, nil
}

// brokenTree decides whether a tree is too damaged to analyse: the parser
// recovers from small errors (a half-written line) and the rest of the file
// is still meaningful, but when error nodes cover more than a quarter of
// the file, or the top level is itself one error, findings (and their
// absence) would mean nothing.
func brokenTree(root *sitter.Node, g *grammar, size int) bool {
	if !root.HasError() {
		return false
	}
	if root.IsError() {
		return true
	}
	errBytes := 0
	n := root.NamedChildCount()
	for i := uint(0); i < n; i++ {
		c := root.NamedChild(i)
		if c.IsError() || c.IsMissing() {
			errBytes += int(c.EndByte() - c.StartByte())
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
// byte search first: most files have none, and a query over every string
// literal of every file would cost more than the rest of the rules.
func (b *tsBuilder) flagStrings(root *sitter.Node) {
	needle := []byte("--trust-remote-code")
	for off := 0; ; {
		i := bytes.Index(b.src[off:], needle)
		if i < 0 {
			return
		}
		at := uint(off + i)
		off += i + len(needle)
		n := root.NamedDescendantForByteRange(at, at+uint(len(needle)))
		for n != nil {
			k := b.g.kind(n)
			if k == "string" || k == "template_string" {
				b.u.flagStrings = append(b.u.flagStrings, b.expr(n, 0))
				break
			}
			n = n.Parent()
		}
	}
}
