package tfmodel

import (
	"bytes"
	"fmt"

	"github.com/ward-sec/ward/checks/model/textproto"
)

// looksTextGraph: the text format of a SavedModel (saved_model.pbtxt,
// which tf.saved_model.load reads when there is no saved_model.pb) or of
// a GraphDef (.pbtxt, tf.io.write_graph(as_text=True)).
func looksTextGraph(head []byte) bool {
	h := bytes.TrimLeft(head, " \t\r\n")
	for _, p := range []string{"saved_model_schema_version", "meta_graphs", "node {", "node{", "library {", "versions {"} {
		if bytes.HasPrefix(h, []byte(p)) {
			return true
		}
	}
	return false
}

// analyseText decodes a text-format SavedModel or GraphDef into the same
// graphs the binary decoder produces.
func analyseText(b []byte, limit int) Report {
	m, err := textproto.Parse(string(b))
	if m == nil {
		return Report{}
	}
	d := &textGraphs{max: limit}
	if metas := m.Messages("meta_graphs"); len(metas) > 0 {
		for _, mg := range metas {
			for _, g := range mg.Messages("graph_def") {
				d.graph(g)
			}
		}
	} else {
		d.graph(m)
	}
	if !plausible(d.out) {
		return Report{}
	}
	kind := KindGraphDef
	if len(m.Messages("meta_graphs")) > 0 {
		kind = KindSavedModel
	}
	if err != nil {
		err = fmt.Errorf("%w (text format)", err)
		if bytes.Contains([]byte(err.Error()), []byte("bounds")) {
			err = fmt.Errorf("%w: %v", errLimit, err)
		}
	}
	if d.err != nil {
		err = d.err
	}
	return finish(Report{Kind: kind, Graphs: d.out, Err: err})
}

type textGraphs struct {
	out   []Graph
	nodes int
	max   int
	err   error
}

func (d *textGraphs) graph(g *textproto.Message) {
	gr := Graph{Where: "graph"}
	for _, n := range g.Messages("node") {
		gr.Nodes = append(gr.Nodes, d.node(n))
	}
	d.out = append(d.out, gr)
	for _, lib := range g.Messages("library") {
		for _, fn := range lib.Messages("function") {
			fg := Graph{Where: "function"}
			for _, sig := range fn.Messages("signature") {
				fg.Where = "function " + sig.String("name")
			}
			for _, n := range fn.Messages("node_def") {
				fg.Nodes = append(fg.Nodes, d.node(n))
			}
			d.out = append(d.out, fg)
		}
	}
}

func (d *textGraphs) node(m *textproto.Message) Node {
	d.nodes++
	if d.nodes > d.max && d.err == nil {
		d.err = fmt.Errorf("%w: more than %d nodes", errLimit, d.max)
	}
	n := Node{Name: m.String("name"), Op: m.String("op"), Inputs: m.Strings("input")}
	for _, a := range m.Messages("attr") {
		key := a.String("key")
		for _, v := range a.Messages("value") {
			d.attrValue(v, key, &n, 0)
		}
	}
	return n
}

func (d *textGraphs) attrValue(v *textproto.Message, key string, n *Node, depth int) {
	if depth > maxAttrDepth {
		return
	}
	add := func(ss []string) {
		if len(ss) == 0 {
			return
		}
		if n.Strings == nil {
			n.Strings = map[string][]string{}
		}
		n.Strings[key] = append(n.Strings[key], ss...)
	}
	add(v.Strings("s"))
	for _, l := range v.Messages("list") {
		add(l.Strings("s"))
		for _, f := range l.Messages("func") {
			d.funcRef(f, n, depth+1)
		}
	}
	for _, t := range v.Messages("tensor") {
		add(t.Strings("string_val"))
	}
	for _, f := range v.Messages("func") {
		d.funcRef(f, n, depth+1)
	}
}

func (d *textGraphs) funcRef(f *textproto.Message, n *Node, depth int) {
	n.Funcs = append(n.Funcs, f.String("name"))
	for _, a := range f.Messages("attr") {
		for _, v := range a.Messages("value") {
			d.attrValue(v, a.String("key"), n, depth)
		}
	}
}
