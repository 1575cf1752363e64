package code

import (
	"strings"
)

// maxExprDepth bounds the conversion of deeply nested expressions; deeper
// sub-expressions become kOther (opaque, non-literal, untainted).
const maxExprDepth = 64

// tsBuilder turns a flat tree-sitter tree into ward's expression form.
type tsBuilder struct {
	g   *grammar
	src []byte
	t   []fnode // the whole tree in pre-order; see parseFlat
	u   *unit
	// memo holds converted nodes by tree index: a call nested in an
	// assignment is an event of its own and is converted only once.
	memo     []*node
	interned map[string]string
	// slab is where leaf takes new nodes from: one allocation per 256
	// nodes instead of one each.
	slab []node
	// funcs are the function scopes with their syntax nodes, for
	// entryPoints once imports and names are known.
	funcs []funcNode
}

type funcNode struct {
	s *scope
	n tn
}

// kindOf is a node's kind name; "" for none and for ERROR nodes.
func (b *tsBuilder) kindOf(n tn) string {
	if n < 0 {
		return ""
	}
	if s := int(b.t[n].sym); s < len(b.g.kinds) {
		return b.g.kinds[s]
	}
	return ""
}

// field returns n's first child under the named field, or none.
func (b *tsBuilder) field(n tn, name string) tn {
	if n < 0 {
		return none
	}
	id, ok := b.g.fields[name]
	if !ok {
		return none
	}
	for c := b.t[n].first; c >= 0; c = b.t[c].next {
		if b.t[c].field == id {
			return c
		}
	}
	return none
}

// text is a node's source text. Short texts (names, mostly) are interned:
// a file repeats the same few hundred names thousands of times.
func (b *tsBuilder) text(n tn) string {
	if n < 0 {
		return ""
	}
	raw := b.src[b.t[n].sb:b.t[n].eb]
	if len(raw) > 64 {
		return string(raw)
	}
	if s, ok := b.interned[string(raw)]; ok {
		return s
	}
	s := string(raw)
	if b.interned == nil {
		b.interned = map[string]string{}
	}
	b.interned[s] = s
	return s
}

func (b *tsBuilder) leaf(n tn, k kind) *node {
	if len(b.slab) == 0 {
		b.slab = make([]node, 256)
	}
	x := &b.slab[0]
	b.slab = b.slab[1:]
	x.kind, x.sb, x.eb = k, int(b.t[n].sb), int(b.t[n].eb)
	return x
}

// named returns n's named children other than comments.
func (b *tsBuilder) named(n tn) []tn {
	var out []tn
	for c := b.t[n].first; c >= 0; c = b.t[c].next {
		if b.t[c].flags&fNamed != 0 && b.kindOf(c) != "comment" {
			out = append(out, c)
		}
	}
	return out
}

// expr converts an expression node.
func (b *tsBuilder) expr(n tn, depth int) *node {
	if n < 0 {
		return nil
	}
	if depth > maxExprDepth {
		return b.leaf(n, kOther)
	}
	if x := b.memo[n]; x != nil {
		return x
	}
	var x *node
	if b.u.lang == python {
		x = b.pyExpr(n, depth)
	} else {
		x = b.jsExpr(n, depth)
	}
	b.memo[n] = x
	return x
}

func (b *tsBuilder) others(out *node, n tn, depth int) *node {
	for _, c := range b.named(n) {
		out.args = append(out.args, b.expr(c, depth+1))
	}
	return out
}

func (b *tsBuilder) pyExpr(n tn, depth int) *node {
	k := b.kindOf(n)
	switch k {
	case "identifier":
		out := b.leaf(n, kIdent)
		out.name = b.text(n)
		return out
	case "attribute":
		out := b.leaf(n, kAttr)
		out.obj = b.expr(b.field(n, "object"), depth+1)
		out.name = b.text(b.field(n, "attribute"))
		return out
	case "subscript":
		out := b.leaf(n, kIndex)
		out.obj = b.expr(b.field(n, "value"), depth+1)
		if s := b.field(n, "subscript"); s >= 0 {
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
		l, r := b.expr(b.field(n, "left"), depth+1), b.expr(b.field(n, "right"), depth+1)
		op := b.text(b.field(n, "operator"))
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
			if b.kindOf(p) != "pair" {
				continue
			}
			key := b.expr(b.field(p, "key"), depth+1)
			if key != nil && key.kind == kStr {
				out.kw = append(out.kw, kv{key.str, b.expr(b.field(p, "value"), depth+1)})
			} else {
				out.args = append(out.args, b.expr(b.field(p, "value"), depth+1))
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

func (b *tsBuilder) pyCall(n tn, depth int) *node {
	out := b.leaf(n, kCall)
	out.obj = b.expr(b.field(n, "function"), depth+1)
	args := b.field(n, "arguments")
	if args >= 0 && b.kindOf(args) == "generator_expression" { // "".join(x for x in xs)
		out.args = append(out.args, b.expr(args, depth+1))
	}
	if args >= 0 && b.kindOf(args) == "argument_list" {
		for _, a := range b.named(args) {
			switch b.kindOf(a) {
			case "keyword_argument":
				out.kw = append(out.kw, kv{b.text(b.field(a, "name")), b.expr(b.field(a, "value"), depth+1)})
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

func (b *tsBuilder) pyString(n tn, depth int) *node {
	var sb strings.Builder
	var parts []*node
	for _, c := range b.named(n) {
		switch b.kindOf(c) {
		case "string_content", "escape_sequence":
			sb.WriteString(b.text(c))
		case "interpolation":
			if e := b.field(c, "expression"); e >= 0 {
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

func (b *tsBuilder) jsExpr(n tn, depth int) *node {
	k := b.kindOf(n)
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
		out.obj = b.expr(b.field(n, "object"), depth+1)
		out.name = b.text(b.field(n, "property"))
		return out
	case "subscript_expression":
		obj := b.expr(b.field(n, "object"), depth+1)
		idx := b.expr(b.field(n, "index"), depth+1)
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
			out.obj = b.expr(b.field(n, "constructor"), depth+1)
		} else {
			out.obj = b.expr(b.field(n, "function"), depth+1)
		}
		if args := b.field(n, "arguments"); args >= 0 {
			if b.kindOf(args) == "arguments" {
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
			switch b.kindOf(c) {
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
		l, r := b.expr(b.field(n, "left"), depth+1), b.expr(b.field(n, "right"), depth+1)
		if b.text(b.field(n, "operator")) == "+" {
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
			switch b.kindOf(p) {
			case "pair":
				key := b.field(p, "key")
				name := b.text(key)
				switch b.kindOf(key) {
				case "string":
					name = strings.Trim(name, `"'`)
				case "computed_property_name":
					name = ""
				}
				val := b.expr(b.field(p, "value"), depth+1)
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
func (b *tsBuilder) function(n tn) {
	s := &scope{sb: int(b.t[n].sb), eb: int(b.t[n].eb), tainted: map[string]taint{}, reqObjs: map[string]string{}}
	params := b.field(n, "parameters")
	if params < 0 {
		params = b.field(n, "parameter") // arrow function with one bare parameter
	}
	if params >= 0 {
		if b.kindOf(params) == "identifier" {
			s.params = append(s.params, b.text(params))
		} else {
			for _, p := range b.named(params) {
				s.params = b.paramNames(p, s.params, 0)
			}
		}
	}
	s.name = b.functionName(n)
	if b.u.lang == python {
		if isRouteHandler(b, n) {
			for _, p := range s.params {
				switch p {
				case "self", "cls", "request", "req", "db", "session", "response", "background_tasks", "current_user", "user":
				default:
					s.tainted[p] = tRequest
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
	b.funcs = append(b.funcs, funcNode{s, n})
	b.u.scopes = append(b.u.scopes, s)
}

// taintParams marks every parameter of s (but the receiver and framework
// plumbing) as carrying src.
func taintParams(s *scope, src taint) {
	for _, p := range s.params {
		switch p {
		case "self", "cls", "this", "run_manager", "callbacks", "config", "ctx", "context", "extra":
			continue
		}
		if _, ok := s.tainted[p]; !ok {
			s.tainted[p] = src
		}
	}
}

// paramNames appends the names a parameter binds, destructured ones
// included (async ({ expression }) => ... binds expression).
func (b *tsBuilder) paramNames(p tn, out []string, depth int) []string {
	if p < 0 || depth > 8 {
		return out
	}
	switch b.kindOf(p) {
	case "identifier", "shorthand_property_identifier_pattern":
		return append(out, b.text(p))
	case "typed_parameter", "list_splat_pattern", "dictionary_splat_pattern":
		for _, c := range b.named(p) {
			if b.kindOf(c) == "identifier" {
				return append(out, b.text(c))
			}
		}
	case "default_parameter", "typed_default_parameter":
		return append(out, b.text(b.field(p, "name")))
	case "required_parameter", "optional_parameter":
		return b.paramNames(b.field(p, "pattern"), out, depth+1)
	case "assignment_pattern", "object_assignment_pattern":
		return b.paramNames(b.field(p, "left"), out, depth+1)
	case "object_pattern", "array_pattern":
		for _, c := range b.named(p) {
			out = b.paramNames(c, out, depth+1)
		}
	case "pair_pattern":
		return b.paramNames(b.field(p, "value"), out, depth+1)
	case "rest_pattern":
		for _, c := range b.named(p) {
			out = b.paramNames(c, out, depth+1)
		}
	}
	return out
}

// functionName is a function's own name; anonymous functions assigned to
// a variable (const ask = async () => ...) are named in assignEvent.
func (b *tsBuilder) functionName(n tn) string {
	if name := b.field(n, "name"); name >= 0 {
		return b.text(name)
	}
	return ""
}

// isRouteHandler reports a Python function decorated as a web route
// (Flask, FastAPI, Starlette, Sanic, Quart): its parameters carry request input.
func isRouteHandler(b *tsBuilder, fn tn) bool {
	parent := b.t[fn].parent
	if parent < 0 || b.kindOf(parent) != "decorated_definition" {
		return false
	}
	for _, d := range b.named(parent) {
		if b.kindOf(d) != "decorator" {
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

func (b *tsBuilder) callEvent(n tn) {
	c := b.expr(n, 0)
	if c.kind != kCall {
		return // "...".format(...) became kFormat
	}
	b.add(c.sb, event{kind: evCall, call: c})
}

// targets converts an assignment's left side into target nodes.
func (b *tsBuilder) targets(n tn) []*node {
	if n < 0 {
		return nil
	}
	switch b.kindOf(n) {
	case "identifier", "attribute", "subscript", "member_expression", "subscript_expression", "shorthand_property_identifier_pattern":
		x := b.expr(n, 0)
		if b.kindOf(n) == "shorthand_property_identifier_pattern" {
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
		return b.targets(b.field(n, "value"))
	case "rest_pattern", "object_assignment_pattern", "assignment_pattern":
		for _, c := range b.named(n) {
			return b.targets(c)
		}
	}
	return nil
}

func (b *tsBuilder) assignEvent(n tn) {
	k := b.kindOf(n)
	var left, right tn
	if k == "variable_declarator" {
		left, right = b.field(n, "name"), b.field(n, "value")
	} else {
		left, right = b.field(n, "left"), b.field(n, "right")
	}
	if right < 0 {
		return
	}
	// a = b = value: the inner assignment is its own event; take its value.
	for b.kindOf(right) == "assignment" || b.kindOf(right) == "assignment_expression" {
		right = b.field(right, "right")
		if right < 0 {
			return
		}
	}
	val := b.expr(right, 0)
	if b.u.lang.isJS() && k == "variable_declarator" && b.requireImport(left, val) {
		return
	}
	if val.kind == kFunc && left >= 0 && b.kindOf(left) == "identifier" {
		if s := b.u.scopeAt(val.sb); s.sb == val.sb && s.name == "" {
			s.name = b.text(left)
		}
	}
	b.add(int(b.t[n].sb), event{kind: evAssign, targets: b.targets(left), value: val,
		aug: strings.HasPrefix(k, "augmented")})
}

func (b *tsBuilder) withEvent(n tn) {
	as := b.field(n, "value")
	if as < 0 {
		return
	}
	kids := b.named(as)
	if len(kids) == 0 {
		return
	}
	alias := b.field(as, "alias")
	b.add(int(b.t[n].sb), event{kind: evAssign, targets: b.targets(alias), value: b.expr(kids[0], 0)})
}

func (b *tsBuilder) forEvent(n tn) {
	left, right := b.field(n, "left"), b.field(n, "right")
	if right < 0 {
		return
	}
	b.add(int(b.t[n].sb), event{kind: evFor, targets: b.targets(left), value: b.expr(right, 0)})
}

// jsxEvent turns dangerouslySetInnerHTML={{__html: x}} into an assignment
// to an attribute of that name, which the HTML rules read like innerHTML.
func (b *tsBuilder) jsxEvent(n tn) {
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
	b.add(int(b.t[n].sb), event{kind: evAssign, targets: []*node{t}, value: val})
}

// membershipEvent records `x in ALLOWED` and `x not in ALLOWED` (Python),
// which the data-flow step reads as an allow-list check of x.
func (b *tsBuilder) membershipEvent(n tn) {
	kids := b.named(n)
	if len(kids) != 2 {
		return
	}
	op := strings.TrimSpace(string(b.src[b.t[kids[0]].eb:b.t[kids[1]].sb]))
	if op != "in" && op != "not in" {
		return
	}
	b.add(int(b.t[n].sb), event{kind: evGuard, targets: []*node{b.expr(kids[0], 0)}, value: b.expr(kids[1], 0)})
}
