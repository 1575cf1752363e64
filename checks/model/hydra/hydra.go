// Package hydra finds the classes and functions a Hydra/OmegaConf config
// (NeMo's model_config.yaml) makes its loader import and call: every
// `_target_` that hydra.utils.instantiate reads, and the `target`/`cls`
// class paths NeMo's from_config_dict imports. It parses the YAML as a tree
// (anchors, aliases, merge keys, quoted and escaped keys, complex keys, flow
// style, tags, every document of a stream) and resolves OmegaConf's
// `${…}` node interpolations, instead of matching text that YAML can spell
// in many ways. Nothing is expanded: an alias is walked once where its
// anchor is, so alias bombs cost nothing.
package hydra

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Target is one class or function path the config hands to the loader.
type Target struct {
	Path  string // where it is in the config: "encoder._target_"
	Key   string // "_target_", "target" or "cls"
	Value string // the name, after aliases and ${…} interpolations
	// Computed is the raw text when OmegaConf computes the value at load
	// time in a way ward does not follow (a resolver such as ${oc.env:X},
	// an interpolation that does not resolve, an escaped ${); Value is
	// then as far as ward got.
	Computed string
	// RemoteCode is the mapping's trust_remote_code argument ("key: value",
	// the key under a *kwargs mapping when it is there) when Python would
	// read it as true (or only load time decides it): the instantiated
	// class then imports code a model repository ships.
	RemoteCode string
}

// Limits bound the walk.
type Limits struct {
	MaxNodes int // YAML nodes visited, over all documents
}

// ErrLimit is returned (wrapped) with the targets found so far when a
// bound stops the walk.
var ErrLimit = errors.New("limit reached")

// ErrParse is returned (wrapped) when the text is not YAML that a YAML 1.1/1.2
// parser accepts; OmegaConf refuses such a file, so nothing is instantiated
// from it, but what a more lenient reader sees was not analysed.
var ErrParse = errors.New("not valid YAML")

const (
	defaultMaxNodes = 1 << 20
	maxInterpHops   = 16 // ${a} → ${b} → … chains followed
	maxLookupDepth  = 64 // nested merges and path segments followed in one lookup
)

// instantiated are the keys whose values name code. `_target_` is Hydra's;
// `target` and `cls` are NeMo's from_config_dict (with `params`, or alone
// as the model's class), counted only when the value is a dotted path.
var instantiated = map[string]bool{"_target_": true, "target": true, "cls": true}

var dottedPath = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$`)

// frame is a node on the walk with its place in the config.
type frame struct {
	node   *yaml.Node
	parent *frame // the enclosing mapping's or list's frame; nil at a document root
	root   *yaml.Node
	path   string
}

// Targets parses src (every document of the stream) and returns every
// instantiated name in it.
func Targets(ctx context.Context, src []byte, lim Limits) (out []Target, err error) {
	if lim.MaxNodes <= 0 {
		lim.MaxNodes = defaultMaxNodes
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: parser failed: %v", ErrParse, r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var docs []*yaml.Node
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("%w: %v", ErrParse, err)
		}
		docs = append(docs, &doc)
	}
	w := walker{ctx: ctx, lim: lim, seen: map[*yaml.Node]bool{}}
	for _, doc := range docs {
		root := doc
		if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
			root = doc.Content[0]
		}
		if err := w.walk(&frame{node: root, root: deref(root)}); err != nil {
			return w.out, err
		}
	}
	return w.out, nil
}

type walker struct {
	ctx   context.Context
	lim   Limits
	seen  map[*yaml.Node]bool
	nodes int
	out   []Target
}

func (w *walker) walk(start *frame) error {
	stack := []*frame{start}
	for len(stack) > 0 {
		f := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		n := f.node
		if n == nil || w.seen[n] {
			continue
		}
		w.seen[n] = true
		w.nodes++
		if w.nodes > w.lim.MaxNodes {
			return fmt.Errorf("%w: more than %d YAML nodes", ErrLimit, w.lim.MaxNodes)
		}
		if w.nodes%4096 == 0 && w.ctx.Err() != nil {
			return fmt.Errorf("%w: %v", ErrLimit, w.ctx.Err())
		}
		switch n.Kind {
		case yaml.AliasNode:
			// the anchored node is walked where it is defined; an anchor
			// defined later in the stream is reached here too
			stack = append(stack, &frame{node: n.Alias, parent: f.parent, root: f.root, path: f.path})
		case yaml.DocumentNode, yaml.SequenceNode:
			// a list is a parent too: OmegaConf's ${..x} from an element's
			// mapping names the list, which has no key x
			for i := len(n.Content) - 1; i >= 0; i-- {
				stack = append(stack, &frame{node: n.Content[i], parent: f, root: f.root,
					path: fmt.Sprintf("%s[%d]", f.path, i)})
			}
		case yaml.MappingNode:
			direct := false
			for i := 0; i+1 < len(n.Content); i += 2 {
				if key := scalar(n.Content[i]); instantiated[key] && !isMerge(n.Content[i]) {
					direct = true
					w.target(f, join(f.path, key), key, n.Content[i+1])
				}
			}
			if !direct {
				// a _target_ merged in (<<: *base) is reported where its
				// anchor is; trust_remote_code written next to the merge
				// key is only seen here
				if v := get(n, "_target_", 0); v != nil {
					if rc := remoteCode(f, n); rc != "" {
						w.target(f, join(f.path, "_target_"), "_target_", v)
					}
				}
			}
			for i := len(n.Content) - 2; i >= 0; i -= 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := join(f.path, scalar(k))
				// keys are walked too: a complex key (? {…}) is a mapping
				stack = append(stack, &frame{node: v, parent: f, root: f.root, path: p},
					&frame{node: k, parent: f, root: f.root, path: p + "(key)"})
			}
		}
	}
	return nil
}

// target records the value of an instantiated key found in mapping f.
func (w *walker) target(f *frame, p, key string, v *yaml.Node) {
	d := deref(v)
	if d == nil || d.Kind != yaml.ScalarNode {
		return // a mapping or list is not a name
	}
	raw := d.Value
	t := Target{Path: p, Key: key, Value: raw}
	if strings.Contains(raw, "${") {
		val, ok := w.interpolate(f, raw)
		t.Value = val
		if !ok {
			t.Computed = raw
		}
	}
	if key != "_target_" && t.Computed == "" && !dottedPath.MatchString(t.Value) {
		return // NeMo reads `target`/`cls` as a class path only when it is one
	}
	t.RemoteCode = remoteCode(f, f.node)
	w.out = append(w.out, t)
}

// remoteCode is mapping m's trust_remote_code argument ("key: value") when
// Python reads it as true: Hydra passes it to the class, and transformers
// (from_pretrained, pipeline, AutoTokenizer) or sentence-transformers then
// import the code a model repository ships. Only false, no, off (in PyYAML's
// spellings), null, 0 and empty values are false; a quoted "false" is a
// non-empty string, which Python takes as true. A value that only load time
// decides (a resolver, an interpolation that does not resolve) is reported
// too. "" means not set or false.
func remoteCode(f *frame, m *yaml.Node) string {
	if rc := remoteCodeValue(f, get(m, "trust_remote_code", 0)); rc != "" {
		return "trust_remote_code: " + rc
	}
	// keyword arguments passed on by the class (sentence-transformers'
	// model_kwargs/tokenizer_kwargs/config_kwargs, transformers'
	// model_kwargs of pipeline)
	if m = deref(m); m != nil && m.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if k := scalar(m.Content[i]); strings.HasSuffix(k, "kwargs") {
				if rc := remoteCodeValue(f, get(m.Content[i+1], "trust_remote_code", 0)); rc != "" {
					return k + ".trust_remote_code: " + rc
				}
			}
		}
	}
	return ""
}

// remoteCodeValue is the text of one trust_remote_code value when Python
// reads it as true, "" otherwise (see remoteCode).
func remoteCodeValue(f *frame, v *yaml.Node) string {
	for hop := 0; v != nil && hop < maxInterpHops; hop++ {
		if v.Kind != yaml.ScalarNode || !strings.Contains(v.Value, "${") {
			break
		}
		ref := interp.FindStringSubmatch(v.Value)
		if ref == nil || ref[0] != strings.TrimSpace(v.Value) {
			return v.Value // a resolver or a string built around ${…}
		}
		next := lookupNode(f, strings.TrimSpace(ref[1]))
		if next == nil {
			return v.Value
		}
		v = next
	}
	switch {
	case v == nil:
		return ""
	case v.Kind == yaml.MappingNode || v.Kind == yaml.SequenceNode:
		if len(v.Content) == 0 {
			return ""
		}
		return "a non-empty " + map[yaml.Kind]string{yaml.MappingNode: "mapping", yaml.SequenceNode: "list"}[v.Kind]
	case v.Kind != yaml.ScalarNode:
		return ""
	}
	quoted := v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 ||
		v.Style&yaml.TaggedStyle != 0 && v.ShortTag() == "!!str"
	if v.Value == "" || !quoted && falsy(v.Value) {
		return ""
	}
	if quoted {
		return fmt.Sprintf("%q", v.Value)
	}
	return v.Value
}

// falsy says whether PyYAML (which OmegaConf uses) reads a plain scalar as
// a value Python takes as false: YAML 1.1 false and null spellings, and
// zero written as a YAML 1.1 int or float.
func falsy(s string) bool {
	switch s {
	case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "null", "Null", "NULL", "~":
		return true
	}
	return yamlZero.MatchString(s)
}

// yamlZero is zero as PyYAML's int and float resolvers read it (signs,
// underscores, 0x/0o/0b and 0-prefixed octal, exponents).
var yamlZero = regexp.MustCompile(`^[-+]?(0[0_]*|0b[0_]+|0x[0_]+|0o[0_]+|(0[0_]*\.[0_]*|\.[0_]+|0[0_]*)([eE][-+]?[0-9]+)?)$`)

var interp = regexp.MustCompile(`\$\{([^${}:\\]*)\}`)

// interpolate resolves OmegaConf node interpolations (${a.b}, ${.sibling},
// ${..uncle}) in s, as OmegaConf does before Hydra reads the value. It
// reports false when something is left that only load time decides.
func (w *walker) interpolate(f *frame, s string) (string, bool) {
	for hop := 0; hop < maxInterpHops && strings.Contains(s, "${"); hop++ {
		ok := true
		s = interp.ReplaceAllStringFunc(s, func(m string) string {
			v, found := lookup(f, strings.TrimSpace(m[2:len(m)-1]))
			if !found {
				ok = false
				return m
			}
			return v
		})
		if !ok || !interp.MatchString(s) {
			return s, ok && !strings.Contains(s, "${")
		}
	}
	return s, !strings.Contains(s, "${")
}

// lookup resolves an OmegaConf node path from mapping f: absolute from the
// document root, or relative with leading dots (one: f itself, each more:
// one mapping up).
func lookup(f *frame, ref string) (string, bool) {
	n := lookupNode(f, ref)
	if n == nil || n.Kind != yaml.ScalarNode {
		return "", false
	}
	return n.Value, true
}

// lookupNode is the node an OmegaConf node path names (nil when it names
// nothing ward can follow).
func lookupNode(f *frame, ref string) *yaml.Node {
	if ref == "" || strings.ContainsAny(ref, "[]") {
		return nil
	}
	base := f.root
	if strings.HasPrefix(ref, ".") {
		dots := len(ref) - len(strings.TrimLeft(ref, "."))
		ref = ref[dots:]
		g := f
		for i := 1; i < dots && g != nil; i++ {
			g = g.parent
		}
		if g == nil {
			return nil
		}
		base = deref(g.node)
	}
	n := base
	for _, seg := range strings.Split(ref, ".") {
		n = get(n, seg, 0)
		if n == nil {
			return nil
		}
	}
	return n
}

// get finds key in mapping m as PyYAML builds it: a key written in m wins
// over merged ones, and of the merged mappings (<<: *a or <<: [*a, *b])
// the first that has it.
func get(m *yaml.Node, key string, depth int) *yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > maxLookupDepth {
		return nil
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := scalar(m.Content[i])
		if k == key && !isMerge(m.Content[i]) {
			return deref(m.Content[i+1])
		}
		if isMerge(m.Content[i]) {
			merges = append(merges, m.Content[i+1])
		}
	}
	for _, src := range merges {
		src = deref(src)
		if src == nil {
			continue
		}
		list := []*yaml.Node{src}
		if src.Kind == yaml.SequenceNode {
			list = src.Content
		}
		for _, s := range list {
			if v := get(s, key, depth+1); v != nil {
				return v
			}
		}
	}
	return nil
}

func isMerge(k *yaml.Node) bool {
	k = deref(k)
	return k != nil && k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge"
}

// scalar is a key's text ("" for a mapping or list used as a key).
func scalar(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// deref follows aliases (an alias of an alias cannot be written, but the
// chain is bounded anyway).
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxLookupDepth; i++ {
		n = n.Alias
	}
	return n
}

func join(path, key string) string {
	if key == "" {
		key = "?"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}
