package chattemplate

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/tokens"
	"github.com/ward-sec/ward/checks"
)

// tokenScan is the fallback for templates gonja cannot parse: the same
// judgements over gonja's token stream (attribute names after '.', |attr
// arguments, string literals, calls of Python builtins, literal runs joined
// by ~ or +), then a plain-text scan of whatever the lexer could not read.
func tokenScan(src string, c *collector) {
	toks, rest := lex(src)
	for i, t := range toks {
		prev := func(k int) *tokens.Token {
			if i-k >= 0 {
				return toks[i-k]
			}
			return nil
		}
		next := func(k int) *tokens.Token {
			if i+k < len(toks) {
				return toks[i+k]
			}
			return nil
		}
		switch t.Type {
		case tokens.Name:
			if p := prev(1); p != nil && p.Type == tokens.Dot {
				c.access(t.Val, "reads")
			} else if n := next(1); n != nil && n.Type == tokens.LeftParenthesis && dangerousCalls[t.Val] {
				c.add(checks.SeverityCritical, t.Val+"(", "calls the Python builtin %s(), which a chat template has no reason to use", t.Val)
			} else if dunder.MatchString(t.Val) {
				c.access(t.Val, "refers to")
			}
			if t.Val == "attr" {
				if p := prev(1); p != nil && p.Type == tokens.Pipe {
					if a, b := next(1), next(2); a != nil && b != nil && a.Type == tokens.LeftParenthesis && b.Type == tokens.String {
						c.access(unquote(b.Val), "uses |attr to read")
					}
				}
			}
		case tokens.String:
			v := unquote(t.Val)
			c.literal(v, t.Val)
			if p := prev(1); p != nil && p.Type == tokens.LeftBracket {
				c.access(v, "indexes")
			}
			// a run of literals joined by ~ or +
			if p := prev(1); p == nil || (p.Type != tokens.Tilde && p.Type != tokens.Addition) {
				s, n := v, 1
				for k := i + 1; k+1 < len(toks) && (toks[k].Type == tokens.Tilde || toks[k].Type == tokens.Addition) && toks[k+1].Type == tokens.String; k += 2 {
					s += unquote(toks[k+1].Val)
					n++
				}
				if n > 1 {
					c.assembled(s, "concatenation")
				}
			}
		case tokens.LeftBracket:
			// ['__cla', 'ss__']|join
			var parts []string
			k := i + 1
			for ; k < len(toks) && toks[k].Type == tokens.String; k++ {
				parts = append(parts, unquote(toks[k].Val))
				if k+1 < len(toks) && toks[k+1].Type == tokens.Comma {
					k++
				}
			}
			if len(parts) > 1 && k+2 < len(toks) && toks[k].Type == tokens.RightBracket && toks[k+1].Type == tokens.Pipe &&
				toks[k+2].Type == tokens.Name && toks[k+2].Val == "join" {
				c.assembled(strings.Join(parts, ""), "|join")
			}
		}
	}
	if rest != "" {
		textScan(rest, c)
	}
}

// lex returns the tokens gonja's lexer produced and, if it stopped on an
// error, the source from that point on.
func lex(src string) ([]*tokens.Token, string) {
	var out []*tokens.Token
	defer func() { _ = recover() }()
	stream := tokens.LexAll(src, config.New())
	for !stream.End() && len(out) < maxVisits {
		t := stream.Current()
		if t == nil {
			break
		}
		if t.Type == tokens.Error {
			if t.Pos >= 0 && t.Pos < len(src) {
				return out, src[t.Pos:]
			}
			return out, ""
		}
		out = append(out, t)
		stream.Next()
	}
	return out, ""
}

var (
	attrRe    = regexp.MustCompile(`\.\s*([A-Za-z_][A-Za-z0-9_]*)`)
	callRe    = regexp.MustCompile(`\b([A-Za-z_][A-Za-z0-9_]*)\s*\(`)
	literalRe = regexp.MustCompile(`'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"`)
)

// textScan judges text the lexer could not tokenise.
func textScan(s string, c *collector) {
	for _, m := range attrRe.FindAllStringSubmatch(s, 10000) {
		c.access(m[1], "reads")
	}
	for _, m := range callRe.FindAllStringSubmatch(s, 10000) {
		if dangerousCalls[m[1]] {
			c.add(checks.SeverityCritical, m[1]+"(", "calls the Python builtin %s(), which a chat template has no reason to use", m[1])
		}
	}
	for _, m := range literalRe.FindAllString(s, 10000) {
		c.literal(unquote(m), m)
	}
}

// unquote decodes a Python string literal (with or without its quotes).
func unquote(raw string) string {
	s := raw
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	if !strings.Contains(s, "\\") {
		return s
	}
	if v, err := strconv.Unquote(`"` + strings.ReplaceAll(s, `"`, `\"`) + `"`); err == nil {
		return v
	}
	return escapeRe.ReplaceAllStringFunc(s, func(m string) string { return string(decodeEscape(m)) })
}
