package code

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"strconv"
	"strings"
)

// parseGo parses Go source with the standard library into a unit.
func parseGo(name string, src []byte) *unit {
	u := &unit{path: name, lang: golang, src: src, imports: map[string]string{}}
	u.module = &scope{sb: 0, eb: len(src) + 1, isModule: true}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, name, src, parser.SkipObjectResolution|parser.ParseComments)
	if file == nil || err != nil && (file.Name == nil || !file.Package.IsValid() || file.Name.Name == "_" ||
		tooManyErrors(err, src)) {
		u.broken = true
		return u
	}
	b := &goBuilder{u: u, fset: fset, tf: fset.File(file.Pos())}
	for _, im := range file.Imports {
		p, _ := strconv.Unquote(im.Path.Value)
		local := goPackageName(p)
		if im.Name != nil {
			local = im.Name.Name
		}
		if local != "_" && local != "." {
			u.imports[local] = p
		}
	}
	// Scopes first, then events in source order.
	ast.Inspect(file, func(n ast.Node) bool {
		switch fn := n.(type) {
		case *ast.FuncDecl:
			if fn.Body != nil {
				b.function(fn.Type, fn.Pos(), fn.End())
				b.u.scopes[len(b.u.scopes)-1].name = fn.Name.Name
			}
		case *ast.FuncLit:
			b.function(fn.Type, fn.Pos(), fn.End())
		}
		return true
	})
	sortScopes(u)
	linkScopes(u)
	ast.Inspect(file, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			if c := b.expr(x, 0); c.kind == kCall {
				b.add(event{kind: evCall, call: c})
			}
		case *ast.AssignStmt:
			b.assign(x.Lhs, x.Rhs, x.Tok != token.ASSIGN && x.Tok != token.DEFINE)
		case *ast.ValueSpec:
			var lhs []ast.Expr
			for _, id := range x.Names {
				lhs = append(lhs, id)
			}
			b.assign(lhs, x.Values, false)
		case *ast.RangeStmt:
			var ts []*node
			for _, e := range []ast.Expr{x.Key, x.Value} {
				if e != nil {
					ts = append(ts, b.expr(e, 0))
				}
			}
			b.add(event{kind: evFor, targets: ts, value: b.expr(x.X, 0)})
		case *ast.ReturnStmt:
			for _, r := range x.Results {
				b.add(event{kind: evReturn, value: b.expr(r, 0)})
			}
		}
		return true
	})
	for _, s := range append([]*scope{u.module}, u.scopes...) {
		sortEvents(s)
	}
	return u
}

// tooManyErrors is the Go counterpart of brokenTree: more than one syntax
// error per four lines means the AST is not worth analysing.
func tooManyErrors(err error, src []byte) bool {
	var list scanner.ErrorList
	if !errors.As(err, &list) {
		return true
	}
	return len(list) >= 10 && len(list)*4 > bytes.Count(src, []byte("\n"))+1
}

// goPackageName guesses a package's name from its import path, the way
// goimports does: the last element without a version suffix or "go-" prefix.
func goPackageName(p string) string {
	base := path.Base(p)
	if len(base) >= 2 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		base = path.Base(path.Dir(p))
	}
	if i := strings.Index(base, ".v"); i > 0 {
		base = base[:i]
	}
	base = strings.TrimPrefix(base, "go-")
	base = strings.TrimSuffix(base, "-go")
	base = strings.TrimSuffix(base, "-sdk")
	if i := strings.LastIndexAny(base, "-."); i >= 0 {
		base = base[i+1:]
	}
	return base
}

type goBuilder struct {
	u    *unit
	fset *token.FileSet
	tf   *token.File
}

func (b *goBuilder) leaf(n ast.Node, k kind) *node {
	sb, eb := b.tf.Offset(n.Pos()), b.tf.Offset(n.End())
	return &node{kind: k, sb: sb, eb: eb}
}

func (b *goBuilder) add(ev event) {
	var sb int
	switch {
	case ev.call != nil:
		sb = ev.call.sb
	case ev.value != nil:
		sb = ev.value.sb
	}
	if len(ev.targets) > 0 && ev.targets[0] != nil && ev.targets[0].sb < sb {
		sb = ev.targets[0].sb
	}
	ev.sb = sb
	s := b.u.scopeAt(sb)
	s.events = append(s.events, ev)
}

func (b *goBuilder) assign(lhs, rhs []ast.Expr, aug bool) {
	if len(rhs) == 0 {
		return
	}
	if len(rhs) == 1 {
		var ts []*node
		for _, l := range lhs {
			ts = append(ts, b.expr(l, 0))
		}
		b.add(event{kind: evAssign, targets: ts, value: b.expr(rhs[0], 0), aug: aug})
		return
	}
	for i := range lhs {
		if i < len(rhs) {
			b.add(event{kind: evAssign, targets: []*node{b.expr(lhs[i], 0)}, value: b.expr(rhs[i], 0), aug: aug})
		}
	}
}

// function records a Go function scope; parameters typed *http.Request,
// *gin.Context or echo.Context are request objects.
func (b *goBuilder) function(ft *ast.FuncType, pos, end token.Pos) {
	s := &scope{sb: b.tf.Offset(pos), eb: b.tf.Offset(end), tainted: map[string]taint{}, reqObjs: map[string]string{}}
	if ft.Params != nil {
		for _, f := range ft.Params.List {
			fw := ""
			t := f.Type
			if st, ok := t.(*ast.StarExpr); ok {
				t = st.X
			}
			if sel, ok := t.(*ast.SelectorExpr); ok {
				if pkg, ok := sel.X.(*ast.Ident); ok {
					p := b.u.imports[pkg.Name]
					switch {
					case p == "net/http" && sel.Sel.Name == "Request":
						fw = "http"
					case strings.HasSuffix(p, "gin-gonic/gin") && sel.Sel.Name == "Context":
						fw = "gin"
					case strings.Contains(p, "labstack/echo") && sel.Sel.Name == "Context":
						fw = "echo"
					}
				}
			}
			for _, id := range f.Names {
				s.params = append(s.params, id.Name)
				if fw != "" {
					s.reqObjs[id.Name] = fw
				}
			}
		}
	}
	b.u.scopes = append(b.u.scopes, s)
}

func (b *goBuilder) expr(e ast.Expr, depth int) *node {
	if e == nil {
		return nil
	}
	if depth > maxExprDepth {
		return b.leaf(e, kOther)
	}
	switch x := e.(type) {
	case *ast.Ident:
		switch x.Name {
		case "true":
			return b.leaf(x, kTrue)
		case "false":
			return b.leaf(x, kFalse)
		case "nil":
			return b.leaf(x, kNone)
		}
		out := b.leaf(x, kIdent)
		out.name = x.Name
		return out
	case *ast.BasicLit:
		if x.Kind == token.STRING {
			out := b.leaf(x, kStr)
			out.str, _ = strconv.Unquote(x.Value)
			return out
		}
		out := b.leaf(x, kNum)
		out.str = x.Value
		return out
	case *ast.SelectorExpr:
		out := b.leaf(x, kAttr)
		out.obj = b.expr(x.X, depth+1)
		out.name = x.Sel.Name
		return out
	case *ast.IndexExpr:
		out := b.leaf(x, kIndex)
		out.obj = b.expr(x.X, depth+1)
		out.args = []*node{b.expr(x.Index, depth+1)}
		return out
	case *ast.SliceExpr:
		out := b.leaf(x, kIndex)
		out.obj = b.expr(x.X, depth+1)
		return out
	case *ast.CallExpr:
		out := b.leaf(x, kCall)
		out.obj = b.expr(x.Fun, depth+1)
		for _, a := range x.Args {
			out.args = append(out.args, b.expr(a, depth+1))
		}
		// fmt.Sprintf("...", x) builds a string like an f-string.
		if out.obj != nil && out.obj.kind == kAttr && out.obj.obj != nil && out.obj.obj.kind == kIdent &&
			b.u.imports[out.obj.obj.name] == "fmt" && strings.HasPrefix(out.obj.name, "Sprint") &&
			len(out.args) > 0 && out.args[0].kind == kStr {
			f := b.leaf(x, kFormat)
			f.str = out.args[0].str
			f.args = out.args
			return f
		}
		return out
	case *ast.BinaryExpr:
		l, r := b.expr(x.X, depth+1), b.expr(x.Y, depth+1)
		if x.Op == token.ADD {
			out := b.leaf(x, kConcat)
			out.args = []*node{l, r}
			return foldLiteralConcat(out)
		}
		out := b.leaf(x, kOther)
		out.args = []*node{l, r}
		return out
	case *ast.CompositeLit:
		if _, isArray := x.Type.(*ast.ArrayType); isArray {
			out := b.leaf(x, kList)
			for _, el := range x.Elts {
				out.args = append(out.args, b.expr(el, depth+1))
			}
			return out
		}
		out := b.leaf(x, kDict)
		out.isNew = true
		if x.Type != nil {
			out.obj = b.expr(x.Type, depth+1)
		}
		for _, el := range x.Elts {
			if kvx, ok := el.(*ast.KeyValueExpr); ok {
				key := ""
				switch k := kvx.Key.(type) {
				case *ast.Ident:
					key = k.Name
				case *ast.BasicLit:
					key, _ = strconv.Unquote(k.Value)
				}
				if key != "" {
					out.kw = append(out.kw, kv{key, b.expr(kvx.Value, depth+1)})
					continue
				}
				out.args = append(out.args, b.expr(kvx.Value, depth+1))
				continue
			}
			out.args = append(out.args, b.expr(el, depth+1))
		}
		return out
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			return b.expr(x.X, depth+1)
		}
		out := b.leaf(x, kOther)
		out.args = []*node{b.expr(x.X, depth+1)}
		return out
	case *ast.StarExpr:
		return b.expr(x.X, depth+1)
	case *ast.ParenExpr:
		return b.expr(x.X, depth+1)
	case *ast.TypeAssertExpr:
		return b.expr(x.X, depth+1)
	case *ast.FuncLit:
		return b.leaf(x, kFunc)
	}
	return b.leaf(e, kOther)
}
