package chattemplate

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/loaders"
	"github.com/nikolalohinski/gonja/v2/nodes"
	"github.com/nikolalohinski/gonja/v2/parser"
	"github.com/nikolalohinski/gonja/v2/tokens"
	"github.com/ward-sec/ward/checks"
)

// noLoader refuses {% include %} and {% extends %}: a chat template is one
// string, and nothing is ever read from disk on its behalf.
type noLoader struct{}

func (noLoader) Read(string) (io.Reader, error) {
	return nil, errors.New("templates cannot include others here")
}
func (noLoader) Resolve(p string) (string, error)       { return p, nil }
func (noLoader) Inherit(string) (loaders.Loader, error) { return noLoader{}, nil }

// parse builds gonja's AST; a panic inside the parser is an error.
func parse(src string) (tree *nodes.Template, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parser failed: %v", r)
		}
	}()
	cfg := config.New()
	stream := tokens.LexAll(src, cfg)
	p := parser.NewParser("chat_template", stream, cfg, noLoader{}, builtins.ControlStructures)
	return p.Parse()
}

// walker visits every node reachable from the template by reflection:
// gonja's own Walk stops at top-level nodes, and control structures (for,
// if, set, macro, call…) keep their expressions in their own types.
type walker struct {
	c         *collector
	visited   map[uintptr]bool
	visits    int
	truncated bool
}

var tokenType = reflect.TypeOf(&tokens.Token{})

func (w *walker) walk(x any, depth int) {
	w.value(reflect.ValueOf(x), depth)
}

func (w *walker) value(v reflect.Value, depth int) {
	if !v.IsValid() || depth > 512 {
		if depth > 512 {
			w.truncated = true
		}
		return
	}
	w.visits++
	if w.visits > maxVisits {
		w.truncated = true
		return
	}
	if v.Type() == tokenType {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || w.visited[v.Pointer()] {
			return
		}
		w.visited[v.Pointer()] = true
		if v.CanInterface() {
			switch n := v.Interface().(type) {
			case *nodes.FilterCall: // not a nodes.Node
				w.filter(n.Name, n.Args, n.Kwargs)
			case nodes.Node:
				w.node(n)
			}
		}
		w.value(v.Elem(), depth+1)
	case reflect.Interface:
		if !v.IsNil() {
			w.value(v.Elem(), depth+1)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			w.value(v.Field(i), depth+1)
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			w.value(v.Index(i), depth+1)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			w.value(it.Value(), depth+1)
		}
	}
}

// node judges one AST node.
func (w *walker) node(n nodes.Node) {
	c := w.c
	switch x := n.(type) {
	case *nodes.GetAttribute:
		if x.Attribute != "" {
			c.access(x.Attribute, "reads")
		}
	case *nodes.GetItem:
		if s, _, ok := fold(x.Arg, 0); ok {
			c.access(s, "indexes")
		}
	case *nodes.Variable:
		for i, p := range x.Parts {
			if p.Type == nodes.VarTypeIdent && i > 0 {
				c.access(p.S, "reads")
			}
		}
	case *nodes.Name:
		if x.Name != nil {
			name := x.Name.Val
			if dunder.MatchString(name) || name == "os" || name == "subprocess" || name == "importlib" {
				c.add(checks.SeverityCritical, name, "refers to %s, which only exists outside Jinja's sandbox", name)
			}
		}
	case *nodes.String:
		raw := ""
		if x.Location != nil {
			raw = x.Location.Val
		}
		c.literal(x.Val, raw)
	case *nodes.Call:
		if nm, ok := x.Func.(*nodes.Name); ok && nm.Name != nil && dangerousCalls[nm.Name.Val] {
			c.add(checks.SeverityCritical, nm.Name.Val+"(", "calls the Python builtin %s(), which a chat template has no reason to use", nm.Name.Val)
		}
		if s, pieces, ok := fold(x, 0); ok && pieces > 1 {
			c.assembled(s, "a string method")
		}
	case *nodes.FilteredExpression:
		if s, pieces, ok := fold(x, 0); ok && pieces > 1 {
			c.assembled(s, "filters")
		}
	case *nodes.BinaryExpression:
		if s, pieces, ok := fold(x, 0); ok && pieces > 1 {
			c.assembled(s, "concatenation")
		}
	}
}

func (w *walker) filter(name string, args []nodes.Expression, kwargs map[string]nodes.Expression) {
	c := w.c
	if name == "attr" {
		if len(args) > 0 {
			if s, _, ok := fold(args[0], 0); ok {
				c.access(s, "uses |attr to read")
			} else {
				c.add(checks.SeverityHigh, "|attr("+exprText(args[0])+")",
					"reads an attribute whose name is computed at render time (|attr with a non-literal name), a standard sandbox-escape obfuscation")
			}
		}
	}
	if a, ok := kwargs["attribute"]; ok {
		if s, _, ok := fold(a, 0); ok {
			c.access(s, "uses |"+name+"(attribute=…) to read")
		}
	}
}

func exprText(e nodes.Expression) string {
	defer func() { _ = recover() }()
	return fmt.Sprint(e)
}

// fold evaluates constant string expressions the way Jinja would: literals,
// ~ and + concatenation, |join, |format, |lower, |upper, |replace, |reverse,
// |string and the str methods join/format/replace/lower/upper. pieces counts
// the literals and operations involved.
func fold(e nodes.Node, depth int) (string, int, bool) {
	if depth > 64 {
		return "", 0, false
	}
	switch x := e.(type) {
	case *nodes.String:
		return x.Val, 1, true
	case *nodes.Integer: // for %c and %s in |format
		return fmt.Sprint(x.Val), 1, true
	case *nodes.BinaryExpression:
		if x.Operator == nil || x.Operator.Token == nil || (x.Operator.Token.Val != "~" && x.Operator.Token.Val != "+") {
			return "", 0, false
		}
		l, lp, ok1 := fold(x.Left, depth+1)
		r, rp, ok2 := fold(x.Right, depth+1)
		if !ok1 || !ok2 || len(l)+len(r) > 4096 {
			return "", 0, false
		}
		return l + r, lp + rp, true
	case *nodes.FilteredExpression:
		var s string
		var parts []string
		pieces := 0
		isList := false
		if l, ok := listConst(x.Expression, depth); ok {
			parts, isList, pieces = l, true, len(l)
		} else if v, p, ok := fold(x.Expression, depth+1); ok {
			s, pieces = v, p
		} else {
			return "", 0, false
		}
		for _, f := range x.Filters {
			args := make([]string, 0, len(f.Args))
			for _, a := range f.Args {
				v, _, ok := fold(a, depth+1)
				if !ok {
					return "", 0, false
				}
				args = append(args, v)
			}
			var ok bool
			s, parts, isList, ok = applyFilter(f.Name, s, parts, isList, args)
			if !ok {
				return "", 0, false
			}
			pieces++
		}
		if isList {
			return "", 0, false
		}
		return s, pieces, true
	case *nodes.Call:
		ga, ok := x.Func.(*nodes.GetAttribute)
		if !ok {
			return "", 0, false
		}
		args := make([]string, 0, len(x.Args))
		for _, a := range x.Args {
			if l, ok := listConst(a, depth); ok && ga.Attribute == "join" {
				args = append(args, strings.Join(l, "\x00"))
				continue
			}
			v, _, ok := fold(a, depth+1)
			if !ok {
				return "", 0, false
			}
			args = append(args, v)
		}
		recv, p, ok := fold(ga.Node, depth+1)
		if !ok {
			return "", 0, false
		}
		switch ga.Attribute {
		case "join":
			if len(args) == 1 {
				return strings.ReplaceAll(args[0], "\x00", recv), p + 1, true
			}
		case "format":
			return pyFormat(recv, args), p + len(args), true
		case "replace":
			if len(args) == 2 {
				return strings.ReplaceAll(recv, args[0], args[1]), p + 1, true
			}
		case "lower":
			return strings.ToLower(recv), p + 1, true
		case "upper":
			return strings.ToUpper(recv), p + 1, true
		}
	}
	return "", 0, false
}

func listConst(e nodes.Node, depth int) ([]string, bool) {
	var items []nodes.Expression
	switch x := e.(type) {
	case *nodes.List:
		items = x.Val
	case *nodes.Tuple:
		items = x.Val
	default:
		return nil, false
	}
	var out []string
	for _, it := range items {
		v, _, ok := fold(it, depth+1)
		if !ok {
			return nil, false
		}
		out = append(out, v)
	}
	return out, true
}

func applyFilter(name, s string, parts []string, isList bool, args []string) (string, []string, bool, bool) {
	switch name {
	case "join":
		if !isList {
			parts = strings.Split(s, "")
		}
		sep := ""
		if len(args) > 0 {
			sep = args[0]
		}
		return strings.Join(parts, sep), nil, false, true
	case "list":
		if isList {
			return "", parts, true, true
		}
		return "", strings.Split(s, ""), true, true
	case "reverse":
		if isList {
			for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
				parts[i], parts[j] = parts[j], parts[i]
			}
			return "", parts, true, true
		}
		r := []rune(s)
		for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
			r[i], r[j] = r[j], r[i]
		}
		return string(r), nil, false, true
	}
	if isList {
		return "", nil, false, false
	}
	switch name {
	case "format":
		return printf(s, args), nil, false, true
	case "lower":
		return strings.ToLower(s), nil, false, true
	case "upper":
		return strings.ToUpper(s), nil, false, true
	case "string", "trim", "safe", "e", "escape":
		if name == "trim" {
			s = strings.TrimSpace(s)
		}
		return s, nil, false, true
	case "replace":
		if len(args) >= 2 {
			return strings.ReplaceAll(s, args[0], args[1]), nil, false, true
		}
	}
	return "", nil, false, false
}

// printf emulates Python's % formatting for %s, %c (given as strings) and %%.
func printf(format string, args []string) string {
	var b strings.Builder
	i := 0
	for k := 0; k < len(format); k++ {
		if format[k] != '%' || k+1 >= len(format) {
			b.WriteByte(format[k])
			continue
		}
		k++
		switch format[k] {
		case '%':
			b.WriteByte('%')
		case 'c':
			if i < len(args) {
				var n int
				if _, err := fmt.Sscan(args[i], &n); err == nil && n > 0 && n < 0x110000 {
					b.WriteRune(rune(n))
				} else {
					b.WriteString(args[i])
				}
				i++
			}
		default:
			if i < len(args) {
				b.WriteString(args[i])
				i++
			}
		}
	}
	return b.String()
}

// pyFormat emulates str.format for positional {} and {N} fields.
func pyFormat(format string, args []string) string {
	var b strings.Builder
	next := 0
	for k := 0; k < len(format); k++ {
		if format[k] != '{' {
			b.WriteByte(format[k])
			continue
		}
		end := strings.IndexByte(format[k:], '}')
		if end < 0 {
			b.WriteString(format[k:])
			break
		}
		field := format[k+1 : k+end]
		idx := next
		if field != "" {
			if _, err := fmt.Sscan(field, &idx); err != nil {
				b.WriteString(format[k : k+end+1]) // attribute fields stay visible
				k += end
				continue
			}
		} else {
			next++
		}
		if idx >= 0 && idx < len(args) {
			b.WriteString(args[idx])
		}
		k += end
	}
	return b.String()
}
