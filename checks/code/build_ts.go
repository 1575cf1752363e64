package code

import (
	"sort"
	"strings"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// maxExprDepth bounds the conversion of deeply nested expressions; deeper
// sub-expressions become kOther (opaque, non-literal, untainted).
const maxExprDepth = 64

// tsBuilder turns tree-sitter nodes into ward's expression form.
type tsBuilder struct {
	g   *grammar
	src []byte
	u   *unit
	// memo holds converted nodes by tree-sitter node id: a call nested in
	// an assignment is an event of its own and is converted only once.
	memo       map[uintptr]*node
	lineStarts []int
}

// lineOf returns the 1-based line of a byte offset (cheaper than asking
// the C side for positions).
func (b *tsBuilder) lineOf(off int) int {
	return sort.SearchInts(b.lineStarts, off+1)
}

func (b *tsBuilder) text(n *sitter.Node) string {
	if n == nil {
		return ""
	}
	return string(b.src[n.StartByte():n.EndByte()])
}

func (b *tsBuilder) leaf(n *sitter.Node, k kind) *node {
	sb, eb := int(n.StartByte()), int(n.EndByte())
	last := eb - 1
	if last < sb {
		last = sb
	}
	return &node{kind: k, sb: sb, eb: eb, line: b.lineOf(sb), endLine: b.lineOf(last)}
}

func (b *tsBuilder) named(n *sitter.Node) []*sitter.Node {
	c := n.NamedChildCount()
	out := make([]*sitter.Node, 0, c)
	for i := uint(0); i < c; i++ {
		ch := n.NamedChild(i)
		if b.g.kind(ch) == "comment" {
			continue
		}
		out = append(out, ch)
	}
	return out
}

// expr converts an expression node.
func (b *tsBuilder) expr(n *sitter.Node, depth int) *node {
	if n == nil {
		return nil
	}
	if depth > maxExprDepth {
		return b.leaf(n, kOther)
	}
	id := n.Id()
	if x, ok := b.memo[id]; ok {
		return x
	}
	var x *node
	if b.u.lang == python {
		x = b.pyExpr(n, depth)
	} else {
		x = b.jsExpr(n, depth)
	}
	b.memo[id] = x
	return x
}

func (b *tsBuilder) others(out *node, n *sitter.Node, depth int) *node {
	for _, c := range b.named(n) {
		out.args = append(out.args, b.expr(c, depth+1))
	}
	return out
}

func (b *tsBuilder) pyExpr(n *sitter.Node, depth int) *node {
	k := b.g.kind(n)
	switch k {
	case "identifier":
		out := b.leaf(n, kIdent)
		out.name = b.text(n)
		return out
	case "attribute":
		out := b.leaf(n, kAttr)
		out.obj = b.expr(b.g.field(n, "object"), depth+1)
		out.name = b.text(b.g.field(n, "attribute"))
		return out
	case "subscript":
		out := b.leaf(n, kIndex)
		out.obj = b.expr(b.g.field(n, "value"), depth+1)
		if s := b.g.field(n, "subscript"); s != nil {
			out.args = []*node{b.expr(s, depth+1)}
		}
		return out
	case "call":
		return b.pyCall(n, depth)
	case "string":
		return b.pyString(n, depth)
	case "concatenated_string":
		out := b.others(b.leaf(n, kConcat), n, depth)
		return foldLiteralConcat(out)
	case "binary_operator":
		l, r := b.expr(b.g.field(n, "left"), depth+1), b.expr(b.g.field(n, "right"), depth+1)
		op := b.text(b.g.field(n, "operator"))
		switch {
		case op == "+":
			out := b.leaf(n, kConcat)
			out.args = []*node{l, r}
			return foldLiteralConcat(out)
		case op == "%" && l != nil && l.kind == kStr:
			out := b.leaf(n, kFormat)
			out.str = l.str
			out.args = []*node{l}
			if r != nil && r.kind == kList {
				out.args = append(out.args, r.args...)
			} else {
				out.args = append(out.args, r)
			}
			return out
		}
		out := b.leaf(n, kOther)
		out.args = []*node{l, r}
		return out
	case "integer", "float":
		out := b.leaf(n, kNum)
		out.str = b.text(n)
		return out
	case "true":
		return b.leaf(n, kTrue)
	case "false":
		return b.leaf(n, kFalse)
	case "none":
		return b.leaf(n, kNone)
	case "dictionary":
		out := b.leaf(n, kDict)
		for _, p := range b.named(n) {
			if b.g.kind(p) != "pair" {
				continue
			}
			key := b.expr(b.g.field(p, "key"), depth+1)
			if key != nil && key.kind == kStr {
				out.kw = append(out.kw, kv{key.str, b.expr(b.g.field(p, "value"), depth+1)})
			} else {
				out.args = append(out.args, b.expr(b.g.field(p, "value"), depth+1))
			}
		}
		return out
	case "list", "tuple", "set", "expression_list":
		return b.others(b.leaf(n, kList), n, depth)
	case "parenthesized_expression", "await":
		if c := b.named(n); len(c) == 1 {
			return b.expr(c[0], depth+1)
		}
	case "lambda":
		return b.leaf(n, kFunc)
	case "conditional_expression", "boolean_operator", "comparison_operator", "not_operator", "unary_operator",
		"list_comprehension", "generator_expression", "set_comprehension", "dictionary_comprehension",
		"for_in_clause", "if_clause", "pair":
		// Opaque, but taint and generators inside still count.
		return b.others(b.leaf(n, kOther), n, depth)
	}
	return b.leaf(n, kOther)
}

func (b *tsBuilder) pyCall(n *sitter.Node, depth int) *node {
	out := b.leaf(n, kCall)
	out.obj = b.expr(b.g.field(n, "function"), depth+1)
	args := b.g.field(n, "arguments")
	if args != nil && b.g.kind(args) == "generator_expression" { // "".join(x for x in xs)
		out.args = append(out.args, b.expr(args, depth+1))
	}
	if args != nil && b.g.kind(args) == "argument_list" {
		for _, a := range b.named(args) {
			switch b.g.kind(a) {
			case "keyword_argument":
				out.kw = append(out.kw, kv{b.text(b.g.field(a, "name")), b.expr(b.g.field(a, "value"), depth+1)})
			case "list_splat", "dictionary_splat":
				out.args = append(out.args, b.others(b.leaf(a, kOther), a, depth))
			default:
				out.args = append(out.args, b.expr(a, depth+1))
			}
		}
	}
	// "...".format(x) is string formatting, not an ordinary call.
	if out.obj != nil && out.obj.kind == kAttr && out.obj.name == "format" && out.obj.obj != nil &&
		(out.obj.obj.kind == kStr || out.obj.obj.kind == kFormat) {
		f := b.leaf(n, kFormat)
		f.str = out.obj.obj.str
		f.args = append([]*node{out.obj.obj}, out.args...)
		for _, k := range out.kw {
			f.args = append(f.args, k.val)
		}
		return f
	}
	return out
}

func (b *tsBuilder) pyString(n *sitter.Node, depth int) *node {
	var sb strings.Builder
	var parts []*node
	for _, c := range b.named(n) {
		switch b.g.kind(c) {
		case "string_content", "escape_sequence":
			sb.WriteString(b.text(c))
		case "interpolation":
			if e := b.g.field(c, "expression"); e != nil {
				parts = append(parts, b.expr(e, depth+1))
			}
			sb.WriteString("{}")
		}
	}
	if len(parts) == 0 {
		out := b.leaf(n, kStr)
		out.str = sb.String()
		return out
	}
	out := b.leaf(n, kFormat)
	out.str = sb.String()
	lit := b.leaf(n, kStr)
	lit.str = out.str
	out.args = append([]*node{lit}, parts...)
	return out
}

func (b *tsBuilder) jsExpr(n *sitter.Node, depth int) *node {
	k := b.g.kind(n)
	switch k {
	case "identifier", "this", "shorthand_property_identifier", "property_identifier":
		if b.text(n) == "undefined" {
			return b.leaf(n, kNone)
		}
		out := b.leaf(n, kIdent)
		out.name = b.text(n)
		return out
	case "member_expression":
		out := b.leaf(n, kAttr)
		out.obj = b.expr(b.g.field(n, "object"), depth+1)
		out.name = b.text(b.g.field(n, "property"))
		return out
	case "subscript_expression":
		obj := b.expr(b.g.field(n, "object"), depth+1)
		idx := b.expr(b.g.field(n, "index"), depth+1)
		if idx != nil && idx.kind == kStr { // obj["name"] reads like obj.name
			out := b.leaf(n, kAttr)
			out.obj, out.name = obj, idx.str
			return out
		}
		out := b.leaf(n, kIndex)
		out.obj = obj
		out.args = []*node{idx}
		return out
	case "call_expression", "new_expression":
		out := b.leaf(n, kCall)
		out.isNew = k == "new_expression"
		if out.isNew {
			out.obj = b.expr(b.g.field(n, "constructor"), depth+1)
		} else {
			out.obj = b.expr(b.g.field(n, "function"), depth+1)
		}
		if args := b.g.field(n, "arguments"); args != nil {
			if b.g.kind(args) == "arguments" {
				for _, a := range b.named(args) {
					out.args = append(out.args, b.expr(a, depth+1))
				}
			} else { // tagged template: the tag decides how parts are used
				out.args = append(out.args, b.leaf(args, kOther))
			}
		}
		return out
	case "string":
		out := b.leaf(n, kStr)
		var sb strings.Builder
		for _, c := range b.named(n) {
			sb.WriteString(b.text(c))
		}
		out.str = sb.String()
		return out
	case "template_string":
		var sb strings.Builder
		var parts []*node
		for _, c := range b.named(n) {
			switch b.g.kind(c) {
			case "string_fragment", "escape_sequence":
				sb.WriteString(b.text(c))
			case "template_substitution":
				for _, e := range b.named(c) {
					parts = append(parts, b.expr(e, depth+1))
				}
				sb.WriteString("{}")
			}
		}
		if len(parts) == 0 {
			out := b.leaf(n, kStr)
			out.str = sb.String()
			return out
		}
		out := b.leaf(n, kFormat)
		out.str = sb.String()
		lit := b.leaf(n, kStr)
		lit.str = out.str
		out.args = append([]*node{lit}, parts...)
		return out
	case "binary_expression":
		l, r := b.expr(b.g.field(n, "left"), depth+1), b.expr(b.g.field(n, "right"), depth+1)
		if b.text(b.g.field(n, "operator")) == "+" {
			out := b.leaf(n, kConcat)
			out.args = []*node{l, r}
			return foldLiteralConcat(out)
		}
		out := b.leaf(n, kOther)
		out.args = []*node{l, r}
		return out
	case "number":
		out := b.leaf(n, kNum)
		out.str = b.text(n)
		return out
	case "true":
		return b.leaf(n, kTrue)
	case "false":
		return b.leaf(n, kFalse)
	case "null", "undefined":
		return b.leaf(n, kNone)
	case "object":
		out := b.leaf(n, kDict)
		for _, p := range b.named(n) {
			switch b.g.kind(p) {
			case "pair":
				key := b.g.field(p, "key")
				name := b.text(key)
				switch b.g.kind(key) {
				case "string":
					name = strings.Trim(name, `"'`)
				case "computed_property_name":
					name = ""
				}
				val := b.expr(b.g.field(p, "value"), depth+1)
				if name != "" {
					out.kw = append(out.kw, kv{name, val})
				} else {
					out.args = append(out.args, val)
				}
			case "shorthand_property_identifier":
				out.kw = append(out.kw, kv{b.text(p), b.expr(p, depth+1)})
			case "spread_element":
				out.args = append(out.args, b.others(b.leaf(p, kOther), p, depth))
			}
		}
		return out
	case "array":
		return b.others(b.leaf(n, kList), n, depth)
	case "parenthesized_expression", "await_expression", "as_expression", "satisfies_expression",
		"non_null_expression", "type_assertion":
		if c := b.named(n); len(c) >= 1 {
			return b.expr(c[0], depth+1)
		}
	case "arrow_function", "function_expression", "function":
		return b.leaf(n, kFunc)
	case "ternary_expression", "unary_expression", "sequence_expression":
		return b.others(b.leaf(n, kOther), n, depth)
	case "jsx_expression":
		if c := b.named(n); len(c) == 1 {
			return b.expr(c[0], depth+1)
		}
	}
	return b.leaf(n, kOther)
}

// foldLiteralConcat turns "a" + "b" into one literal, so that a long SQL
// string split over lines still reads as a constant.
func foldLiteralConcat(n *node) *node {
	var sb strings.Builder
	var flat []*node
	for _, a := range n.args {
		if a == nil {
			continue
		}
		if a.kind == kConcat {
			flat = append(flat, a.args...)
		} else {
			flat = append(flat, a)
		}
	}
	n.args = flat
	for _, a := range flat {
		if a == nil || a.kind != kStr {
			// keep the literal text of the parts for SQL/shell detection
			for _, p := range flat {
				if p != nil && p.kind == kStr {
					sb.WriteString(p.str)
				}
				if p != nil && p.kind == kFormat {
					sb.WriteString(p.str)
				}
			}
			n.str = sb.String()
			return n
		}
		sb.WriteString(a.str)
	}
	out := *n
	out.kind, out.str, out.args = kStr, sb.String(), nil
	return &out
}

// function records a function scope with its parameters.
func (b *tsBuilder) function(n *sitter.Node) {
	s := &scope{sb: int(n.StartByte()), eb: int(n.EndByte()), tainted: map[string]bool{}, reqObjs: map[string]string{}}
	params := b.g.field(n, "parameters")
	if params == nil {
		params = b.g.field(n, "parameter") // arrow function with one bare parameter
	}
	if params != nil {
		if b.g.kind(params) == "identifier" {
			s.params = append(s.params, b.text(params))
		} else {
			for _, p := range b.named(params) {
				if name := b.paramName(p); name != "" {
					s.params = append(s.params, name)
				}
			}
		}
	}
	if b.u.lang == python {
		if isRouteHandler(b, n) {
			for _, p := range s.params {
				switch p {
				case "self", "cls", "request", "req", "db", "session", "response", "background_tasks", "current_user", "user":
				default:
					s.tainted[p] = true
				}
			}
		}
		for _, p := range s.params {
			if p == "request" {
				s.reqObjs[p] = "django"
			}
		}
	} else {
		for _, p := range s.params {
			if p == "req" || p == "request" {
				s.reqObjs[p] = "express"
			}
		}
	}
	s.name = b.functionName(n)
	b.u.scopes = append(b.u.scopes, s)
}

// functionName is a function's own name; anonymous functions assigned to
// a variable (const ask = async () => ...) are named in assignEvent.
// (Node.Parent is not used: tree-sitter finds a parent by descending from
// the root, which is quadratic on deeply nested code.)
func (b *tsBuilder) functionName(n *sitter.Node) string {
	if name := b.g.field(n, "name"); name != nil {
		return b.text(name)
	}
	return ""
}

func (b *tsBuilder) paramName(p *sitter.Node) string {
	switch b.g.kind(p) {
	case "identifier":
		return b.text(p)
	case "typed_parameter", "list_splat_pattern", "dictionary_splat_pattern":
		for _, c := range b.named(p) {
			if b.g.kind(c) == "identifier" {
				return b.text(c)
			}
		}
	case "default_parameter", "typed_default_parameter":
		return b.text(b.g.field(p, "name"))
	case "required_parameter", "optional_parameter":
		if pat := b.g.field(p, "pattern"); pat != nil && b.g.kind(pat) == "identifier" {
			return b.text(pat)
		}
	case "assignment_pattern":
		if l := b.g.field(p, "left"); l != nil && b.g.kind(l) == "identifier" {
			return b.text(l)
		}
	}
	return ""
}

// isRouteHandler reports a Python function decorated as a web route
// (Flask, FastAPI, Starlette, Sanic, Quart): its parameters carry request input.
func isRouteHandler(b *tsBuilder, fn *sitter.Node) bool {
	parent := fn.Parent()
	if parent == nil || b.g.kind(parent) != "decorated_definition" {
		return false
	}
	for _, d := range b.named(parent) {
		if b.g.kind(d) != "decorator" {
			continue
		}
		e := b.named(d)
		if len(e) == 0 {
			continue
		}
		x := b.expr(e[0], 0)
		if x.kind == kCall {
			x = x.obj
		}
		if x != nil && x.kind == kAttr {
			switch x.name {
			case "get", "post", "put", "patch", "delete", "route", "api_route", "websocket":
				return true
			}
		}
	}
	return false
}

func (b *tsBuilder) add(sb int, ev event) {
	ev.sb = sb
	s := b.u.scopeAt(sb)
	s.events = append(s.events, ev)
}

func (b *tsBuilder) callEvent(n *sitter.Node) {
	c := b.expr(n, 0)
	if c.kind != kCall {
		return // "...".format(...) became kFormat
	}
	b.add(c.sb, event{kind: evCall, call: c})
}

// targets converts an assignment's left side into target nodes.
func (b *tsBuilder) targets(n *sitter.Node) []*node {
	if n == nil {
		return nil
	}
	switch b.g.kind(n) {
	case "identifier", "attribute", "subscript", "member_expression", "subscript_expression", "shorthand_property_identifier_pattern":
		x := b.expr(n, 0)
		if b.g.kind(n) == "shorthand_property_identifier_pattern" {
			x = b.leaf(n, kIdent)
			x.name = b.text(n)
		}
		return []*node{x}
	case "pattern_list", "tuple_pattern", "list_pattern", "expression_list", "tuple", "list",
		"object_pattern", "array_pattern", "as_pattern_target":
		var out []*node
		for _, c := range b.named(n) {
			out = append(out, b.targets(c)...)
		}
		return out
	case "pair_pattern":
		return b.targets(b.g.field(n, "value"))
	case "rest_pattern", "object_assignment_pattern", "assignment_pattern":
		for _, c := range b.named(n) {
			return b.targets(c)
		}
	}
	return nil
}

func (b *tsBuilder) assignEvent(n *sitter.Node) {
	k := b.g.kind(n)
	var left, right *sitter.Node
	if k == "variable_declarator" {
		left, right = b.g.field(n, "name"), b.g.field(n, "value")
	} else {
		left, right = b.g.field(n, "left"), b.g.field(n, "right")
	}
	if right == nil {
		return
	}
	// a = b = value: the inner assignment is its own event; take its value.
	for b.g.kind(right) == "assignment" || b.g.kind(right) == "assignment_expression" {
		right = b.g.field(right, "right")
		if right == nil {
			return
		}
	}
	val := b.expr(right, 0)
	if b.u.lang.isJS() && k == "variable_declarator" && b.requireImport(left, val) {
		return
	}
	if val.kind == kFunc && left != nil && b.g.kind(left) == "identifier" {
		if s := b.u.scopeAt(val.sb); s.sb == val.sb && s.name == "" {
			s.name = b.text(left)
		}
	}
	b.add(int(n.StartByte()), event{kind: evAssign, targets: b.targets(left), value: val,
		aug: strings.HasPrefix(k, "augmented")})
}

func (b *tsBuilder) withEvent(n *sitter.Node) {
	as := b.g.field(n, "value")
	if as == nil {
		return
	}
	kids := b.named(as)
	if len(kids) == 0 {
		return
	}
	alias := b.g.field(as, "alias")
	b.add(int(n.StartByte()), event{kind: evAssign, targets: b.targets(alias), value: b.expr(kids[0], 0)})
}

func (b *tsBuilder) forEvent(n *sitter.Node) {
	left, right := b.g.field(n, "left"), b.g.field(n, "right")
	if right == nil {
		return
	}
	b.add(int(n.StartByte()), event{kind: evFor, targets: b.targets(left), value: b.expr(right, 0)})
}

// jsxEvent turns dangerouslySetInnerHTML={{__html: x}} into an assignment
// to an attribute of that name, which the HTML rules read like innerHTML.
func (b *tsBuilder) jsxEvent(n *sitter.Node) {
	kids := b.named(n)
	if len(kids) < 2 || b.text(kids[0]) != "dangerouslySetInnerHTML" {
		return
	}
	val := b.expr(kids[1], 0)
	if h := val.kwarg("__html"); h != nil {
		val = h
	}
	t := b.leaf(kids[0], kAttr)
	t.name = "dangerouslySetInnerHTML"
	b.add(int(n.StartByte()), event{kind: evAssign, targets: []*node{t}, value: val})
}
