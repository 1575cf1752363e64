package code

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ward-sec/ward/checks"
)

// taint says where a value may come from.
type taint uint8

const (
	tLLM     taint = 1 << iota // the output of a language model
	tRequest                   // HTTP request input
	tSecret                    // a secret (an environment variable named like one)
	tRemote                    // the body of an HTTP response: content this code did not write
)

// untrusted are the sources that make an injection rule report at high:
// input from outside (requests, webhooks, messages) and fetched content.
// Model output has rules of its own (code-llm-output-*).
const untrusted = tRequest | tRemote

// val is what the data-flow step knows about a variable at a point of its
// function: its taint, whether it only ever held literals, the expression
// last assigned, and the constructor it came from (for method resolution).
type val struct {
	t     taint
	konst bool
	// inert: the value is built only from literals, numbers, quoting and
	// platform facts (see ctx.inert): nothing to report even as hygiene.
	inert bool
	value *node
	ctor  string
}

// ctx is the state of one pass over one scope's events.
type ctx struct {
	u      *unit
	file   *checks.File
	s      *scope
	env    map[string]val
	module map[string]val
	hits   []*hit
	cur    *rule
	// scopeEnvs holds each finished function's environment, for the
	// closures defined in it (scopes are walked outer first).
	scopeEnvs map[*scope]map[string]val
	// scopeCalls caches the canonical callee names of the current scope.
	scopeCalls map[string]bool
	// gen changes whenever the environment does, invalidating node.nameCache.
	gen int
	// returns summarises, per function name of this file, the taint of
	// what the function returns (collected in a first pass), so that
	// `def ask(q): return llm.invoke(q)` makes ask(...) an LLM source.
	returns map[string]taint
	// constReturns is true for functions whose every return is a literal.
	constReturns map[string]bool
	// guards holds the variables the current function has validated so
	// far (a regex match, an allow-list lookup, a startswith check), and
	// for which sinks; guardMask is the sink class taintOf asks about.
	guards    map[string]guard
	guardMask guard
	// argTaints collects, in the first pass, what callers in this file
	// pass each named function: by "#<index>" for positional arguments
	// and by parameter name for keyword ones.
	argTaints map[string]map[string]taint
}

func (c *ctx) lookup(key string) (val, bool) {
	if v, ok := c.env[key]; ok {
		return v, true
	}
	// A closure sees the variables of the functions around it, as they
	// stand at the end of those functions (Python and JavaScript closures
	// read a variable when they run, not when they are made), unless a
	// parameter of the same name shadows them on the way out.
	root, _, _ := strings.Cut(key, ".")
	for in, out := c.s, c.s.parent; out != nil && !out.isModule; in, out = out, out.parent {
		if in.declares(root) {
			return val{}, false
		}
		if v, ok := c.scopeEnvs[out][key]; ok {
			return v, true
		}
	}
	if c.module != nil {
		v, ok := c.module[key]
		return v, ok
	}
	return val{}, false
}

// dotted returns "a.b.c" for an identifier or an attribute chain of
// identifiers (the keys under which the environment holds variables).
func dotted(n *node) string {
	switch {
	case n == nil:
		return ""
	case n.kind == kIdent:
		return n.name
	case n.kind == kAttr:
		// Memoised: the data-flow step asks for it at every lookup.
		if !n.dottedDone {
			if b := dotted(n.obj); b != "" {
				n.dotted = b + "." + n.name
			}
			n.dottedDone = true
		}
		return n.dotted
	}
	return ""
}

// name resolves an expression to a canonical dotted name: imports are
// followed (t.load with `import torch as t` is torch.load), variables built
// by a constructor read as that call (client.chat... with client =
// OpenAI() is openai.OpenAI().chat...). Unknown roots keep their spelling.
func (c *ctx) name(n *node) string {
	if n == nil {
		return ""
	}
	if n.nameGen == c.gen+1 {
		return n.nameCache
	}
	s := c.nameDepth(n, 0)
	n.nameCache, n.nameGen = s, c.gen+1
	return s
}

func (c *ctx) nameDepth(n *node, d int) string {
	if n == nil || d > 32 {
		return ""
	}
	switch n.kind {
	case kIdent:
		if v, ok := c.lookup(n.name); ok {
			if v.ctor != "" {
				return v.ctor + "()"
			}
			return n.name
		}
		if imp, ok := c.u.imports[n.name]; ok {
			return imp
		}
		return n.name
	case kAttr:
		if v, ok := c.lookup(dotted(n)); ok && v.ctor != "" {
			return v.ctor + "()"
		}
		if b := c.name(n.obj); b != "" {
			return b + "." + n.name
		}
	case kCall:
		if b := c.nameDepth(n.obj, d+1); b != "" {
			return b + "()"
		}
	case kIndex:
		if b := c.nameDepth(n.obj, d+1); b != "" {
			return b + "[]"
		}
	case kStr:
		return `""`
	}
	return ""
}

// callee is the canonical name of a call's function.
func (c *ctx) callee(call *node) string {
	if call == nil || call.kind != kCall {
		return ""
	}
	return c.name(call.obj)
}

// ctorOf is the constructor a value was made by, for method resolution.
func (c *ctx) ctorOf(v *node) string {
	if v == nil {
		return ""
	}
	switch v.kind {
	case kCall:
		return c.name(v.obj)
	case kIdent:
		if x, ok := c.lookup(v.name); ok {
			return x.ctor
		}
	}
	return ""
}

// konst reports whether an expression is made of literals only (directly or
// through variables that only ever held literals in this function).
func (c *ctx) konst(n *node) bool {
	return c.konstDepth(n, 0)
}

func (c *ctx) konstDepth(n *node, d int) bool {
	if n == nil || d > 32 {
		return false
	}
	switch n.kind {
	case kStr, kNum, kTrue, kFalse, kNone:
		return true
	case kIdent:
		v, ok := c.lookup(n.name)
		return ok && v.konst
	case kAttr:
		v, ok := c.lookup(dotted(n))
		return ok && v.konst
	case kConcat, kFormat, kList:
		for _, a := range n.args {
			if !c.konstDepth(a, d+1) {
				return false
			}
		}
		return true
	case kCall:
		if len(n.args) == 0 && len(n.kw) == 0 && n.obj != nil && n.obj.kind == kIdent {
			_, imported := c.u.imports[n.obj.name]
			return !imported && c.constReturns[n.obj.name]
		}
		return false
	case kDict:
		for _, k := range n.kw {
			if !c.konstDepth(k.val, d+1) {
				return false
			}
		}
		return len(n.args) == 0
	}
	return false
}

// taintOf follows a value back through assignments, attribute and index
// access, string building, JSON decoding and methods on tainted receivers.
func (c *ctx) taintOf(n *node) taint { return c.taintDepth(n, 0) }

func (c *ctx) taintDepth(n *node, d int) taint {
	if n == nil || d > 32 {
		return 0
	}
	switch n.kind {
	case kIdent:
		if c.guarded(n.name) {
			return 0
		}
		var t taint
		if v, ok := c.lookup(n.name); ok {
			t = v.t
		}
		t |= c.s.taintedParam(n.name)
		return t
	case kAttr:
		if c.guards != nil && c.guarded(dotted(n)) {
			return 0
		}
		if c.isRequestInput(n) {
			return tRequest
		}
		if isToolCallArgs(n, n.name) {
			return tLLM
		}
		if c.isSecretEnv(n) {
			return tSecret
		}
		if v, ok := c.lookup(dotted(n)); ok && n.obj.kind != kCall {
			return v.t
		}
		return c.taintDepth(n.obj, d+1)
	case kIndex:
		if c.isSecretEnv(n) {
			return tSecret
		}
		if len(n.args) == 1 && n.args[0] != nil && n.args[0].kind == kStr && isToolCallArgs(n, n.args[0].str) {
			return tLLM
		}
		return c.taintDepth(n.obj, d+1)
	case kCall:
		var t taint
		if c.isLLMCall(n) {
			t |= tLLM
		}
		if c.isSecretEnv(n) {
			t |= tSecret
		}
		name := c.callee(n)
		if name == "github.com/gorilla/mux.Vars" {
			t |= tRequest
		}
		if n.obj != nil && urlCallLast[n.obj.lastName()] && c.urlSink(n) != nil {
			t |= tRemote // a response: its body is whatever the server sent
		}
		t |= c.returnTaint(n)
		if n.obj != nil && n.obj.kind == kAttr {
			t |= c.taintDepth(n.obj, d+1) // a method of a tainted value (or of the request)
			if argPropagatingMethods[n.obj.name] {
				for _, a := range n.args {
					t |= c.taintDepth(a, d+1)
				}
			}
		}
		if argPropagatingFuncs[name] {
			for _, a := range n.args {
				t |= c.taintDepth(a, d+1)
			}
		}
		return t
	case kConcat, kFormat, kList, kDict, kOther:
		var t taint
		for _, a := range n.args {
			t |= c.taintDepth(a, d+1)
		}
		for _, k := range n.kw {
			t |= c.taintDepth(k.val, d+1)
		}
		return t
	}
	return 0
}

// Functions and methods that return (a transformation of) their arguments.
var argPropagatingFuncs = map[string]bool{
	"json.loads": true, "JSON.parse": true, "str": true, "repr": true, "String": true,
	"textwrap.dedent": true, "fmt.Sprintf": true, "fmt.Sprint": true, "strings.Join": true,
	"strings.TrimSpace": true, "strings.ToLower": true, "strings.ReplaceAll": true,
	"encoding/json.Unmarshal": true, "bytes": true, "Buffer.from": true, "decodeURIComponent": true,
	"html.unescape": true, "base64.b64decode": true, "urllib.parse.unquote": true,
}

var argPropagatingMethods = map[string]bool{
	"join": true, "format": true, "concat": true, "replace": true, "replaceAll": true,
}

var pyRequestAttrs = set("args", "form", "values", "json", "data", "files", "cookies", "headers",
	"GET", "POST", "FILES", "COOKIES", "META", "body", "query_params", "path_params", "get_json",
	"get_data", "view_args", "stream", "query_string", "path", "full_path", "url")

var jsRequestAttrs = set("query", "body", "params", "headers", "cookies", "url", "originalUrl", "path",
	"hostname", "get", "header", "param", "files", "file", "searchParams", "json", "formData", "text")

var goRequestAttrs = map[string]map[string]bool{
	"http": set("URL", "Form", "PostForm", "Header", "Body", "FormValue", "PostFormValue", "PathValue",
		"Cookie", "Cookies", "MultipartForm", "RequestURI", "FormFile"),
	"gin": set("Query", "Param", "PostForm", "GetHeader", "DefaultQuery", "DefaultPostForm", "QueryArray",
		"GetQuery", "GetPostForm", "Params", "Request", "BindJSON", "ShouldBindJSON", "FormFile"),
	"echo": set("QueryParam", "Param", "FormValue", "QueryParams", "FormParams", "Request"),
}

func set(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// isRequestInput reports an attribute that reads HTTP request input:
// request.args (Flask), request.GET (Django), req.body (Express),
// r.URL / r.FormValue (net/http), c.Query (gin).
func (c *ctx) isRequestInput(n *node) bool {
	root, first := n, ""
	for root != nil && (root.kind == kAttr || root.kind == kCall || root.kind == kIndex) {
		if root.kind == kAttr {
			first = root.name
		}
		root = root.obj
	}
	if root == nil || root.kind != kIdent || first == "" {
		return false
	}
	switch c.u.lang {
	case python:
		if root.name != "request" || !pyRequestAttrs[first] {
			return false
		}
		imp := c.u.imports["request"]
		return c.s.reqObj("request") != "" || strings.HasPrefix(imp, "flask") ||
			strings.HasPrefix(imp, "quart") || strings.HasPrefix(imp, "sanic") || strings.HasPrefix(imp, "werkzeug")
	case golang:
		fw := c.s.reqObj(root.name)
		return fw != "" && goRequestAttrs[fw][first]
	default:
		if c.s.reqObj(root.name) != "" && jsRequestAttrs[first] {
			return true
		}
		// Koa and friends: ctx.request.body, ctx.query, ctx.params
		return root.name == "ctx" && c.s.hasParam("ctx") && (first == "request" || first == "query" || first == "params")
	}
}

var secretName = regexp.MustCompile(`(?i)(api_?key|apikey|token|secret|passw|pwd|credential|private_?key|access_?key)`)

// isSecretEnv reports reading an environment variable named like a secret:
// os.environ["OPENAI_API_KEY"], os.getenv("DB_PASSWORD"),
// process.env.STRIPE_SECRET, os.Getenv("TOKEN").
func (c *ctx) isSecretEnv(n *node) bool {
	switch n.kind {
	case kIndex:
		return c.name(n.obj) == "os.environ" && len(n.args) == 1 && n.args[0] != nil &&
			n.args[0].kind == kStr && secretName.MatchString(n.args[0].str)
	case kAttr:
		return c.name(n.obj) == "process.env" && secretName.MatchString(n.name)
	case kCall:
		switch c.callee(n) {
		case "os.getenv", "os.environ.get", "os.Getenv", "os.LookupEnv":
			a := n.arg(0, "key")
			return a != nil && a.kind == kStr && secretName.MatchString(a.str)
		}
	}
	return false
}

// returnTaint is the summarised return taint of a call to a function of
// this file: f(...), self.f(...), this.f(...).
func (c *ctx) returnTaint(call *node) taint {
	if len(c.returns) == 0 || call.obj == nil {
		return 0
	}
	fn := call.obj
	switch {
	case fn.kind == kIdent:
		if _, imported := c.u.imports[fn.name]; imported {
			return 0
		}
		return c.returns[fn.name]
	case fn.kind == kAttr && fn.obj != nil && fn.obj.kind == kIdent && hasAny(fn.obj.name, "self", "this", "cls"):
		return c.returns[fn.name]
	}
	return 0
}

// toolCallName matches variables that hold one tool call of a model's
// answer (OpenAI tool_calls entries, Anthropic tool_use blocks, LangChain
// tool_calls dicts).
var toolCallName = regexp.MustCompile(`(?i)^(tool_?(call|use)s?(_block)?|tc|fn_?call|function_?call)$`)

// isToolCallArgs reports reading the arguments the model chose for a tool:
// tool_call.function.arguments (OpenAI, any receiver), tool_use.input
// (Anthropic), tool_call["args"] (LangChain).
func isToolCallArgs(n *node, key string) bool {
	if !hasAny(key, "arguments", "args", "input") || n.obj == nil {
		return false
	}
	if key == "arguments" && n.obj.lastName() == "function" {
		return true
	}
	root := n.obj
	for root != nil && (root.kind == kAttr || root.kind == kIndex) {
		root = root.obj
	}
	return root != nil && root.kind == kIdent && toolCallName.MatchString(root.name)
}

// urlCallLast are the last name segments of the calls urlSink knows, to
// skip it cheaply for every other call.
var urlCallLast = set("get", "post", "put", "delete", "head", "patch", "options", "request", "stream", "urlopen",
	"Request", "fetch", "axios", "got", "needle", "Get", "Post", "Head", "PostForm", "NewRequest", "NewRequestWithContext")

// noteArgs records the taint of the arguments of a call to a function of
// this file (f(x), self.f(x), this.f(x)), so that a helper called with
// request input or model output sees it in its parameters: one hop, which
// covers the usual handler → helper → sink and tool → helper → sink.
func (c *ctx) noteArgs(call *node) {
	fn := call.obj
	if fn == nil || c.argTaints == nil {
		return
	}
	name := ""
	switch {
	case fn.kind == kIdent:
		if _, imported := c.u.imports[fn.name]; imported {
			return
		}
		name = fn.name
	case fn.kind == kAttr && fn.obj != nil && fn.obj.kind == kIdent && hasAny(fn.obj.name, "self", "this", "cls"):
		name = fn.name
	default:
		return
	}
	record := func(key string, t taint) {
		if t &^= tSecret; t == 0 {
			return
		}
		if c.argTaints[name] == nil {
			c.argTaints[name] = map[string]taint{}
		}
		c.argTaints[name][key] |= t
	}
	for i, a := range call.args {
		if a != nil && a.kind == kDict && c.u.lang.isJS() {
			for _, k := range a.kw { // f({ code }) into function f({ code })
				record(k.key, c.taintOf(k.val))
			}
			continue
		}
		record("#"+strconv.Itoa(i), c.taintOf(a))
	}
	for _, k := range call.kw {
		record(k.key, c.taintOf(k.val))
	}
}

// applyArgTaints taints the parameters of the functions noteArgs saw
// called with tainted arguments.
func (c *ctx) applyArgTaints() {
	if len(c.argTaints) == 0 {
		return
	}
	for _, s := range c.u.scopes {
		args := c.argTaints[s.name]
		if s.name == "" || args == nil || s.tainted == nil {
			continue
		}
		params := s.params
		if c.u.lang == python && len(params) > 0 && hasAny(params[0], "self", "cls") {
			params = params[1:]
		}
		for key, t := range args {
			p := key
			if strings.HasPrefix(key, "#") {
				i, err := strconv.Atoi(key[1:])
				if err != nil || i >= len(params) {
					continue
				}
				p = params[i]
			} else if !s.declares(key) {
				continue
			}
			s.tainted[p] |= t
		}
	}
}
