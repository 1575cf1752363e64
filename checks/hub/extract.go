package hub

import (
	"path"
	"strings"
)

// Call is one place where source code loads a model by name from a hub.
type Call struct {
	Line int    // 1-based line of the call
	Func string // the callee as written: "AutoModel.from_pretrained", "pipeline", …
	// Source is "hf" (Hugging Face Hub) or "github" (torch.hub).
	Source   string
	Repo     string // "org/name" (torch.hub: "owner/repo")
	Revision string // as written; "" when absent
	// RevisionDynamic is set when revision= is an expression ward cannot read.
	RevisionDynamic bool
	Filename        string // hf_hub_download's filename, when given
	// Snapshot is set for snapshot_download: every file is fetched.
	Snapshot        bool
	TrustRemoteCode bool
}

// Extract finds the model-loading calls of a Python, JavaScript or
// TypeScript source whose model name is a literal. It is a narrow lexer, not
// a parser: comments and strings are skipped, a call's arguments are split
// at top-level commas, and only literal values are read.
func Extract(name string, src []byte) []Call {
	lang := langOf(name)
	if lang == "" || len(src) > 4<<20 {
		return nil
	}
	toks := lex(src, lang)
	var out []Call
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tIdent || (i > 0 && toks[i-1].text == ".") {
			continue
		}
		// dotted callee
		j, callee := i, toks[i].text
		for j+2 < len(toks) && toks[j+1].text == "." && toks[j+2].kind == tIdent {
			j += 2
			callee += "." + toks[j].text
		}
		if j+1 >= len(toks) || toks[j+1].text != "(" {
			continue
		}
		args, end := splitArgs(toks, j+1)
		if c, ok := interpret(lang, callee, args); ok {
			c.Line = toks[i].line
			c.Func = callee
			out = append(out, c)
		}
		_ = end
	}
	return out
}

func langOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".py", ".pyw":
		return "py"
	case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts":
		return "js"
	}
	return ""
}

type tokKind int

const (
	tIdent tokKind = iota + 1
	tStr           // a literal string (text is its value)
	tDyn           // an f-string or template literal with substitutions
	tPunct
	tOther // numbers and anything else
)

type tok struct {
	kind tokKind
	text string
	line int
}

// maxTokens bounds the lexer on generated or minified files.
const maxTokens = 2_000_000

func lex(src []byte, lang string) []tok {
	var out []tok
	line := 1
	s := string(src)
	for i := 0; i < len(s) && len(out) < maxTokens; {
		c := s[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\\':
			i++
		case lang == "py" && c == '#':
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case lang == "js" && strings.HasPrefix(s[i:], "//"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case lang == "js" && strings.HasPrefix(s[i:], "/*"):
			e := strings.Index(s[i+2:], "*/")
			if e < 0 {
				e = len(s) - i - 2
			}
			line += strings.Count(s[i:i+2+e], "\n")
			i += e + 4
		case isIdentStart(c):
			j := i
			for j < len(s) && isIdent(s[j]) {
				j++
			}
			word := s[i:j]
			if lang == "py" && j < len(s) && (s[j] == '"' || s[j] == '\'') && isStrPrefix(word) {
				t, n, nl := pyString(s[j:], strings.ContainsAny(word, "fF"))
				out = append(out, tok{t.kind, t.text, line})
				line += nl
				i = j + n
				continue
			}
			out = append(out, tok{tIdent, word, line})
			i = j
		case c == '"' || c == '\'' || (lang == "js" && c == '`'):
			var t tok
			var n, nl int
			if lang == "py" {
				t, n, nl = pyString(s[i:], false)
			} else {
				t, n, nl = jsString(s[i:])
			}
			out = append(out, tok{t.kind, t.text, line})
			line += nl
			i += n
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (isIdent(s[j]) || s[j] == '.') {
				j++
			}
			out = append(out, tok{tOther, s[i:j], line})
			i = j
		default:
			out = append(out, tok{tPunct, string(c), line})
			i++
		}
	}
	return out
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}

func isIdent(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

func isStrPrefix(w string) bool {
	switch strings.ToLower(w) {
	case "r", "u", "b", "f", "rb", "br", "fr", "rf":
		return true
	}
	return false
}

// pyString reads a Python string literal at s[0] (a quote). It returns the
// token, the bytes consumed and the newlines inside.
func pyString(s string, fstring bool) (tok, int, int) {
	q := s[:1]
	if strings.HasPrefix(s, q+q+q) {
		q = q + q + q
	}
	var b strings.Builder
	i := len(q)
	for i < len(s) {
		if strings.HasPrefix(s[i:], q) {
			i += len(q)
			break
		}
		if s[i] == '\\' && i+1 < len(s) {
			b.WriteByte(s[i+1])
			i += 2
			continue
		}
		if s[i] == '\n' && len(q) == 1 {
			break
		}
		b.WriteByte(s[i])
		i++
	}
	kind := tStr
	if fstring && strings.Contains(b.String(), "{") {
		kind = tDyn
	}
	return tok{kind: kind, text: b.String()}, i, strings.Count(s[:i], "\n")
}

func jsString(s string) (tok, int, int) {
	q := s[0]
	var b strings.Builder
	i := 1
	dyn := false
	for i < len(s) {
		c := s[i]
		if c == q {
			i++
			break
		}
		if c == '\\' && i+1 < len(s) {
			b.WriteByte(s[i+1])
			i += 2
			continue
		}
		if q == '`' && c == '$' && i+1 < len(s) && s[i+1] == '{' {
			dyn = true
		}
		if c == '\n' && q != '`' {
			break
		}
		b.WriteByte(c)
		i++
	}
	kind := tStr
	if dyn {
		kind = tDyn
	}
	return tok{kind: kind, text: b.String()}, i, strings.Count(s[:i], "\n")
}

// arg is one argument: a keyword (Python name=, or a key of a JS options
// object) or a positional value.
type arg struct {
	key  string
	toks []tok
}

// lit returns the argument's literal string value.
func (a arg) lit() (string, bool) {
	if len(a.toks) == 1 && a.toks[0].kind == tStr {
		return a.toks[0].text, true
	}
	return "", false
}

// splitArgs splits the arguments of the call whose "(" is toks[open]. JS
// object literals among them are flattened into keyword arguments.
func splitArgs(toks []tok, open int) ([]arg, int) {
	var args []arg
	var cur []tok
	depth := 0
	i := open + 1
	flush := func() {
		if len(cur) == 0 {
			return
		}
		a := arg{toks: cur}
		if len(cur) >= 2 && cur[0].kind == tIdent && cur[1].text == "=" && (len(cur) < 3 || cur[2].text != "=") {
			a = arg{key: cur[0].text, toks: cur[2:]}
		}
		if cur[0].text == "{" && cur[len(cur)-1].text == "}" {
			args = append(args, objectArgs(cur[1:len(cur)-1])...)
		} else {
			args = append(args, a)
		}
		cur = nil
	}
	for ; i < len(toks) && i-open < 4096; i++ {
		t := toks[i]
		switch t.text {
		case "(", "[", "{":
			if t.kind == tPunct {
				depth++
			}
		case ")", "]", "}":
			if t.kind == tPunct {
				if depth == 0 {
					flush()
					return args, i
				}
				depth--
			}
		case ",":
			if t.kind == tPunct && depth == 0 {
				flush()
				continue
			}
		}
		cur = append(cur, t)
	}
	flush()
	return args, i
}

// objectArgs reads `key: value, …` of a JS object literal.
func objectArgs(toks []tok) []arg {
	var out []arg
	depth := 0
	start := 0
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) {
			switch toks[i].text {
			case "(", "[", "{":
				depth++
				continue
			case ")", "]", "}":
				depth--
				continue
			}
			if !(toks[i].text == "," && depth == 0) {
				continue
			}
		}
		part := toks[start:i]
		start = i + 1
		if len(part) >= 3 && (part[0].kind == tIdent || part[0].kind == tStr) && part[1].text == ":" {
			out = append(out, arg{key: part[0].text, toks: part[2:]})
		} else if len(part) == 1 && part[0].kind == tIdent {
			out = append(out, arg{key: part[0].text, toks: part}) // shorthand {revision}
		}
	}
	return out
}

// pick returns the argument at position pos or named key.
func pick(args []arg, pos int, key string) (arg, bool) {
	for _, a := range args {
		if key != "" && a.key == key {
			return a, true
		}
	}
	n := 0
	for _, a := range args {
		if a.key != "" {
			continue
		}
		if n == pos {
			return a, true
		}
		n++
	}
	return arg{}, false
}

func last(callee string) string {
	if i := strings.LastIndexByte(callee, '.'); i >= 0 {
		return callee[i+1:]
	}
	return callee
}

// interpret maps a call to what it would download.
func interpret(lang, callee string, args []arg) (Call, bool) {
	c := Call{Source: "hf"}
	var repo arg
	var ok bool
	switch fn := last(callee); {
	case fn == "from_pretrained":
		repo, ok = pick(args, 0, "pretrained_model_name_or_path")
		if !ok && lang == "py" {
			repo, ok = pick(args, -1, "model_name_or_path")
		}
	case fn == "pipeline":
		if lang == "py" {
			repo, ok = pick(args, 1, "model")
		} else {
			repo, ok = pick(args, 1, "")
		}
	case fn == "hf_hub_download":
		repo, ok = pick(args, 0, "repo_id")
		if f, fok := pick(args, 1, "filename"); fok {
			c.Filename, _ = f.lit()
		}
	case fn == "snapshot_download":
		repo, ok = pick(args, 0, "repo_id")
		c.Snapshot = true
	case fn == "SentenceTransformer" || fn == "CrossEncoder":
		repo, ok = pick(args, 0, "model_name_or_path")
	case callee == "torch.hub.load" || callee == "hub.load" && lang == "py":
		repo, ok = pick(args, 0, "repo_or_dir")
		c.Source = "github"
		if src, sok := pick(args, -1, "source"); sok {
			if v, _ := src.lit(); v == "local" {
				return c, false
			}
		}
	case callee == "timm.create_model":
		repo, ok = pick(args, 0, "model_name")
		v, _ := repo.lit()
		if !strings.HasPrefix(v, "hf-hub:") && !strings.HasPrefix(v, "hf_hub:") {
			return c, false
		}
	default:
		return c, false
	}
	if !ok {
		return c, false
	}
	name, lit := repo.lit()
	if !lit {
		return c, false
	}
	name = strings.TrimPrefix(strings.TrimPrefix(name, "hf-hub:"), "hf_hub:")
	if c.Source == "github" {
		if i := strings.IndexByte(name, ':'); i >= 0 {
			name, c.Revision = name[:i], name[i+1:]
		}
	} else if i := strings.IndexByte(name, '@'); i >= 0 && callee == "timm.create_model" {
		name, c.Revision = name[:i], name[i+1:]
	}
	if !looksLikeRepoID(name) {
		return c, false
	}
	c.Repo = name
	if rv, ok := pick(args, -1, "revision"); ok {
		if v, lit := rv.lit(); lit {
			c.Revision = v
		} else {
			c.RevisionDynamic = true
		}
	}
	if t, ok := pick(args, -1, "trust_remote_code"); ok && len(t.toks) == 1 && (t.toks[0].text == "True" || t.toks[0].text == "true") {
		c.TrustRemoteCode = true
	}
	return c, true
}

// looksLikeRepoID tells a hub repository id ("org/name", or a legacy
// "bert-base-uncased") from a local path or a file name.
func looksLikeRepoID(s string) bool {
	if s == "" || len(s) > 200 || strings.ContainsAny(s, "\\ {}:$") || strings.HasPrefix(s, ".") ||
		strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") || strings.Count(s, "/") > 1 ||
		strings.HasSuffix(s, "/") {
		return false
	}
	for _, ext := range []string{".bin", ".pt", ".pth", ".json", ".safetensors", ".ckpt", ".h5", ".onnx", ".gguf", ".pkl"} {
		if strings.HasSuffix(s, ext) {
			return false
		}
	}
	for _, c := range s {
		if !(c == '-' || c == '_' || c == '.' || c == '/' || (c >= '0' && c <= '9') || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
			return false
		}
	}
	return true
}
