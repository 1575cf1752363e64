package code

// The rules do not look at syntax trees directly: each language's tree
// (tree-sitter for Python and JavaScript/TypeScript, go/ast for Go) is turned
// into this small expression form, so that one rule predicate serves every
// language and the data-flow step is written once.

// kind is what an expression node is.
type kind uint8

const (
	kOther  kind = iota
	kIdent       // name
	kAttr        // obj.name
	kIndex       // obj[args[0]]
	kCall        // obj(args, kw)
	kStr         // a string literal; str holds its value
	kNum         // a number literal
	kTrue        // True / true
	kFalse       // False / false
	kNone        // None / null / undefined / nil
	kConcat      // a + b (args)
	kFormat      // f-string, template literal, "..." % x, "...".format(x), Sprintf: args are the parts
	kDict        // {k: v}: kw
	kList        // [a, b] / (a, b): args
	kFunc        // an inline function (lambda, arrow function)
)

// node is one expression.
type node struct {
	kind  kind
	name  string // identifier, attribute or keyword name
	str   string // literal value of kStr, or the literal text of a kFormat's template
	obj   *node  // base of kAttr and kIndex, callee of kCall
	args  []*node
	kw    []kv
	isNew bool // JS `new X()` / Go composite literal `T{...}`
	// nameCache memoises ctx.name for one environment generation.
	nameCache string
	nameGen   int
	// dotted memoises dotted(n) for attribute chains.
	dotted     string
	dottedDone bool
	sb, eb     int // byte offsets in the source; lines come from unit.lines
}

// kv is a keyword argument or a dictionary entry with a literal key.
type kv struct {
	key string
	val *node
}

// kwarg returns the keyword argument (Python) or the property of an options
// object argument (JS, Go composite literal) with that name.
func (n *node) kwarg(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kw {
		if k.key == name {
			return k.val
		}
	}
	for _, a := range n.args {
		if a != nil && a.kind == kDict {
			for _, k := range a.kw {
				if k.key == name {
					return k.val
				}
			}
		}
	}
	return nil
}

// arg returns the i-th positional argument, or the keyword argument name
// when it is given by name; nil when absent.
func (n *node) arg(i int, name string) *node {
	if n == nil {
		return nil
	}
	if name != "" {
		for _, k := range n.kw {
			if k.key == name {
				return k.val
			}
		}
	}
	pos := 0
	for _, a := range n.args {
		if pos == i {
			return a
		}
		pos++
	}
	return nil
}

// lastName is the last segment of an attribute chain or an identifier.
func (n *node) lastName() string {
	if n == nil {
		return ""
	}
	switch n.kind {
	case kIdent, kAttr:
		return n.name
	}
	return ""
}

// isTrue reports a literal true.
func (n *node) isTrue() bool { return n != nil && n.kind == kTrue }

// isFalse reports a literal false (or 0 / "0" / "false" string forms are not accepted: too clever).
func (n *node) isFalse() bool { return n != nil && n.kind == kFalse }

// walk visits n and every sub-expression, stopping below a node when fn returns false.
func (n *node) walk(fn func(*node) bool) {
	if n == nil || !fn(n) {
		return
	}
	n.obj.walk(fn)
	for _, a := range n.args {
		a.walk(fn)
	}
	for _, k := range n.kw {
		k.val.walk(fn)
	}
}
