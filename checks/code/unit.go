package code

import "sort"

// lang is a source language ward's code rules understand.
type lang uint8

const (
	langNone lang = iota
	python
	javascript
	typescript
	tsx
	golang
)

func (l lang) String() string {
	return [...]string{"none", "python", "javascript", "typescript", "tsx", "go"}[l]
}

// isJS is true for the JavaScript family (JS, TS, TSX share the rules).
func (l lang) isJS() bool { return l == javascript || l == typescript || l == tsx }

// evKind is what an event in a function body is.
type evKind uint8

const (
	evAssign evKind = iota // targets = value
	evCall                 // a call expression
	evFor                  // for targets in value
	evReturn               // return value
	evGuard                // targets[0] in value: an allow-list test (Python)
)

// event is one assignment or call, in source order within its scope.
type event struct {
	kind    evKind
	sb      int
	targets []*node // kIdent, kAttr, kIndex; destructured names are kIdent
	value   *node
	aug     bool // x += value
	call    *node
}

// scope is a function body (or the module top level) with its events.
type scope struct {
	sb, eb int
	parent *scope
	// params are the function's parameter names; tainted ones carry a
	// source (route handler parameters are request input, a tool's
	// parameters are model output); reqObjs are parameters that are request
	// objects (Django request, Express req, Go *http.Request).
	params   []string
	tainted  map[string]taint
	reqObjs  map[string]string // name -> framework ("http", "gin", "echo", "django", "express")
	events   []event
	isModule bool
	// name is the function's name ("" for lambdas and the module), used
	// for the return-value summaries of the data-flow step.
	name string
}

// unit is one parsed source file in ward's expression form.
type unit struct {
	path    string
	lang    lang
	src     []byte
	imports map[string]string // local name -> canonical dotted name
	module  *scope
	scopes  []*scope
	// flagStrings are string literals that look like CLI flags, for
	// rules such as --trust-remote-code in scripted command lines.
	flagStrings []*node
	// broken is true when the parser could not make sense of the file.
	broken bool
	// lineStarts is filled on first use by lines: only findings need lines.
	lineStarts []int
}

// lines returns the 1-based first and last line of a node.
func (u *unit) lines(n *node) (start, end int) {
	if u.lineStarts == nil {
		u.lineStarts = lineStarts(u.src)
	}
	last := n.eb - 1
	if last < n.sb {
		last = n.sb
	}
	return sort.SearchInts(u.lineStarts, n.sb+1), sort.SearchInts(u.lineStarts, last+1)
}

func (s *scope) hasParam(name string) bool {
	for p := s; p != nil; p = p.parent {
		for _, q := range p.params {
			if q == name {
				return true
			}
		}
	}
	return false
}

// declares reports whether name is a parameter of s itself.
func (s *scope) declares(name string) bool {
	for _, q := range s.params {
		if q == name {
			return true
		}
	}
	return false
}

func (s *scope) reqObj(name string) string {
	for p := s; p != nil; p = p.parent {
		if f, ok := p.reqObjs[name]; ok {
			return f
		}
	}
	return ""
}

// taintedParam is the taint of a parameter of s or of a function around it
// (the innermost one that declares the name decides).
func (s *scope) taintedParam(name string) taint {
	for p := s; p != nil; p = p.parent {
		if t, ok := p.tainted[name]; ok {
			return t
		}
		if p.declares(name) {
			return 0
		}
	}
	return 0
}
