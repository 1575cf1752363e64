package chattemplate

import (
	"errors"
	"fmt"
	"strings"
)

// The parser follows jinja2/parser.py: every statement Jinja knows, the
// loop controls (jinja2.ext.loopcontrols), {% do %} and transformers'
// {% generation %}, and Jinja's whole expression grammar (conditional
// expressions, filters, tests, calls with *args/**kwargs, slices, list,
// tuple and dict literals). One Node type holds both statements and
// expressions; the analysis walks it.

type kind uint8

const (
	// statements
	kText kind = iota
	kOutput
	kFor
	kIf
	kSet      // Targets[0] = A[0]
	kSetBlock // Targets[0] = Body | A (filters)
	kMacro
	kCallBlock
	kFilterBlock
	kWith
	kBlock
	kGeneration
	kLoopCtl
	kDo
	kLoad // include, import, from, extends
	kAutoescape
	// expressions
	eName
	eConst // Op: "str", "int", "float", "bool", "none"
	eList
	eTuple
	eDict // A: key, value, key, value…
	eGetattr
	eGetitem
	eSlice
	eCall // A[0] callee, A[1:] arguments
	eKw   // Name = A[0]
	eStar
	eDStar
	eFilter // Name, A[0] subject (nil in a filter block or set block), A[1:] arguments
	eTest   // Name, A[0] subject, A[1:] arguments
	eBin    // Op
	eUnary  // Op
	eCond   // A[0] if A[1] else A[2]
)

// Node is a statement or an expression.
type Node struct {
	K       kind
	Op      string
	Name    string
	Str     string // constant value, text
	Raw     string // string literal as written
	Pos     int
	A       []*Node
	Targets []*Node
	Params  []*Node // macro and call-block parameters (eName, A[0] default)
	Body    []*Node
	Else    []*Node
}

var errLimit = errors.New("template over ward's bounds")

const maxDepth = 400

type parser struct {
	toks  []token
	p     int
	nodes int
	max   int
	depth int
}

func parseTemplate(src string, maxNodes int) ([]*Node, error) {
	toks, err := lex(src, maxNodes)
	if err != nil {
		return nil, err
	}
	ps := &parser{toks: toks, max: maxNodes}
	body, end, err := ps.body()
	if err != nil {
		return nil, err
	}
	if end != "" {
		return nil, ps.errf("unexpected {%% %s %%}", end)
	}
	return body, nil
}

func (p *parser) cur() token  { return p.toks[p.p] }
func (p *parser) peek() token { return p.toks[min(p.p+1, len(p.toks)-1)] }
func (p *parser) next() token {
	t := p.toks[p.p]
	if p.p < len(p.toks)-1 {
		p.p++
	}
	return t
}

func (p *parser) errf(format string, a ...any) error {
	return &errSyntax{p.cur().pos, fmt.Sprintf(format, a...)}
}

func (p *parser) node(k kind) (*Node, error) {
	p.nodes++
	if p.nodes > p.max {
		return nil, errLimit
	}
	return &Node{K: k, Pos: p.cur().pos}, nil
}

func (p *parser) isOp(v string) bool   { t := p.cur(); return t.kind == tOp && t.val == v }
func (p *parser) isName(v string) bool { t := p.cur(); return t.kind == tName && t.val == v }

func (p *parser) expectOp(v string) error {
	if !p.isOp(v) {
		return p.errf("expected %q", v)
	}
	p.next()
	return nil
}

func (p *parser) expectName(v string) error {
	if !p.isName(v) {
		return p.errf("expected %q", v)
	}
	p.next()
	return nil
}

func (p *parser) expectKind(k tokKind, what string) (token, error) {
	if p.cur().kind != k {
		return token{}, p.errf("expected %s", what)
	}
	return p.next(), nil
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return errLimit
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// body parses statements up to an end tag it does not own; it returns the
// name of that tag ("endfor", "else"…), positioned after the tag's name.
func (p *parser) body() ([]*Node, string, error) {
	if err := p.enter(); err != nil {
		return nil, "", err
	}
	defer p.leave()
	var out []*Node
	for {
		t := p.cur()
		switch t.kind {
		case tEOF:
			return out, "", nil
		case tText:
			n, err := p.node(kText)
			if err != nil {
				return nil, "", err
			}
			n.Str = t.val
			p.next()
			out = append(out, n)
		case tVarBegin:
			p.next()
			n, err := p.node(kOutput)
			if err != nil {
				return nil, "", err
			}
			e, err := p.tuple(true, nil)
			if err != nil {
				return nil, "", err
			}
			n.A = []*Node{e}
			if _, err := p.expectKind(tVarEnd, "}}"); err != nil {
				return nil, "", err
			}
			out = append(out, n)
		case tBlockBegin:
			p.next()
			name, err := p.expectKind(tName, "a statement name")
			if err != nil {
				return nil, "", err
			}
			switch name.val {
			case "endfor", "endif", "else", "elif", "endset", "endmacro", "endcall", "endfilter", "endwith",
				"endblock", "endgeneration", "endautoescape":
				return out, name.val, nil
			}
			n, err := p.statement(name)
			if err != nil {
				return nil, "", err
			}
			out = append(out, n)
		default:
			return nil, "", p.errf("unexpected token")
		}
	}
}

// endTag finishes a tag: optional trailing words (a block's name) are
// accepted for endblock only.
func (p *parser) endTag() error {
	_, err := p.expectKind(tBlockEnd, "%}")
	return err
}

// block finishes a block statement: the rest of its opening tag, its body
// up to {% end %}, and that tag (endblock may repeat the block's name).
func (p *parser) block(n *Node, end string) (*Node, error) {
	if err := p.endTag(); err != nil {
		return nil, err
	}
	var err error
	if n.Body, _, err = p.subBody(end); err != nil {
		return nil, err
	}
	if end == "endblock" && p.cur().kind == tName {
		p.next()
	}
	return n, p.endTag()
}

// subBody parses a body that must end with one of ends.
func (p *parser) subBody(ends ...string) ([]*Node, string, error) {
	b, end, err := p.body()
	if err != nil {
		return nil, "", err
	}
	for _, e := range ends {
		if end == e {
			return b, end, nil
		}
	}
	return nil, "", p.errf("expected {%% %s %%}", strings.Join(ends, " or "))
}

func (p *parser) statement(name token) (*Node, error) {
	switch name.val {
	case "for":
		return p.forStmt()
	case "if":
		return p.ifStmt()
	case "set":
		return p.setStmt()
	case "macro":
		n, err := p.node(kMacro)
		if err != nil {
			return nil, err
		}
		t, err := p.expectKind(tName, "a macro name")
		if err != nil {
			return nil, err
		}
		n.Name = t.val
		if n.Params, err = p.signature(); err != nil {
			return nil, err
		}
		return p.block(n, "endmacro")
	case "call":
		n, err := p.node(kCallBlock)
		if err != nil {
			return nil, err
		}
		if p.isOp("(") {
			if n.Params, err = p.signature(); err != nil {
				return nil, err
			}
		}
		e, err := p.expression(true)
		if err != nil {
			return nil, err
		}
		if e.K != eCall {
			return nil, p.errf("expected a call")
		}
		n.A = []*Node{e}
		return p.block(n, "endcall")
	case "filter":
		n, err := p.node(kFilterBlock)
		if err != nil {
			return nil, err
		}
		if n.A, err = p.filterChain(true); err != nil {
			return nil, err
		}
		return p.block(n, "endfilter")
	case "with":
		n, err := p.node(kWith)
		if err != nil {
			return nil, err
		}
		for p.cur().kind != tBlockEnd {
			if len(n.Targets) > 0 {
				if err := p.expectOp(","); err != nil {
					return nil, err
				}
			}
			t, err := p.assignTarget(false)
			if err != nil {
				return nil, err
			}
			if err := p.expectOp("="); err != nil {
				return nil, err
			}
			v, err := p.expression(true)
			if err != nil {
				return nil, err
			}
			n.Targets = append(n.Targets, t)
			n.A = append(n.A, v)
		}
		return p.block(n, "endwith")
	case "block":
		n, err := p.node(kBlock)
		if err != nil {
			return nil, err
		}
		t, err := p.expectKind(tName, "a block name")
		if err != nil {
			return nil, err
		}
		n.Name = t.val
		for p.isName("scoped") || p.isName("required") {
			p.next()
		}
		return p.block(n, "endblock")
	case "generation":
		n, err := p.node(kGeneration)
		if err != nil {
			return nil, err
		}
		return p.block(n, "endgeneration")
	case "autoescape":
		n, err := p.node(kAutoescape)
		if err != nil {
			return nil, err
		}
		e, err := p.expression(true)
		if err != nil {
			return nil, err
		}
		n.A = []*Node{e}
		return p.block(n, "endautoescape")
	case "break", "continue":
		n, err := p.node(kLoopCtl)
		if err != nil {
			return nil, err
		}
		n.Name = name.val
		return n, p.endTag()
	case "do":
		n, err := p.node(kDo)
		if err != nil {
			return nil, err
		}
		e, err := p.tuple(true, nil)
		if err != nil {
			return nil, err
		}
		n.A = []*Node{e}
		return n, p.endTag()
	case "include", "extends", "import", "from":
		n, err := p.node(kLoad)
		if err != nil {
			return nil, err
		}
		n.Name = name.val
		e, err := p.expression(true)
		if err != nil {
			return nil, err
		}
		n.A = []*Node{e}
		// the rest (as x, import a, b, ignore missing, with context) names
		// local variables only
		for p.cur().kind == tName || p.isOp(",") {
			p.next()
		}
		return n, p.endTag()
	}
	return nil, &errSyntax{name.pos, fmt.Sprintf("unknown tag %q", name.val)}
}

func (p *parser) forStmt() (*Node, error) {
	n, err := p.node(kFor)
	if err != nil {
		return nil, err
	}
	t, err := p.assignTarget(true)
	if err != nil {
		return nil, err
	}
	n.Targets = []*Node{t}
	if err := p.expectName("in"); err != nil {
		return nil, err
	}
	iter, err := p.tuple(false, []string{"recursive", "if"})
	if err != nil {
		return nil, err
	}
	var cond *Node
	if p.isName("if") {
		p.next()
		if cond, err = p.expression(true); err != nil {
			return nil, err
		}
	}
	if p.isName("recursive") {
		p.next()
		n.Op = "recursive"
	}
	n.A = []*Node{iter, cond}
	if err := p.endTag(); err != nil {
		return nil, err
	}
	body, end, err := p.subBody("endfor", "else")
	if err != nil {
		return nil, err
	}
	n.Body = body
	if end == "else" {
		if err := p.endTag(); err != nil {
			return nil, err
		}
		if n.Else, _, err = p.subBody("endfor"); err != nil {
			return nil, err
		}
	}
	return n, p.endTag()
}

func (p *parser) ifStmt() (*Node, error) {
	n, err := p.node(kIf)
	if err != nil {
		return nil, err
	}
	test, err := p.tuple(false, nil)
	if err != nil {
		return nil, err
	}
	n.A = []*Node{test}
	if err := p.endTag(); err != nil {
		return nil, err
	}
	body, end, err := p.subBody("endif", "else", "elif")
	if err != nil {
		return nil, err
	}
	n.Body = body
	switch end {
	case "elif":
		e, err := p.ifStmt()
		if err != nil {
			return nil, err
		}
		n.Else = []*Node{e}
		return n, nil // the nested if consumed {% endif %}
	case "else":
		if err := p.endTag(); err != nil {
			return nil, err
		}
		if n.Else, _, err = p.subBody("endif"); err != nil {
			return nil, err
		}
	}
	return n, p.endTag()
}

func (p *parser) setStmt() (*Node, error) {
	t, err := p.assignTarget(true) // {% set a, b = pair %}
	if err != nil {
		return nil, err
	}
	if p.isOp("=") {
		p.next()
		n, err := p.node(kSet)
		if err != nil {
			return nil, err
		}
		v, err := p.tuple(true, nil)
		if err != nil {
			return nil, err
		}
		n.Targets, n.A = []*Node{t}, []*Node{v}
		return n, p.endTag()
	}
	n, err := p.node(kSetBlock)
	if err != nil {
		return nil, err
	}
	n.Targets = []*Node{t}
	if p.isOp("|") {
		if n.A, err = p.filterChain(false); err != nil {
			return nil, err
		}
	}
	if err := p.endTag(); err != nil {
		return nil, err
	}
	if n.Body, _, err = p.subBody("endset"); err != nil {
		return nil, err
	}
	return n, p.endTag()
}

// filterChain parses "a|b(x)|c" (leading '|' when set block) as filters
// with no subject.
func (p *parser) filterChain(first bool) ([]*Node, error) {
	var out []*Node
	for first || p.isOp("|") {
		if !first {
			p.next()
		}
		first = false
		f, err := p.filter(nil)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// assignTarget: a name, ns.attr (set only), or a tuple of names.
func (p *parser) assignTarget(tupleOK bool) (*Node, error) {
	one := func() (*Node, error) {
		if p.isOp("(") {
			p.next()
			t, err := p.assignTarget(true)
			if err != nil {
				return nil, err
			}
			return t, p.expectOp(")")
		}
		t, err := p.expectKind(tName, "a variable name")
		if err != nil {
			return nil, err
		}
		n, err := p.node(eName)
		if err != nil {
			return nil, err
		}
		n.Name = t.val
		if p.isOp(".") {
			p.next()
			a, err := p.expectKind(tName, "an attribute name")
			if err != nil {
				return nil, err
			}
			g, err := p.node(eGetattr)
			if err != nil {
				return nil, err
			}
			g.Name, g.A = a.val, []*Node{n}
			return g, nil
		}
		return n, nil
	}
	first, err := one()
	if err != nil || !tupleOK || !p.isOp(",") {
		return first, err
	}
	tu, err := p.node(eTuple)
	if err != nil {
		return nil, err
	}
	tu.A = []*Node{first}
	for p.isOp(",") {
		p.next()
		if !(p.cur().kind == tName && !p.isName("in")) && !p.isOp("(") {
			break
		}
		e, err := one()
		if err != nil {
			return nil, err
		}
		tu.A = append(tu.A, e)
	}
	return tu, nil
}

// signature parses "(a, b=default, …)".
func (p *parser) signature() ([]*Node, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	var out []*Node
	for !p.isOp(")") {
		if len(out) > 0 {
			if err := p.expectOp(","); err != nil {
				return nil, err
			}
			if p.isOp(")") {
				break
			}
		}
		t, err := p.expectKind(tName, "a parameter name")
		if err != nil {
			return nil, err
		}
		n, err := p.node(eName)
		if err != nil {
			return nil, err
		}
		n.Name = t.val
		if p.isOp("=") {
			p.next()
			d, err := p.expression(true)
			if err != nil {
				return nil, err
			}
			n.A = []*Node{d}
		}
		out = append(out, n)
	}
	p.next()
	return out, nil
}

// tuple parses an expression or an unparenthesised tuple (jinja2's
// parse_tuple); stops before any name in ends.
func (p *parser) tuple(cond bool, ends []string) (*Node, error) {
	var items []*Node
	trailing := false
	for {
		if len(items) > 0 {
			if !p.isOp(",") {
				break
			}
			p.next()
			trailing = true
		}
		if p.tupleEnds(ends) {
			break
		}
		e, err := p.expressionOpt(cond)
		if err != nil {
			return nil, err
		}
		items = append(items, e)
		trailing = false
		if !p.isOp(",") {
			break
		}
	}
	if len(items) == 0 {
		return nil, p.errf("expected an expression")
	}
	if len(items) == 1 && !trailing {
		return items[0], nil
	}
	n, err := p.node(eTuple)
	if err != nil {
		return nil, err
	}
	n.A = items
	return n, nil
}

func (p *parser) tupleEnds(ends []string) bool {
	t := p.cur()
	if t.kind == tVarEnd || t.kind == tBlockEnd || t.kind == tEOF || p.isOp(")") || p.isOp("]") || p.isOp("}") {
		return true
	}
	for _, e := range ends {
		if p.isName(e) {
			return true
		}
	}
	return false
}

func (p *parser) expression(cond bool) (*Node, error) { return p.expressionOpt(cond) }

func (p *parser) expressionOpt(cond bool) (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if !cond {
		return p.or()
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	for p.isName("if") {
		p.next()
		test, err := p.or()
		if err != nil {
			return nil, err
		}
		var alt *Node
		if p.isName("else") {
			p.next()
			if alt, err = p.expressionOpt(true); err != nil {
				return nil, err
			}
		}
		n, err := p.node(eCond)
		if err != nil {
			return nil, err
		}
		n.A = []*Node{e, test, alt}
		e = n
	}
	return e, nil
}

func (p *parser) bin(op string, l, r *Node) (*Node, error) {
	n, err := p.node(eBin)
	if err != nil {
		return nil, err
	}
	n.Op, n.A = op, []*Node{l, r}
	return n, nil
}

// binary parses operand (op operand)* for one precedence level; ops are
// operator tokens or keywords (and, or).
func (p *parser) binary(operand func() (*Node, error), ops ...string) (*Node, error) {
	l, err := operand()
	for err == nil {
		t, op := p.cur(), ""
		for _, o := range ops {
			if (t.kind == tOp || t.kind == tName) && t.val == o {
				op = o
			}
		}
		if op == "" {
			break
		}
		p.next()
		var r *Node
		if r, err = operand(); err == nil {
			l, err = p.bin(op, l, r)
		}
	}
	return l, err
}

func (p *parser) or() (*Node, error)  { return p.binary(p.and, "or") }
func (p *parser) and() (*Node, error) { return p.binary(p.not, "and") }

func (p *parser) not() (*Node, error) {
	if p.isName("not") {
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		p.next()
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		n, err := p.node(eUnary)
		if err != nil {
			return nil, err
		}
		n.Op, n.A = "not", []*Node{x}
		return n, nil
	}
	return p.compare()
}

var compareOps = map[string]bool{"==": true, "!=": true, "<": true, ">": true, "<=": true, ">=": true}

func (p *parser) compare() (*Node, error) {
	l, err := p.math1()
	for err == nil {
		var op string
		switch {
		case p.cur().kind == tOp && compareOps[p.cur().val]:
			op = p.next().val
		case p.isName("in"):
			p.next()
			op = "in"
		case p.isName("not") && p.peek().kind == tName && p.peek().val == "in":
			p.next()
			p.next()
			op = "not in"
		default:
			return l, nil
		}
		var r *Node
		if r, err = p.math1(); err == nil {
			l, err = p.bin(op, l, r)
		}
	}
	return l, err
}

func (p *parser) math1() (*Node, error)  { return p.binary(p.concat, "+", "-") }
func (p *parser) concat() (*Node, error) { return p.binary(p.math2, "~") }
func (p *parser) math2() (*Node, error)  { return p.binary(p.pow, "*", "/", "//", "%") }
func (p *parser) pow() (*Node, error) {
	return p.binary(func() (*Node, error) { return p.unary(true) }, "**")
}

func (p *parser) unary(withFilter bool) (*Node, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var n *Node
	var err error
	if p.isOp("-") || p.isOp("+") {
		op := p.next().val
		x, err := p.unary(false)
		if err != nil {
			return nil, err
		}
		if n, err = p.node(eUnary); err != nil {
			return nil, err
		}
		n.Op, n.A = op, []*Node{x}
	} else if n, err = p.primary(); err != nil {
		return nil, err
	}
	if n, err = p.postfix(n); err != nil {
		return nil, err
	}
	if withFilter {
		return p.filterExpr(n)
	}
	return n, nil
}

func (p *parser) primary() (*Node, error) {
	t := p.cur()
	switch t.kind {
	case tName:
		p.next()
		switch t.val {
		case "true", "false", "True", "False":
			n, err := p.node(eConst)
			if err == nil {
				n.Op, n.Str = "bool", strings.ToLower(t.val)
			}
			return n, err
		case "none", "None":
			n, err := p.node(eConst)
			if err == nil {
				n.Op = "none"
			}
			return n, err
		}
		n, err := p.node(eName)
		if err == nil {
			n.Name = t.val
		}
		return n, err
	case tString:
		n, err := p.node(eConst)
		if err != nil {
			return nil, err
		}
		n.Op = "str"
		var val, raw strings.Builder
		for p.cur().kind == tString { // adjacent literals concatenate
			val.WriteString(p.cur().val)
			raw.WriteString(p.cur().raw)
			p.next()
		}
		n.Str, n.Raw = val.String(), raw.String()
		return n, nil
	case tInt, tFloat:
		p.next()
		n, err := p.node(eConst)
		if err == nil {
			n.Op, n.Str = "int", strings.ReplaceAll(t.val, "_", "")
			if t.kind == tFloat {
				n.Op = "float"
			}
		}
		return n, err
	case tOp:
		switch t.val {
		case "(":
			p.next()
			if p.isOp(")") {
				p.next()
				return p.node(eTuple)
			}
			e, err := p.tuple(true, nil)
			if err != nil {
				return nil, err
			}
			return e, p.expectOp(")")
		case "[":
			p.next()
			n, err := p.node(eList)
			if err != nil {
				return nil, err
			}
			for !p.isOp("]") {
				if len(n.A) > 0 {
					if err := p.expectOp(","); err != nil {
						return nil, err
					}
					if p.isOp("]") {
						break
					}
				}
				e, err := p.expression(true)
				if err != nil {
					return nil, err
				}
				n.A = append(n.A, e)
			}
			p.next()
			return n, nil
		case "{":
			p.next()
			n, err := p.node(eDict)
			if err != nil {
				return nil, err
			}
			for !p.isOp("}") {
				if len(n.A) > 0 {
					if err := p.expectOp(","); err != nil {
						return nil, err
					}
					if p.isOp("}") {
						break
					}
				}
				k, err := p.expression(true)
				if err != nil {
					return nil, err
				}
				if err := p.expectOp(":"); err != nil {
					return nil, err
				}
				v, err := p.expression(true)
				if err != nil {
					return nil, err
				}
				n.A = append(n.A, k, v)
			}
			p.next()
			return n, nil
		}
	}
	return nil, p.errf("unexpected %q", t.val)
}

func (p *parser) postfix(n *Node) (*Node, error) {
	for {
		var err error
		switch {
		case p.isOp("."):
			p.next()
			t := p.next()
			switch t.kind {
			case tName:
				g, err := p.node(eGetattr)
				if err != nil {
					return nil, err
				}
				g.Name, g.A = t.val, []*Node{n}
				n = g
			case tInt:
				k, err := p.node(eConst)
				if err != nil {
					return nil, err
				}
				k.Op, k.Str = "int", t.val
				g, err := p.node(eGetitem)
				if err != nil {
					return nil, err
				}
				g.A = []*Node{n, k}
				n = g
			default:
				return nil, &errSyntax{t.pos, "expected an attribute name"}
			}
		case p.isOp("["):
			if n, err = p.subscript(n); err != nil {
				return nil, err
			}
		case p.isOp("("):
			if n, err = p.call(n); err != nil {
				return nil, err
			}
		default:
			return n, nil
		}
	}
}

func (p *parser) subscript(obj *Node) (*Node, error) {
	p.next() // [
	var args []*Node
	for !p.isOp("]") {
		if len(args) > 0 {
			if err := p.expectOp(","); err != nil {
				return nil, err
			}
			if p.isOp("]") {
				break
			}
		}
		a, err := p.subscribed()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
	}
	p.next()
	if len(args) == 0 {
		return nil, p.errf("empty subscript")
	}
	key := args[0]
	if len(args) > 1 {
		t, err := p.node(eTuple)
		if err != nil {
			return nil, err
		}
		t.A = args
		key = t
	}
	g, err := p.node(eGetitem)
	if err != nil {
		return nil, err
	}
	g.A = []*Node{obj, key}
	return g, nil
}

func (p *parser) subscribed() (*Node, error) {
	var parts [3]*Node
	var err error
	if !p.isOp(":") {
		if parts[0], err = p.expression(true); err != nil {
			return nil, err
		}
		if !p.isOp(":") {
			return parts[0], nil
		}
	}
	s, err := p.node(eSlice)
	if err != nil {
		return nil, err
	}
	p.next() // :
	if !p.isOp("]") && !p.isOp(",") && !p.isOp(":") {
		if parts[1], err = p.expression(true); err != nil {
			return nil, err
		}
	}
	if p.isOp(":") {
		p.next()
		if !p.isOp("]") && !p.isOp(",") {
			if parts[2], err = p.expression(true); err != nil {
				return nil, err
			}
		}
	}
	s.A = parts[:]
	return s, nil
}

// args parses "(a, k=v, *x, **y)" after the callee.
func (p *parser) args() ([]*Node, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	var out []*Node
	for !p.isOp(")") {
		if len(out) > 0 {
			if err := p.expectOp(","); err != nil {
				return nil, err
			}
			if p.isOp(")") {
				break
			}
		}
		var a *Node
		var err error
		switch {
		case p.isOp("*") || p.isOp("**"):
			k := eStar
			if p.next().val == "**" {
				k = eDStar
			}
			if a, err = p.node(k); err != nil {
				return nil, err
			}
			x, err := p.expression(true)
			if err != nil {
				return nil, err
			}
			a.A = []*Node{x}
		case p.cur().kind == tName && p.peek().kind == tOp && p.peek().val == "=":
			if a, err = p.node(eKw); err != nil {
				return nil, err
			}
			a.Name = p.next().val
			p.next()
			x, err := p.expression(true)
			if err != nil {
				return nil, err
			}
			a.A = []*Node{x}
		default:
			if a, err = p.expression(true); err != nil {
				return nil, err
			}
		}
		out = append(out, a)
	}
	p.next()
	return out, nil
}

func (p *parser) call(fn *Node) (*Node, error) {
	args, err := p.args()
	if err != nil {
		return nil, err
	}
	n, err := p.node(eCall)
	if err != nil {
		return nil, err
	}
	n.A = append([]*Node{fn}, args...)
	return n, nil
}

func (p *parser) dottedName() (string, error) {
	t, err := p.expectKind(tName, "a name")
	if err != nil {
		return "", err
	}
	name := t.val
	for p.isOp(".") {
		p.next()
		t, err := p.expectKind(tName, "a name")
		if err != nil {
			return "", err
		}
		name += "." + t.val
	}
	return name, nil
}

func (p *parser) filter(subject *Node) (*Node, error) {
	name, err := p.dottedName()
	if err != nil {
		return nil, err
	}
	n, err := p.node(eFilter)
	if err != nil {
		return nil, err
	}
	n.Name = name
	n.A = []*Node{subject}
	if p.isOp("(") {
		a, err := p.args()
		if err != nil {
			return nil, err
		}
		n.A = append(n.A, a...)
	}
	return n, nil
}

func (p *parser) filterExpr(n *Node) (*Node, error) {
	for {
		var err error
		switch {
		case p.isOp("|"):
			p.next()
			if n, err = p.filter(n); err != nil {
				return nil, err
			}
		case p.isName("is"):
			p.next()
			t, err := p.node(eTest)
			if err != nil {
				return nil, err
			}
			if p.isName("not") {
				p.next()
				t.Op = "not"
			}
			if t.Name, err = p.dottedName(); err != nil {
				return nil, err
			}
			t.A = []*Node{n}
			c := p.cur()
			switch {
			case p.isOp("("):
				a, err := p.args()
				if err != nil {
					return nil, err
				}
				t.A = append(t.A, a...)
			case (c.kind == tName || c.kind == tString || c.kind == tInt || c.kind == tFloat || p.isOp("[") || p.isOp("{")) &&
				!p.isName("else") && !p.isName("or") && !p.isName("and") && !p.isName("is") && !p.isName("if") &&
				!p.isName("in") && !p.isName("not") && !p.isName("recursive"):
				a, err := p.primary()
				if err != nil {
					return nil, err
				}
				if a, err = p.postfix(a); err != nil {
					return nil, err
				}
				t.A = append(t.A, a)
			}
			n = t
		case p.isOp("("):
			if n, err = p.call(n); err != nil {
				return nil, err
			}
		default:
			return n, nil
		}
	}
}
