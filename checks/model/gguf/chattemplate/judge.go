package chattemplate

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// Analyse parses a chat template and judges its whole syntax tree: every
// expression of every statement (set, block set, with, filter, call,
// macro defaults, for conditions…). What it reports:
//   - attribute or item names that start with "_", or that name the
//     interpreter or the OS (constant names, and names folded from
//     constants: 'a' ~ 'b', '%c' % 95, |join, |format, str.format, slices,
//     set variables and loops over constant lists);
//   - item access, |attr, map(attribute=…), selectattr, sort, groupby,
//     sum… whose name is computed at render time (Jinja's getitem falls
//     back to getattr for strings), except integer indexes and keys taken
//     from the same mapping (for k in d … d[k]);
//   - Jinja's globals and helpers (cycler, joiner, namespace, lipsum, range,
//     dict, self, loop, caller) used beyond their documented use;
//   - calls of Python builtins, escape sequences that hide ASCII, dunder
//     names in strings, include/import of other templates.
//
// A template that does not parse is refused by Jinja at render time; it
// is only searched for the unambiguous signs (underscore attributes after
// a dot, dunder strings), and the report says it did not parse.
func Analyse(src string) Report {
	c := &collector{seen: map[string]bool{}}
	var r Report
	if len(src) > MaxParseBytes {
		r.Truncated = true
		r.ParseError = fmt.Sprintf("template of %d bytes is over the %d-byte limit", len(src), MaxParseBytes)
		textScan(src[:MaxParseBytes], c)
	} else if tree, err := parseTemplate(src, maxNodes); err != nil {
		if err == errLimit {
			r.Truncated = true
		}
		r.ParseError = err.Error()
		textScan(src, c)
	} else {
		r.Parsed = true
		j := newJudge(c)
		j.collect(tree, 0)
		j.judgeAll(tree, 0)
		r.Truncated = j.truncated
	}
	sort.SliceStable(c.out, func(i, k int) bool { return c.out[i].Severity > c.out[k].Severity })
	r.Indicators = c.out
	return r
}

// maxNodes bounds tokens and syntax nodes of one template.
const maxNodes = 4_000_000

// maxVals bounds the possible values tracked for one expression.
const maxVals = 64

// helpers are Jinja's globals (and the ones transformers adds) with the
// only use each is documented for: call it.
var helpers = map[string]bool{
	"range": true, "dict": true, "lipsum": true, "cycler": true, "joiner": true, "namespace": true,
	"raise_exception": true, "strftime_now": true, "caller": true,
}

// loopAttrs are the documented attributes of a for loop's loop object.
var loopAttrs = map[string]bool{
	"index": true, "index0": true, "revindex": true, "revindex0": true, "first": true, "last": true,
	"length": true, "depth": true, "depth0": true, "previtem": true, "nextitem": true, "cycle": true,
	"changed": true,
}

// attributeArg says which positional argument of a filter is an attribute
// name (Jinja's make_attrgetter), besides the attribute= keyword.
var attributeArg = map[string]int{
	"attr": 0, "selectattr": 0, "rejectattr": 0, "groupby": 0, "sum": 0, "sort": 2, "min": 1, "max": 1,
	"unique": 1, "map": -1,
}

type judge struct {
	c *collector
	// assigned holds, per variable (or ns.attr), the expressions assigned
	// to it anywhere in the template; loopOver the iterables of the for
	// loops that bind it (flow-insensitive: every assignment counts).
	assigned map[string][]*Node
	loopOver map[string][]*Node
	opaque   map[string]bool // macro parameters, tuple targets, block sets with code
	blocks   map[string]bool
	macros   map[string]bool
	local    map[string]bool // every name the template binds
	evaluing map[string]bool
	// per-variable results, so that a template of many assignments costs
	// each once (a DAG of sets would otherwise be walked exponentially)
	memoVals    map[string]memoValue
	memoNumeric map[string]bool
	memoBuilt   map[string]bool
	visits      int
	truncated   bool
	// guarded holds the lookups obj[key] that an enclosing
	// {% if obj is mapping and key in obj %} makes plain item reads.
	guarded map[string]int
	assumed map[string]int // variables taken as numeric while deciding them
	// memoCaller: callerData per variable (false while being decided)
	memoCaller map[string]bool
}

func newJudge(c *collector) *judge {
	return &judge{c: c, assigned: map[string][]*Node{}, loopOver: map[string][]*Node{}, opaque: map[string]bool{},
		blocks: map[string]bool{}, macros: map[string]bool{}, local: map[string]bool{}, evaluing: map[string]bool{},
		memoVals: map[string]memoValue{}, memoNumeric: map[string]bool{}, memoBuilt: map[string]bool{}, guarded: map[string]int{}, assumed: map[string]int{}, memoCaller: map[string]bool{}}
}

type memoValue struct {
	vals []string
	ok   bool
}

func targetKey(t *Node) string {
	switch t.K {
	case eName:
		return t.Name
	case eGetattr:
		if t.A[0].K == eName {
			return t.A[0].Name + "." + t.Name
		}
	}
	return ""
}

// collect records every binding of the template.
func (j *judge) collect(ns []*Node, depth int) {
	if depth > maxDepth*2 {
		j.truncated = true
		return
	}
	for _, n := range ns {
		if n == nil {
			continue
		}
		switch n.K {
		case kSet, kWith:
			for i, t := range n.Targets {
				j.bind(t, n.A[min(i, len(n.A)-1)], false)
			}
		case kSetBlock:
			k := targetKey(n.Targets[0])
			j.local[k] = true
			if len(n.Body) == 1 && n.Body[0].K == kText || len(n.Body) == 0 {
				txt := &Node{K: eConst, Op: "str"}
				if len(n.Body) == 1 {
					txt.Str = n.Body[0].Str
				}
				var e = txt
				for _, f := range n.A {
					e = &Node{K: eFilter, Name: f.Name, A: append([]*Node{e}, f.A[1:]...)}
				}
				j.assigned[k] = append(j.assigned[k], e)
			} else {
				j.opaque[k] = true
			}
		case kFor:
			j.bind(n.Targets[0], n.A[0], true)
			j.local["loop"] = true
		case kMacro:
			j.macros[n.Name] = true
			j.local[n.Name] = true
			for _, p := range n.Params {
				j.local[p.Name] = true
				j.opaque[p.Name] = true
			}
			j.local["varargs"], j.local["kwargs"] = true, true
		case kCallBlock:
			for _, p := range n.Params {
				j.local[p.Name] = true
				j.opaque[p.Name] = true
			}
		case kBlock:
			j.blocks[n.Name] = true
		case kLoad:
			// {% import … as x %}: x is opaque
		}
		j.collect(n.Body, depth+1)
		j.collect(n.Else, depth+1)
	}
}

func (j *judge) bind(t, v *Node, loop bool) {
	if t.K == eTuple {
		for _, x := range t.A {
			k := targetKey(x)
			j.local[k] = true
			if loop {
				j.loopOver[k] = append(j.loopOver[k], v)
				j.opaque[k] = true
			} else {
				j.opaque[k] = true
			}
		}
		return
	}
	k := targetKey(t)
	if k == "" {
		return
	}
	j.local[k] = true
	if loop {
		j.loopOver[k] = append(j.loopOver[k], v)
	} else {
		j.assigned[k] = append(j.assigned[k], v)
	}
}

// values returns the constant strings e may evaluate to (ints as decimal
// text), when all of them are known.
func (j *judge) values(e *Node, depth int) ([]string, bool) {
	if e == nil || depth > 48 {
		return nil, false
	}
	j.visits++
	if j.visits > maxVisits {
		j.truncated = true
		return nil, false
	}
	switch e.K {
	case eConst:
		if e.Op == "str" || e.Op == "int" {
			return []string{e.Str}, true
		}
	case eName, eGetattr:
		k := targetKey(e)
		if k == "" || j.opaque[k] || j.evaluing[k] {
			return nil, false
		}
		if m, ok := j.memoVals[k]; ok {
			return m.vals, m.ok
		}
		j.evaluing[k] = true
		vals, ok := j.nameValues(k, depth)
		delete(j.evaluing, k)
		j.memoVals[k] = memoValue{vals, ok}
		return vals, ok
	case eBin:
		l, ok1 := j.values(e.A[0], depth+1)
		r, ok2 := j.values(e.A[1], depth+1)
		if !ok1 || !ok2 {
			return nil, false
		}
		switch e.Op {
		case "~":
			return cross(l, r, func(a, b string) string { return a + b })
		case "+":
			if isNumText(l) && isNumText(r) {
				return nil, false
			}
			return cross(l, r, func(a, b string) string { return a + b })
		case "%":
			if e.A[0].K == eConst && e.A[0].Op == "int" {
				return nil, false
			}
			var args [][]string
			if e.A[1].K == eTuple {
				for _, x := range e.A[1].A {
					v, ok := j.values(x, depth+1)
					if !ok {
						return nil, false
					}
					args = append(args, v)
				}
			} else {
				args = [][]string{r}
			}
			return formatAll(l, args, printf)
		case "*":
			return cross(l, r, func(a, b string) string {
				n, err := strconv.Atoi(b)
				if err != nil || n < 0 || n > 64 || len(a)*n > 4096 {
					return a
				}
				return strings.Repeat(a, n)
			})
		}
	case eFilter:
		if e.A[0] == nil {
			return nil, false
		}
		var args [][]string
		for _, a := range e.A[1:] {
			v, ok := j.values(a, depth+1)
			if !ok {
				return nil, false
			}
			args = append(args, v)
		}
		if items, ok := j.list(e.A[0], depth+1); ok && (e.Name == "join" || e.Name == "first" || e.Name == "last") {
			var out []string
			for _, combo := range combos(items) {
				switch e.Name {
				case "join":
					sep := []string{""}
					if len(args) > 0 {
						sep = args[0]
					}
					for _, s := range sep {
						out = appendVals(out, []string{strings.Join(combo, s)})
					}
				case "first":
					if len(combo) > 0 {
						out = appendVals(out, []string{combo[0]})
					}
				case "last":
					if len(combo) > 0 {
						out = appendVals(out, []string{combo[len(combo)-1]})
					}
				}
			}
			return out, len(out) > 0 && len(out) <= maxVals
		}
		subj, ok := j.values(e.A[0], depth+1)
		if !ok {
			return nil, false
		}
		switch e.Name {
		case "format":
			return formatAll(subj, args, printf)
		case "join", "string", "trim", "safe", "e", "escape", "lower", "upper", "reverse", "replace", "capitalize", "title":
			var out []string
			for _, s := range subj {
				v, ok := strFilter(e.Name, s, args)
				if !ok {
					return nil, false
				}
				out = appendVals(out, v)
			}
			return out, len(out) <= maxVals
		}
	case eCall:
		ga := e.A[0]
		if ga.K != eGetattr {
			return nil, false
		}
		recv, ok := j.values(ga.A[0], depth+1)
		var args [][]string
		if ga.Name == "join" && len(e.A) == 2 {
			items, ok2 := j.list(e.A[1], depth+1)
			if !ok || !ok2 {
				return nil, false
			}
			var out []string
			for _, combo := range combos(items) {
				for _, r := range recv {
					out = appendVals(out, []string{strings.Join(combo, r)})
				}
			}
			return out, len(out) > 0 && len(out) <= maxVals
		}
		if !ok {
			return nil, false
		}
		for _, a := range e.A[1:] {
			v, ok := j.values(a, depth+1)
			if !ok {
				return nil, false
			}
			args = append(args, v)
		}
		switch ga.Name {
		case "format":
			return formatAll(recv, args, pyFormat)
		case "replace", "lower", "upper", "strip", "title", "capitalize":
			var out []string
			for _, s := range recv {
				v, ok := strFilter(ga.Name, s, args)
				if !ok {
					return nil, false
				}
				out = appendVals(out, v)
			}
			return out, len(out) <= maxVals
		}
	case eGetitem:
		// 'ssalc__'[::-1], 'abc'[0], ['_','x'][0]
		if e.A[1].K == eSlice {
			subj, ok := j.values(e.A[0], depth+1)
			if !ok {
				return nil, false
			}
			var out []string
			for _, s := range subj {
				v, ok := j.slice(s, e.A[1], depth)
				if !ok {
					return nil, false
				}
				out = appendVals(out, []string{v})
			}
			return out, true
		}
		idx, ok := j.values(e.A[1], depth+1)
		if !ok || len(idx) != 1 {
			return nil, false
		}
		i, err := strconv.Atoi(idx[0])
		if err != nil {
			return nil, false
		}
		if items, ok := j.list(e.A[0], depth+1); ok {
			var out []string
			for _, combo := range combos(items) {
				if k := pyIndex(i, len(combo)); k >= 0 {
					out = appendVals(out, []string{combo[k]})
				}
			}
			return out, len(out) > 0
		}
		subj, ok := j.values(e.A[0], depth+1)
		if !ok {
			return nil, false
		}
		var out []string
		for _, s := range subj {
			r := []rune(s)
			if k := pyIndex(i, len(r)); k >= 0 {
				out = appendVals(out, []string{string(r[k])})
			}
		}
		return out, len(out) > 0
	case eUnary:
		if e.Op == "-" || e.Op == "+" {
			v, ok := j.values(e.A[0], depth+1)
			if !ok || !isNumText(v) {
				return nil, false
			}
			var out []string
			for _, s := range v {
				n, _ := strconv.Atoi(s)
				if e.Op == "-" {
					n = -n
				}
				out = append(out, strconv.Itoa(n))
			}
			return out, true
		}
	case eCond:
		a, ok1 := j.values(e.A[0], depth+1)
		b, ok2 := j.values(e.A[2], depth+1)
		if ok1 && ok2 {
			return appendVals(a, b), true
		}
	}
	return nil, false
}

// nameValues evaluates every assignment of a variable.
func (j *judge) nameValues(k string, depth int) ([]string, bool) {
	as, loops := j.assigned[k], j.loopOver[k]
	if len(as) == 0 && len(loops) == 0 {
		return nil, false
	}
	var out []string
	for _, a := range as {
		v, ok := j.values(a, depth+1)
		if !ok {
			return nil, false
		}
		out = appendVals(out, v)
	}
	for _, l := range loops {
		items, ok := j.list(l, depth+1)
		if !ok {
			return nil, false
		}
		for _, it := range items {
			out = appendVals(out, it)
		}
	}
	return out, len(out) <= maxVals
}

// list returns the possible items of a constant list (each item a set of
// possible values).
func (j *judge) list(e *Node, depth int) ([][]string, bool) {
	if e == nil || depth > 48 {
		return nil, false
	}
	switch e.K {
	case eList, eTuple:
		var out [][]string
		for _, x := range e.A {
			v, ok := j.values(x, depth+1)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	case eFilter:
		switch e.Name {
		case "list", "reverse":
			if items, ok := j.list(e.A[0], depth+1); ok {
				if e.Name == "reverse" {
					r := make([][]string, len(items))
					for i := range items {
						r[len(items)-1-i] = items[i]
					}
					return r, true
				}
				return items, true
			}
			if v, ok := j.values(e.A[0], depth+1); ok && len(v) == 1 {
				var out [][]string
				rs := []rune(v[0])
				if e.Name == "reverse" {
					for i, k := 0, len(rs)-1; i < k; i, k = i+1, k-1 {
						rs[i], rs[k] = rs[k], rs[i]
					}
				}
				for _, r := range rs {
					out = append(out, []string{string(r)})
				}
				return out, len(out) <= 4096
			}
		}
	case eName:
		k := e.Name
		if j.opaque[k] || j.evaluing[k] || len(j.assigned[k]) != 1 || len(j.loopOver[k]) > 0 {
			return nil, false
		}
		j.evaluing[k] = true
		defer delete(j.evaluing, k)
		return j.list(j.assigned[k][0], depth+1)
	}
	return nil, false
}

func (j *judge) slice(s string, sl *Node, depth int) (string, bool) {
	var b [3]*int
	for i, x := range sl.A {
		if x == nil {
			continue
		}
		v, ok := j.values(x, depth+1)
		if !ok || len(v) != 1 {
			return "", false
		}
		n, err := strconv.Atoi(v[0])
		if err != nil {
			return "", false
		}
		b[i] = &n
	}
	r := []rune(s)
	step := 1
	if b[2] != nil {
		step = *b[2]
	}
	if step == 0 {
		return "", false
	}
	n := len(r)
	norm := func(p *int, def int) int {
		if p == nil {
			return def
		}
		v := *p
		if v < 0 {
			v += n
		}
		if step > 0 {
			return max(0, min(v, n))
		}
		return max(-1, min(v, n-1))
	}
	var out []rune
	if step > 0 {
		for i := norm(b[0], 0); i < norm(b[1], n); i += step {
			out = append(out, r[i])
		}
	} else {
		for i := norm(b[0], n-1); i > norm(b[1], -1); i += step {
			out = append(out, r[i])
		}
	}
	return string(out), true
}

func pyIndex(i, n int) int {
	if i < 0 {
		i += n
	}
	if i < 0 || i >= n {
		return -1
	}
	return i
}

func isNumText(v []string) bool {
	for _, s := range v {
		if _, err := strconv.Atoi(s); err != nil {
			return false
		}
	}
	return len(v) > 0
}

func appendVals(out, v []string) []string {
	for _, s := range v {
		if len(out) >= maxVals+1 {
			return out
		}
		out = append(out, s)
	}
	return out
}

func cross(l, r []string, f func(a, b string) string) ([]string, bool) {
	if len(l)*len(r) > maxVals {
		return nil, false
	}
	var out []string
	for _, a := range l {
		for _, b := range r {
			if len(a)+len(b) > 4096 {
				return nil, false
			}
			out = append(out, f(a, b))
		}
	}
	return out, true
}

// combos expands a list of value sets into the lists it may be (bounded).
func combos(items [][]string) [][]string {
	out := [][]string{nil}
	for _, it := range items {
		var next [][]string
		for _, o := range out {
			for _, v := range it {
				if len(next) >= maxVals {
					break
				}
				next = append(next, append(append([]string(nil), o...), v))
			}
		}
		out = next
	}
	return out
}

func formatAll(fmts []string, args [][]string, f func(string, []string) string) ([]string, bool) {
	var out []string
	for _, s := range fmts {
		for _, combo := range combos(args) {
			out = appendVals(out, []string{f(s, combo)})
		}
	}
	return out, len(out) <= maxVals
}

func strFilter(name, s string, args [][]string) ([]string, bool) {
	one := func(i int) (string, bool) {
		if i < len(args) && len(args[i]) == 1 {
			return args[i][0], true
		}
		return "", false
	}
	switch name {
	case "string", "safe", "e", "escape":
		return []string{s}, true
	case "trim", "strip":
		return []string{strings.TrimSpace(s)}, true
	case "lower":
		return []string{strings.ToLower(s)}, true
	case "upper":
		return []string{strings.ToUpper(s)}, true
	case "title", "capitalize":
		return []string{s}, true
	case "reverse":
		r := []rune(s)
		for i, k := 0, len(r)-1; i < k; i, k = i+1, k-1 {
			r[i], r[k] = r[k], r[i]
		}
		return []string{string(r)}, true
	case "join":
		sep, _ := one(0)
		return []string{strings.Join(strings.Split(s, ""), sep)}, true
	case "replace":
		a, ok1 := one(0)
		b, ok2 := one(1)
		if ok1 && ok2 {
			return []string{strings.ReplaceAll(s, a, b)}, true
		}
	}
	return nil, false
}

// numeric reports whether e is certainly a number: integer indexes do not
// fall back to getattr.
func (j *judge) numeric(e *Node, depth int) bool {
	if e == nil || depth > 48 {
		return false
	}
	switch e.K {
	case eConst:
		return e.Op == "int" || e.Op == "float" || e.Op == "bool"
	case eUnary:
		return e.Op != "not" && j.numeric(e.A[0], depth+1)
	case eBin:
		switch e.Op {
		case "-", "*", "/", "//", "**", "%":
			return j.numeric(e.A[0], depth+1)
		case "+":
			return j.numeric(e.A[0], depth+1) && j.numeric(e.A[1], depth+1)
		}
	case eFilter:
		switch e.Name {
		case "length", "count", "int", "float", "abs", "round":
			return true
		}
	case eGetattr:
		if e.A[0].K == eName && e.A[0].Name == "loop" {
			switch e.Name {
			case "index", "index0", "revindex", "revindex0", "length", "depth", "depth0":
				return true
			}
		}
		fallthrough
	case eName:
		k := targetKey(e)
		if k == "" {
			return false
		}
		if j.evaluing[k] {
			// a counter's own update (ns.i = ns.i + 1): numeric if every
			// other assignment is; the answer holds only once k is decided
			j.assumed[k]++
			return true
		}
		if v, ok := j.memoNumeric[k]; ok {
			return v
		}
		j.evaluing[k] = true
		v := j.nameNumeric(k, depth)
		delete(j.evaluing, k)
		delete(j.assumed, k)
		// true that leaned on an undecided outer variable is not final
		if !v || len(j.assumed) == 0 {
			j.memoNumeric[k] = v
		}
		return v
	case eCond:
		return j.numeric(e.A[0], depth+1) && (e.A[2] == nil || j.numeric(e.A[2], depth+1))
	}
	return false
}

func (j *judge) nameNumeric(k string, depth int) bool {
	as, loops := j.assigned[k], j.loopOver[k]
	if len(as) == 0 && len(loops) == 0 || j.opaque[k] && len(loops) == 0 {
		return false
	}
	for _, a := range as {
		if !j.numeric(a, depth+1) {
			return false
		}
	}
	for _, l := range loops {
		if !(l.K == eCall && l.A[0].K == eName && l.A[0].Name == "range") {
			return false
		}
	}
	return true
}

// render prints an expression for evidence and for comparing iterables.
func render(e *Node, depth int) string {
	if e == nil {
		return ""
	}
	if depth > 24 {
		return "…"
	}
	switch e.K {
	case eName:
		return e.Name
	case eConst:
		if e.Op == "str" {
			return strconv.Quote(e.Str)
		}
		if e.Op == "none" {
			return "none"
		}
		return e.Str
	case eGetattr:
		return render(e.A[0], depth+1) + "." + e.Name
	case eGetitem:
		return render(e.A[0], depth+1) + "[" + render(e.A[1], depth+1) + "]"
	case eFilter:
		s := render(e.A[0], depth+1) + "|" + e.Name
		if len(e.A) > 1 {
			var as []string
			for _, a := range e.A[1:] {
				as = append(as, render(a, depth+1))
			}
			s += "(" + strings.Join(as, ", ") + ")"
		}
		return s
	case eCall:
		var as []string
		for _, a := range e.A[1:] {
			as = append(as, render(a, depth+1))
		}
		return render(e.A[0], depth+1) + "(" + strings.Join(as, ", ") + ")"
	case eKw:
		return e.Name + "=" + render(e.A[0], depth+1)
	case eBin:
		return render(e.A[0], depth+1) + " " + e.Op + " " + render(e.A[1], depth+1)
	case eUnary:
		return e.Op + render(e.A[0], depth+1)
	case eList, eTuple:
		var as []string
		for _, a := range e.A {
			as = append(as, render(a, depth+1))
		}
		return "[" + strings.Join(as, ", ") + "]"
	case eSlice:
		return render(e.A[0], depth+1) + ":" + render(e.A[1], depth+1) + ":" + render(e.A[2], depth+1)
	}
	return "…"
}

// sameMapping: key is a loop variable over obj's keys or items
// ({% for k in d %}…d[k], {% for k, v in d|items %}…d[k]).
func (j *judge) sameMapping(obj, key *Node) bool {
	if key.K != eName {
		return false
	}
	want := render(obj, 0)
	for _, it := range j.loopOver[key.Name] {
		for it.K == eFilter && (it.Name == "items" || it.Name == "dictsort" || it.Name == "list" || it.Name == "sort") ||
			it.K == eCall && it.A[0].K == eGetattr && (it.A[0].Name == "items" || it.A[0].Name == "keys") {
			if it.K == eFilter {
				it = it.A[0]
			} else {
				it = it.A[0].A[0]
			}
			if it == nil {
				return false
			}
		}
		if render(it, 0) == want {
			return true
		}
	}
	return false
}

func (j *judge) judgeAll(ns []*Node, depth int) {
	for _, n := range ns {
		j.judge(n, depth)
	}
}

// judge visits a node and everything under it.
func (j *judge) judge(n *Node, depth int) {
	if n == nil {
		return
	}
	if depth > maxDepth*2 {
		j.truncated = true
		return
	}
	j.visits++
	if j.visits > maxVisits {
		j.truncated = true
		return
	}
	c := j.c
	switch n.K {
	case kLoad:
		c.add(checks.SeverityHigh, n.Name+" "+render(n.A[0], 0),
			"loads another template ({%% %s %s %%}): a chat template is one string, and renderers with a file loader read that path from disk", n.Name, clip(render(n.A[0], 0)))
	case eName:
		if dunder.MatchString(n.Name) || n.Name == "os" || n.Name == "subprocess" || n.Name == "importlib" {
			c.add(checks.SeverityCritical, n.Name, "refers to %s, which only exists outside Jinja's sandbox", n.Name)
		}
	case eConst:
		if n.Op == "str" {
			c.literal(n.Str, n.Raw)
		}
	case eKw:
		if strings.HasPrefix(n.Name, "__") {
			c.access(n.Name, "passes the keyword")
		}
	case eGetattr:
		c.accessIn(n.Name, "reads", j.internals(n.A[0], 0))
		j.helperUse(n.A[0], n, "."+n.Name)
	case eGetitem:
		j.item(n)
	case eCall:
		j.call(n)
	case eFilter:
		j.filter(n)
	case eBin:
		if n.Op == "~" || n.Op == "+" || n.Op == "%" || n.Op == "*" {
			if v, ok := j.values(n, 0); ok {
				for _, s := range v {
					c.assembled(s, "string operators")
				}
			}
		}
	case eCond: // A[0] if A[1] else A[2]
		if g := j.memberships(n.A[1], 0); len(g) > 0 {
			j.judge(n.A[1], depth+1)
			if calls, _ := effects(n.A[0], nil, 0); !calls {
				j.guard(g, +1)
				j.judge(n.A[0], depth+1)
				j.guard(g, -1)
			} else {
				j.judge(n.A[0], depth+1)
			}
			j.judge(n.A[2], depth+1)
			return
		}
	case kIf:
		if g := j.memberships(n.A[0], 0); len(g) > 0 {
			j.judge(n.A[0], depth+1)
			j.guardedBody(n.Body, g, depth+1)
			j.judgeAll(n.Else, depth+1)
			return
		}
	case kFor:
		if it := n.A[0]; it != nil && it.K == eName && helpers[it.Name] && !j.local[it.Name] {
			c.add(checks.SeverityHigh, "for … in "+it.Name, "iterates over Jinja's %s helper itself instead of calling it", it.Name)
		}
	}
	for _, x := range n.A {
		j.judge(x, depth+1)
	}
	for _, x := range n.Targets {
		j.judge(x, depth+1)
	}
	for _, x := range n.Params {
		j.judge(x, depth+1)
	}
	j.judgeAll(n.Body, depth+1)
	j.judgeAll(n.Else, depth+1)
	if n.K == eName || n.K == eKw || n.K == eGetattr || n.K == eGetitem || n.K == eCall || n.K == eFilter || n.K == eBin {
		return
	}
}

// helperUse reports a global helper reached through attribute, item or
// filter access (lipsum.__globals__, cycler.__init__, self._Template…):
// their documented use is a call. via is what is done to it.
func (j *judge) helperUse(obj, at *Node, via string) {
	if obj.K != eName || j.local[obj.Name] {
		return
	}
	name := obj.Name
	switch {
	case name == "loop":
		if at.K == eGetattr && loopAttrs[at.Name] {
			return
		}
	case name == "self":
		if at.K == eGetattr && j.blocks[at.Name] {
			return
		}
	case helpers[name]:
	default:
		return
	}
	j.c.add(checks.SeverityHigh, name+via,
		"uses Jinja's %s object beyond its documented use (%s%s): its attributes lead to Python functions and their globals", name, name, clip(via))
}

// item judges obj[key].
func (j *judge) item(n *Node) {
	obj, key := n.A[0], n.A[1]
	if key.K == eSlice {
		return
	}
	if v, ok := j.values(key, 0); ok {
		// obj['name'] reads the mapping's key first; only a miss falls
		// back to getattr, so a plain word matters on internals only
		in := j.internals(obj, 0)
		for _, s := range v {
			if _, err := strconv.Atoi(s); err == nil {
				continue
			}
			j.c.accessIn(s, "indexes", in)
		}
		if key.K == eConst && key.Op == "str" {
			j.helperUse(obj, &Node{K: eGetattr, Name: key.Str}, "["+strconv.Quote(key.Str)+"]")
		} else {
			j.helperUse(obj, n, "["+render(key, 0)+"]")
		}
		return
	}
	j.helperUse(obj, n, "["+render(key, 0)+"]")
	if j.numeric(key, 0) || j.sameMapping(obj, key) || j.localDict(obj) || j.guarded[lookupKey(obj, key)] > 0 {
		return
	}
	j.computed(render(obj, 0)+"["+render(key, 0)+"]", key, "indexes with", j.chained(obj, 0))
}

// A membership guard: under {% if obj is mapping and key in obj %}, obj[key]
// finds the item, so Jinja never falls back to getattr (the JSON-pointer walk
// of real tool-schema templates: ns.node[segment]). Only a plain name as the
// key and a name or namespace attribute as the mapping qualify, and only
// until either may have changed: a later binding of their names, or any call
// (a macro may reassign a namespace attribute; d.clear() empties a mapping).
type guard struct {
	key   string   // lookupKey(obj, key)
	names []string // the root names of obj and key
}

func lookupKey(obj, key *Node) string { return render(obj, 0) + "\x00" + render(key, 0) }

// memberships returns the guards an if test establishes: conjuncts
// "obj is mapping" and "key in obj" joined by and.
func (j *judge) memberships(test *Node, depth int) []guard {
	if calls, _ := effects(test, nil, 0); calls {
		return nil // a call in the test may change obj after "key in obj"
	}
	var conj []*Node
	var walk func(e *Node, d int)
	walk = func(e *Node, d int) {
		if e == nil || d > 64 {
			return
		}
		if e.K == eBin && e.Op == "and" {
			walk(e.A[0], d+1)
			walk(e.A[1], d+1)
			return
		}
		conj = append(conj, e)
	}
	walk(test, depth)
	mapping := map[string]bool{}
	for _, c := range conj {
		if c.K == eTest && c.Name == "mapping" && c.Op == "" && plainRef(c.A[0]) {
			mapping[render(c.A[0], 0)] = true
		}
	}
	var out []guard
	for _, c := range conj {
		if c.K != eBin || c.Op != "in" || c.A[0].K != eName || !plainRef(c.A[1]) {
			continue
		}
		if !mapping[render(c.A[1], 0)] && !(c.A[1].K == eName && j.callerData(c.A[1].Name, 0)) {
			continue
		}
		out = append(out, guard{key: lookupKey(c.A[1], c.A[0]), names: []string{c.A[0].Name, rootName(c.A[1])}})
	}
	return out
}

// publisherText are the render variables whose values come from the model's
// own files (transformers passes the special tokens of tokenizer_config.json,
// llama.cpp those of the GGUF): a publisher can make them any string.
var publisherText = map[string]bool{"bos_token": true, "eos_token": true, "unk_token": true, "sep_token": true,
	"pad_token": true, "cls_token": true, "mask_token": true, "additional_special_tokens": true}

// callerData: every value name can hold is a dict literal or a render
// variable the caller supplies (tools, messages, chat-template kwargs),
// never a string the publisher chose. "key in name" is then a real
// membership test on the caller's data, so name[key] reads an item the
// caller put there ({% set nd = tool_namespace_descriptions if
// tool_namespace_descriptions is defined else {} %}…nd[tns] if tns in nd).
func (j *judge) callerData(name string, depth int) bool {
	if depth > 16 || publisherText[name] || helpers[name] || name == "self" || name == "loop" {
		return false
	}
	if !j.local[name] {
		return true
	}
	if j.opaque[name] || len(j.loopOver[name]) > 0 || len(j.assigned[name]) == 0 {
		return false
	}
	// each name is decided once: a chain of conditional sets would
	// otherwise be walked once per path; a cycle counts as publisher text
	if v, ok := j.memoCaller[name]; ok {
		return v
	}
	j.memoCaller[name] = false
	v := true
	for _, a := range j.assigned[name] {
		if !j.callerValue(a, depth+1) {
			v = false
			break
		}
	}
	j.memoCaller[name] = v
	return v
}

func (j *judge) callerValue(e *Node, depth int) bool {
	if e == nil {
		return true // a conditional without else: undefined
	}
	switch e.K {
	case eDict:
		return true
	case eName:
		return j.callerData(e.Name, depth)
	case eCond:
		return j.callerValue(e.A[0], depth) && j.callerValue(e.A[2], depth)
	case eFilter:
		if e.Name == "default" && e.A[0] != nil {
			for _, x := range e.A {
				if !j.callerValue(x, depth) {
					return false
				}
			}
			return true
		}
	}
	return false
}

// plainRef: a name or a chain of constant attributes on one (ns.node).
func plainRef(e *Node) bool {
	for e.K == eGetattr {
		e = e.A[0]
	}
	return e.K == eName
}

func rootName(e *Node) string {
	for e.K == eGetattr {
		e = e.A[0]
	}
	return e.Name
}

// guardedBody judges an if body with its guards active for as long as they
// hold: a statement that calls anything, or binds a guarded name other than
// as the target of a plain set (whose value is read before it is bound),
// is judged without them, and so is everything after it.
func (j *judge) guardedBody(body []*Node, gs []guard, depth int) {
	names := map[string]bool{}
	for _, g := range gs {
		for _, n := range g.names {
			names[n] = true
		}
	}
	active := true
	for _, st := range body {
		guarded := false
		if active {
			calls, binds := effects(st, names, 0)
			guarded = !calls && (!binds || st.K == kSet)
			active = !calls && !binds
		}
		if guarded {
			j.guard(gs, +1)
		}
		j.judge(st, depth)
		if guarded {
			j.guard(gs, -1)
		}
	}
}

func (j *judge) guard(gs []guard, by int) {
	for _, g := range gs {
		j.guarded[g.key] += by
	}
}

// effects reports whether n holds a call (a function, macro or call block,
// or a statement that runs one) and whether it binds one of names.
func effects(n *Node, names map[string]bool, depth int) (calls, binds bool) {
	if n == nil {
		return false, false
	}
	if depth > maxDepth*2 {
		return true, true
	}
	switch n.K {
	case eCall, kCallBlock, kDo, kLoad, kBlock:
		calls = true
	}
	for _, t := range n.Targets {
		if r := targetRoot(t); r == "" || names[r] {
			binds = true
		}
	}
	for _, p := range n.Params {
		if p.K == eName && names[p.Name] {
			binds = true
		}
	}
	for _, list := range [][]*Node{n.A, n.Targets, n.Params, n.Body, n.Else} {
		for _, x := range list {
			c, b := effects(x, names, depth+1)
			calls, binds = calls || c, binds || b
		}
	}
	return calls, binds
}

// targetRoot is the variable an assignment target binds ("" when ward
// cannot tell, which counts as binding anything).
func targetRoot(t *Node) string {
	if t.K == eName || t.K == eGetattr {
		return rootName(t)
	}
	return "" // unpacking (a, b = …): counts as binding every name
}

// localDict: obj is a variable the template only ever sets to dict
// literals ({% set role_indicators = {'system': …} %}): looking a role up
// in it reads the template's own table.
func (j *judge) localDict(obj *Node) bool {
	if obj.K != eName || j.opaque[obj.Name] || len(j.loopOver[obj.Name]) > 0 {
		return false
	}
	as := j.assigned[obj.Name]
	for _, a := range as {
		if a.K != eDict {
			return false
		}
	}
	return len(as) > 0
}

// internals reports whether e is reached through an underscore name or a
// Jinja helper (lipsum.__globals__, cycler.__init__, x._y).
func (j *judge) internals(e *Node, depth int) bool {
	if e == nil || depth > 64 {
		return false
	}
	switch e.K {
	case eName:
		return helpers[e.Name] && !j.local[e.Name] || e.Name == "self" && !j.local["self"]
	case eGetattr:
		return strings.HasPrefix(e.Name, "_") || j.internals(e.A[0], depth+1)
	case eGetitem:
		if v, ok := j.values(e.A[1], 0); ok {
			for _, s := range v {
				if strings.HasPrefix(s, "_") {
					return true
				}
			}
		}
		return j.internals(e.A[0], depth+1)
	case eCall, eFilter:
		return e.A[0] != nil && j.internals(e.A[0], depth+1)
	}
	return false
}

// chained: obj is itself a lookup with a computed name, or a bare literal
// (” [k], ()[k]): reading attributes chosen at render time one after the
// other, which no data access needs.
func (j *judge) chained(obj *Node, depth int) bool {
	if obj == nil || depth > 64 {
		return false
	}
	switch obj.K {
	case eConst, eTuple, eList:
		return obj.K != eConst || obj.Op == "str"
	case eGetitem:
		if _, ok := j.values(obj.A[1], 0); !ok && !j.numeric(obj.A[1], 0) && !j.sameMapping(obj.A[0], obj.A[1]) {
			return true
		}
		return j.chained(obj.A[0], depth+1)
	case eFilter:
		return obj.Name == "attr" || obj.A[0] != nil && j.chained(obj.A[0], depth+1)
	}
	return false
}

// computed reports a name computed at render time: low when it is plain
// data used as a key of data (role_indicators[role]), high when string
// operations build it or when such lookups are chained or start from a
// literal (”[a][b]: attributes chosen at render time).
func (j *judge) computed(ev string, key *Node, how string, chained bool) {
	if chained {
		j.c.add(checks.SeverityHigh, ev,
			"%s a name chosen at render time on an object that is itself a literal or a computed lookup (%s): a chain of attributes picked by data, which is how a sandbox escape is driven from chat messages", how, clip(ev))
		return
	}
	if j.built(key, 0) {
		j.c.add(checks.SeverityHigh, ev,
			"%s a name built at render time from pieces ward cannot resolve (%s); Jinja falls back to getattr for string keys, the standard way to hide __class__ and friends", how, clip(ev))
		return
	}
	j.c.add(checks.SeverityLow, ev,
		"%s a key taken from data at render time (%s); Jinja falls back to getattr for string keys that the mapping lacks", how, clip(ev))
}

// built reports whether e involves string construction (operators,
// formatting, joining, slicing, character codes) rather than reading a
// value.
func (j *judge) built(e *Node, depth int) bool {
	if e == nil || depth > 32 {
		return false
	}
	switch e.K {
	case eBin:
		return e.Op == "~" || e.Op == "+" || e.Op == "%" || e.Op == "*"
	case eFilter:
		switch e.Name {
		case "join", "format", "replace", "reverse", "string", "list", "first", "last", "batch", "slice", "urlencode", "center", "wordwrap", "indent", "truncate":
			return true
		}
		return j.built(e.A[0], depth+1)
	case eCall:
		if e.A[0].K == eGetattr {
			switch e.A[0].Name {
			case "join", "format", "replace", "lower", "upper", "strip", "lstrip", "rstrip", "split", "rsplit", "title", "swapcase":
				return true
			}
		}
	case eGetitem:
		return e.A[1].K == eSlice || j.built(e.A[0], depth+1)
	case eName, eGetattr:
		k := targetKey(e)
		if k == "" || j.evaluing[k] {
			return false
		}
		if v, ok := j.memoBuilt[k]; ok {
			return v
		}
		j.evaluing[k] = true
		v := false
		for _, a := range j.assigned[k] {
			v = v || j.built(a, depth+1)
		}
		for _, l := range j.loopOver[k] {
			v = v || j.built(l, depth+1)
		}
		delete(j.evaluing, k)
		j.memoBuilt[k] = v
		return v
	case eCond:
		return j.built(e.A[0], depth+1) || j.built(e.A[2], depth+1)
	}
	return false
}

func (j *judge) call(n *Node) {
	fn := n.A[0]
	c := j.c
	if fn.K == eName && !j.local[fn.Name] && dangerousCalls[fn.Name] {
		c.add(checks.SeverityCritical, fn.Name+"(", "calls the Python builtin %s(), which a chat template has no reason to use", fn.Name)
	}
	if fn.K == eGetattr && fn.Name == "format" {
		// '{0.__class__}'.format(x): format fields read attributes
		if v, ok := j.values(fn.A[0], 0); ok {
			for _, s := range v {
				if formatField.MatchString(s) {
					c.add(checks.SeverityCritical, s, "formats with the field %q, which reads attributes of its argument (str.format follows '.' and '[')", clip(formatField.FindString(s)))
				}
			}
		}
	}
	if v, ok := j.values(n, 0); ok {
		for _, s := range v {
			c.assembled(s, "a string method")
		}
	}
}

var formatField = regexp.MustCompile(`\{[^{}]*[.\[][^{}]*\}`)

func (j *judge) filter(n *Node) {
	c := j.c
	if n.A[0] != nil {
		j.helperUse(n.A[0], n, "|"+n.Name)
	}
	args := n.A[1:]
	var positional []*Node
	for _, a := range args {
		if a.K == eKw {
			if a.Name == "attribute" {
				j.attrName(n.Name, a.A[0])
			}
			continue
		}
		positional = append(positional, a)
	}
	if i, ok := attributeArg[n.Name]; ok && i >= 0 && i < len(positional) {
		j.attrName(n.Name, positional[i])
	}
	// map('attr', name) / map(filtername) / select(testname)
	if (n.Name == "map" || n.Name == "select" || n.Name == "reject") && len(positional) > 0 {
		v, ok := j.values(positional[0], 0)
		if !ok {
			c.add(checks.SeverityHigh, "|"+n.Name+"("+render(positional[0], 0)+")",
				"applies a filter or test whose name is computed at render time (|%s(%s))", n.Name, clip(render(positional[0], 0)))
		} else if n.Name == "map" && len(positional) > 1 {
			for _, s := range v {
				if s == "attr" {
					j.attrName("map('attr')", positional[1])
				}
			}
		}
	}
	if (n.Name == "selectattr" || n.Name == "rejectattr") && len(positional) > 1 {
		if _, ok := j.values(positional[1], 0); !ok {
			c.add(checks.SeverityHigh, "|"+n.Name+"(…, "+render(positional[1], 0)+")",
				"applies a test whose name is computed at render time (|%s)", n.Name)
		}
	}
	if v, ok := j.values(n, 0); ok {
		for _, s := range v {
			c.assembled(s, "filters")
		}
	}
}

// attrName judges the attribute name a filter reads (dotted paths and
// integers allowed, as in Jinja's make_attrgetter).
func (j *judge) attrName(filter string, e *Node) {
	v, ok := j.values(e, 0)
	if !ok {
		ev := "|" + filter + "(" + render(e, 0) + ")"
		if filter == "attr" {
			j.c.add(checks.SeverityHigh, "|attr("+render(e, 0)+")",
				"reads an attribute whose name is computed at render time (|attr with a non-literal name), a standard sandbox-escape obfuscation")
			return
		}
		j.c.add(checks.SeverityHigh, ev, "reads attributes whose name is computed at render time (%s)", clip(ev))
		return
	}
	how := "uses |" + filter + " to read"
	if filter != "attr" {
		how = "uses |" + filter + "(attribute=…) to read"
	}
	for _, s := range v {
		for _, part := range strings.Split(s, ".") {
			if _, err := strconv.Atoi(part); err == nil {
				continue
			}
			j.c.access(part, how)
		}
	}
}

var underscoreAttr = regexp.MustCompile(`\.\s*(_[A-Za-z0-9_]*)`)
var literalRe = regexp.MustCompile(`'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"`)

// textScan judges a template that did not parse (or is over the size
// bound) by its unambiguous signs only: underscore attributes after a dot
// and dunder names in string literals. Nothing that needs the syntax
// (is this bracket a subscript or a list?) is guessed.
func textScan(s string, c *collector) {
	for _, m := range underscoreAttr.FindAllStringSubmatch(s, 10000) {
		c.access(m[1], "reads")
	}
	for _, m := range literalRe.FindAllString(s, 10000) {
		v := unescape(m[1 : len(m)-1])
		if d := dunder.FindString(v); d != "" {
			c.add(checks.SeverityHigh, v, "contains the string %q, which names the Python internal %s", clip(v), d)
		}
	}
}
